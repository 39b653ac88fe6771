"""``python -m airflow_provider_arize.schema_dump``: save the GraphQL schema your Arize serves.

One read-only introspection request, the key from ``$ARIZE_API_KEY``; the local emulator can then serve
the file (``--profile file:PATH``). Usage: ``docs/emulator.md``, "Serving your own Arize's schema"."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graphql import get_introspection_query

from airflow_provider_arize.api import constants
from airflow_provider_arize.api.errors import ArizeError
from airflow_provider_arize.api.retry import RetryPolicy
from airflow_provider_arize.api.transport import DEFAULT_TIMEOUT, GraphQLTransport, TransportConfig

__all__ = ["API_KEY_ENV", "dump_schema", "main", "summary"]

#: Environment variable holding the Arize developer API key.
API_KEY_ENV = "ARIZE_API_KEY"
OPERATION_NAME = "IntrospectionQuery"
_TYPES_OF_INTEREST = ("TableImportJob", "FileImportJob", "Space")


def dump_schema(
    endpoint: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT, verify: bool | str = True
) -> dict[str, Any]:
    """Ask ``endpoint`` for its schema with one introspection request (no retry); return ``data``."""
    config = TransportConfig(
        api_key=api_key, endpoint=endpoint, timeout=timeout, verify=verify, retry=RetryPolicy(max_attempts=1)
    )
    with GraphQLTransport(config) as transport:
        return transport.execute(get_introspection_query(), operation_name=OPERATION_NAME)


def summary(data: Mapping[str, Any], out: str) -> str:
    """One line: where the dump went, how many types it has, and whether the import-job types exist."""
    names = {t.get("name") for t in (data.get("__schema") or {}).get("types") or () if isinstance(t, dict)}
    types = sorted(n for n in names if isinstance(n, str) and not n.startswith("__"))
    found = ", ".join(f"{n} {'yes' if n in names else 'NO'}" for n in _TYPES_OF_INTEREST)
    return f"wrote {out}: {len(types)} types; {found}"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m airflow_provider_arize.schema_dump", description=__doc__.split("\n")[0]
    )
    p.add_argument("--endpoint", default=constants.DEFAULT_ENDPOINT, help="Arize base URL")
    p.add_argument("--out", required=True, help="JSON file to write")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds for the request")
    p.add_argument("--ca-bundle", default=None, metavar="PATH", help="CA bundle to verify TLS with")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    api_key = os.environ.get(API_KEY_ENV, "").strip()
    if not api_key:
        print(f"error: set the Arize developer API key in ${API_KEY_ENV}", file=sys.stderr)
        return 2
    try:
        data = dump_schema(args.endpoint, api_key, timeout=args.timeout, verify=args.ca_bundle or True)
    except ArizeError as exc:  # messages never carry the key
        print(f"error: the introspection request failed: {exc}", file=sys.stderr)
        return 1
    if not isinstance(data.get("__schema"), dict):
        print("error: the answer holds no __schema", file=sys.stderr)
        return 1
    Path(args.out).write_text(json.dumps({"data": data}, indent=1) + "\n", encoding="utf-8")
    print(summary(data, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
