"""Checking a table's columns against a :class:`~airflow_provider_arize.api.models.ModelSchema`.

:func:`check_columns` is pure (no I/O): given the columns a warehouse reported and the schema, it
returns a :class:`PreflightReport` or raises one :class:`ArizePreflightError` listing every problem.
The rules (name matching, types per role, prefixes): ``docs/warehouses.md``, "Preflight rules".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_arize.api.models.schema import ModelSchema
from airflow_provider_arize.hooks.warehouses.errors import ArizePreflightError, PreflightProblem
from airflow_provider_arize.hooks.warehouses.types import ColumnType, classify, rule_for

__all__ = ["ColumnResolver", "PreflightReport", "check_columns"]

_EMBEDDING_ATTRS = {
    "vectorCol": "vector_col",
    "rawDataCol": "raw_data_col",
    "linkToDataCol": "link_to_data_col",
}


@dataclass(frozen=True)
class PreflightReport:
    """What preflight matched, by role.

    * ``table``: the fully qualified table name checked.
    * ``columns``: every column of the table with its warehouse type, as reported.
    * ``roles``: exact-column role → column name as the warehouse spells it.
    * ``features`` / ``tags`` / ``shap_values``: columns matched by the prefixes or lists, in table order.
    * ``embedding_columns``: ``embeddingFeatures.<name>.<vectorCol|rawDataCol|linkToDataCol>`` → column.
    """

    table: str
    columns: dict[str, str]
    roles: dict[str, str] = field(default_factory=dict)
    features: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    shap_values: tuple[str, ...] = ()
    embedding_columns: dict[str, str] = field(default_factory=dict)

    @property
    def matched(self) -> dict[str, tuple[str, ...]]:
        """Every matched column by role: exact roles as 1-tuples plus ``features``, ``tags``,
        ``shapValues`` (only when the schema uses them)."""
        out: dict[str, tuple[str, ...]] = {role: (column,) for role, column in self.roles.items()}
        for role, columns in (
            ("features", self.features),
            ("tags", self.tags),
            ("shapValues", self.shap_values),
        ):
            if columns:
                out[role] = columns
        out.update({role: (column,) for role, column in self.embedding_columns.items()})
        return out

    def summary(self) -> dict[str, Any]:
        """A JSON-serialisable summary (for XCom): ``table``, ``roles``, ``features``, ``tags`` and, when
        used, ``shapValues`` and ``embeddingFeatures``."""
        out: dict[str, Any] = {
            "table": self.table,
            "roles": dict(self.roles),
            "features": list(self.features),
            "tags": list(self.tags),
        }
        if self.shap_values:
            out["shapValues"] = list(self.shap_values)
        if self.embedding_columns:
            out["embeddingFeatures"] = dict(self.embedding_columns)
        return out


class ColumnResolver:
    """Finds a table column by name: exact case first, then case-insensitively (if unambiguous)."""

    def __init__(self, columns: Mapping[str, str]) -> None:
        self.columns = dict(columns)
        self._folded: dict[str, list[str]] = {}
        for name in self.columns:
            self._folded.setdefault(name.casefold(), []).append(name)

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """``(column, None)`` when found, else ``(None, reason)``."""
        if name in self.columns:
            return name, None
        candidates = self._folded.get(name.casefold(), [])
        if len(candidates) == 1:
            return candidates[0], None
        if candidates:
            return None, f"matches several columns that differ only in case: {', '.join(sorted(candidates))}"
        return None, "column does not exist"


def check_columns(
    table: str, columns: Mapping[str, str], schema: ModelSchema, *, bare_timestamp_aware: bool
) -> PreflightReport:
    """Check ``columns`` (name → type) against ``schema``: ``docs/warehouses.md``, "Preflight rules".

    :param bare_timestamp_aware: how the warehouse reads a plain ``TIMESTAMP`` (see :func:`.types.classify`).
    :raises ArizePreflightError: listing every problem; ``field`` is the role of the first.
    """
    resolver = ColumnResolver(columns)
    problems: list[PreflightProblem] = []

    def typed(column: str) -> ColumnType:
        return classify(columns[column], bare_timestamp_aware=bare_timestamp_aware)

    def check(role: str, column: str) -> bool:
        rule = rule_for(role)
        column_type = typed(column)
        if rule.accepts(column_type):
            return True
        problems.append(
            PreflightProblem(column, role, f"type {column_type.raw} is not accepted: {rule.requirement}")
        )
        return False

    def exact(role: str, name: str) -> str | None:
        found, reason = resolver.resolve(name)
        if found is None:
            problems.append(PreflightProblem(name, role, reason or "column does not exist"))
            return None
        return found if check(role, found) else None

    roles: dict[str, str] = {}
    for role, name in schema.columns().items():
        if (found := exact(role, name)) is not None:
            roles[role] = found

    excluded = {name.casefold() for name in schema.exclude or ()}

    def prefixed(
        role: str, prefix: str | None, explicit: Iterable[str] | None, list_role: str
    ) -> tuple[str, ...]:
        matched: list[str] = []
        if prefix:
            hits = [
                c
                for c in columns
                if c.casefold().startswith(prefix.casefold()) and c.casefold() not in excluded
            ]
            if not hits:
                problems.append(
                    PreflightProblem(f"{prefix}*", role, f"no column starts with the prefix {prefix!r}")
                )
            matched += [c for c in hits if check(role, c)]
        for name in explicit or ():
            found = exact(list_role, name)
            if found is not None and found not in matched:
                matched.append(found)
        order = list(columns)
        return tuple(sorted(matched, key=order.index))

    features = prefixed("features", schema.features, schema.features_list, "featuresList")
    tags = prefixed("tags", schema.tags, schema.tags_list, "tagsList")
    shap = prefixed("shapValues", schema.shap_values, None, "shapValues")

    embedding: dict[str, str] = {}
    for feature in schema.embedding_features or ():
        for part in ("vectorCol", "rawDataCol", "linkToDataCol"):
            name = getattr(feature, _EMBEDDING_ATTRS[part])
            if name:
                role = f"embeddingFeatures.{feature.feature_name}.{part}"
                if (found := exact(role, name)) is not None:
                    embedding[role] = found

    if problems:
        raise ArizePreflightError.from_problems(table, problems)
    return PreflightReport(
        table=table,
        columns=dict(columns),
        roles=roles,
        features=features,
        tags=tags,
        shap_values=shap,
        embedding_columns=embedding,
    )
