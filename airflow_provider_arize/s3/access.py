"""Is a bucket set up for Arize's S3 import? Pure analysis of its tags and bucket policy, and the minimal
edits that set it up.

What is required, broad or only noted: ``docs/file-jobs.md``, "Bucket access in detail"."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from airflow_provider_arize.api.errors import ArizeConfigError

#: The bucket tag Arize reads to match a bucket to a space.
INGESTION_TAG_KEY: Final = "arize-ingestion-key"
#: What the importer role's ARN ends with when its account is not given.
IMPORTER_ROLE_SUFFIX: Final = ":role/arize-importer"
#: The actions Arize's policy grants, in Arize's order.
REQUIRED_ACTIONS: Final = ("s3:GetBucketTagging", "s3:GetObject", "s3:ListBucket")
#: Sid of the statement :func:`merge_importer_statement` adds.
IMPORTER_SID: Final = "ArizeImporterReadOnly"
_ROLE_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:iam::(\d{12}):role/(?:.+/)?[\w+=,.@-]+$")


class ArizeS3AccessError(ArizeConfigError):
    """The bucket is not set up for Arize's importer (or it cannot be checked): the message names the
    bucket and everything missing. Not retried: the bucket's tags or policy must change first."""

    def __init__(self, message: str, *, bucket: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message, field="bucket")
        self.bucket = bucket
        self.problems = list(problems)


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def required_grants(bucket: str) -> list[tuple[str, str]]:
    """The ``(action, resource)`` pairs the importer needs."""
    arn = bucket_arn(bucket)
    return [("s3:GetBucketTagging", arn), ("s3:GetObject", f"{arn}/*"), ("s3:ListBucket", arn)]


def check_role_arn(value: object) -> str:
    """``value`` as an IAM role ARN (``ArizeConfigError`` naming ``importer_role_arn`` otherwise)."""
    if not isinstance(value, str) or not _ROLE_ARN.match(value.strip()):
        raise ArizeConfigError(
            "importer_role_arn must be an IAM role ARN such as "
            f"arn:aws:iam::123456789012:role/arize-importer (see the policy Arize's UI shows), got {value!r}",
            field="importer_role_arn",
        )
    return value.strip()


# -- tags ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagCheck:
    """The ``arize-ingestion-key`` tag: ``ok`` when present with the expected value; ``present`` whether
    the bucket has the tag at all (the value itself is opaque and never echoed)."""

    ok: bool
    present: bool

    def problem(self) -> str | None:
        if self.ok:
            return None
        if not self.present:
            return f"the tag {INGESTION_TAG_KEY!r} is missing"
        return f"the tag {INGESTION_TAG_KEY!r} has another value than the ingestion key given"


def check_tag(tags: Sequence[Mapping[str, Any]], ingestion_key: str) -> TagCheck:
    """Whether ``tags`` (GetBucketTagging's ``TagSet``) carry the ingestion key."""
    values = [t.get("Value") for t in tags if t.get("Key") == INGESTION_TAG_KEY]
    return TagCheck(ok=bool(values) and values[0] == ingestion_key, present=bool(values))


def merge_tag(tags: Sequence[Mapping[str, Any]], ingestion_key: str) -> list[dict[str, str]]:
    """The full tag set to put (PutBucketTagging replaces all tags): every other tag kept, the
    ingestion tag set to ``ingestion_key``."""
    kept = [
        {"Key": str(t["Key"]), "Value": str(t.get("Value", ""))}
        for t in tags
        if t.get("Key") != INGESTION_TAG_KEY
    ]
    return [*kept, {"Key": INGESTION_TAG_KEY, "Value": ingestion_key}]


# -- policies --------------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def parse_policy(policy: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A policy document as a dict (``None`` stays ``None``); ``ValueError`` when it is not JSON."""
    if policy is None:
        return None
    if isinstance(policy, str):
        parsed = json.loads(policy)
        if not isinstance(parsed, dict):
            raise ValueError("a policy document must be a JSON object")
        return parsed
    return dict(policy)


def _principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        return [str(p) for p in _as_list(principal.get("AWS"))]
    return []


def _account_of(role_arn: str) -> str | None:
    match = _ROLE_ARN.match(role_arn)
    return match.group(1) if match else None


def _importer_match(principal: str, importer_role_arn: str | None) -> str | None:
    """How ``principal`` covers the importer: ``"role"``, ``"public"``, ``"account"``, or ``None``."""
    if principal == "*":
        return "public"
    if importer_role_arn is None:
        return "role" if principal.endswith(IMPORTER_ROLE_SUFFIX) else None
    if principal == importer_role_arn:
        return "role"
    account = _account_of(importer_role_arn)
    if account and principal in (account, f"arn:aws:iam::{account}:root"):
        return "account"
    return None


def _action_matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def _resource_matches(pattern: str, resource: str) -> bool:
    return fnmatch.fnmatchcase(resource, pattern)


def _covers(statement: Mapping[str, Any], action: str, resource: str) -> bool:
    if "NotAction" in statement:
        action_ok = not any(_action_matches(str(p), action) for p in _as_list(statement["NotAction"]))
    else:
        action_ok = any(_action_matches(str(p), action) for p in _as_list(statement.get("Action")))
    if "NotResource" in statement:
        resource_ok = not any(_resource_matches(str(p), resource) for p in _as_list(statement["NotResource"]))
    else:
        resource_ok = any(_resource_matches(str(p), resource) for p in _as_list(statement.get("Resource")))
    return action_ok and resource_ok


