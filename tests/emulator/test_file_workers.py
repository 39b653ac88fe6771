"""File jobs really poll S3 (moto's server): bucket access, dry runs and the file worker.

Everything goes through the emulator's HTTP APIs (GraphQL and admin) and a real S3 endpoint; each test
uses its own buckets (moto's state is shared by the session).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from airflow_provider_arize.api import constants as c
from airflow_provider_arize.emulator.__main__ import build_parser, config_from_args
from airflow_provider_arize.emulator.config import S3_ENV
from airflow_provider_arize.emulator.file_workers import policy_gaps
from airflow_provider_arize.emulator.testing import EmulatorProcess, EmulatorServer

from .conftest import Api, file_input, make_api

POLL = 0.1
SCHEMA = {
    "predictionId": "prediction_id",
    "timestamp": "prediction_ts",
    "predictionLabel": "prediction_label",
    "predictionScore": "prediction_score",
    "features": "feature_",
}
COUNTERS = """query($id: ID!) { node(id: $id) { ... on FileImportJob {
  jobStatus totalFilesPendingCount totalFilesSuccessCount totalFilesFailedCount } } }"""
DRY_RUN = """mutation($input: CreateFileImportJobInput!) { createFileImportJob(input: $input) {
  fileImportJob { id } validationResult { validationStatus filePath error { code message row } } } }"""
ROLE = "arn:aws:iam::111122223333:role/arize-importer"


# --- files -------------------------------------------------------------------------------------------
def table(rows: int, score: Any = None) -> pa.Table:
    return pa.table(
        {
            "prediction_id": [f"p{i}" for i in range(rows)],
            "prediction_ts": pa.array([1_724_115_600 + i for i in range(rows)], pa.int64()),
            "prediction_label": ["yes" if i % 2 else "no" for i in range(rows)],
            "prediction_score": score if score is not None else [i / max(rows, 1) for i in range(rows)],
            "feature_x": [float(i) for i in range(rows)],
        }
    )


def parquet(rows: int, **kwargs: Any) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table(rows, **kwargs), sink)
    return sink.getvalue()


def csv(rows: int) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table(rows), sink)
    return sink.getvalue()


def arrow(rows: int, *, stream: bool) -> bytes:
    sink = io.BytesIO()
    data = table(rows)
    opener = pa.ipc.new_stream if stream else pa.ipc.new_file
    with opener(sink, data.schema) as writer:
        for batch in data.to_batches(max_chunksize=7):
            writer.write_batch(batch)
    return sink.getvalue()


# --- S3 setup ----------------------------------------------------------------------------------------
def importer_policy(bucket: str, actions: tuple[str, ...] = c.IMPORTER_ACTIONS, role: str = ROLE) -> str:
    statement = {
        "Sid": "GrantArizeReadOnlyAccess",
        "Effect": "Allow",
        "Principal": {"AWS": role},
        "Action": list(actions),
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def make_bucket(s3: Any, name: str, *, tag: str | None, policy: str | None) -> str:
    s3.create_bucket(Bucket=name)
    if tag is not None:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": c.INGESTION_TAG_KEY, "Value": tag}]})
    if policy is not None:
        s3.put_bucket_policy(Bucket=name, Policy=policy)
    return name


def open_bucket(api: Api, s3: Any, name: str) -> str:
    """A bucket tagged with the space's ingestion key and carrying Arize's importer policy."""
    key = api.server.admin.ingestion_key(api.server.space_id)
    return make_bucket(s3, name, tag=key, policy=importer_policy(name))


# --- helpers -----------------------------------------------------------------------------------------
@pytest.fixture
def s3(fake_s3: Any) -> Any:
    return fake_s3.client()


@pytest.fixture
def server_factory(fake_s3: Any) -> Iterator[Callable[..., Api]]:
    """Start emulators polling the fake S3 every 0.1 s; stopped at the end of the test."""
    started: list[tuple[EmulatorServer, Api]] = []

    def start(**options: Any) -> Api:
        options.setdefault("s3", fake_s3.emulator_s3())
        options.setdefault("file_poll_interval_seconds", POLL)
        server = EmulatorServer(**options).start()
        api = make_api(server)
        started.append((server, api))
        return api

    yield start
    for server, api in started:
        api.http.close()
        server.stop()


@pytest.fixture
def api(server_factory: Callable[..., Api]) -> Api:
    return server_factory()


def create_job(api: Api, bucket: str, prefix: str, **overrides: Any) -> dict[str, Any]:
    return api.create_file_job(bucketName=bucket, prefix=prefix, schema=SCHEMA, **overrides)


def files(api: Api, job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    dumped = next(j for j in api.server.admin.jobs() if j["job_id"] == job["jobId"])
    return {f["path"]: f for f in dumped["files"]}


def wait_until(api: Api, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait for ``predicate`` across file-worker ticks (bounded; no fixed sleeps)."""
    worker = api.server.file_workers
    assert worker is not None
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for the file worker"
        worker.wait_ticks(1, timeout=2.0)


