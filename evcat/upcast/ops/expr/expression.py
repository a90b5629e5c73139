"""The ``derive`` expression language: parse once, compile to nested closures, run per event.

Names are payload fields; a missing field reads as ``None``. Only the functions in
``FUNCTIONS`` can be called; clock, randomness and I/O names are refused when the expression
is registered (``NONDETERMINISTIC_EXPR``, ``FORBIDDEN_FUNCTION``), any other unknown name with
``UNKNOWN_FUNCTION``. Compilation also infers a rough result kind (``string``, ``int``,
``number``, ``boolean``...) so the static checker can compare it with the target field.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from evcat.upcast.ops.expr.functions import FORBIDDEN, FUNCTIONS, NONDETERMINISTIC
from evcat.upcast.ops.expr.limits import bounded, charge_steps, check_list_size, check_string_size
from evcat.upcast.ops.expr.parse import ExprError, Node, parse
from evcat.upcast.paths import MISSING, Path, getter

Env = Mapping[str, Any]
Fn = Callable[[Env], Any]
FieldKinds = Callable[[Path], str | None]
"""Kind of the field at a path in the source schema, or None when there is no such field."""

NUMERIC = frozenset({"int", "float", "number", "decimal"})

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
    "is": operator.is_,
    "is not": operator.is_not,
}


@dataclass(frozen=True)
class Expression:
    """A compiled expression: ``run(payload)`` evaluates it; ``reads`` are the fields it uses."""

    text: str
    run: Fn
    kind: str
    reads: tuple[Path, ...]
    tree: Node

    def not_null(self) -> list[Path]:
        """Fields the expression, when true, proves are not null (``a is not None and ...``)."""
        found: list[Path] = []
        stack = [self.tree]
        while stack:
            node = stack.pop()
            if node.kind == "and":
                stack.extend(node.args)
            elif node.kind == "compare" and node.value in ("is not", "!="):
                left, right = node.args
                if left.kind == "field" and right.kind == "const" and right.value is None:
                    found.append(left.value)
        return found


def kind_of(value: Any) -> str:
    """The expression kind of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, Mapping):
        return "map"
    return "any"


def _add(left: Any, right: Any) -> Any:
    # String and list concatenation stay, repetition (str * int) does not: its cost would be
    # chosen by the data rather than bounded by the expression.
    if isinstance(left, str) != isinstance(right, str):
        raise TypeError(f"cannot add {kind_of(left)} and {kind_of(right)}")
    if left.__class__ is str:
        check_string_size(len(left) + len(right), "'+'")
    elif left.__class__ is list and right.__class__ is list:
        check_list_size(len(left) + len(right), "'+'")
    return bounded(left + right, "'+'")


