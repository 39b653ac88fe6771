"""Resolvers of the emulator's GraphQL schema, grouped by concern.

* :mod:`.common`: errors, id lookups with authorization, connection paging.
* :mod:`.objects`: store records to GraphQL objects, and the object-type field resolvers.
* :mod:`.query`: ``node``, ``viewer``, ``rateLimit``.
* :mod:`.lifecycle`: job status transitions shared by table and file mutations.
* :mod:`.table` and :mod:`.file`: the mutations.
"""

from __future__ import annotations

from ariadne import SchemaBindable

from . import file, objects, query, table


def bindables(upper_enums: bool = False) -> list[SchemaBindable]:
    """Every ariadne bindable the schema needs; with ``upper_enums``, ``validationStatus`` upper-case."""
    extra = objects.upper_case_bindables() if upper_enums else []
    return [*query.bindables(), *objects.bindables(), table.mutation, file.mutation, *extra]
