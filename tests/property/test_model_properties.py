"""Property: every model the operators build from user input either accepts the input or refuses it with
``ArizeConfigError`` naming the field (``.field`` set and quoted in the message), never another
exception. These are the checks that run before any request (the operator-level properties, with a
request counter, are in ``test_operator_properties.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.api.models import (
    FileLocation,
    ModelSchema,
    ModelTarget,
    QueryWindow,
    TableIngestionParameters,
    table_config_for,
)

from .strategies import json_values, maybe, names, odd_text, schemas, timestamps

SETTINGS = settings(max_examples=300, deadline=None)


def accepted_or_named(build: Callable[[], Any]) -> Any:
    """Run ``build``; a refusal must be ``ArizeConfigError`` naming its field."""
    try:
        return build()
    except ArizeConfigError as exc:
        assert exc.field, f"no field on: {exc}"
        name = exc.field.split("[")[0].split(".")[0]
        assert name in str(exc) or repr(exc.field) in str(exc), (exc.field, str(exc))
        return None


@SETTINGS
@given(
    space_id=maybe(names),
    model_name=maybe(names),
    model_type=maybe(st.sampled_from(sorted(constants.MODEL_TYPES))),
    environment=maybe(st.sampled_from(sorted(constants.MODEL_ENVIRONMENTS))),
    model_version=st.none() | maybe(names),
    batch_id=st.none() | maybe(names),
)
def test_model_target(**kwargs: Any) -> None:
    accepted_or_named(lambda: ModelTarget(**kwargs))


@SETTINGS
@given(schema=st.one_of(schemas, json_values))
def test_model_schema(schema: Any) -> None:
    accepted_or_named(lambda: ModelSchema.from_value(schema))


TABLE_KEYS = [
    "projectId",
    "dataset",
    "tableName",
    "accountID",
    "database",
    "schema",
    "hostName",
    "endpoint",
    "catalog",
    "databricksSchema",
    "token",
]


@SETTINGS
@given(
    store=maybe(st.sampled_from(sorted(constants.TABLE_STORES))),
    config=st.one_of(
        st.dictionaries(st.sampled_from(TABLE_KEYS) | st.text(max_size=10), maybe(names), max_size=7),
        json_values,
    ),
)
def test_table_config(store: Any, config: Any) -> None:
    accepted_or_named(lambda: table_config_for(store, config))


@SETTINGS
@given(
    params=st.one_of(
        st.dictionaries(
            st.sampled_from(["rowLimit", "refreshIntervalMinutes", "queryWindowSizeHours", "row_limit"])
            | st.text(max_size=10),
            maybe(st.integers(min_value=-5, max_value=10**7)),
            max_size=4,
        ),
        json_values,
    )
)
def test_ingestion_parameters(params: Any) -> None:
    accepted_or_named(lambda: TableIngestionParameters.from_value(params))


@SETTINGS
@given(start=timestamps, end=timestamps)
def test_query_window(start: Any, end: Any) -> None:
    window = accepted_or_named(lambda: QueryWindow.of(start, end))
    if window is not None:
        assert window.start < window.end
        assert window.start.tzinfo is not None and window.start.utcoffset() is not None


uri_schemes = st.sampled_from(["s3", "S3", "gs", "az", "http", "file", "s3a", ""])
uris = st.one_of(
    st.builds(
        lambda scheme, bucket, prefix: f"{scheme}://{bucket}/{prefix}",
        uri_schemes,
        maybe(st.from_regex(r"[a-z0-9][a-z0-9.-]{1,20}", fullmatch=True)),
        st.text(max_size=30),
    ),
    odd_text,
    json_values,
)


@SETTINGS
@given(uri=uris)
def test_file_location_from_uri(uri: Any) -> None:
    location = accepted_or_named(lambda: FileLocation.from_uri(uri))
    if location is not None:
        assert location.bucket_name and "/" not in location.bucket_name
        assert not location.prefix.startswith("/")
        assert FileLocation.from_uri(location.uri) == location  # round trip


@SETTINGS
@given(
    blob_store=maybe(st.sampled_from(sorted(constants.BLOB_STORES))),
    bucket_name=maybe(names),
    prefix=maybe(st.text(max_size=20)),
)
def test_file_location(**kwargs: Any) -> None:
    accepted_or_named(lambda: FileLocation(**kwargs))
