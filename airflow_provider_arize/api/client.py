"""The Arize import-job client: every job operation the provider performs, over one GraphQL transport.

What is retried, what is idempotent and what is never re-sent: docs/internals.md, "The client's
contract".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from airflow_provider_arize.api import constants, payloads
from airflow_provider_arize.api.errors import (
    ArizeAmbiguousMutationError,
    ArizeAPIError,
    ArizeConfigError,
    ArizeDuplicateRunError,
    ArizeNotFoundError,
    ArizeResponseError,
    ArizeTransientError,
    ArizeValidationError,
)
from airflow_provider_arize.api.models import (
    FileImportJobSpec,
    ImportJob,
    ModelSchema,
    QueryWindow,
    TableImportJobSpec,
    TableIngestionParameters,
    TableRunQuery,
    TriggeredTableImportJobSpec,
    ValidationResult,
)
from airflow_provider_arize.api.models.records import JobType
from airflow_provider_arize.api.pagination import iter_nodes
from airflow_provider_arize.api.sender import Sender
from airflow_provider_arize.api.transport import GraphQLTransport

log = logging.getLogger(__name__)

JobIdForm = Literal["global", "short", "auto"]
StatusAction = Literal["pause", "resume", "delete"]
#: How many times an ambiguous create or trigger is looked up and re-sent before giving up.
AMBIGUOUS_CREATE_ATTEMPTS = 3
#: How many times a racer tries to delete the duplicate job it created.
RACE_DELETE_ATTEMPTS = 3
_TARGET_STATUS = {
    "pause": constants.JOB_STATUS_INACTIVE,
    "resume": constants.JOB_STATUS_ACTIVE,
    "delete": constants.JOB_STATUS_DELETED,
}


@dataclass(frozen=True)
class CreateResult:
    """A create's outcome: the job, and whether this call created it (``False``: it already existed)."""

    job: ImportJob
    created: bool
    validation: ValidationResult | None = None


@dataclass(frozen=True)
class StatusChange:
    """A pause/resume/delete outcome: the job after the call and whether its status changed."""

    job: ImportJob
    changed: bool


@dataclass(frozen=True)
class TriggerResult:
    """A triggered run: the query Arize reports for the window (``None`` until it shows up) and whether
    this call triggered it (``False``: the window had been triggered already)."""

    window: QueryWindow
    triggered: bool
    query: TableRunQuery | None
    job: ImportJob | None = None
    #: How many queries the job listed when ``query`` was read (``None``: not listed by this call).
    queries_total: int | None = None


