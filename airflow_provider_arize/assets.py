"""Arize models and load windows as Airflow assets: the asset of a model, updated when Arize has ingested
its data (``docs/model-assets.md``), and the windows a load DAG's asset events carry to an Arize DAG
scheduled on them (``docs/event-jobs.md``, "Runs triggered by an asset event")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from airflow_provider_arize.api.errors import ArizeConfigError

if TYPE_CHECKING:  # the models package is loaded when a window is built, not when a DAG is parsed
    from airflow_provider_arize.api.models.windows import QueryWindow

__all__ = [
    "ARIZE_SCHEME",
    "ASSET_SCHEME",
    "WINDOW_END",
    "WINDOW_START",
    "arize_model_asset",
    "asset_event_windows",
    "asset_windows",
    "is_model_uri",
    "model_asset_uri",
    "model_dataset",
    "model_event_extra",
    "model_from_uri",
    "model_outlets",
    "model_updates",
    "window_extra",
    "windows_from_asset_events",
]

#: Keys of an asset event's ``extra`` that carry the loaded window (ISO-8601 with an offset).
WINDOW_START, WINDOW_END = "window_start", "window_end"


#: Scheme of an Arize model's OpenLineage namespace (``docs/lineage.md``).
ARIZE_SCHEME = "arize"
#: Scheme of an Arize model's Asset URI (``docs/model-assets.md``): Airflow normalizes ``x-`` schemes
#: without loading every provider's URI handlers, so a DAG scheduled on a model parses lightly.
ASSET_SCHEME = "x-arize"
_MODEL_SCHEMES = (ASSET_SCHEME, ARIZE_SCHEME)


def model_dataset(space_id: str, model_name: str) -> tuple[str, str]:
    """The OpenLineage ``(namespace, name)`` of an Arize model: ``("arize://<space id>", "<model name>")``."""
    space = quote(_required(space_id, "space_id"), safe="")
    return f"{ARIZE_SCHEME}://{space}", _required(model_name, "modelName")


def model_asset_uri(space_id: str, model_name: str) -> str:
    """``x-arize://<space id>/<model name>`` (each part percent-encoded): the URI of the model's asset."""
    space, name = (
        quote(_required(v, f), safe="") for v, f in ((space_id, "space_id"), (model_name, "modelName"))
    )
    return f"{ASSET_SCHEME}://{space}/{name}"


def is_model_uri(uri: object) -> bool:
    """Whether ``uri`` names an Arize model (``x-arize://`` or ``arize://``)."""
    return str(uri or "").startswith(tuple(f"{scheme}://" for scheme in _MODEL_SCHEMES))


def model_from_uri(uri: str) -> tuple[str, str]:
    """``(space id, model name)`` of an Arize model asset URI; ``ArizeConfigError`` for any other URI."""
    parts = urlsplit(uri)
    name = unquote(parts.path.lstrip("/"))
    if parts.scheme not in _MODEL_SCHEMES or not parts.netloc or not name or "/" in parts.path.lstrip("/"):
        raise ArizeConfigError(f"not an Arize model asset URI (x-arize://<space id>/<model name>): {uri!r}")
    return unquote(parts.netloc), name


def arize_model_asset(space_id: str, model_name: str, **kwargs: Any) -> Any:
    """The Asset of an Arize model, to put in an ingesting task's ``outlets`` and in a downstream DAG's
    ``schedule``. Each ingested window (or file batch) updates it with the window and counts in the
    event's extra (``docs/model-assets.md``). No network call: safe at DAG-parse time."""
    from airflow.sdk import Asset

    return Asset(uri=model_asset_uri(space_id, model_name), **kwargs)


def model_outlets(outlets: Iterable[Any] | None) -> list[Any]:
    """The Arize model assets among a task's ``outlets`` (any object whose ``uri`` names a model)."""
    return [o for o in outlets or () if is_model_uri(getattr(o, "uri", None))]


#: Keys of a task result that a model-asset event carries, beside the window.
_RESULT_KEYS = ("job_id", "query_id", "records_processed_count", "success", "failed", "pending", "expected")


def model_event_extra(result: Mapping[str, Any], window: QueryWindow | None = None) -> dict[str, Any]:
    """The ``extra`` of a model-asset event from what an Arize task returned: the ingested window
    (``window_start``/``window_end``, from the result or ``window``) and its counts
    (``records_processed_count`` for a table window; ``success``/``failed``/``pending``/``expected``
    files for a file batch)."""
    more = {key: result[key] for key in _RESULT_KEYS if result.get(key) is not None}
    if result.get(WINDOW_START) and result.get(WINDOW_END):
        return window_extra(result[WINDOW_START], result[WINDOW_END], **more)
    if window is not None:
        return window_extra(window.start, window.end, **more)
    return more