def settled(api: Api, job: dict[str, Any], count: int) -> dict[str, dict[str, Any]]:
    """Wait until ``count`` files of the job have a final status; return them."""
    wait_until(api, lambda: sum(f["status"] != "pending" for f in files(api, job).values()) >= count)
    return files(api, job)


def counters(api: Api, job: dict[str, Any]) -> tuple[int, int, int]:
    node = api.data(COUNTERS, {"id": job["id"]})["node"]
    return node["totalFilesPendingCount"], node["totalFilesSuccessCount"], node["totalFilesFailedCount"]


def dry_run(api: Api, bucket: str, prefix: str = "", **overrides: Any) -> dict[str, Any]:
    inp = file_input(api.server.space_id, bucketName=bucket, prefix=prefix, schema=SCHEMA, dryRun=True)
    inp.update(overrides)
    payload = api.data(DRY_RUN, {"input": inp})["createFileImportJob"]
    assert payload["fileImportJob"] is None
    return dict(payload["validationResult"])


# --- ingestion -----------------------------------------------------------------------------------------
def test_nested_files_are_ingested_once_with_row_counts(api: Api, s3: Any) -> None:
    bucket = open_bucket(api, s3, "fw-nested")
    uploads = {
        "ctr/prod/v1/2024-08-20.parquet": parquet(50),
        "ctr/prod/v1/day=21/part-0.csv": csv(30),
        "ctr/prod/v1/a/b/c/deep.arrow": arrow(20, stream=False),
        "ctr/prod/v1/stream.ARROW": arrow(12, stream=True),
    }
    for key, body in uploads.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    s3.put_object(Bucket=bucket, Key="ctr/prod/v1/empty-dir/", Body=b"")
    s3.put_object(Bucket=bucket, Key="ctr/prod/v2/outside.parquet", Body=parquet(5))
    job = create_job(api, bucket, "ctr/prod/v1/")

    done = settled(api, job, 4)
    assert {k: (f["status"], f["rows"]) for k, f in done.items()} == {
        "ctr/prod/v1/2024-08-20.parquet": ("succeeded", 50),
        "ctr/prod/v1/day=21/part-0.csv": ("succeeded", 30),
        "ctr/prod/v1/a/b/c/deep.arrow": ("succeeded", 20),
        "ctr/prod/v1/stream.ARROW": ("succeeded", 12),
    }
    assert counters(api, job) == (0, 4, 0)

    s3.put_object(Bucket=bucket, Key="ctr/prod/v1/2024-08-22.parquet", Body=parquet(7))  # arrives later
    done = settled(api, job, 5)
    assert done["ctr/prod/v1/2024-08-22.parquet"]["rows"] == 7

    # a rewrite of a processed key is ignored (keys are tracked by name), even a broken one
    s3.put_object(Bucket=bucket, Key="ctr/prod/v1/2024-08-20.parquet", Body=b"not parquet any more")
    s3.put_object(Bucket=bucket, Key="ctr/prod/v1/marker.parquet", Body=parquet(3))
    done = settled(api, job, 6)
    assert done["ctr/prod/v1/2024-08-20.parquet"] == {
        "path": "ctr/prod/v1/2024-08-20.parquet", "status": "succeeded", "rows": 50, "error_message": None,
    }  # fmt: skip
    assert counters(api, job) == (0, 6, 0)