class ArizeClient:
    """Synchronous Arize import-job client bound to one space.

    :param transport: the GraphQL transport (auth, retries, error mapping).
    :param space_id: global id of the space jobs are listed in.
    :param job_id_form: which id mutation inputs send as ``jobId``: the global ``id``, the short ``jobId``
        (Arize's documentation leaves this open), or ``auto`` (the default: global, then short on a host
        that does not find the global one; remembered per host).
    """

    def __init__(self, transport: GraphQLTransport, *, space_id: str, job_id_form: JobIdForm = "auto"):
        if not isinstance(space_id, str) or not space_id.strip():
            raise ArizeConfigError("space_id must not be empty", field="spaceId")
        if job_id_form not in ("global", "short", "auto"):
            raise ArizeConfigError(
                f"job_id_form must be 'global', 'short' or 'auto', got {job_id_form!r}", field="job_id_form"
            )
        self.transport = transport
        self.sender = Sender(transport)
        self.space_id = space_id.strip()
        self.job_id_form: JobIdForm = job_id_form

    # -- plumbing -----------------------------------------------------------------------------------
    def _run(
        self, name: str, variables: dict[str, Any] | None = None, *, idempotent: bool = True
    ) -> dict[str, Any]:
        result: dict[str, Any] = self.sender.run(name, variables, idempotent=idempotent)
        return result

    def _form(self) -> str:
        if self.job_id_form != "auto":
            return self.job_id_form
        return self.sender.shape.job_id_form or "global"

    def _input_ref(self, job: ImportJob) -> str:
        if self._form() == "short" and job.job_id:
            return job.job_id
        return job.id

    def _mutate(
        self,
        name: str,
        job: ImportJob,
        variables: dict[str, Any],
        *,
        wrap: bool = True,
        idempotent: bool = True,
    ) -> None:
        """Send a mutation on ``job``; with ``job_id_form="auto"``, try the other id form once when the
        host does not find the job by the first (and remember the form that worked for the host). A "not
        found" proves nothing ran, so this holds for a trigger too."""

        def send() -> None:
            body = {"jobId": self._input_ref(job), **variables}
            self._run(name, {"input": body} if wrap else body, idempotent=idempotent)

        try:
            send()
        except ArizeAPIError as exc:
            shape = self.sender.shape
            if self.job_id_form != "auto" or shape.job_id_form or not job.job_id or not _not_found(exc):
                raise
            shape.job_id_form = "short" if self._form() == "global" else "global"
            log.warning(
                "Arize at %s does not find jobs by the %s id; sending the %s jobId",
                shape.url,
                "short" if shape.job_id_form == "global" else "global",
                shape.job_id_form,
            )
            try:
                send()
            except ArizeAPIError:
                shape.job_id_form = None
                raise
            return
        if self.job_id_form == "auto" and not self.sender.shape.job_id_form:
            self.sender.shape.job_id_form = self._form()

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> ArizeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connection -----------------------------------------------------------------------------------
    def test_connection(self) -> str:
        """Send ``{ __typename }``; return the root type name (``Query``)."""
        return str(payloads.field_of(self._run("TestConnection"), "__typename"))

    def list_spaces(self) -> list[dict[str, Any]]:
        """The spaces this key can see, as ``{"id", "name"}`` dicts."""

        def page(first: int, after: str | None) -> Any:
            return payloads.parse_connection(
                self._run("ListSpaces", {"first": first, "after": after}), "viewer", "spaces"
            )

        return [dict(n) for n in iter_nodes(page)]

    # -- reading jobs --------------------------------------------------------------------------------
    def iter_jobs(self, job_type: JobType, *, search: str | None = None) -> Iterator[ImportJob]:
        """Every table or file job of the space, page by page (at most 50 per request)."""

        def page(first: int, after: str | None) -> Any:
            name, variables = payloads.list_jobs_request(job_type, self.space_id, first, after, search)
            return payloads.parse_connection(
                self._run(name, variables), "node", payloads.LIST_FIELD[job_type]
            )

        for node in iter_nodes(page):
            yield ImportJob.from_output(job_type, node)

    def get_job(self, job_type: JobType, ref: str) -> ImportJob:
        """A job by global id or short ``jobId`` (a decimal string); raises ``ArizeNotFoundError``."""
        ref = _checked_ref(ref)
        if payloads.is_short_job_id(ref):
            job_type, ref = self._global_id_of((job_type,), ref)
        return self._read_job(job_type, ref)

    def lookup_job(self, ref: str, job_type: JobType | None = None) -> ImportJob:
        """A job of either kind by global id or short ``jobId``, read once; ``job_type`` narrows it.

        Without ``job_type``, a global id that decodes to a job type name (``TableImportJob:1``) is read
        as that kind at once; a short ``jobId`` is looked up in the table then the file listing (see
        :meth:`_global_id_of`); any other id is read as a table job, then as a file job. Raises
        ``ArizeNotFoundError`` when no job of either kind has it.
        """
        if job_type is not None:
            return self.get_job(job_type, ref)
        ref = _checked_ref(ref)
        if payloads.is_short_job_id(ref):
            return self._read_job(*self._global_id_of(("table", "file"), ref))
        named = payloads.job_type_of_global_id(ref)
        if named is not None:
            return self._read_job(named, ref)
        for kind in ("table", "file"):
            try:
                return self._read_job(kind, ref)
            except ArizeNotFoundError:
                continue
        raise ArizeNotFoundError(f"no table or file import job {ref!r} in space {self.space_id}")

    def _read_job(self, job_type: JobType, global_id: str) -> ImportJob:
        name, variables = payloads.get_job_request(job_type, global_id)
        return payloads.parse_get_job(job_type, global_id, self._run(name, variables))

    def _global_id_of(self, kinds: tuple[JobType, ...], short_id: str) -> tuple[JobType, str]:
        """Resolve a short ``jobId`` through the listings of ``kinds``: each narrowed by ``search`` first,
        then each in full (in that order, so a search that finds it spares the full listings)."""
        for search in (short_id, None):
            for kind in kinds:
                for job in self.iter_jobs(kind, search=search):
                    if job.job_id == short_id:
                        return kind, job.id
        raise ArizeNotFoundError(
            f"no {' or '.join(kinds)} import job with jobId {short_id} in space {self.space_id}"
        )

    def find_jobs(self, job_type: JobType, identity: tuple[str, ...]) -> list[ImportJob]:
        """Every live job whose identity equals ``identity`` (see the specs' ``identity``), survivor first
        (:func:`survivor_order`), compared on the parts of it the host's listing shows (the log names the
        parts it could not compare)."""
        jobs = [j for j in self.iter_jobs(job_type) if not j.is_deleted]
        fields = _IDENTITY_FIELDS[job_type]
        shown = [self.sender.shape.has(f"{payloads.TYPENAME[job_type]}.{f}") for f in fields]
        if not all(shown):
            log.warning(
                "this Arize does not list %s of %s import jobs: the duplicate check compares only %s",
                ", ".join(f for f, s in zip(fields, shown, strict=True) if not s),
                job_type,
                ", ".join(f for f, s in zip(fields, shown, strict=True) if s) or "nothing",
            )
        wanted = _normal(identity[1:])
        matches = [
            j
            for j in jobs
            if all(a == b for a, b, s in zip(_normal(_identity(j)), wanted, shown, strict=True) if s)
        ]
        return sorted(matches, key=survivor_order)

    def find_job(self, job_type: JobType, identity: tuple[str, ...]) -> ImportJob | None:
        """The job to use for ``identity``: the survivor of :meth:`find_jobs`. When several exist (a racer
        was killed between its create and its check), the log names them all: the provider cannot know
        whose the others are, so it deletes none."""
        matches = self.find_jobs(job_type, identity)
        if len(matches) > 1:
            log.error(
                "%d live %s import jobs have this identity: %s. Using the oldest, %s; the others were "
                "probably left by an interrupted task: delete them in Arize if nobody else uses them",
                len(matches),
                job_type,
                ", ".join(f"{j.id} (jobId {j.job_id})" for j in matches),
                matches[0].id,
            )
        return matches[0] if matches else None

    # -- creating jobs -------------------------------------------------------------------------------
    def dry_run_table_job(self, spec: TableImportJobSpec) -> ValidationResult:
        """Validate a table job without writing anything; returns Arize's validation result."""
        data = self._run("DryRunTableImportJob", {"input": spec.to_input(dry_run=True)})
        return _validation(data, "createTableImportJob")

    def dry_run_file_job(self, spec: FileImportJobSpec, *, file_name: str | None = None) -> ValidationResult:
        """Validate a file job (against ``file_name``, default the first file) without writing anything."""
        data = self._run("DryRunFileImportJob", {"input": spec.to_input(dry_run=True, file_name=file_name)})
        return _validation(data, "createFileImportJob")

    def create_table_job(self, spec: TableImportJobSpec) -> CreateResult:
        """Create a table job, or return the existing one with the same identity (docs/internals.md,
        "The client's contract").

        Ingestion parameters in the spec are applied right after a new job is created.
        """
        result = self._create(
            "table",
            spec.identity,
            "CreateTableImportJob",
            "createTableImportJob",
            {"input": spec.to_input(dry_run=False)},
        )
        if result.created and spec.ingestion_parameters and not spec.ingestion_parameters.is_empty():
            job = self.update_ingestion_parameters(result.job.id, spec.ingestion_parameters)
            result = CreateResult(job, True, result.validation)
        return result

    def create_triggered_table_job(self, spec: TriggeredTableImportJobSpec) -> CreateResult:
        """Create an event-based Snowflake job, or return the existing one with the same identity."""
        return self._create(
            "table",
            spec.identity,
            "CreateTriggeredOngoingTableImportJob",
            "createTriggeredOngoingTableImportJob",
            {"input": spec.to_input()},
        )

    def create_file_job(self, spec: FileImportJobSpec) -> CreateResult:
        """Create a file job, or return the existing one on the same bucket and prefix for the model."""
        return self._create(
            "file",
            spec.identity,
            "CreateFileImportJob",
            "createFileImportJob",
            {"input": spec.to_input(dry_run=False)},
        )

    def _create(
        self,
        job_type: JobType,
        identity: tuple[str, ...],
        operation: str,
        field: str,
        variables: dict[str, Any],
    ) -> CreateResult:
        existing = self.find_job(job_type, identity)
        if existing is not None:
            log.info(
                "%s import job %s (jobId %s) already exists for this identity; not creating another",
                job_type,
                existing.id,
                existing.job_id,
            )
            return CreateResult(existing, created=False)
        for attempt in range(1, AMBIGUOUS_CREATE_ATTEMPTS + 1):
            try:
                data = self._run(operation, variables, idempotent=False)
            except ArizeAmbiguousMutationError as exc:
                log.warning(
                    "create of %s import job may or may not have committed (%s); looking it up", job_type, exc
                )
                found = self.find_job(job_type, identity)
                if found is not None:
                    log.info("the interrupted create did commit: job %s (jobId %s)", found.id, found.job_id)
                    return CreateResult(found, created=True)  # the survivor: this task's or a racer's
                if attempt == AMBIGUOUS_CREATE_ATTEMPTS:
                    raise
                continue
            payload = payloads.field_of(data, field)
            validation = ValidationResult.from_output(payloads.field_of(payload, "validationResult"))
            job_data = payloads.field_of(payload, payloads.PAYLOAD_FIELD[job_type])
            if validation is not None and not validation.passed:
                raise ArizeValidationError(
                    f"Arize rejected the {job_type} import job: {validation.describe()}",
                    validation_result=validation,
                    operation_name=operation,
                )
            if not job_data:
                found = self.find_job(job_type, identity)  # a host whose payload carries no job
                if found is None:
                    raise ArizeResponseError(
                        f"{operation} returned no job and no validation error, and no job with this "
                        "identity is listed",
                        operation_name=operation,
                    )
                log.info("created %s import job %s (jobId %s)", job_type, found.id, found.job_id)
                return CreateResult(found, created=True, validation=validation)
            job = ImportJob.from_output(job_type, job_data)
            if not job.job_status or job.job_id is None:
                job = self.get_job(job_type, job.id)  # the payload selected too little; read it back
            log.info("created %s import job %s (jobId %s)", job_type, job.id, job.job_id)
            return self._settle_race(
                job_type, identity, CreateResult(job, created=True, validation=validation)
            )
        raise AssertionError("unreachable")  # pragma: no cover

    def _settle_race(self, job_type: JobType, identity: tuple[str, ...], mine: CreateResult) -> CreateResult:
        """After a create, read the identity back: when another task created a job for it at the same time,
        every racer keeps the same survivor (:func:`survivor_order`), and one that created a loser deletes
        it before anything uses it. A job someone else created is never deleted."""
        matches = self.find_jobs(job_type, identity)
        survivor = matches[0] if matches else mine.job
        if survivor.id == mine.job.id:
            return mine
        log.warning(
            "another task created %s import job %s (jobId %s) for this identity at the same time; deleting "
            "the one this task created, %s (jobId %s), and using %s",
            job_type,
            survivor.id,
            survivor.job_id,
            mine.job.id,
            mine.job.job_id,
            survivor.id,
        )
        for attempt in range(1, RACE_DELETE_ATTEMPTS + 1):
            try:
                self.set_status(job_type, mine.job.id, "delete")
                break
            except ArizeTransientError:
                if attempt == RACE_DELETE_ATTEMPTS:
                    raise ArizeAPIError(
                        f"{job_type} import jobs {survivor.id} and {mine.job.id} have one identity and the "
                        f"duplicate this task created ({mine.job.id}) could not be deleted: delete it in "
                        "Arize",
                        operation_name=payloads.STATUS_MUTATION[(job_type, "delete")],
                    ) from None
        return CreateResult(survivor, created=False)

    # -- changing jobs -------------------------------------------------------------------------------
    def set_status(self, job_type: JobType, ref: str, action: StatusAction) -> StatusChange:
        """Pause, resume or delete a job by id: :meth:`change_status` of the job :meth:`get_job` reads."""
        return self.change_status(self.get_job(job_type, ref), action)

    def change_status(self, job: ImportJob, action: StatusAction) -> StatusChange:
        """Pause, resume or delete ``job``, as just read (its status decides). Already in the target
        state: no request, ``changed=False``. Pausing or resuming a deleted job raises ``ArizeAPIError``.
        """
        job_type = job.job_type
        target = _TARGET_STATUS[action]
        if job.job_status == target:
            log.info("%s import job %s is already %s; nothing to do", job_type, job.id, target)
            return StatusChange(job, changed=False)
        if job.is_deleted:
            raise ArizeAPIError(f"cannot {action} {job_type} import job {job.id}: it is deleted")
        operation = payloads.STATUS_MUTATION[(job_type, action)]
        self._mutate(operation, job, {})
        after = self.get_job(job_type, job.id)
        log.info("%s import job %s: %s -> %s", job_type, job.id, job.job_status, after.job_status)
        if after.job_status is None:
            log.warning(
                "this Arize does not report jobStatus: the %s of job %s is not confirmed", action, job.id
            )
        elif after.job_status != target:
            raise ArizeAPIError(
                f"Arize accepted the {action} of {job_type} import job {job.id} but reports it "
                f"{after.job_status!r}, not {target!r}",
                operation_name=operation,
            )
        return StatusChange(after, changed=True)

    def update_ingestion_parameters(self, ref: str, params: TableIngestionParameters) -> ImportJob:
        """Set a table job's ``rowLimit`` / ``refreshIntervalMinutes`` / ``queryWindowSizeHours``;
        parameters left unset keep their current values."""
        if params.is_empty():
            raise ArizeConfigError("no ingestion parameter to update", field="tableIngestionParameters")
        job = self.get_job("table", ref)
        if job.ingestion_parameters is None:
            log.warning(
                "this Arize does not report job %s's ingestion parameters: sending only the ones given",
                job.id,
            )
        merged = params.merged_over(job.ingestion_parameters)
        self._mutate("UpdateTableIngestionParameters", job, {"tableIngestionParameters": merged.to_input()})
        after = self.get_job("table", job.id)
        _check_parameters(after, merged)
        return after

    def update_table_job_schema(
        self, ref: str, schema: ModelSchema, params: TableIngestionParameters | None = None
    ) -> ImportJob:
        """Replace a table job's schema (validated against the job's model type first), sending the
        complete schema and the merged ingestion parameters, as ``updateTableImportJob`` expects."""
        job = self.get_job("table", ref)
        if job.model_type:
            schema.validate_for(job.model_type, "table")
        else:
            log.warning(
                "this Arize does not report job %s's model type: the schema is sent unchecked", job.id
            )
        merged = (params or TableIngestionParameters()).merged_over(job.ingestion_parameters)
        if merged.is_empty():
            log.warning(
                "job %s's ingestion parameters are unknown and none were given: the update sends the schema "
                "alone",
                job.id,
            )
        variables: dict[str, Any] = {
            "schema": schema.to_input(),
            "tableIngestionParameters": None if merged.is_empty() else merged.to_input(),
        }
        self._mutate("UpdateTableImportJob", job, variables, wrap=False)
        after = self.get_job("table", job.id)
        _check_schema(after, schema, "UpdateTableImportJob")
        if not merged.is_empty():
            _check_parameters(after, merged)
        return after

    def update_file_job_schema(self, ref: str, schema: ModelSchema) -> ImportJob:
        """Replace a file job's schema (validated against the job's model type first)."""
        job = self.get_job("file", ref)
        if job.model_type:
            schema.validate_for(job.model_type, "file")
        self._mutate("UpdateFileImportJob", job, {"schema": schema.to_input()})
        after = self.get_job("file", job.id)
        _check_schema(after, schema, "UpdateFileImportJob")
        return after

    # -- table runs ----------------------------------------------------------------------------------
    def list_table_queries(self, ref: str) -> list[TableRunQuery]:
        """Every query of a table job, oldest first by ``createdAt``."""
        job = self.get_job("table", ref) if payloads.is_short_job_id(ref) else None
        global_id = job.id if job else ref

        def page(first: int, after: str | None) -> Any:
            name, variables = payloads.list_queries_request(global_id, first, after)
            return payloads.parse_connection(self._run(name, variables), "node", "queries")

        return payloads.sort_queries([TableRunQuery.from_output(n) for n in iter_nodes(page)])

    def find_table_run(self, ref: str, window: QueryWindow) -> TableRunQuery | None:
        """The query Arize reports for exactly ``window``, if any."""
        return payloads.window_query(self.list_table_queries(ref), window)

    def trigger_table_run(self, ref: str, window: QueryWindow) -> TriggerResult:
        """Trigger an event-based job's run for ``window``, once: an existing query for the window is
        returned instead (docs/internals.md, "The client's contract")."""
        job = self.get_job("table", ref)
        if not job.is_active:
            raise ArizeAPIError(f"cannot trigger a run of table import job {job.id}: it is {job.job_status}")
        existing, total = self._single_run(job.id, window)
        if existing is not None:
            log.info(
                "window %s of job %s was already triggered (query %s); not triggering again",
                window,
                job.id,
                existing.query_id,
            )
            return TriggerResult(window, triggered=False, query=existing, job=job, queries_total=total)
        for attempt in range(1, AMBIGUOUS_CREATE_ATTEMPTS + 1):
            try:
                self._mutate("CreateTriggeredOngoingTableRun", job, window.to_input(), idempotent=False)
            except ArizeAmbiguousMutationError as exc:
                log.warning(
                    "trigger of window %s may or may not have committed (%s); looking it up", window, exc
                )
                found = self.find_table_run(job.id, window)
                if found is not None:
                    return TriggerResult(window, triggered=True, query=found, job=job)
                if attempt == AMBIGUOUS_CREATE_ATTEMPTS:
                    raise
                continue
            log.info("triggered window %s of table import job %s", window, job.id)
            query, total = self._single_run(job.id, window)
            return TriggerResult(window, triggered=True, query=query, job=job, queries_total=total)
        raise AssertionError("unreachable")  # pragma: no cover

    def _single_run(self, job_id: str, window: QueryWindow) -> tuple[TableRunQuery | None, int]:
        """The one query of ``window``, and how many queries the job lists. Two or more of ``window``
        (another task triggered the same window at the same time: two DAGs on one job) raise
        :class:`ArizeDuplicateRunError` naming them all."""
        queries = self.list_table_queries(job_id)
        same = payloads.window_queries(queries, window)
        if len(same) > 1:
            raise ArizeDuplicateRunError(
                f"window {window} of table import job {job_id} has {len(same)} queries "
                f"({', '.join(str(q.query_id) for q in same)}): another task triggered the same window at "
                "the same time. Its rows may be ingested more than once; let one task (one DAG) trigger "
                "each job's windows",
                queries=same,
            )
        return (same[0] if same else None), len(queries)


