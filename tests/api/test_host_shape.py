"""Discovery, pruning and the re-send rules, on a recording transport that validates like a GraphQL server.

The "server" here is graphql-core validating each document against a schema (the full SDL less some
names, as a host lacking them would), answering validation failures with graphql-core's own messages and
HTTP 400, introspection with a real introspection result, and anything valid with empty data. It stands
in for the network only; the client code under test is the real one. Real-HTTP runs against every
emulator profile are in ``tests/e2e/test_profiles_*.py``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, build_schema, graphql_sync, parse, print_schema, validate
from graphql.validation import NoSchemaIntrospectionCustomRule, specified_rules

from airflow_provider_arize.api import documents, operations
from airflow_provider_arize.api.errors import ArizeAmbiguousMutationError, ArizeAPIError, ArizeAuthError
from airflow_provider_arize.api.retry import RetryPolicy
from airflow_provider_arize.api.sender import Sender
from airflow_provider_arize.api.shape.discovery import DISCOVERY_DOCUMENT, present_keys, wish_schema
from airflow_provider_arize.api.shape.host import forget_shapes
from airflow_provider_arize.api.shape.registry import CERTAIN, OPTIONAL
from airflow_provider_arize.api.transport import GraphQLTransport, TransportConfig


def _without(removed: set[str]) -> GraphQLSchema:
    """The full schema less ``removed`` fields (``Type.field``) and arguments (``Type.field(arg)``)."""
    lines = print_schema(wish_schema())
    schema = build_schema(lines)
    for key in removed:
        type_name, rest = key.split(".", 1)
        fields = schema.get_type(type_name).fields  # type: ignore[union-attr]
        if "(" in rest:
            field, arg = rest[:-1].split("(")
            if field in fields:
                del fields[field].args[arg]
        else:
            fields.pop(rest, None)
    return build_schema(print_schema(schema))


class Host:
    """Records every request; answers as a server of ``schema`` would (see the module docstring)."""

    def __init__(self, schema: GraphQLSchema, *, introspection: bool = True) -> None:
        self.schema = schema
        self.introspection = introspection
        self.sent: list[dict[str, Any]] = []
        self.script: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.sent.append(body)
        if self.script:
            return httpx.Response(self.script.pop(0), json={"errors": [{"message": "scripted"}]})
        if request.headers.get("x-api-key") != "key":
            return httpx.Response(401, json={"errors": [{"message": "bad key"}]})
        rules = [*specified_rules] + ([] if self.introspection else [NoSchemaIntrospectionCustomRule])
        errors = validate(self.schema, parse(body["query"]), rules)
        if errors:
            return httpx.Response(400, json={"errors": [e.formatted for e in errors]})
        if "__schema" in body["query"]:
            result = graphql_sync(self.schema, body["query"])
            return httpx.Response(200, json={"data": result.data})
        return httpx.Response(200, json={"data": {}})

    def names(self) -> list[str]:
        return [b["operationName"] for b in self.sent]


@pytest.fixture(autouse=True)
def _fresh_shapes() -> None:
    forget_shapes()


def sender(host: Host, key: str = "key") -> Sender:
    config = TransportConfig(endpoint="https://arize.test", api_key=key, retry=RetryPolicy(max_attempts=3))
    return Sender(GraphQLTransport(config, http_transport=httpx.MockTransport(host), sleep=lambda _s: None))


LIST = ("ListTableImportJobs", {"spaceId": "U3BhY2U6MQ==", "first": 50, "after": None, "search": "x"})


def test_discovery_is_one_request_per_host_and_process_and_prunes_what_the_host_lacks() -> None:
    host = Host(
        _without({"TableImportJob.createdAt", "Space.tableJobs(search)", "TableImportJobConnection.pageInfo"})
    )
    for _ in range(3):
        sender(host).run(*LIST)
    assert host.names() == ["DiscoverArizeSchema", *["ListTableImportJobs"] * 3]
    sent = host.sent[1]["query"]
    assert "createdAt" not in sent and "search" not in sent and "pageInfo" not in sent
    assert "search" not in host.sent[1]["variables"]
    assert "modelEnvironmentName" in sent  # present on this host, so selected


def test_without_introspection_a_rejected_name_is_dropped_and_the_request_sent_once_more() -> None:
    host = Host(_without({"TableImportJob.createdAt"}), introspection=False)
    sender(host).run(*LIST)
    assert host.names() == ["DiscoverArizeSchema", "ListTableImportJobs", "ListTableImportJobs"]
    assert "createdAt" in host.sent[1]["query"] and "createdAt" not in host.sent[2]["query"]
    sender(host).run(*LIST)  # remembered for the host: no second rejection
    assert host.names()[3:] == ["ListTableImportJobs"]


def test_a_create_rejected_for_a_name_is_resent_but_never_after_a_5xx() -> None:
    values = {"input": {"spaceId": "s", "modelEnvironmentName": "production"}}
    host = Host(_without({"CreateTableImportJobPayload.clientMutationId"}), introspection=False)
    sender(host).run("CreateTableImportJob", values, idempotent=False)
    assert host.names() == ["DiscoverArizeSchema", "CreateTableImportJob", "CreateTableImportJob"]
    host.sent.clear()
    host.script = [503]
    with pytest.raises(ArizeAmbiguousMutationError):
        sender(host).run("CreateTableImportJob", values, idempotent=False)
    assert host.names() == ["CreateTableImportJob"]


def test_a_refused_key_at_discovery_is_raised_not_taken_for_a_refused_introspection() -> None:
    host = Host(wish_schema())
    with pytest.raises(ArizeAuthError):
        sender(host, key="wrong").run(*LIST)
    assert sender(host).run(*LIST) == {}  # a good key then discovers as usual
    assert host.names()[-2:] == ["DiscoverArizeSchema", "ListTableImportJobs"]


def test_test_connection_needs_no_discovery() -> None:
    host = Host(wish_schema())
    sender(host).run("TestConnection")
    assert host.names() == ["TestConnection"]


def test_seed_form_mutations_name_no_input_type_and_escape_their_values() -> None:
    host = Host(wish_schema())
    nasty = 'VGFi"}) { x } #\\'
    sender(host).run("PauseTableImportJob", {"input": {"jobId": nasty}})
    body = host.sent[-1]
    assert "Input" not in body["query"] and body["variables"] == {}
    (field,) = parse(body["query"]).definitions[0].selection_set.selections  # type: ignore[attr-defined]
    assert field.arguments[0].value.fields[0].value.value == nasty


def test_ingestion_parameters_are_selected_in_whichever_units_the_host_has() -> None:
    for removed, absent in [
        (
            {
                "TableIngestionParameters.refreshIntervalSeconds",
                "TableIngestionParameters.queryWindowSizeSeconds",
            },
            "Seconds",
        ),
        (
            {
                "TableIngestionParameters.rowLimit",
                "TableIngestionParameters.refreshIntervalMinutes",
                "TableIngestionParameters.queryWindowSizeHours",
            },
            "Minutes",
        ),
    ]:
        forget_shapes()
        host = Host(_without(removed))
        sender(host).run("GetTableImportJob", {"id": "x"})
        assert absent not in host.sent[-1]["query"] and "tableIngestionParameters" in host.sent[-1]["query"]


@pytest.mark.parametrize(
    "name", [*operations.names(), "PollTableImportJob", "PollFileImportJob", "PollTableImportJobQueries"]
)
def test_every_name_a_document_uses_is_shown_by_arize_or_registered(name: str) -> None:
    used = documents.build(name, _values(name), lambda _k: True).used
    assert used <= CERTAIN | set(OPTIONAL), sorted(used - CERTAIN - set(OPTIONAL))


@pytest.mark.parametrize(
    "name", [*operations.names(), "PollTableImportJob", "PollFileImportJob", "PollTableImportJobQueries"]
)
def test_lean_documents_validate_on_a_host_with_no_optional_name(name: str) -> None:
    if name == "ListSpaces":  # viewer is optional: without it spaces cannot be listed at all
        with pytest.raises(ArizeAPIError, match="serves none of the fields ListSpaces reads"):
            documents.build(name, {"first": 5}, lambda k: k not in OPTIONAL)
        return
    lean = _without_all_optional()
    built = documents.build(name, _values(name), lambda k: k not in OPTIONAL)
    assert validate(lean, parse(built.text)) == []


def _without_all_optional() -> GraphQLSchema:
    removable = {k for k in OPTIONAL if not _is_sole_field(k)}
    return _without(removable)


def _is_sole_field(key: str) -> bool:
    """A field whose removal would leave its type empty (the lean host then lacks the parent field)."""
    type_name = key.split(".", 1)[0]
    type_ = wish_schema().get_type(type_name)
    fields = [f"{type_name}.{f}" for f in type_.fields]  # type: ignore[union-attr]
    return all(f in OPTIONAL for f in fields)


def _values(name: str) -> dict[str, Any]:
    text = operations.load(name)
    values: dict[str, Any] = {"input": {"jobId": "1"}, "jobId": "1", "schema": {"predictionId": "p"}}
    for var in ("id", "spaceId", "after", "search"):
        if f"${var}" in text:
            values[var] = "x"
    if "$first" in text:
        values["first"] = 5
    return values


def test_present_keys_reads_a_host_whose_types_are_named_otherwise() -> None:
    sdl = (
        print_schema(wish_schema())
        .replace("TableIngestionParameters ", "IngestionParams ")
        .replace("TableIngestionParameters\n", "IngestionParams\n")
    )
    schema = build_schema(sdl)
    data = graphql_sync(schema, DISCOVERY_DOCUMENT).data
    assert data is not None
    keys = present_keys(data)
    assert "TableIngestionParameters.rowLimit" in keys and "TableImportJob.tableIngestionParameters" in keys


def _new_process() -> None:
    """What a new task process knows: nothing in memory, the machine's saved shapes on disk."""
    from airflow_provider_arize.api.shape import host as host_module

    host_module._SHAPES.clear()