def test_a_bad_file_fails_alone(api: Api, s3: Any) -> None:
    bucket = open_bucket(api, s3, "fw-bad-file")
    s3.put_object(Bucket=bucket, Key="in/good.parquet", Body=parquet(10))
    s3.put_object(Bucket=bucket, Key="in/bad.parquet", Body=parquet(4, score=["high", "low", "low", "x"]))
    s3.put_object(Bucket=bucket, Key="in/notes.txt", Body=b"hello")
    s3.put_object(Bucket=bucket, Key="in/cut.parquet", Body=parquet(10)[:-20])
    job = create_job(api, bucket, "in/")
    done = settled(api, job, 4)
    assert (done["in/good.parquet"]["status"], done["in/good.parquet"]["rows"]) == ("succeeded", 10)
    bad = done["in/bad.parquet"]
    assert (bad["status"], bad["rows"]) == ("failed", None)
    assert (
        bad["error_message"] == "column prediction_score (predictionScore): is string, Arize needs a number"
    )
    assert done["in/notes.txt"]["status"] == "failed"
    assert "unknown file type" in done["in/notes.txt"]["error_message"]
    assert "no PAR1 magic" in done["in/cut.parquet"]["error_message"]
    assert counters(api, job) == (0, 1, 3)


def test_file_over_the_size_limit_fails(server_factory: Callable[..., Api], s3: Any) -> None:
    api = server_factory(max_file_bytes=4000)
    bucket = open_bucket(api, s3, "fw-size-limit")
    big = parquet(400)
    assert len(big) > 4000
    s3.put_object(Bucket=bucket, Key="big.parquet", Body=big)
    s3.put_object(Bucket=bucket, Key="small.csv", Body=csv(3))
    job = create_job(api, bucket, "")
    done = settled(api, job, 2)
    assert done["big.parquet"]["status"] == "failed"
    assert done["big.parquet"]["error_message"].startswith(
        f"file is {len(big)} bytes, over Arize's 1 GB file limit"
    )
    assert done["small.csv"]["status"] == "succeeded"


