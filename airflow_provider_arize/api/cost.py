"""The complexity Arize charges for a GraphQL document, computed on the client before sending it.

Rules (Arize's "Resource Limitations" page, the same rules as the emulator's ``emulator/cost.py``):
each selected field costs 1; a field with a ``first`` argument (a connection) costs 1 plus ``first``
times the cost of its sub-selection; fragments count as if inlined; inline fragments add nothing of
their own; introspection fields (``__typename``...) are free; a call costs at least 1. A call costing
more than ``constants.MAX_QUERY_COMPLEXITY`` (1000) is refused before it executes.

This is a small recursive-descent reader for the executable subset of GraphQL the provider sends
(operations, fragments, fields with aliases and arguments, spreads, inline fragments, directives); it
needs no GraphQL library, so the client side keeps its dependencies light. It does not validate a
document against a schema: a malformed document raises :class:`ArizeConfigError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_arize.api.errors import ArizeConfigError

__all__ = ["document_cost", "parse_document"]

_TOKEN_RE = re.compile(
    r"""(?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
      |(?P<spread>\.\.\.)
      |(?P<punct>[!$():=@\[\]{}|&])
      |(?P<string>"(?:\\.|[^"\\\n])*")
      |(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      |(?P<name>[_A-Za-z][_0-9A-Za-z]*)""",
    re.VERBOSE,
)


@dataclass
class Selection:
    """One selection: a field (``name`` set), a fragment spread (``spread`` set) or an inline fragment."""

    name: str | None = None
    spread: str | None = None
    #: The ``first`` argument: an int literal, a variable name (``"$first"``) or ``None``.
    first: int | str | None = None
    children: list[Selection] = field(default_factory=list)


@dataclass
class Document:
    """Operations and fragments of a document, by name (an anonymous operation is named ``""``)."""

    operations: dict[str, list[Selection]] = field(default_factory=dict)
    fragments: dict[str, list[Selection]] = field(default_factory=dict)


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise ArizeConfigError(f"cannot read the GraphQL document at offset {pos}", field="document")
        if match.lastgroup != "skip":
            tokens.append(match.group())
        pos = match.end()
    return tokens


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ArizeConfigError(
                f"malformed GraphQL document: expected {expected or 'a token'}, got {token!r}",
                field="document",
            )
        self.pos += 1
        return token

    def skip_group(self, opening: str, closing: str) -> None:
        """Skip a balanced ``( ... )`` or ``[ ... ]`` group starting at the current token."""
        depth = 0
        while True:
            token = self.take()
            depth += token == opening
            depth -= token == closing
            if depth == 0:
                return

    def skip_value(self) -> None:
        token = self.peek()
        if token == "$":
            self.take()
            self.take()
        elif token in ("[", "{"):
            self.skip_group(token, "]" if token == "[" else "}")
        else:
            self.take()

    def directives(self) -> None:
        while self.peek() == "@":
            self.take()
            self.take()
            if self.peek() == "(":
                self.skip_group("(", ")")

    def arguments(self) -> int | str | None:
        first: int | str | None = None
        self.take("(")
        while self.peek() != ")":
            name = self.take()
            self.take(":")
            token = self.peek()
            if name == "first" and token == "$":
                self.take()
                first = "$" + self.take()
            elif name == "first" and token is not None and re.fullmatch(r"-?\d+", token):
                first = int(self.take())
            else:
                self.skip_value()
        self.take(")")
        return first

    def selection_set(self) -> list[Selection]:
        self.take("{")
        selections: list[Selection] = []
        while self.peek() != "}":
            selections.append(self.selection())
        self.take("}")
        return selections

    def selection(self) -> Selection:
        if self.peek() == "...":
            self.take()
            if self.peek() == "on":
                self.take()
                self.take()  # the type condition
            elif self.peek() not in ("{", "@"):
                spread = Selection(spread=self.take())
                self.directives()
                return spread
            self.directives()
            return Selection(children=self.selection_set())
        name = self.take()
        if self.peek() == ":":  # an alias
            self.take()
            name = self.take()
        first = self.arguments() if self.peek() == "(" else None
        self.directives()
        children = self.selection_set() if self.peek() == "{" else []
        return Selection(name=name, first=first, children=children)

    def document(self) -> Document:
        doc = Document()
        while self.peek() is not None:
            token = self.take()
            if token == "{":
                self.pos -= 1
                doc.operations[""] = self.selection_set()
            elif token in ("query", "mutation", "subscription"):
                name = self.take() if self.peek() not in ("(", "@", "{") else ""
                if self.peek() == "(":
                    self.skip_group("(", ")")
                self.directives()
                doc.operations[name] = self.selection_set()
            elif token == "fragment":
                name = self.take()
                self.take("on")
                self.take()
                self.directives()
                doc.fragments[name] = self.selection_set()
            else:
                raise ArizeConfigError(f"malformed GraphQL document: unexpected {token!r}", field="document")
        return doc


def parse_document(text: str) -> Document:
    """Read a document's operations and fragments (only what the cost needs)."""
    return _Reader(text).document()


def _first(selection: Selection, variables: Mapping[str, Any]) -> int | None:
    if isinstance(selection.first, str):
        value = variables.get(selection.first[1:])
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return selection.first


def _cost(
    selections: list[Selection],
    fragments: Mapping[str, list[Selection]],
    variables: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    total = 0
    for sel in selections:
        if sel.spread is not None:
            if sel.spread in fragments and sel.spread not in seen:
                total += _cost(fragments[sel.spread], fragments, variables, seen | {sel.spread})
        elif sel.name is None:
            total += _cost(sel.children, fragments, variables, seen)
        elif not sel.name.startswith("__"):
            children = _cost(sel.children, fragments, variables, seen)
            first = _first(sel, variables)
            total += 1 + (max(first, 0) * children if first is not None else children)
    return total


def document_cost(
    document: str | Document,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The cost (>= 1) of running ``operation_name`` (or the document's only operation) of ``document``."""
    doc = parse_document(document) if isinstance(document, str) else document
    if operation_name is None:
        if len(doc.operations) != 1:
            raise ArizeConfigError("the document has several operations: name one", field="operation_name")
        (selections,) = doc.operations.values()
    elif operation_name in doc.operations:
        selections = doc.operations[operation_name]
    else:
        raise ArizeConfigError(f"no operation {operation_name!r} in the document", field="operation_name")
    return max(1, _cost(selections, doc.fragments, variables or {}, frozenset()))
