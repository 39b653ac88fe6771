"""Pause, resume and delete without ``job_type``: what finding the job's kind costs, counted in requests
to the local emulator over HTTP. A global id that names its kind is read as that kind at once; a short
``jobId`` is looked up once; the job read before the change is the one the change uses."""

from __future__ import annotations

from typing import Any

import pytest
from fake_task_instance import FakeTaskInstance

from airflow_provider_arize.api.errors import ArizeNotFoundError
from airflow_provider_arize.api.models import (
    BigQueryTableConfig,
    FileImportJobSpec,
    ImportJob,
    ModelSchema,
    ModelTarget,
    TableImportJobSpec,
)
from airflow_provider_arize.emulator.ids import to_global_id
from airflow_provider_arize.hooks.arize import ArizeHook
from airflow_provider_arize.operators.job_control import (
    ArizeDeleteImportJobOperator,
    ArizePauseImportJobOperator,
)

SCHEMA = {"predictionId": "id", "predictionLabel": "pred", "timestamp": "ts"}


def context() -> Any:
    """What the operators read of a task's context: a task instance that takes XCom pushes."""
    return {"ti": FakeTaskInstance()}


@pytest.fixture
def jobs(arize_conn_env: str, arize_emulator: Any) -> dict[str, ImportJob]:
    """One table job and one file job (named without digits, so a short id's search finds only its own
    job), with the emulator's request counters zeroed after creating them."""
    hook = ArizeHook(arize_conn_env)
    target = ModelTarget(arize_emulator.space_id, "churn", "score_categorical", "production")
    table = hook.create_table_job(
        TableImportJobSpec(
            target,
            "BigQuery",
            BigQueryTableConfig("proj", "ds", "preds"),
            ModelSchema.from_value({**SCHEMA, "changeTimestamp": "at"}),
        )
    ).job
    file = hook.create_file_job(
        FileImportJobSpec(target, "s3://bucket/preds/", ModelSchema.from_value(SCHEMA))
    ).job
    arize_emulator.admin.reset_stats()
    return {"table": table, "file": file}


def requests_by_operation(emulator: Any) -> dict[str, int]:
    return dict(emulator.admin.stats()["requests"]["by_operation"])


@pytest.mark.parametrize(
    ("kind", "form", "expected"),
    [
        ("table", "global", {"GetTableImportJob": 2, "PauseTableImportJob": 1}),
        ("file", "global", {"GetFileImportJob": 2, "PauseFileImportJob": 1}),
        ("table", "short", {"ListTableImportJobs": 1, "GetTableImportJob": 2, "PauseTableImportJob": 1}),
        (
            "file",
            "short",
            {
                "ListTableImportJobs": 1,  # not among the table jobs the search finds
                "ListFileImportJobs": 1,
                "GetFileImportJob": 2,
                "PauseFileImportJob": 1,
            },
        ),
    ],
)
def test_pause_without_job_type_reads_the_job_once_before_the_change(
    jobs: dict[str, ImportJob], arize_emulator: Any, kind: str, form: str, expected: dict[str, int]
) -> None:
    job = jobs[kind]
    ref = job.id if form == "global" else str(job.job_id)
    done = ArizePauseImportJobOperator(task_id="pause", job_id=ref).execute(context())

    assert done["changed"] is True and done["job_status"] == "inactive"
    assert (done["job_type"], done["id"]) == (kind, job.id)
    # one read to find the job (and its kind), the change, one read to confirm it: nothing twice
    assert requests_by_operation(arize_emulator) == expected


def test_a_job_already_in_the_target_state_costs_one_read(
    jobs: dict[str, ImportJob], arize_emulator: Any
) -> None:
    op = ArizeDeleteImportJobOperator(task_id="delete", job_id=jobs["file"].id)
    assert op.execute(context())["changed"] is True
    arize_emulator.admin.reset_stats()
    assert op.execute(context())["changed"] is False
    assert requests_by_operation(arize_emulator) == {"GetFileImportJob": 1}


def test_a_global_id_naming_no_job_type_is_looked_up_as_either_kind(
    jobs: dict[str, ImportJob], arize_emulator: Any
) -> None:
    space = to_global_id("Space", 1)  # a well-formed global id, but not of a job
    with pytest.raises(ArizeNotFoundError, match="no table or file import job"):
        ArizePauseImportJobOperator(task_id="pause", job_id=space).execute(context())
    assert requests_by_operation(arize_emulator) == {"GetTableImportJob": 1, "GetFileImportJob": 1}


def test_an_unknown_short_id_is_searched_then_listed_in_full_once_per_kind(
    jobs: dict[str, ImportJob], arize_emulator: Any
) -> None:
    with pytest.raises(ArizeNotFoundError, match="no table or file import job with jobId 999"):
        ArizePauseImportJobOperator(task_id="pause", job_id="999").execute(context())
    assert requests_by_operation(arize_emulator) == {"ListTableImportJobs": 2, "ListFileImportJobs": 2}