def test_paused_job_ingests_nothing_until_resumed(api: Api, s3: Any) -> None:
    bucket = open_bucket(api, s3, "fw-paused")
    job = create_job(api, bucket, "p/")
    api.data('mutation { pauseFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job["jobId"])
    s3.put_object(Bucket=bucket, Key="p/one.parquet", Body=parquet(5))
    assert api.server.file_workers is not None and api.server.file_workers.wait_ticks(3)
    assert files(api, job) == {}
    api.data('mutation { startFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job["jobId"])
    assert settled(api, job, 1)["p/one.parquet"]["rows"] == 5


def test_deleted_job_is_not_polled(api: Api, s3: Any) -> None:
    bucket = open_bucket(api, s3, "fw-deleted")
    job = create_job(api, bucket, "")
    api.data('mutation { deleteFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job["jobId"])
    s3.put_object(Bucket=bucket, Key="x.parquet", Body=parquet(5))
    assert api.server.file_workers is not None and api.server.file_workers.wait_ticks(3)
    assert files(api, job) == {}


# --- access ----------------------------------------------------------------------------------------------
ACCESS_CASES = {
    "no-tag": (None, "policy", ["has no 'arize-ingestion-key' tag"]),
    "wrong-tag": ("not-the-key", "policy", ["does not match this space's ingestion key"]),
    "no-policy": ("key", None, ["has no bucket policy", "s3:GetBucketTagging, s3:GetObject, s3:ListBucket"]),
    "no-getobject": (
        "key",
        "partial",
        ["does not grant", "s3:GetObject on arn:aws:s3:::fw-access-no-getobject/*"],
    ),
    "wrong-role": (
        "key",
        "other-role",
        ["does not grant", "s3:ListBucket on arn:aws:s3:::fw-access-wrong-role"],
    ),
    "nothing": (None, None, ["has no 'arize-ingestion-key' tag", "has no bucket policy"]),
}


@pytest.mark.parametrize("case", list(ACCESS_CASES))
def test_bucket_without_access(api: Api, s3: Any, case: str) -> None:
    tag, policy, expected = ACCESS_CASES[case]
    name = f"fw-access-{case}"
    key = api.server.admin.ingestion_key(api.server.space_id)
    policies = {
        "policy": importer_policy(name),
        "partial": importer_policy(name, ("s3:GetBucketTagging", "s3:ListBucket")),
        "other-role": importer_policy(name, role="arn:aws:iam::111122223333:role/someone-else"),
        None: None,
    }
    bucket = make_bucket(s3, name, tag=key if tag == "key" else tag, policy=policies[policy])
    s3.put_object(Bucket=bucket, Key="d/f.parquet", Body=parquet(5))

    result = dry_run(api, bucket, "d/")
    assert result["validationStatus"] == "failure"
    assert result["error"]["code"] == c.VALIDATION_CODE_ACCESS
    for text in expected:
        assert text in result["error"]["message"]
    assert f"'{bucket}'" in result["error"]["message"]

    job = create_job(api, bucket, "d/")  # a real create does not check access; the worker does
    assert api.server.file_workers is not None and api.server.file_workers.wait_ticks(3)
    assert files(api, job) == {}
    assert counters(api, job) == (0, 0, 0)

    if case == "nothing":  # access granted later: the next poll ingests
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": c.INGESTION_TAG_KEY, "Value": key}]})
        s3.put_bucket_policy(Bucket=bucket, Policy=importer_policy(bucket))
        assert settled(api, job, 1)["d/f.parquet"]["rows"] == 5


def test_missing_bucket_and_no_s3(server_factory: Callable[..., Api], s3: Any) -> None:
    api = server_factory()
    result = dry_run(api, "fw-no-such-bucket")
    assert result["error"] == {
        "code": c.VALIDATION_CODE_ACCESS, "message": "bucket 'fw-no-such-bucket' does not exist", "row": None,
    }  # fmt: skip
    bare = server_factory(s3=None)
    assert bare.server.admin.s3() is None
    result = dry_run(bare, "fw-no-such-bucket", fileName="x.parquet")
    assert result["error"]["code"] == c.VALIDATION_CODE_ACCESS
    assert "no S3 configured" in result["error"]["message"]
    assert result["filePath"] == "x.parquet"


def test_policy_evaluation_rules() -> None:
    arn = "arn:aws:s3:::b"
    split = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [ROLE]}, "Action": "s3:Get*", "Resource": f"{arn}/*"},
            {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["s3:*"], "Resource": arn},
        ]
    }
    assert policy_gaps(json.dumps(split), "b") == []
    denied = {
        "Statement": [
            *split["Statement"],
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        ]
    }
    assert policy_gaps(json.dumps(denied), "b") == [f"s3:GetObject on {arn}/*"]
    public = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}
    assert len(policy_gaps(json.dumps(public), "b")) == 3  # not what Arize asks for
    assert len(policy_gaps("not json", "b")) == 3


