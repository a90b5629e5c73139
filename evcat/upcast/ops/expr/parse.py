"""Parser of the ``derive`` expression language: text in, a small syntax tree out.

The syntax is a subset of Python's expression syntax, parsed here by hand (never by Python's
own parser, so nothing the user writes can reach ``eval``): literals, payload field names
(``customer.name``), subscripts (``items[0]``, ``attrs["k"]``), arithmetic (``+ - * / // %``),
comparisons (``== != < <= > >= in``, ``is None``), ``and``/``or``/``not``, conditionals
(``a if c else b``), list literals and calls of whitelisted functions.

Size is bounded: text length, number of nodes and nesting depth, so a hostile expression costs
at most a few thousand steps to parse and, being loop-free, time linear in its data to run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT = 2000
MAX_NODES = 256
MAX_DEPTH = 32

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+\.\d*(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>//|==|!=|<=|>=|[-+*/%<>()\[\],.])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}
_CONSTANTS = {
    "None": None,
    "null": None,
    "True": True,
    "true": True,
    "False": False,
    "false": False,
}
KEYWORDS = frozenset({"and", "or", "not", "if", "else", "is", "in"})


class ExprError(ValueError):
    """An expression that does not parse or breaks a rule; ``code`` says which rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Node:
    """One syntax-tree node: ``kind`` plus its operands (``args``) and a literal ``value``."""

    kind: str
    args: tuple[Node, ...] = ()
    value: Any = None


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _unescape(body: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt not in _ESCAPES:
                raise ExprError("INVALID_EXPR", f"unknown escape \\{nxt} in a string literal")
            out.append(_ESCAPES[nxt])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExprError(
                "INVALID_EXPR", f"unexpected character {text[position]!r} at {position}"
            )
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent with Python's precedence; counts nodes and depth as it goes."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0
        self.nodes = 0
        self.depth = 0

    # -- token helpers ------------------------------------------------------------------------

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def at(self, *texts: str) -> bool:
        token = self.current
        return token.kind in ("op", "name") and token.text in texts

    def take(self, text: str) -> None:
        if not self.at(text):
            self.fail(f"expected '{text}'")
        self.index += 1

    def fail(self, message: str) -> None:
        token = self.current
        found = "the end" if token.kind == "end" else repr(token.text)
        raise ExprError("INVALID_EXPR", f"{message} at {token.position}, found {found}")

    def node(self, kind: str, *args: Node, value: Any = None) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExprError(
                "EXPR_TOO_COMPLEX", f"expression has more than {MAX_NODES} parts; simplify it"
            )
        return Node(kind, args, value)

    # -- grammar ------------------------------------------------------------------------------

    def parse(self) -> Node:
        tree = self.expression()
        if self.current.kind != "end":
            self.fail("unexpected text after the expression")
        return tree

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("EXPR_TOO_COMPLEX", f"expression nests deeper than {MAX_DEPTH} levels")
        try:
            value = self.disjunction()
            if self.at("if"):
                self.index += 1
                condition = self.disjunction()
                self.take("else")
                other = self.expression()
                return self.node("if", condition, value, other)
            return value
        finally:
            self.depth -= 1

    def disjunction(self) -> Node:
        left = self.conjunction()
        while self.at("or"):
            self.index += 1
            left = self.node("or", left, self.conjunction())
        return left

    def conjunction(self) -> Node:
        left = self.negation()
        while self.at("and"):
            self.index += 1
            left = self.node("and", left, self.negation())
        return left

    def negation(self) -> Node:
        if self.at("not"):
            self.index += 1
            return self.node("not", self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.additive()
        while True:
            if self.at("==", "!=", "<", "<=", ">", ">="):
                operator = self.current.text
                self.index += 1
            elif self.at("in"):
                operator = "in"
                self.index += 1
            elif self.at("not") and self.tokens[self.index + 1].text == "in":
                operator = "not in"
                self.index += 2
            elif self.at("is"):
                self.index += 1
                operator = "is"
                if self.at("not"):
                    self.index += 1
                    operator = "is not"
            else:
                return left
            right = self.additive()
            left = self.node("compare", left, right, value=operator)

    def additive(self) -> Node:
        left = self.term()
        while self.at("+", "-"):
            operator = self.current.text
            self.index += 1
            left = self.node("binary", left, self.term(), value=operator)
        return left

    def term(self) -> Node:
        left = self.unary()
        while self.at("*", "/", "//", "%"):
            operator = self.current.text
            self.index += 1
            left = self.node("binary", left, self.unary(), value=operator)
        return left

    def unary(self) -> Node:
        if self.at("-", "+"):
            operator = self.current.text
            self.index += 1
            return self.node("unary", self.unary(), value=operator)
        return self.postfix()

    def postfix(self) -> Node:
        value = self.primary()
        while True:
            if self.at("."):
                self.index += 1
                token = self.current
                if token.kind != "name" or token.text in KEYWORDS:
                    self.fail("expected a field name after '.'")
                _refuse_dunder(token.text)
                self.index += 1
                if value.kind == "field":
                    value = self.node("field", value=(*value.value, token.text))
                else:
                    value = self.node("index", value, self.node("const", value=token.text))
            elif self.at("["):
                self.index += 1
                key = self.expression()
                self.take("]")
                value = self.node("index", value, key)
            elif self.at("("):
                if value.kind != "field" or len(value.value) != 1:
                    self.fail("only named functions can be called")
                self.index += 1
                arguments = self.arguments(")")
                value = self.node("call", *arguments, value=value.value[0])
            else:
                return value

    def arguments(self, closing: str) -> list[Node]:
        items: list[Node] = []
        while not self.at(closing):
            items.append(self.expression())
            if not self.at(","):
                break
            self.index += 1
        self.take(closing)
        return items

    def primary(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.index += 1
            is_float = any(mark in token.text for mark in ".eE")
            return self.node("const", value=float(token.text) if is_float else int(token.text))
        if token.kind == "string":
            self.index += 1
            return self.node("const", value=_unescape(token.text[1:-1]))
        if token.kind == "name" and token.text in _CONSTANTS:
            self.index += 1
            return self.node("const", value=_CONSTANTS[token.text])
        if token.kind == "name" and token.text not in KEYWORDS:
            self.index += 1
            _refuse_dunder(token.text)
            return self.node("field", value=(token.text,))
        if self.at("("):
            self.index += 1
            inner = self.expression()
            self.take(")")
            return inner
        if self.at("["):
            self.index += 1
            return self.node("list", *self.arguments("]"))
        self.fail("expected a value")
        raise AssertionError  # pragma: no cover - fail() always raises


def _refuse_dunder(name: str) -> None:
    # Payload keys are looked up, never Python attributes; refusing these keeps it obvious.
    if name.startswith("__"):
        raise ExprError("FORBIDDEN_NAME", f"names starting with '__' are not allowed: {name}")


def parse(text: object) -> Node:
    """Parse an expression; raises ``ExprError`` saying what is wrong and where."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("INVALID_EXPR", "an expression must be a non-empty string")
    if len(text) > MAX_TEXT:
        raise ExprError("EXPR_TOO_COMPLEX", f"expression is longer than {MAX_TEXT} characters")
    return _Parser(text).parse()