def test_a_new_process_starts_from_the_shape_saved_on_this_machine() -> None:
    host = Host(_without({"TableImportJob.createdAt"}))
    sender(host).run(*LIST)
    _new_process()
    sender(host).run(*LIST)
    assert host.names() == ["DiscoverArizeSchema", "ListTableImportJobs", "ListTableImportJobs"]
    assert "createdAt" not in host.sent[2]["query"]  # the saved shape prunes as the discovered one did


def test_a_saved_shape_older_than_an_hour_is_discovered_again() -> None:
    import os
    import time

    from airflow_provider_arize.api.local_cache import cache_file
    from airflow_provider_arize.api.shape.saved import MAX_AGE

    host = Host(wish_schema())
    sender(host).run(*LIST)
    old = time.time() - MAX_AGE - 1
    os.utime(cache_file("shapes", "https://arize.test/graphql"), (old, old))
    _new_process()
    sender(host).run(*LIST)
    assert host.names().count("DiscoverArizeSchema") == 2


def test_a_saved_name_the_host_has_since_dropped_is_dropped_as_it_rejects_it() -> None:
    sender(Host(wish_schema())).run(*LIST)  # saved: every name served
    later = Host(_without({"TableImportJob.createdAt"}))
    _new_process()
    sender(later).run(*LIST)
    assert later.names() == ["ListTableImportJobs", "ListTableImportJobs"]  # rejected once, then without it
    assert "createdAt" not in later.sent[1]["query"]