def model_updates(triggering: Mapping[Any, Iterable[Any]] | None) -> list[dict[str, Any]]:
    """What a run scheduled on Arize model assets was triggered by: the extra of each model-asset event
    (``model_asset`` added: the asset's URI), oldest window first; an event repeating a window (a cleared
    task that succeeded again) is kept once, with its latest counts. A run without one (triggered by hand)
    raises ``ArizeConfigError``."""
    updates: dict[tuple[str, str, str], dict[str, Any]] = {}
    for asset, events in (triggering or {}).items():
        uri = str(getattr(asset, "uri", asset))
        for event in events:
            extra = dict(getattr(event, "extra", None) or {})
            if is_model_uri(uri) and extra.get(WINDOW_START) and extra.get(WINDOW_END):
                updates[(uri, extra[WINDOW_START], extra[WINDOW_END])] = {**extra, "model_asset": uri}
    if not updates:
        raise ArizeConfigError(
            "no Arize model-asset event with a window triggered this run: it runs when an ingesting task "
            "with the model's asset in its outlets succeeds (assets.arize_model_asset)",
            field="outlets",
        )
    return [updates[key] for key in sorted(updates, key=lambda k: (k[1], k[2], k[0]))]


def _required(value: str, field: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ArizeConfigError(f"an Arize model asset needs a non-empty {field}", field=field)
    return text


def window_extra(start: datetime | str, end: datetime | str, **more: Any) -> dict[str, Any]:
    """The ``extra`` of a load's asset event: the window ``[start, end)`` it loaded (validated: aware,
    ordered, non-empty) and anything else (``rows=...``)."""
    from airflow_provider_arize.api.models.windows import QueryWindow, format_utc

    window = QueryWindow.of(start, end)
    return {**more, WINDOW_START: format_utc(window.start), WINDOW_END: format_utc(window.end)}


def _events(triggering: Mapping[Any, Iterable[Any]] | None) -> list[Any]:
    return [event for events in (triggering or {}).values() for event in events]


def windows_from_asset_events(triggering: Mapping[Any, Iterable[Any]] | None) -> list[dict[str, str]]:
    """``[{"window_start", "window_end"}, ...]`` of the run's triggering asset events (the
    ``triggering_asset_events`` of the task context), oldest first, each once. No event carrying a window
    raises ``ArizeConfigError`` saying what the run lacks."""
    from airflow_provider_arize.api.models.windows import format_utc

    return [
        {WINDOW_START: format_utc(w.start), WINDOW_END: format_utc(w.end)} for w in asset_windows(triggering)
    ]


def asset_windows(triggering: Mapping[Any, Iterable[Any]] | None) -> list[QueryWindow]:
    """The windows of :func:`windows_from_asset_events`, as :class:`QueryWindow` objects."""
    from airflow_provider_arize.api.models.windows import QueryWindow

    events = _events(triggering)
    windows: set[QueryWindow] = set()
    for event in events:
        extra = getattr(event, "extra", None) or {}
        if WINDOW_START not in extra and WINDOW_END not in extra:
            continue
        for key, field in ((WINDOW_START, "queryStart"), (WINDOW_END, "queryEnd")):
            if extra.get(key) is None:
                raise ArizeConfigError(f"an asset event's extra has no '{key}': {extra!r}", field=field)
        windows.add(QueryWindow.of(extra[WINDOW_START], extra[WINDOW_END]))
    if not windows:
        raise ArizeConfigError(
            f"no query window: this run has no data interval and {len(events)} triggering asset events, "
            f"none with '{WINDOW_START}' and '{WINDOW_END}' in its extra; trigger it through a load that "
            "sets them (airflow_provider_arize.assets.window_extra), or pass window_start and window_end",
            field="queryStart",
        )
    return sorted(windows, key=lambda w: (w.start, w.end))


def asset_event_windows(task_id: str = "asset_event_windows") -> Any:
    """A task returning the run's asset-event windows, to map a trigger over:
    ``ArizeTriggerTableRunOperator.partial(...).expand_kwargs(asset_event_windows())``. A run without
    one fails at once (no retries: the events a run carries never change)."""
    from airflow.sdk import task

    @task(task_id=task_id, retries=0)
    def windows(triggering_asset_events: Any = None) -> list[dict[str, str]]:
        return windows_from_asset_events(triggering_asset_events)

    return windows()
