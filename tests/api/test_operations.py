"""Contract tests: every shipped GraphQL document is valid against the emulator SDL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    build_schema,
    get_named_type,
    parse,
    validate,
    visit,
)

import airflow_provider_arize
from airflow_provider_arize.api import constants, operations
from airflow_provider_arize.api.operations import NON_IDEMPOTENT, Operation

SCHEMA_PATH = Path(airflow_provider_arize.__file__).parent / "api" / "shape" / "arize.graphql"
JOB_TYPES = {"TableImportJob", "FileImportJob"}


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def _emulator_only_fields() -> set[tuple[str, str]]:
    """(type, field) pairs the SDL marks ``[emulator]``: extras the provider must never select."""
    pairs: set[tuple[str, str]] = set()
    current = ""
    for line in SCHEMA_PATH.read_text(encoding="utf-8").splitlines():
        code, _, comment = line.partition("#")
        opened = re.match(r"\s*(?:type|input|interface)\s+(\w+)", code)
        if opened:
            current = opened.group(1)
            code = code[opened.end() :]
        if "[emulator]" in comment:
            pairs.update((current, name) for name in re.findall(r"(\w+)\s*(?:\([^)]*\))?\s*:", code))
    return pairs


ALL = operations.names()


def test_names_match_enum_and_files() -> None:
    assert set(ALL) == {op.value for op in Operation}
    assert len(ALL) == 23
    for fragment in operations.fragment_names():
        doc = parse(operations.load_fragment(fragment))
        (definition,) = doc.definitions
        assert isinstance(definition, FragmentDefinitionNode)
        assert definition.name.value == fragment


def test_unknown_name_lists_known_names() -> None:
    with pytest.raises(KeyError) as info:
        operations.load("NoSuchOperation")
    assert "ListSpaces" in str(info.value)
    assert "CreateTableImportJob" in str(info.value)


def test_load_is_cached_and_enum_document_matches() -> None:
    assert operations.load("ListSpaces") is operations.load("ListSpaces")
    assert Operation.LIST_SPACES.document == operations.load("ListSpaces")


def test_idempotency_table() -> None:
    assert {op.value for op in NON_IDEMPOTENT} == {
        "CreateTableImportJob",
        "CreateTriggeredOngoingTableImportJob",
        "CreateTriggeredOngoingTableRun",
        "CreateFileImportJob",
    }
    assert Operation.DRY_RUN_TABLE_IMPORT_JOB.idempotent
    assert not Operation.CREATE_FILE_IMPORT_JOB.idempotent


@pytest.mark.parametrize("name", ALL)
def test_document_is_one_named_operation_valid_against_sdl(name: str, schema: GraphQLSchema) -> None:
    doc = parse(operations.load(name))
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(ops) == 1
    assert ops[0].name is not None and ops[0].name.value == name
    assert all(isinstance(d, OperationDefinitionNode | FragmentDefinitionNode) for d in doc.definitions)
    errors = validate(schema, doc)  # includes KnownFragmentNames and NoUnusedFragments
    assert not errors, [e.message for e in errors]


def _literal_values(doc: DocumentNode) -> list[str]:
    """Every argument value (or part of one) that is not a variable."""
    found: list[str] = []

    class Finder(Visitor):
        def enter_argument(self, node: Any, *_: Any) -> None:
            self._check(node.value)

        def _check(self, value: ValueNode) -> None:
            if isinstance(value, VariableNode):
                return
            fields = getattr(value, "fields", None)
            values = getattr(value, "values", None)
            if fields is not None:
                for f in fields:
                    self._check(f.value)
            elif values is not None:
                for v in values:
                    self._check(v)
            else:
                found.append(type(value).__name__)

        def enter_variable_definition(self, node: Any, *_: Any) -> None:
            if node.default_value is not None:
                found.append("default value")

    visit(doc, Finder())
    return found


@pytest.mark.parametrize("name", ALL)
def test_no_inline_literals(name: str) -> None:
    assert _literal_values(parse(operations.load(name))) == []


def _field_names(selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, FragmentSpreadNode):
            names |= _field_names(fragments[selection.name.value].selection_set, fragments)
        elif isinstance(selection, InlineFragmentNode):
            names |= _field_names(selection.selection_set, fragments)
    return names


def _job_selections(doc: DocumentNode, schema: GraphQLSchema) -> tuple[list[str], list[str]]:
    """(job selections found, those lacking ``id`` or ``jobId``), fragments expanded."""
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    type_info = TypeInfo(schema)
    found: list[str] = []
    missing: list[str] = []

    class Checker(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            named = get_named_type(type_info.get_type())
            if named is not None and named.name in JOB_TYPES and node.selection_set is not None:
                found.append(node.name.value)
                if not {"id", "jobId"} <= _field_names(node.selection_set, fragments):
                    missing.append(node.name.value)

        def enter_inline_fragment(self, node: Any, *_: Any) -> None:
            if node.type_condition is not None and node.type_condition.name.value in JOB_TYPES:
                found.append(node.type_condition.name.value)
                if not {"id", "jobId"} <= _field_names(node.selection_set, fragments):
                    missing.append(node.type_condition.name.value)

    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    visit(ops[0], TypeInfoVisitor(type_info, Checker()))
    return found, missing


@pytest.mark.parametrize("name", ALL)
def test_every_job_selection_has_id_and_job_id(name: str, schema: GraphQLSchema) -> None:
    found, missing = _job_selections(parse(operations.load(name)), schema)
    assert missing == []
    if "ImportJob" in name:
        assert found, f"{name} selects no job"


def test_job_fragments_select_every_field_but_queries(schema: GraphQLSchema) -> None:
    for type_name, fragment in [
        ("TableImportJob", "TableImportJobFields"),
        ("FileImportJob", "FileImportJobFields"),
    ]:
        doc = parse(
            operations.load(
                Operation.GET_TABLE_IMPORT_JOB
                if type_name == "TableImportJob"
                else Operation.GET_FILE_IMPORT_JOB
            )
        )
        fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
        selected = _field_names(fragments[fragment].selection_set, fragments)
        gql_type = schema.get_type(type_name)
        expected = set(gql_type.fields) - {"queries"}
        assert selected == expected
        for sub_field in ("schema", "tableIngestionParameters"):
            if sub_field not in expected:
                continue
            sub_type = get_named_type(gql_type.fields[sub_field].type)
            (node,) = [
                sel
                for sel in fragments[fragment].selection_set.selections
                if isinstance(sel, FieldNode) and sel.name.value == sub_field
            ]
            assert _field_names(node.selection_set, fragments) <= set(sub_type.fields)


@pytest.mark.parametrize("name", ALL)
def test_no_emulator_only_field_is_selected(name: str, schema: GraphQLSchema) -> None:
    emulator_only = _emulator_only_fields()
    type_info = TypeInfo(schema)
    hits: list[tuple[str, str]] = []

    class Checker(Visitor):
        def enter_field(self, node: Any, *_: Any) -> None:
            parent = type_info.get_parent_type()
            if parent is not None and (parent.name, node.name.value) in emulator_only:
                hits.append((parent.name, node.name.value))

    visit(parse(operations.load(name)), TypeInfoVisitor(type_info, Checker()))
    assert hits == []


def test_the_package_cost_function_gives_the_documented_example() -> None:
    # Arize's "Resource Limitations" page: "monitors(first: 50)" selecting 5 fields costs 252.
    from airflow_provider_arize.api.cost import document_cost

    assert (
        document_cost("query Q { node(id: $id) { ... on Space { monitors(first: 50) { a b c d e } } } }")
        == 252
    )


@pytest.mark.parametrize("name", ALL)
def test_complexity_fits_a_50_node_page(name: str) -> None:
    from airflow_provider_arize.api.cost import document_cost

    first = {"first": constants.MAX_PAGE_SIZE}
    assert document_cost(operations.load(name), first, name) <= constants.MAX_QUERY_COMPLEXITY


def test_checks_catch_bad_documents(schema: GraphQLSchema) -> None:
    """Negative controls: the helpers above really detect literals and missing fields."""
    literal = parse('query X { node(id: "U3BhY2U6MQ==") { id } }')
    assert _literal_values(literal) == ["StringValueNode"]
    nested = parse("mutation X { pauseTableImportJob(input: {jobId: 1}) { clientMutationId } }")
    assert _literal_values(nested) == ["IntValueNode"]
    fine = parse("query X($id: ID!) { node(id: $id) { ... on TableImportJob { id jobStatus } } }")
    assert _literal_values(fine) == []
    assert _job_selections(fine, schema) == (["TableImportJob"], ["TableImportJob"])
    payload = parse(
        "mutation X($input: PauseTableImportJobInput!) { pauseTableImportJob(input: $input) "
        "{ tableImportJob { id } } }"
    )
    assert _job_selections(payload, schema) == (["tableImportJob"], ["tableImportJob"])
