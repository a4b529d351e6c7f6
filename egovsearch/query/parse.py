"""The query language: Whoosh's syntax, parsed strictly into a small tree.

Supported: words (AND between them by default), ``"exact phrase"``, ``AND``,
``OR``, ``NOT``, parentheses, ``field:value`` / ``field:"phrase"`` /
``field:(...)`` for title, body, source, language and published, trailing
(and inner) ``*`` / ``?`` wildcards, and ranges ``published:[2010 TO 2012]``
(an end may be left out: ``[2010 TO]``). Whoosh's own parser accepts anything
and guesses at broken input; this one reports it (unbalanced quotes or
parentheses, a lone operator, an unknown field) as a QueryError. Standard
library only, so ``--explain`` and the tests need no index.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from egovsearch.core.errors import QueryError, shown
from egovsearch.core.records import Frozen

FIELDS = {"title": "title", "body": "body", "source": "source", "language": "language",
          "lang": "language", "published": "published", "date": "published"}
OPERATORS = ("AND", "OR", "NOT")


# Tree nodes are `Frozen` records, not dataclasses: defined by every query
# process, seven dataclasses cost ~9 ms of its start-up (core.records).
class Word(Frozen):
    __slots__ = ("text", "field")
    text: str
    field: str | None

    def __init__(self, text: str, field: str | None = None) -> None:
        self._init(text, field)


class Phrase(Frozen):
    __slots__ = ("text", "field")
    text: str
    field: str | None

    def __init__(self, text: str, field: str | None = None) -> None:
        self._init(text, field)


class Wildcard(Frozen):
    __slots__ = ("pattern", "field")
    pattern: str  # contains * or ?
    field: str | None

    def __init__(self, pattern: str, field: str | None = None) -> None:
        self._init(pattern, field)


class Range(Frozen):
    __slots__ = ("field", "low", "high")
    field: str
    low: str | None
    high: str | None

    def __init__(self, field: str, low: str | None, high: str | None) -> None:
        self._init(field, low, high)


class And(Frozen):
    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._init(items)


class Or(Frozen):
    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._init(items)


class Not(Frozen):
    __slots__ = ("item",)
    item: Node

    def __init__(self, item: Node) -> None:
        self._init(item)


Node = Word | Phrase | Wildcard | Range | And | Or | Not

_TOKEN = re.compile(r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<q>")|(?P<range>[\[{])|(?P<word>[^\s()"]+))""")
_FIELD = re.compile(r"^([A-Za-z]+):(.*)$", re.S)


MAX_DEPTH = 100  # nested groups/NOTs; deeper is surely not a real query
# Bounds on what one query may ask for, so that any input answers quickly in
# bounded memory (README, "Query language"); longer input is an error, not a slow run.
MAX_CHARS = 1000
MAX_TERMS = 64  # words, phrases and wildcards as typed


def _short(text: str) -> str:
    """Query text for a one-line message (escaped, shortened)."""
    return shown(text, 40)


