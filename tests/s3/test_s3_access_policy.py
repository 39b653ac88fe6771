"""Pure analysis of bucket tags and policies for Arize's importer role, on policy documents in the forms
IAM allows (string or list Action/Resource/Principal, ``{"AWS": [...]}``, wildcards, NotAction...)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_arize.api.errors import ArizeConfigError
from airflow_provider_arize.s3.access import (
    IMPORTER_SID,
    analyze_policy,
    check_role_arn,
    check_tag,
    importer_statement,
    merge_importer_statement,
    merge_tag,
)

B = "my-arize-example-bucket"
ARN = f"arn:aws:s3:::{B}"
ROLE = "arn:aws:iam::111122223333:role/arize-importer"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def arize_statement(**overrides: Any) -> dict[str, Any]:
    """The statement Arize's file-import set-up asks for."""
    return {
        "Effect": "Allow",
        "Principal": {"AWS": [ROLE]},
        "Action": ["s3:GetBucketTagging", "s3:GetObject", "s3:ListBucket"],
        "Resource": [ARN, f"{ARN}/*"],
        **overrides,
    }


def test_arizes_own_policy_passes_with_and_without_the_role_arn() -> None:
    for role in (ROLE, None):
        analysis = analyze_policy(policy(arize_statement()), B, role)
        assert analysis.ok and analysis.broad_grants == [] and analysis.notes == []
        assert analysis.principals == [ROLE]


def test_string_forms_and_split_statements_count() -> None:
    doc = policy(
        arize_statement(Principal={"AWS": ROLE}, Action="s3:ListBucket", Resource=ARN),
        arize_statement(Principal={"AWS": ROLE}, Action=["s3:GetBucketTagging"], Resource=ARN),
        arize_statement(Principal={"AWS": ROLE}, Action="s3:GetObject", Resource=f"{ARN}/*"),
    )
    assert analyze_policy(doc, B).ok


def test_a_single_statement_object_and_a_dict_document_are_accepted() -> None:
    assert analyze_policy({"Statement": arize_statement()}, B).ok


def test_missing_action_is_named() -> None:
    doc = policy(arize_statement(Action=["s3:GetObject", "s3:ListBucket"]))
    analysis = analyze_policy(doc, B)
    assert not analysis.ok
    assert analysis.missing == [("s3:GetBucketTagging", ARN)]
    assert "s3:GetBucketTagging on arn:aws:s3:::my-arize-example-bucket" in (analysis.problem(B) or "")


def test_get_object_on_the_bucket_arn_only_is_missing_objects() -> None:
    analysis = analyze_policy(policy(arize_statement(Resource=ARN)), B)
    assert analysis.missing == [("s3:GetObject", f"{ARN}/*")]


def test_another_principal_does_not_count() -> None:
    doc = policy(arize_statement(Principal={"AWS": "arn:aws:iam::999999999999:role/reader"}))
    analysis = analyze_policy(doc, B)
    assert not analysis.ok and len(analysis.missing) == 3


def test_with_a_role_arn_only_that_role_counts() -> None:
    other = "arn:aws:iam::444455556666:role/arize-importer"
    assert analyze_policy(policy(arize_statement()), B, ROLE).ok
    assert not analyze_policy(policy(arize_statement(Principal={"AWS": other})), B, ROLE).ok


def test_no_policy() -> None:
    analysis = analyze_policy(None, B)
    assert not analysis.ok and not analysis.has_policy
    assert "no bucket policy" in (analysis.problem(B) or "")


