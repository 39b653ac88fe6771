"""Reading an ``arize`` Airflow connection into client settings (no network, no Airflow import).

``host`` is the endpoint URL, ``password`` the developer API key; the extra holds ``space_id``, the job
id form, TLS and retry settings, its keys optionally prefixed ``extra__arize__``. Every field, its
default and what is validated: ``docs/connection.md``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.retry import RetryPolicy

log = logging.getLogger(__name__)

CONN_TYPE = "arize"
JobIdForm = Literal["auto", "global", "short"]


class ConnectionLike(Protocol):
    """The attributes of an Airflow ``Connection`` this module reads."""

    @property
    def conn_id(self) -> str | None: ...
    @property
    def host(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...
    @property
    def port(self) -> int | None: ...
    @property
    def schema(self) -> str | None: ...

    @property
    def extra_dejson(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ArizeConnectionSettings:
    """Everything needed to build a client; ``api_key`` never appears in ``repr``."""

    conn_id: str
    endpoint: str
    space_id: str
    api_key: str = field(repr=False)
    job_id_form: JobIdForm = "auto"
    timeout: float = 30.0
    verify: bool | str = True
    #: ``RetryPolicy`` fields the extra sets (``retry_<field>``), validated; the others keep their defaults.
    retry: Mapping[str, float] = field(default_factory=dict)
    #: Pacing ceilings, requests a minute: the triggerer's clients, and the tasks on one machine.
    poll_queries_per_minute: float = constants.DEFAULT_QUERIES_PER_MINUTE
    task_queries_per_minute: float = constants.DEFAULT_QUERIES_PER_MINUTE

    @classmethod
    def from_connection(cls, conn: ConnectionLike) -> ArizeConnectionSettings:
        """Validate a connection; every problem is an ``ArizeConfigError`` naming the field."""
        conn_id = conn.conn_id or "<unnamed>"
        extra = _extra(conn)
        api_key = (conn.password or "").strip()
        if not api_key:
            raise ArizeConfigError(
                f"connection {conn_id!r} has no developer API key (put it in the password field)",
                field="password",
            )
        space_id = str(extra.get("space_id") or "").strip()
        if not space_id:
            raise ArizeConfigError(
                f"connection {conn_id!r} has an empty space id (extra 'space_id')", field="space_id"
            )
        job_id_form = str(extra.get("job_id_form") or "auto")
        if job_id_form not in ("auto", "global", "short"):
            raise ArizeConfigError(
                f"connection {conn_id!r}: job_id_form must be 'auto', 'global' or 'short', "
                f"got {job_id_form!r}",
                field="job_id_form",
            )
        # 0 is refused, not read as "no timeout"
        timeout = _positive_number(extra, conn_id, "timeout", 30.0, " of seconds")
        verify = _verify(extra, conn_id)
        if verify is False:
            log.warning(
                "connection %r turns TLS certificate verification OFF (extra verify=false); "
                "use it only against a local emulator",
                conn_id,
            )
        return cls(
            conn_id=conn_id,
            endpoint=endpoint_url(conn),
            space_id=space_id,
            api_key=api_key,
            job_id_form=cast(JobIdForm, job_id_form),
            timeout=timeout,
            verify=verify,
            retry=_retry_settings(extra, conn_id),
            poll_queries_per_minute=_per_minute(extra, conn_id, "poll_queries_per_minute"),
            task_queries_per_minute=_per_minute(extra, conn_id, "task_queries_per_minute"),
        )

    def retry_policy(self) -> Any:
        """The transport's ``RetryPolicy`` with this connection's retry settings."""
        return RetryPolicy(**self.retry)  # type: ignore[arg-type]


def _verify(extra: Mapping[str, Any], conn_id: str) -> bool | str:
    """``verify``, or the path of ``ca_bundle`` when one is given; it must exist, and ``verify=false``
    beside it is refused (which of the two was meant cannot be told)."""
    verify: bool = _as_bool(extra.get("verify", True), "verify")
    bundle = extra.get("ca_bundle")
    if bundle is None or bundle == "":
        return verify
    if not verify:
        raise ArizeConfigError(
            f"connection {conn_id!r} sets both ca_bundle and verify=false: keep ca_bundle to trust that CA, "
            "or remove it to turn verification off",
            field="ca_bundle",
        )
    if not os.path.exists(str(bundle)):
        raise ArizeConfigError(
            f"connection {conn_id!r}: ca_bundle {str(bundle)!r} is not a file or directory on this machine",
            field="ca_bundle",
        )
    return str(bundle)


#: ``RetryPolicy`` fields a connection may set, as ``retry_<field>`` in its extra.
RETRY_FIELDS = ("max_attempts", "backoff_base", "backoff_max", "max_retry_after")


def _retry_settings(extra: Mapping[str, Any], conn_id: str) -> dict[str, float]:
    """The extra's ``retry_*`` settings as ``RetryPolicy`` keyword arguments, checked by building one."""
    settings: dict[str, float] = {}
    for name in RETRY_FIELDS:
        value = extra.get(f"retry_{name}")
        if value is None or value == "":
            continue
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ArizeConfigError(
                f"connection {conn_id!r}: retry_{name} must be a number, got {value!r}", field=f"retry_{name}"
            ) from exc
        if name == "max_attempts":
            if not number.is_integer():
                raise ArizeConfigError(
                    f"connection {conn_id!r}: retry_max_attempts must be a whole number, got {value!r}",
                    field="retry_max_attempts",
                )
            number = int(number)
        settings[name] = number
    try:
        RetryPolicy(**settings)  # type: ignore[arg-type]
    except ArizeConfigError as exc:
        message = str(exc).replace("retry.", "retry_")
        raise ArizeConfigError(f"connection {conn_id!r}: {message}", field=f"retry_{exc.field}") from None
    return settings


def endpoint_url(conn: ConnectionLike) -> str:
    """``https://app.arize.com`` unless the connection's host says otherwise (scheme and port kept)."""
    host = (conn.host or "").strip().rstrip("/")
    if not host:
        return constants.DEFAULT_ENDPOINT
    if "://" not in host:
        scheme = (conn.schema or "https").strip() or "https"
        host = f"{scheme}://{host}"
    if conn.port and host.count(":") < 2:
        host = f"{host}:{conn.port}"
    return host


def _per_minute(extra: Mapping[str, Any], conn_id: str, name: str) -> float:
    """A pacing ceiling from the extra: a positive, finite number of requests a minute."""
    return _positive_number(extra, conn_id, name, float(constants.DEFAULT_QUERIES_PER_MINUTE))


def _positive_number(
    extra: Mapping[str, Any], conn_id: str, name: str, default: float, unit: str = ""
) -> float:
    """``extra[name]`` as a positive, finite number; ``default`` when it is left out or empty."""
    value = extra.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not 0 < number < float("inf"):
        raise ArizeConfigError(
            f"connection {conn_id!r}: {name} must be a positive number{unit}, got {value!r}", field=name
        )
    return number


def _extra(conn: ConnectionLike) -> dict[str, Any]:
    try:
        raw = conn.extra_dejson
    except (ValueError, json.JSONDecodeError) as exc:  # pragma: no cover - Airflow already parses
        raise ArizeConfigError("connection extra is not valid JSON", field="extra") from exc
    if not isinstance(raw, Mapping):
        raise ArizeConfigError("connection extra must be a JSON object", field="extra")
    prefix = f"extra__{CONN_TYPE}__"
    return {(k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in raw.items()}


def _as_bool(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ArizeConfigError(f"{name} must be true or false, got {value!r}", field=name)