quote = _short


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"the query nests groups or NOTs more than {MAX_DEPTH} deep")

    # Lexing happens on demand: ranges and phrases need raw access to the text.
    def _peek(self) -> tuple[str, str] | None:
        m = _TOKEN.match(self.text, self.pos)
        if not m or m.end() == m.start() or not m.lastgroup:
            return None
        return m.lastgroup, m.group(m.lastgroup)

    def _next(self) -> tuple[str, str] | None:
        m = _TOKEN.match(self.text, self.pos)
        if not m or not m.lastgroup:
            self.pos = len(self.text)
            return None
        self.pos = m.end()
        return m.lastgroup, m.group(m.lastgroup)

    def parse(self) -> Node | None:
        if not self.text.strip():
            return None
        node = self._or()
        tok = self._peek()
        if tok is not None:
            if tok[0] == "rp":
                raise QueryError("unbalanced parentheses: a ')' has no matching '('")
            raise QueryError(f"unexpected '{_short(tok[1])}' in the query")
        return node

    def _or(self) -> Node:
        items = [self._and()]
        while (tok := self._peek()) and tok == ("word", "OR"):
            self._next()
            items.append(self._and("OR"))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _and(self, after: str | None = None) -> Node:
        items = [self._unary(after)]
        while (tok := self._peek()) and tok[0] != "rp" and tok != ("word", "OR"):
            if tok == ("word", "AND"):
                self._next()
                items.append(self._unary("AND"))
            else:
                items.append(self._unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def _unary(self, after: str | None = None) -> Node:
        tok = self._peek()
        if tok == ("word", "NOT"):
            self._next()
            self._enter()
            node = Not(self._unary("NOT"))
            self.depth -= 1
            return node
        if tok is None or tok[0] == "rp" or (tok[0] == "word" and tok[1] in ("AND", "OR")):
            op = after or (tok[1] if tok and tok[0] == "word" else None)
            if op == "NOT":
                raise QueryError("'NOT' needs a search term after it")
            if op:
                raise QueryError(f"'{op}' needs a search term on each side")
            if tok and tok[0] == "rp":
                raise QueryError("unbalanced parentheses: a ')' has no matching '('")
            raise QueryError("the query ends too early")
        return self._primary(None)

    def _primary(self, field: str | None) -> Node:
        tok = self._next()
        assert tok is not None
        kind, value = tok
        if kind == "lp":
            if (t := self._peek()) and t[0] == "rp":
                raise QueryError("empty parentheses '()' in the query")
            self._enter()
            node = self._or_in_group(field)
            self.depth -= 1
            if self._next() != ("rp", ")"):
                raise QueryError("unbalanced parentheses: a '(' is not closed")
            return node
        if kind == "q":
            end = self.text.find('"', self.pos)
            if end < 0:
                raise QueryError("unbalanced quotes: a '\"' is not closed")
            phrase = self.text[self.pos:end]
            self.pos = end + 1
            if not phrase.strip():
                raise QueryError('empty phrase "" in the query')
            return Phrase(phrase, field)
        if kind == "range":
            if field is None:
                raise QueryError("a range [a TO b] needs a field, e.g. published:[2010 TO 2012]")
            return self._range(field, value)
        if kind == "rp":
            raise QueryError("unbalanced parentheses: a ')' has no matching '('")
        m = _FIELD.match(value)
        if m and field is None:
            name, rest = m.group(1), m.group(2)
            canonical = FIELDS.get(name.lower())
            if canonical is None:  # not syntax: http://example.com, "Hinweis:Text"
                return self._text(value, field)
            if rest[:1] in ("[", "{"):
                self.pos = self.pos - len(value) + len(name) + 2  # just past the bracket
                return self._range(canonical, rest[0])
            if rest:
                return self._field_value(canonical, rest)
            if self._peek() is None or self.text[self.pos:self.pos + 1].isspace():
                raise QueryError(f"'{name}:' needs a value right after the colon")
            return self._primary(canonical)
        return self._text(value, field)

    @staticmethod
    def _text(value: str, field: str | None) -> Node:
        """A word, or a wildcard when it holds * or ? (a URL's query string
        '?x=1' is no wildcard: only a word-like token with them is)."""
        if ("*" in value or "?" in value) and "/" not in value and "@" not in value:
            if not value.strip("*?"):
                raise QueryError(f"the wildcard '{_short(value)}' needs at least one letter")
            return Wildcard(value, field)
        return Word(value, field)

    def _or_in_group(self, field: str | None) -> Node:
        if field is None:
            return self._or()
        # field:(a OR b): parse the group, then push the field down to its leaves
        return _with_field(self._or(), field)

    def _field_value(self, field: str, rest: str) -> Node:
        if "*" in rest or "?" in rest:
            return Wildcard(rest, field)
        return Word(rest, field)

    def _range(self, field: str, opener: str) -> Node:
        closer = "]" if opener == "[" else "}"
        end = self.text.find(closer, self.pos)
        if end < 0:
            raise QueryError(f"unbalanced brackets: a '{opener}' is not closed")
        inner = self.text[self.pos:end]
        self.pos = end + 1
        parts = re.split(r"\s+TO\s+|\s+TO$|^TO\s+|^TO$", inner.strip(), flags=re.I)
        if len(parts) != 2:
            raise QueryError(f"a range needs the form [from TO to], not '{opener}{_short(inner)}{closer}'")
        low, high = (p.strip().strip("'\"") or None for p in parts)
        if low is None and high is None:
            raise QueryError("a range needs at least one end")
        return Range(field, low, high)


def _with_field(node: Node, field: str) -> Node:
    if isinstance(node, (Word, Phrase, Wildcard)):
        return type(node)(node.text if not isinstance(node, Wildcard) else node.pattern, node.field or field)
    if isinstance(node, And):
        return And(tuple(_with_field(n, field) for n in node.items))
    if isinstance(node, Or):
        return Or(tuple(_with_field(n, field) for n in node.items))
    if isinstance(node, Not):
        return Not(_with_field(node.item, field))
    return node


def parse(text: str | None) -> Node | None:
    """The query tree, or None for an empty query. Raises QueryError."""
    if text is None:
        return None
    if "\x00" in text:
        raise QueryError("the query contains a NUL character")
    if len(text) > MAX_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; the limit is {MAX_CHARS:,}")
    tree = _Parser(text).parse()
    terms = sum(1 for _ in leaves(tree))
    if terms > MAX_TERMS:
        raise QueryError(f"the query has {terms} words and phrases; the limit is {MAX_TERMS}")
    return tree


def leaves(node: Node | None) -> Iterator[Word | Phrase | Wildcard | Range]:
    """The words, phrases, wildcards and ranges of a tree, left to right."""
    if isinstance(node, (And, Or)):
        for item in node.items:
            yield from leaves(item)
    elif isinstance(node, Not):
        yield from leaves(node.item)
    elif node is not None:
        yield node