def _numeric_only(name: str, function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        for value in (left, right):
            if not isinstance(value, int | float | Decimal):
                raise TypeError(f"'{name}' needs numbers, not {kind_of(value)}")
        return function(left, right)

    return apply


def _bounded(name: str, function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    what = f"'{name}'"
    return lambda left, right: bounded(function(left, right), what)


class _Compiler:
    def __init__(self, fields: FieldKinds | None) -> None:
        self.fields = fields
        self.reads: list[Path] = []
        self.nodes = 0

    def compile(self, node: Node) -> tuple[Fn, str]:
        self.nodes += 1
        method = getattr(self, f"_{node.kind}")
        result: tuple[Fn, str] = method(node)
        return result

    def _const(self, node: Node) -> tuple[Fn, str]:
        value = node.value
        return (lambda env: value), kind_of(value)

    def _field(self, node: Node) -> tuple[Fn, str]:
        path: Path = node.value
        kind = "any"
        if self.fields is not None:
            found = self.fields(path)
            if found is None:
                raise ExprError(
                    "UNKNOWN_SOURCE_PATH",
                    f"the expression reads '{'.'.join(path)}', which the source payload lacks",
                )
            kind = found
        self.reads.append(path)
        read = getter(path)

        def field(env: Env) -> Any:
            value = read(env)
            return None if value is MISSING else value

        return field, kind

    def _list(self, node: Node) -> tuple[Fn, str]:
        items = [self.compile(arg)[0] for arg in node.args]
        return (lambda env: bounded([item(env) for item in items], "a list")), "list"

    def _index(self, node: Node) -> tuple[Fn, str]:
        target = self.compile(node.args[0])[0]
        key = self.compile(node.args[1])[0]

        def index(env: Env) -> Any:
            container, at = target(env), key(env)
            if isinstance(container, Mapping):
                return container.get(at)
            if isinstance(container, list | str) and isinstance(at, int):
                return container[at] if -len(container) <= at < len(container) else None
            return None

        return index, "any"

    def _call(self, node: Node) -> tuple[Fn, str]:
        name: str = node.value
        if name in NONDETERMINISTIC:
            raise ExprError(
                "NONDETERMINISTIC_EXPR",
                f"{name}() is not deterministic: upcasting the same event twice must give the "
                "same result; read the value from the envelope with from_metadata instead",
            )
        if name in FORBIDDEN:
            raise ExprError("FORBIDDEN_FUNCTION", f"{name}() is not allowed in expressions")
        function = FUNCTIONS.get(name)
        if function is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExprError("UNKNOWN_FUNCTION", f"unknown function {name}(); use one of {known}")
        if not function.min_args <= len(node.args) <= function.max_args:
            raise ExprError(
                "INVALID_EXPR",
                f"{name}() takes {function.min_args} to {function.max_args} arguments, "
                f"not {len(node.args)}",
            )
        compiled = [self.compile(arg) for arg in node.args]
        arguments = [fn for fn, _ in compiled]
        impl = function.impl
        kind = function.kind if function.kind != "arg" else _common([k for _, k in compiled])
        what = f"{name}()"
        if len(arguments) == 1:
            only = arguments[0]
            return (lambda env: bounded(impl(only(env)), what)), kind
        return (lambda env: bounded(impl(*[argument(env) for argument in arguments]), what)), kind

    def _unary(self, node: Node) -> tuple[Fn, str]:
        operand, kind = self.compile(node.args[0])
        negate = node.value == "-"

        def unary(env: Env) -> Any:
            value = operand(env)
            if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
                raise TypeError(f"unary {node.value} needs a number, not {kind_of(value)}")
            return -value if negate else +value

        return unary, kind if kind in NUMERIC else "number"

    def _binary(self, node: Node) -> tuple[Fn, str]:
        (left, left_kind), (right, right_kind) = (self.compile(arg) for arg in node.args)
        symbol: str = node.value
        function = (
            _add if symbol == "+" else _bounded(symbol, _numeric_only(symbol, _ARITHMETIC[symbol]))
        )
        if symbol == "+" and left_kind == right_kind == "string":
            kind = "string"
        elif symbol == "/":
            kind = "decimal" if "decimal" in (left_kind, right_kind) else "float"
        elif left_kind == right_kind and left_kind in NUMERIC:
            kind = left_kind
        elif left_kind in NUMERIC and right_kind in NUMERIC:
            kind = "number"
        else:
            kind = "any"
        return (lambda env: function(left(env), right(env))), kind

    def _compare(self, node: Node) -> tuple[Fn, str]:
        left, right = (self.compile(arg)[0] for arg in node.args)
        function = _COMPARE[node.value]
        return (lambda env: bool(function(left(env), right(env)))), "boolean"

    def _not(self, node: Node) -> tuple[Fn, str]:
        operand = self.compile(node.args[0])[0]
        return (lambda env: not operand(env)), "boolean"

    def _and(self, node: Node) -> tuple[Fn, str]:
        (left, left_kind), (right, right_kind) = (self.compile(arg) for arg in node.args)
        return (lambda env: left(env) and right(env)), _common([left_kind, right_kind])

    def _or(self, node: Node) -> tuple[Fn, str]:
        (left, left_kind), (right, right_kind) = (self.compile(arg) for arg in node.args)
        return (lambda env: left(env) or right(env)), _common([left_kind, right_kind])

    def _if(self, node: Node) -> tuple[Fn, str]:
        condition = self.compile(node.args[0])[0]
        (then, then_kind), (other, other_kind) = (self.compile(arg) for arg in node.args[1:])
        kind = _common([then_kind, other_kind])
        return (lambda env: then(env) if condition(env) else other(env)), kind


def _common(kinds: Sequence[str]) -> str:
    """One kind for a value that may come from any of ``kinds`` (``null`` aside)."""
    known = {kind for kind in kinds if kind != "null"}
    if len(known) == 1:
        return known.pop()
    if known and known <= NUMERIC:
        return "number"
    return "any" if known else "null"


def compile_expression(text: object, fields: FieldKinds | None = None) -> Expression:
    """Parse and compile; raises ``ExprError`` (with a problem code) on anything refused."""
    tree = parse(text)
    compiler = _Compiler(fields)
    root, kind = compiler.compile(tree)
    assert isinstance(text, str)
    nodes = compiler.nodes

    def run(env: Env) -> Any:
        # Charged by size, not measured by clock: the same event costs the same everywhere.
        charge_steps(nodes)
        return root(env)

    return Expression(text, run, kind, tuple(dict.fromkeys(compiler.reads)), tree)
