"""Every GraphQL name the provider may select that no Arize page shows, and what it does without it.

Names are keyed as in ``api/shape/arize.graphql`` (``"Type.field"``, ``"Type.field(arg)"``); only
:data:`CERTAIN` names are sent without precaution. The rules, and how the emulator's profiles use these
groups: ``docs/api-variants.md``, "Where the names live".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CERTAIN", "GROUPS", "OPTIONAL", "Group", "group_of", "is_certain", "optional_keys"]


@dataclass(frozen=True)
class Group:
    """A set of optional names that stand or fall together, with what the provider does without them."""

    name: str
    source: str
    without: str
    keys: tuple[str, ...]


def _keys(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GROUPS: tuple[Group, ...] = (
    Group(
        "table-job-metadata",
        "3rd-party",
        "identity checks match on what the listing shows (model name, and the table where the job shows "
        "it) and log which parts they could not compare; records leave those parts empty",
        _keys(
            "TableImportJob.createdAt TableImportJob.modelId TableImportJob.modelVersion "
            "TableImportJob.batchId TableImportJob.modelType TableImportJob.modelEnvironmentName "
            "TableImportJob.tableStore TableImportJob.table TableImportJob.projectId TableImportJob.dataset"
        ),
    ),
    Group(
        "table-job-schema",
        "3rd-party",
        "a schema update sends the schema the user gives, unmerged, and is not checked against the job's "
        "model type",
        _keys("TableImportJob.schema"),
    ),
    Group(
        "schema-extra-columns",
        "3rd-party",
        "the job's schema is read without these columns",
        _keys(
            "TableImportSchema.predictionScore TableImportSchema.actualScore TableImportSchema.shapValues "
            "TableImportSchema.batchId TableImportSchema.exclude "
            "FileImportSchema.batchId FileImportSchema.exclude FileImportSchema.features "
            "FileImportSchema.featuresList FileImportSchema.tagsList FileImportSchema.version"
        ),
    ),
    Group(
        "ingestion-parameters",
        "3rd-party",
        "the job's ingestion parameters are unknown: an update sends only the values given",
        _keys("TableImportJob.tableIngestionParameters"),
    ),
    Group(
        "ingestion-minutes-hours",
        "unknown",
        "read in seconds instead, or unknown when neither form is served",
        _keys(
            "TableIngestionParameters.rowLimit TableIngestionParameters.refreshIntervalMinutes "
            "TableIngestionParameters.queryWindowSizeHours"
        ),
    ),
    Group(
        "ingestion-seconds",
        "3rd-party",
        "read in minutes and hours instead, or unknown when neither form is served",
        _keys(
            "TableIngestionParameters.refreshIntervalSeconds TableIngestionParameters.queryWindowSizeSeconds"
        ),
    ),
    Group(
        "pending-count",
        "3rd-party",
        "waits count a query as pending until it shows a record count or the failed counter moves",
        _keys("TableImportJob.totalQueriesPendingCount"),
    ),
    Group(
        "listing-search",
        "3rd-party",
        "listings are read in full and filtered here",
        _keys("Space.tableJobs(search) Space.importJobs(search)"),
    ),
    Group(
        "paging",
        "convention",
        "only the first page (50) of a listing is read, and the log says a longer listing was cut",
        _keys(
            "Space.tableJobs(after) Space.importJobs(after) TableImportJob.queries(after) "
            "Viewer.spaces(after) TableImportJobConnection.pageInfo FileImportJobConnection.pageInfo "
            "TableImportJobQueryConnection.pageInfo SpaceConnection.pageInfo"
        ),
    ),
    Group(
        "client-mutation-id",
        "convention",
        "payloads are read without it",
        _keys(
            "CreateFileImportJobPayload.clientMutationId CreateTableImportJobPayload.clientMutationId "
            "CreateTriggeredOngoingTableImportJobPayload.clientMutationId "
            "PauseTableImportJobPayload.clientMutationId StartTableImportJobPayload.clientMutationId "
            "DeleteTableImportJobPayload.clientMutationId UpdateTableImportJobPayload.clientMutationId "
            "UpdateTableIngestionParametersPayload.clientMutationId "
            "UpdateFileImportJobPayload.clientMutationId PauseFileImportJobPayload.clientMutationId "
            "StartFileImportJobPayload.clientMutationId DeleteFileImportJobPayload.clientMutationId"
        ),
    ),
    Group(
        "file-job-payloads",
        "3rd-party",
        "after a file-job mutation the job is read back (a create finds it in the listing)",
        _keys(
            "CreateFileImportJobPayload.fileImportJob UpdateFileImportJobPayload.fileImportJob "
            "PauseFileImportJobPayload.fileImportJob StartFileImportJobPayload.fileImportJob "
            "DeleteFileImportJobPayload.fileImportJob"
        ),
    ),
    Group(
        "file-job-metadata",
        "3rd-party",
        "identity checks match file jobs on the model name and the bucket and prefix where shown",
        _keys(
            "FileImportJob.createdAt FileImportJob.modelId FileImportJob.modelVersion FileImportJob.batchId "
            "FileImportJob.modelType FileImportJob.modelEnvironmentName FileImportJob.schema"
        ),
    ),
    Group(
        "file-job-core",
        "3rd-party",
        "file jobs cannot be listed, waited on or matched: the provider says which name is missing",
        _keys(
            "Space.importJobs FileImportJob.jobId FileImportJob.jobStatus FileImportJob.modelName "
            "FileImportJob.blobStore FileImportJob.bucketName FileImportJob.prefix "
            "FileImportJob.totalFilesPendingCount FileImportJob.totalFilesSuccessCount "
            "FileImportJob.totalFilesFailedCount"
        ),
    ),
    Group(
        "viewer",
        "docs",
        "spaces cannot be listed; give the space id from the Arize URL",
        _keys("Query.viewer"),
    ),
)

#: Names Arize's own pages show (tagged [seed] and [docs] in ``arize.graphql``): used without precaution.
CERTAIN: frozenset[str] = frozenset(
    _keys(
        "Query.node Node.id Space.id Space.name Space.tableJobs Space.tableJobs(first) "
        "TableImportJobConnection.edges TableImportJobEdge.node "
        "TableImportJob.id TableImportJob.jobId TableImportJob.jobStatus TableImportJob.modelName "
        "TableImportJob.totalQueriesSuccessCount TableImportJob.totalQueriesFailedCount "
        "TableImportJob.queries TableImportJob.queries(first) "
        "TableImportJobQueryConnection.totalCount TableImportJobQueryConnection.edges "
        "TableImportJobQueryEdge.node TableImportJobQuery.queryId TableImportJobQuery.createdAt "
        "TableImportJobQuery.recordsProcessedCount TableImportJobQuery.windowStartTimestamp "
        "TableImportJobQuery.windowEndTimestamp FileImportJob.id "
        "Viewer.spaces Viewer.spaces(first) SpaceConnection.edges SpaceEdge.node "
        "TableImportSchema.predictionId TableImportSchema.predictionLabel TableImportSchema.timestamp "
        "TableImportSchema.features TableImportSchema.actualLabel TableImportSchema.version "
        "TableImportSchema.tags TableImportSchema.changeTimestamp TableImportSchema.featuresList "
        "TableImportSchema.tagsList FileImportSchema.predictionId FileImportSchema.timestamp "
        "FileImportSchema.predictionLabel FileImportSchema.actualLabel FileImportSchema.tags "
        "FileImportSchema.predictionScore FileImportSchema.actualScore FileImportSchema.shapValues "
        "FileImportJobConnection.edges FileImportJobEdge.node "
        "Mutation.createTableImportJob Mutation.createTriggeredOngoingTableImportJob "
        "Mutation.createTriggeredOngoingTableRun Mutation.pauseTableImportJob Mutation.startTableImportJob "
        "Mutation.deleteTableImportJob Mutation.updateTableIngestionParameters "
        "Mutation.updateTableImportJob Mutation.createFileImportJob Mutation.updateFileImportJob "
        "Mutation.startFileImportJob Mutation.pauseFileImportJob Mutation.deleteFileImportJob "
        "CreateTableImportJobPayload.tableImportJob CreateTableImportJobPayload.validationResult "
        "CreateTriggeredOngoingTableImportJobPayload.tableImportJob "
        "CreateTriggeredOngoingTableImportJobPayload.space "
        "CreateTriggeredOngoingTableImportJobPayload.validationResult "
        "CreateTriggeredOngoingTableRunPayload.clientMutationId "
        "PauseTableImportJobPayload.tableImportJob StartTableImportJobPayload.tableImportJob "
        "DeleteTableImportJobPayload.tableImportJob UpdateTableIngestionParametersPayload.tableImportJob "
        "UpdateTableImportJobPayload.tableImportJob CreateFileImportJobPayload.validationResult "
        "TableValidationResult.validationStatus TableValidationResult.error "
        "FileValidationResult.validationStatus FileValidationResult.filePath FileValidationResult.error "
        "ValidationError.code ValidationError.message ValidationError.row "
        "PageInfo.hasNextPage PageInfo.endCursor"
    )
)
# An output schema type's columns mirror input names Arize's pages show; the ``schema`` field that holds
# it is optional, so they are selected only where it exists.

OPTIONAL: dict[str, Group] = {key: group for group in GROUPS for key in group.keys}


def optional_keys(*groups: str) -> frozenset[str]:
    """The optional names of the named groups (all of them when none is named)."""
    chosen = set(groups) or {g.name for g in GROUPS}
    unknown = chosen - {g.name for g in GROUPS}
    if unknown:
        raise KeyError(f"unknown name groups {sorted(unknown)}; known: {[g.name for g in GROUPS]}")
    return frozenset(k for g in GROUPS if g.name in chosen for k in g.keys)


def group_of(key: str) -> Group | None:
    """The group of an optional name, ``None`` for a name that is not optional."""
    return OPTIONAL.get(key)


def is_certain(key: str) -> bool:
    return key in CERTAIN