# --- dry runs --------------------------------------------------------------------------------------------
def test_dry_run_validates_a_file(api: Api, s3: Any) -> None:
    bucket = open_bucket(api, s3, "fw-dry-run")
    s3.put_object(Bucket=bucket, Key="m/v1/_SUCCESS", Body=b"")
    s3.put_object(Bucket=bucket, Key="m/v1/a.parquet", Body=parquet(8))
    s3.put_object(Bucket=bucket, Key="m/v1/b.parquet", Body=parquet(4, score=["1", "2", "3", "4"]))

    first = dry_run(api, bucket, "m/v1/")  # the first file with a known suffix
    assert first == {"validationStatus": "success", "filePath": "m/v1/a.parquet", "error": None}
    named = dry_run(api, bucket, "m/v1/", fileName="b.parquet")
    assert (named["validationStatus"], named["filePath"]) == ("failure", "m/v1/b.parquet")
    assert named["error"] == {
        "code": c.VALIDATION_CODE_SCHEMA,
        "message": "column prediction_score (predictionScore): is string, Arize needs a number",
        "row": None,
    }
    full_key = dry_run(api, bucket, "m/v1/", fileName="m/v1/a.parquet")
    assert (full_key["validationStatus"], full_key["filePath"]) == ("success", "m/v1/a.parquet")
    url = dry_run(api, bucket, "m/v1/", fileName=f"s3://{bucket}/m/v1/a.parquet")
    assert url["validationStatus"] == "success"

    missing = dry_run(api, bucket, "m/v1/", fileName="nope.parquet")
    assert missing["error"]["code"] == c.VALIDATION_CODE_INVALID_VALUE
    assert "fileName 'nope.parquet' not found" in missing["error"]["message"]
    empty = dry_run(api, bucket, "nothing-here/")
    assert empty["error"]["code"] == c.VALIDATION_CODE_INVALID_VALUE
    assert "no files under" in empty["error"]["message"]
    missing_columns = dry_run(api, bucket, "m/v1/", schema={**SCHEMA, "actualLabel": "clicked"})
    assert missing_columns["error"]["message"] == "column clicked (actualLabel): is missing from the file"
    assert api.server.admin.jobs() == []  # dry runs write nothing

    # create-time input validation still comes first, without touching S3
    invalid = dry_run(api, "", "m/v1/")
    assert invalid["error"]["code"] == c.VALIDATION_CODE_MISSING_FIELD


def test_dry_run_honours_the_size_limit(server_factory: Callable[..., Api], s3: Any) -> None:
    api = server_factory(max_file_bytes=1000)
    bucket = open_bucket(api, s3, "fw-dry-run-size")
    s3.put_object(Bucket=bucket, Key="big.parquet", Body=parquet(200))
    result = dry_run(api, bucket)
    assert result["error"]["code"] == c.VALIDATION_CODE_SCHEMA
    assert "over Arize's 1 GB file limit" in result["error"]["message"]


# --- configuration, keys, durability ----------------------------------------------------------------------
def test_admin_s3_settings_and_ingestion_keys(
    server_factory: Callable[..., Api], fake_s3: Any, s3: Any
) -> None:
    api = server_factory(s3=None)
    admin = api.server.admin
    assert admin.set_s3(fake_s3.emulator_s3()) == {
        "endpoint_url": fake_s3.endpoint_url, "region": "us-east-1",
        "access_key_id": "testing", "secret_access_key": "***",
    }  # fmt: skip
    assert admin.s3() is not None and admin.s3()["secret_access_key"] == "***"  # type: ignore[index]
    with pytest.raises(RuntimeError, match="unknown S3 setting 'password'"):
        admin.set_s3(password="x")
    with pytest.raises(RuntimeError, match="both access_key_id and secret_access_key"):
        admin.set_s3(access_key_id="only")

    other = admin.create_space("second")
    spaces = admin.spaces()
    assert [s["id"] for s in spaces] == [api.server.space_id, other]
    keys = [s["ingestion_key"] for s in spaces]
    assert len(set(keys)) == 2 and all(len(k) == 32 for k in keys)
    assert admin.ingestion_key(other) == keys[1]

    bucket = open_bucket(api, s3, "fw-admin-s3")  # tagged for the default space only
    s3.put_object(Bucket=bucket, Key="f.parquet", Body=parquet(2))
    assert dry_run(api, bucket)["validationStatus"] == "success"
    admin.clear_s3()
    assert "no S3 configured" in dry_run(api, bucket)["error"]["message"]


