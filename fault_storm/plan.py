"""What a fault storm does: the jobs it creates, the windows it triggers, the faults it injects.

A :class:`StormPlan` is plain data (JSON round trip with :meth:`StormPlan.to_json` /
:meth:`StormPlan.from_json`, so a generated DAG file can rebuild the same DAG). Everything derived from
it is deterministic: model names, window bounds, which event-based job a window belongs to and how many
rows the warehouse holds in each window.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow_provider_arize.emulator.faults import FAULT_KINDS

#: Every fault kind a storm mixes by default: what the client sees as 5xx, 429 with ``Retry-After``, added
#: latency, a reset connection, and a response lost after the mutation committed.
#: (All of the emulator's kinds but ``timeout_after_commit``, which only makes a request slow to fail.)
DEFAULT_FAULT_KINDS: tuple[str, ...] = tuple(k for k in FAULT_KINDS if k != "timeout_after_commit")
#: Model names of the table jobs the storm creates (``storm-table-0000`` ...).
TABLE_MODEL_PREFIX = "storm-table-"
#: Model names of the event-based jobs whose windows the storm triggers (``storm-events-0`` ...).
EVENT_MODEL_PREFIX = "storm-events-"
#: The BigQuery project and dataset of the created table jobs (nothing is sent to Google).
BIGQUERY_PROJECT = "storm-project"
BIGQUERY_DATASET = "storm"
#: Ingestion parameters of every other created table job (applied by a second request after the create).
TABLE_INGESTION: dict[str, int] = {
    "refreshIntervalMinutes": 30,
    "queryWindowSizeHours": 6,
    "rowLimit": 100000,
}


@dataclass(frozen=True)
class Window:
    """One window the storm triggers: ``[start, end)`` on event-based job number ``job``, over which the
    warehouse holds exactly ``rows`` rows."""

    index: int
    job: int
    start: datetime
    end: datetime
    rows: int

    @property
    def bounds(self) -> tuple[str, str]:
        """``(start, end)`` as RFC 3339 UTC with ``Z`` (how the emulator's admin API writes them)."""
        return _rfc3339(self.start), _rfc3339(self.end)


@dataclass(frozen=True)
class StormPlan:
    """A storm's size, its faults and the retry settings of its tasks.

    :param creations: table jobs created, one mapped ``ArizeCreateTableImportJobOperator`` task each
        (BigQuery configs, distinct models; validated by Arize's dry run, never queried); every other one
        with :data:`TABLE_INGESTION` as its ingestion parameters.
    :param windows: windows triggered, one mapped ``ArizeTriggerTableRunOperator`` task each (consecutive
        hours from ``first_window``), spread round-robin over ``event_jobs`` event-based Snowflake jobs
        created by ``ArizeCreateTriggeredTableImportJobOperator``.
    :param fault_rate: share of GraphQL requests that get a fault, drawn from ``fault_kinds`` with
        ``random.Random(seed)`` in the emulator. The admin API is never faulted.
    :param fault_script: ``(kind, operation)`` faults applied, in order, to the next request of that
        GraphQL operation, before any random fault (for targeted storms and regression tests).
    :param retries: Airflow retries of every task (``retry_delay_seconds`` apart).
    :param poll_interval: seconds between a window task's polls (it waits in poke mode).
    :param rate_limited: keep the emulator's own per-key rate limit (100 queries a minute) on. Off by
        default: the storm's request volume would be paced by it, and the injected 429s (with
        ``Retry-After``) exercise the same client path.
    """

    creations: int = 20
    windows: int = 20
    event_jobs: int = 2
    fault_rate: float = 0.3
    seed: int = 20260301
    fault_kinds: tuple[str, ...] = DEFAULT_FAULT_KINDS
    fault_script: tuple[tuple[str, str], ...] = ()
    latency_ms: int = 200
    retry_after_seconds: int = 1
    retries: int = 8
    retry_delay_seconds: float = 0.0
    poll_interval: float = 0.2
    wait_timeout: float = 600.0
    first_window: str = "2026-01-01T00:00:00+00:00"
    rate_limited: bool = False
    dag_id: str = "arize_fault_storm"
    arize_conn_id: str = "arize_storm"
    snowflake_conn_id: str = "snowflake_storm"
    database: str = "STORM"
    schema: str = "ML"
    table: str = "STORM_EVENTS"

    def __post_init__(self) -> None:
        if self.creations < 0 or self.windows < 0:
            raise ValueError("creations and windows must be >= 0")
        if self.windows and self.event_jobs < 1:
            raise ValueError("triggering windows needs at least one event-based job")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, got {self.fault_rate}")
        object.__setattr__(self, "fault_kinds", tuple(self.fault_kinds))
        object.__setattr__(self, "fault_script", tuple((str(k), str(op)) for k, op in self.fault_script))

    # -- derived -------------------------------------------------------------------------------------
    def table_models(self) -> list[str]:
        """Model names of the table jobs to create, one per creation."""
        return [f"{TABLE_MODEL_PREFIX}{i:04d}" for i in range(self.creations)]

    def table_ingestion(self, i: int) -> dict[str, int] | None:
        """The ingestion parameters of table job ``i``: :data:`TABLE_INGESTION` for even ``i``."""
        return dict(TABLE_INGESTION) if i % 2 == 0 else None

    def event_models(self) -> list[str]:
        """Model names of the event-based jobs, one per ``event_jobs``."""
        return [f"{EVENT_MODEL_PREFIX}{k}" for k in range(self.event_jobs)]

    def window_list(self) -> list[Window]:
        """Every window, in order: hour ``i`` after ``first_window``, on job ``i % event_jobs``, with
        ``1 + (5 * i) % 7`` rows (1 to 7, so a window read twice or shifted shows in the counts)."""
        first = datetime.fromisoformat(self.first_window).astimezone(UTC)
        return [
            Window(
                index=i,
                job=i % self.event_jobs,
                start=first + timedelta(hours=i),
                end=first + timedelta(hours=i + 1),
                rows=1 + (5 * i) % 7,
            )
            for i in range(self.windows)
        ]

    def fault_config(self) -> dict[str, Any]:
        """The emulator's fault config (``admin.set_faults``) for the storm."""
        return {
            "rate": self.fault_rate,
            "seed": self.seed,
            "kinds": list(self.fault_kinds) if self.fault_rate > 0 else [],
            "script": [{"kind": kind, "operation": operation} for kind, operation in self.fault_script],
            "latency_ms": self.latency_ms,
            "retry_after_seconds": self.retry_after_seconds,
        }

    # -- JSON ----------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["fault_kinds"] = list(self.fault_kinds)
        data["fault_script"] = [list(entry) for entry in self.fault_script]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StormPlan:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown storm plan fields: {sorted(unknown)}")
        return cls(
            **{
                **data,
                "fault_kinds": tuple(data.get("fault_kinds", DEFAULT_FAULT_KINDS)),
                "fault_script": tuple(tuple(entry) for entry in data.get("fault_script", ())),
            }
        )


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
