"""File import jobs: dry run, create, lifecycle, update, listing."""

from __future__ import annotations

from .conftest import CREATE_FILE, Api, file_input

LIST = """query($space: ID!, $after: String) { node(id: $space) { ... on Space {
  importJobs(first: 10, after: $after) { edges { node { id jobId jobStatus bucketName prefix
    totalFilesPendingCount totalFilesSuccessCount totalFilesFailedCount schema { predictionLabel } } }
    pageInfo { hasNextPage } } } } }"""


def _mutate(api: Api, name: str, job_id: str, extra: str = "") -> dict[str, str]:
    query = 'mutation { %s(input: {jobId: "%s"%s}) { fileImportJob { jobId jobStatus } } }' % (
        name,
        job_id,
        extra,
    )
    return dict(api.data(query)[name]["fileImportJob"])


def test_file_dry_run_then_create(api: Api) -> None:
    # GCS: the emulator reads only S3, so a GCS dry run checks the input alone
    inp = file_input(api.server.space_id, dryRun=True, fileName="part-0001.parquet", blobStore="GCS")
    dry = api.data(CREATE_FILE, {"input": inp})["createFileImportJob"]
    assert dry["fileImportJob"] is None
    assert dry["validationResult"] == {
        "validationStatus": "success",
        "filePath": "part-0001.parquet",
        "error": None,
    }
    assert api.server.admin.jobs() == []
    # S3 without an S3 to read: the dry run fails on access, naming why
    s3_dry = api.data(CREATE_FILE, {"input": {**inp, "blobStore": "S3"}})["createFileImportJob"]
    assert s3_dry["validationResult"]["validationStatus"] == "failure"
    assert s3_dry["validationResult"]["error"]["code"] == "ACCESS_DENIED"
    assert "no S3 configured" in s3_dry["validationResult"]["error"]["message"]
    job = api.create_file_job(prefix="")
    assert job["jobStatus"] == "active" and job["prefix"] == "" and job["blobStore"] == "S3"


def test_file_lifecycle_and_update(api: Api) -> None:
    job = api.create_file_job()
    assert _mutate(api, "pauseFileImportJob", job["id"])["jobStatus"] == "inactive"
    assert _mutate(api, "startFileImportJob", job["jobId"])["jobStatus"] == "active"
    schema = ', schema: {predictionId: "pid", predictionScore: "score", predictionLabel: "new"}'
    assert (
        _mutate(api, "updateFileImportJob", job["jobId"], schema + ", jobStatus: inactive")["jobStatus"]
        == "inactive"
    )
    nodes = api.data(LIST, {"space": api.server.space_id})["node"]["importJobs"]["edges"]
    node = nodes[0]["node"]
    assert node["schema"]["predictionLabel"] == "new"
    assert (
        node["totalFilesPendingCount"],
        node["totalFilesSuccessCount"],
        node["totalFilesFailedCount"],
    ) == (0, 0, 0)
    assert _mutate(api, "deleteFileImportJob", job["jobId"])["jobStatus"] == "deleted"
    message = api.errors(
        'mutation { startFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job["jobId"]
    )
    assert "deleted" in message[0]
    message = api.errors(
        'mutation { pauseFileImportJob(input: {jobId: "%s"}) { clientMutationId } }' % job["jobId"]
    )
    assert "deleted" in message[0]
    listed = api.data(LIST, {"space": api.server.space_id})["node"]["importJobs"]["edges"]
    assert listed[0]["node"]["jobStatus"] == "deleted"


def test_file_and_table_jobs_are_listed_separately(api: Api) -> None:
    api.create_table_job()
    file_job = api.create_file_job()
    edges = api.data(LIST, {"space": api.server.space_id})["node"]["importJobs"]["edges"]
    assert [e["node"]["id"] for e in edges] == [file_job["id"]]
    assert file_job["jobId"] == "2"