def test_ingestion_key_is_stable_across_restarts(tmp_path: Path, fake_s3: Any) -> None:
    db = tmp_path / "arize.sqlite3"
    with EmulatorServer(db, run_workers=False) as first:
        key = first.admin.ingestion_key(first.space_id)
    with EmulatorServer(db, run_workers=False) as second:
        assert second.admin.ingestion_key(second.space_id) == key
    with EmulatorServer(tmp_path / "other.sqlite3", run_workers=False) as other:
        assert other.admin.ingestion_key(other.space_id) != key


def test_pending_files_survive_a_restart(tmp_path: Path, fake_s3: Any, s3: Any) -> None:
    db = tmp_path / "arize.sqlite3"
    with EmulatorServer(db, run_workers=False) as down:
        api = make_api(down)
        bucket = open_bucket(api, s3, "fw-restart")
        s3.put_object(Bucket=bucket, Key="r/a.parquet", Body=parquet(9))
        job = create_job(api, bucket, "r/")
        down.state.store.runs.record_file(int(job["jobId"]), "r/a.parquet")  # recorded, then "crashed"
        assert counters(api, job) == (1, 0, 0)
        api.http.close()
    with EmulatorServer(db, s3=fake_s3.emulator_s3(), file_poll_interval_seconds=POLL) as up:
        api = make_api(up)
        assert settled(api, job, 1)["r/a.parquet"]["rows"] == 9
        assert counters(api, job) == (0, 1, 0)
        api.http.close()


def test_cli_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_s3: Any) -> None:
    settings = tmp_path / "s3.json"
    settings.write_text(json.dumps(fake_s3.emulator_s3()))
    args = build_parser().parse_args(
        ["--s3", str(settings), "--file-poll-interval", "0.5", "--max-file-bytes", "99"]
    )
    config = config_from_args(args)
    assert (config.s3, config.file_poll_interval_seconds, config.max_file_bytes) == (
        fake_s3.emulator_s3(),
        0.5,
        99,
    )
    monkeypatch.setenv(S3_ENV, json.dumps({"endpoint_url": "http://127.0.0.1:1", "region": "eu-west-1"}))
    config = config_from_args(build_parser().parse_args([]))
    assert config.s3 == {"endpoint_url": "http://127.0.0.1:1", "region": "eu-west-1"}
    assert config.file_poll_interval_seconds == 10.0 and config.max_file_bytes == c.MAX_FILE_BYTES
    monkeypatch.setenv(S3_ENV, '{"secret_access_key": "s3cr3t"}')
    with pytest.raises(ValueError, match="both access_key_id and secret_access_key") as info:
        config_from_args(build_parser().parse_args([]))
    assert "s3cr3t" not in str(info.value)


def test_subprocess_polls_s3_from_the_environment(tmp_path: Path, fake_s3: Any, s3: Any) -> None:
    with EmulatorProcess(
        tmp_path / "arize.sqlite3", s3=fake_s3.emulator_s3(), extra_args=["--file-poll-interval", "0.1"]
    ) as proc:
        admin = proc.admin
        key = admin.ingestion_key(proc.space_id)
        bucket = make_bucket(s3, "fw-subprocess", tag=key, policy=importer_policy("fw-subprocess"))
        s3.put_object(Bucket=bucket, Key="f.csv", Body=csv(6))
        http = make_api(proc)  # type: ignore[arg-type]
        job = http.create_file_job(bucketName=bucket, prefix="", schema=SCHEMA)
        deadline = time.monotonic() + 20
        while not any(f["status"] == "succeeded" for f in files(http, job).values()):
            assert time.monotonic() < deadline, proc.log_path.read_text()[-2000:]
            time.sleep(0.05)
        assert files(http, job)["f.csv"]["rows"] == 6
        http.http.close()