@pytest.mark.parametrize(
    ("overrides", "field", "value"),
    [
        ({"Action": "s3:*"}, "Action", "s3:*"),
        ({"Action": "*"}, "Action", "*"),
        ({"Action": [*arize_statement()["Action"], "s3:PutObject"]}, "Action", "s3:PutObject"),
        ({"Resource": "*"}, "Resource", "*"),
        (
            {"Resource": [ARN, f"{ARN}/*", "arn:aws:s3:::other-bucket/*"]},
            "Resource",
            "arn:aws:s3:::other-bucket/*",
        ),
        ({"Resource": [f"{ARN}*"]}, "Resource", f"{ARN}*"),
        ({"Principal": "*"}, "Principal", "*"),
        ({"Principal": {"AWS": "*"}}, "Principal", "*"),
    ],
)
def test_broad_grants_are_flagged_and_still_grant(overrides: dict[str, Any], field: str, value: str) -> None:
    analysis = analyze_policy(policy(arize_statement(**overrides)), B)
    assert analysis.ok  # they do grant what Arize needs
    assert {"field": field, "value": value} in [
        {"field": g["field"], "value": g["value"]} for g in analysis.broad_grants
    ]


def test_wildcard_actions_are_case_insensitive() -> None:
    analysis = analyze_policy(
        policy(arize_statement(Action="S3:get*"), arize_statement(Action="s3:ListBucket")), B
    )
    assert analysis.ok
    assert [g["value"] for g in analysis.broad_grants] == ["S3:get*"]


def test_not_action_grants_what_it_does_not_exclude_and_is_broad() -> None:
    statement = arize_statement()
    del statement["Action"]
    statement["NotAction"] = "s3:DeleteObject"
    analysis = analyze_policy(policy(statement), B)
    assert analysis.ok
    assert [g["field"] for g in analysis.broad_grants] == ["NotAction"]


def test_account_root_of_the_role_is_broad() -> None:
    doc = policy(arize_statement(Principal={"AWS": ["arn:aws:iam::111122223333:root"]}))
    analysis = analyze_policy(doc, B, ROLE)
    assert analysis.ok
    assert analysis.broad_grants[0]["field"] == "Principal"


def test_conditions_and_deny_statements_are_noted_not_evaluated() -> None:
    doc = policy(
        arize_statement(Sid="Read", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
        {
            "Sid": "NoDelete",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:DeleteObject",
            "Resource": f"{ARN}/*",
        },
    )
    analysis = analyze_policy(doc, B)
    assert analysis.ok
    assert any("'Read' has a Condition" in n for n in analysis.notes)
    assert any("'NoDelete' denies" in n for n in analysis.notes)


def test_tags() -> None:
    tags = [{"Key": "team", "Value": "ml"}, {"Key": "arize-ingestion-key", "Value": "k1"}]
    assert check_tag(tags, "k1").ok
    wrong = check_tag(tags, "k2")
    assert not wrong.ok and wrong.present and "another value" in (wrong.problem() or "")
    assert "k1" not in (wrong.problem() or "") and "k2" not in (wrong.problem() or "")
    assert "missing" in (check_tag([], "k1").problem() or "")
    assert merge_tag(tags, "k2") == [
        {"Key": "team", "Value": "ml"},
        {"Key": "arize-ingestion-key", "Value": "k2"},
    ]


def test_merging_keeps_other_statements_and_is_idempotent() -> None:
    other = {
        "Sid": "Logs",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "s3:PutObject",
        "Resource": f"{ARN}/logs/*",
    }
    once = merge_importer_statement(policy(other), B, ROLE)
    twice = merge_importer_statement(json.dumps(once), B, ROLE)
    assert once == twice
    assert once["Statement"] == [other, importer_statement(B, ROLE)]
    assert analyze_policy(once, B, ROLE).ok
    fresh = merge_importer_statement(None, B, ROLE)
    assert fresh["Version"] == "2012-10-17" and fresh["Statement"][0]["Sid"] == IMPORTER_SID


@pytest.mark.parametrize(
    "value", ["arize-importer", "arn:aws:iam::123:role/arize-importer", "arn:aws:s3:::b", 5]
)
def test_bad_role_arns(value: object) -> None:
    with pytest.raises(ArizeConfigError) as info:
        check_role_arn(value)
    assert info.value.field == "importer_role_arn"