#: The listed fields a job's identity is made of, in :func:`_identity`'s order.
_IDENTITY_FIELDS = {
    "table": ("modelName", "modelEnvironmentName", "tableStore", "table"),
    "file": ("modelName", "modelEnvironmentName", "bucketName", "prefix"),
}


def _checked_ref(ref: object) -> str:
    if not isinstance(ref, str) or not ref.strip():
        raise ArizeConfigError("job id must not be empty", field="jobId")
    return ref.strip()


def _normal(parts: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """Identity parts compared as Arize may spell them: environment, store and table case-insensitively."""
    name, environment, store, place = parts
    return (name, _lower(environment), _lower(store), place)


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


_NOT_FOUND_TEXT = re.compile(r"not found|\bno \w+ found\b|does not exist|no such|unknown job", re.IGNORECASE)


def _not_found(exc: ArizeAPIError) -> bool:
    """Whether Arize's answer says the job it was given does not exist."""
    if isinstance(exc, ArizeNotFoundError):
        return True
    for error in exc.errors or ():
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        if isinstance(code, str) and "NOT_FOUND" in code.upper():
            return True
    return bool(_NOT_FOUND_TEXT.search(str(exc)))


def _check_schema(job: ImportJob, sent: ModelSchema, operation: str) -> None:
    """Raise when a column the job reports differs from the one sent (columns not reported: not compared)."""
    if job.schema is None:
        return
    got = job.schema.to_input()
    for key, want in sent.to_input().items():
        if isinstance(want, str) and isinstance(got.get(key), str) and got[key] != want:
            raise ArizeAPIError(
                f"Arize accepted the schema of {job.job_type} import job {job.id} but reports {key} "
                f"{got[key]!r}, not {want!r}",
                operation_name=operation,
            )


def _check_parameters(job: ImportJob, sent: TableIngestionParameters) -> None:
    """Raise when the parameters read back differ from those sent (unknown ones are not compared)."""
    got = job.ingestion_parameters
    if got is None:
        return
    for name in ("row_limit", "refresh_interval_minutes", "query_window_size_hours"):
        want, have = getattr(sent, name), getattr(got, name)
        if want is not None and have is not None and want != have:
            raise ArizeAPIError(
                f"Arize accepted the ingestion parameters of table import job {job.id} but reports {name} "
                f"{have}, not {want}",
                operation_name="UpdateTableIngestionParameters",
            )


def survivor_order(job: ImportJob) -> tuple[int, float, str]:
    """The order in which jobs of one identity are kept: the oldest first, by short ``jobId`` (Arize
    numbers jobs in creation order), then ``createdAt``, then the global id, so every task that reads the
    same listing picks the same survivor."""
    number = int(job.job_id) if job.job_id and job.job_id.isdigit() else 2**63
    created = job.created_at.timestamp() if job.created_at else float("inf")
    return (number, created, job.id)


def _identity(job: ImportJob) -> tuple[str | None, ...]:
    """A listed job's identity without the space (listings are per space)."""
    if job.job_type == "table":
        return (job.model_name, job.environment, job.table_store, (job.table or "").lower())
    return (job.model_name, job.environment, job.bucket_name, job.prefix or "")


def _validation(data: dict[str, Any], field: str) -> ValidationResult:
    result = ValidationResult.from_output(payloads.field_of(data, field, "validationResult"))
    if result is None:
        raise ArizeResponseError(f"{field} dry run returned no validationResult")
    return result