def _label(statement: Mapping[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if sid else f"statement #{index}"


@dataclass(frozen=True)
class PolicyAnalysis:
    """What a bucket policy grants Arize's importer.

    ``missing``: required ``(action, resource)`` pairs no Allow statement grants; ``broad_grants``: one
    dict per grant broader than needed (``statement``, ``field``, ``value``, ``message``); ``notes``:
    what was not evaluated (conditions, Deny, NotPrincipal); ``principals``: the importer principals
    found in Allow statements.
    """

    has_policy: bool
    missing: list[tuple[str, str]] = field(default_factory=list)
    broad_grants: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    principals: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.has_policy and not self.missing

    def problem(self, bucket: str) -> str | None:
        if not self.has_policy:
            return "the bucket has no bucket policy (Arize's importer role cannot read it)"
        if not self.missing:
            return None
        grants = ", ".join(f"{a} on {r}" for a, r in self.missing)
        who = ", ".join(self.principals) or f"a principal ending in {IMPORTER_ROLE_SUFFIX!r}"
        return f"the bucket policy does not allow {who}: {grants}"


def analyze_policy(
    policy: str | Mapping[str, Any] | None, bucket: str, importer_role_arn: str | None = None
) -> PolicyAnalysis:
    """Analyse ``policy`` (GetBucketPolicy's JSON text or a dict; ``None``: no policy) for ``bucket``."""
    document = parse_policy(policy)
    if document is None:
        return PolicyAnalysis(has_policy=False, missing=required_grants(bucket))
    arn = bucket_arn(bucket)
    allowed_resources = {arn, f"{arn}/*"}
    allowed_actions = {a.lower() for a in REQUIRED_ACTIONS}
    required = required_grants(bucket)
    granted: set[tuple[str, str]] = set()
    broad: list[dict[str, str]] = []
    notes: list[str] = []
    principals: list[str] = []

    def flag(label: str, kind: str, value: str, why: str) -> None:
        broad.append({"statement": label, "field": kind, "value": value, "message": f"{label} {why}"})

    for index, raw in enumerate(_as_list(document.get("Statement"))):
        if not isinstance(raw, Mapping):
            continue
        label = _label(raw, index)
        if "NotPrincipal" in raw:
            notes.append(f"{label} uses NotPrincipal, which this check does not evaluate")
            continue
        matches = {p: m for p in _principals(raw) if (m := _importer_match(p, importer_role_arn))}
        if not matches:
            continue
        if raw.get("Effect") == "Deny":
            notes.append(
                f"{label} denies {', '.join(matches)} some access; Deny statements are not evaluated"
            )
            continue
        if raw.get("Effect") != "Allow":
            continue
        if "Condition" in raw:
            notes.append(f"{label} has a Condition, which this check does not evaluate (counted as granting)")
        principals.extend(p for p, m in matches.items() if m == "role" and p not in principals)
        granted.update(pair for pair in required if _covers(raw, *pair))
        for principal, how in matches.items():
            if how == "public":
                flag(label, "Principal", principal, "allows any principal (public access), not only Arize")
            elif how == "account":
                flag(
                    label, "Principal", principal, f"allows the whole account {principal}, not only the role"
                )
        for key in ("NotAction", "NotResource"):
            if key in raw:
                flag(label, key, json.dumps(raw[key]), f"uses {key}: it grants everything not listed")
        for action in _as_list(raw.get("Action")):
            if str(action).lower() not in allowed_actions:
                flag(label, "Action", str(action), f"grants {action}, beyond {', '.join(REQUIRED_ACTIONS)}")
        for resource in _as_list(raw.get("Resource")):
            if str(resource) not in allowed_resources:
                flag(label, "Resource", str(resource), f"covers {resource}, beyond {arn} and {arn}/*")
    missing = [pair for pair in required if pair not in granted]
    return PolicyAnalysis(True, missing, broad, notes, principals)


def importer_statement(bucket: str, importer_role_arn: str) -> dict[str, Any]:
    """The statement Arize's UI supplies, for ``bucket`` and the importer role."""
    arn = bucket_arn(bucket)
    return {
        "Sid": IMPORTER_SID,
        "Effect": "Allow",
        "Principal": {"AWS": importer_role_arn},
        "Action": list(REQUIRED_ACTIONS),
        "Resource": [arn, f"{arn}/*"],
    }


def merge_importer_statement(
    policy: str | Mapping[str, Any] | None, bucket: str, importer_role_arn: str
) -> dict[str, Any]:
    """The policy with the importer statement added (replacing one with the same Sid); every other
    statement and field is kept. A new policy when there was none."""
    document = parse_policy(policy) or {"Version": "2012-10-17"}
    statements = [
        s
        for s in _as_list(document.get("Statement"))
        if not (isinstance(s, Mapping) and s.get("Sid") == IMPORTER_SID)
    ]
    return {**document, "Statement": [*statements, importer_statement(bucket, importer_role_arn)]}
