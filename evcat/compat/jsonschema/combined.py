"""allOf, anyOf and oneOf: matching the branches of the writer with those of the reader.

A sum (``anyOf``/``oneOf``) is readable when every writer alternative is readable by some reader
alternative; a product (``allOf``) when every reader condition follows from some writer
condition. Branches are matched by trial comparisons, whatever their order.
"""

from __future__ import annotations

from collections.abc import Callable

from evcat.compat.jsonschema.keywords import (
    COMBINATORS,
    SUMS,
    Comparer,
    Node,
    summary,
    type_set,
)
from evcat.compat.jsonschema.rules import Difference
from evcat.formats.jsonschema.drafts import join

Reason = Callable[[int, int], Difference | None]


def compare_pure(
    diff: Comparer, writer: Node, reader: Node, path: str, written: str | None, readable: str | None
) -> None:
    """At least one side holds nothing but the allOf/anyOf/oneOf named ``written``/``readable``."""
    if written and readable:
        compare_combined(diff, writer, reader, path, written, readable)
    elif written in SUMS:
        _sum_against_plain(diff, writer, reader, path, written)
    elif written == "allOf":
        _product_against_plain(diff, writer, reader, path)
    elif readable == "allOf":
        for index, branch in enumerate(reader.schema["allOf"]):
            diff.compare(writer, reader.child(branch), join(path, f"allOf/{index}"))
    elif readable is not None:
        _plain_against_sum(diff, writer, reader, path, readable)


def compare_beside(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    """allOf/anyOf/oneOf next to other keywords: each one the reader has is one more condition."""
    for keyword in COMBINATORS:
        if keyword not in reader.schema:
            continue
        if keyword in writer.schema:
            compare_combined(diff, writer, reader, path, keyword, keyword)
        elif keyword == "allOf":
            for index, branch in enumerate(reader.schema["allOf"]):
                diff.compare(writer, reader.child(branch), join(path, f"allOf/{index}"))
        else:
            branches = reader.schema[keyword]
            reasons = [
                diff.accepts(writer, reader.child(branch), join(path, f"{keyword}/{index}"))
                for index, branch in enumerate(branches)
            ]
            if None not in reasons:
                first = next(reason for reason in reasons if reason is not None)
                diff.add("PRODUCT_TYPE_EXTENDED", path, keyword, None, keyword, summary(first))


def _sum_against_plain(diff: Comparer, writer: Node, reader: Node, path: str, keyword: str) -> None:
    for index, branch in enumerate(writer.schema[keyword]):
        reason = diff.accepts(writer.child(branch), reader, join(path, f"{keyword}/{index}"))
        if reason is not None:
            info = f"{keyword}/{index}: {summary(reason)}"
            diff.add("SUM_TYPE_NARROWED", path, keyword, info=info)
            return


def _product_against_plain(diff: Comparer, writer: Node, reader: Node, path: str) -> None:
    # Enough when one writer condition alone satisfies the reader; merging several is not tried.
    reasons = [
        diff.accepts(writer.child(branch), reader, join(path, f"allOf/{index}"))
        for index, branch in enumerate(writer.schema["allOf"])
    ]
    if None in reasons:
        diff.add("PRODUCT_TYPE_NARROWED", path, "allOf")
        return
    first = next(reason for reason in reasons if reason is not None)
    diff.add("COMBINED_TYPE_CHANGED", path, "allOf", "allOf", "a single schema", summary(first))


def _plain_against_sum(diff: Comparer, writer: Node, reader: Node, path: str, keyword: str) -> None:
    branches = reader.schema[keyword]
    paths = [join(path, f"{keyword}/{index}") for index in range(len(branches))]
    children = [reader.child(branch) for branch in branches]
    if any(
        diff.accepts(writer, child, at) is None for child, at in zip(children, paths, strict=True)
    ):
        diff.add("SUM_TYPE_EXTENDED", path, keyword)
        return
    # When exactly one alternative has the writer's type, its own differences say the most.
    types = type_set(writer.schema)
    same_type = [
        index
        for index, child in enumerate(children)
        if _overlaps(types, type_set(diff.deref(child).schema))
    ]
    if len(same_type) == 1:
        index = same_type[0]
        diff.compare(writer, children[index], paths[index])
        return
    written_type = writer.schema.get("type", "any type")
    diff.add("TYPE_CHANGED", path, "type", written_type, f"one of the {keyword} alternatives")


def _overlaps(first: frozenset[str] | None, second: frozenset[str] | None) -> bool:
    return first is None or second is None or not first.isdisjoint(second)


def compare_combined(
    diff: Comparer, writer: Node, reader: Node, path: str, written: str, readable: str
) -> None:
    """Both sides have a combinator; ``written``/``readable`` name them."""
    before, after = writer.schema[written], reader.schema[readable]
    olds = [writer.child(branch) for branch in before]
    news = [reader.child(branch) for branch in after]
    paths = [join(path, f"{readable}/{index}") for index in range(len(after))]

    def reason(old: int, new: int) -> Difference | None:
        return diff.accepts(olds[old], news[new], paths[new])

    if written == readable:
        match = _match_conditions if written == "allOf" else _match_alternatives
        match(diff, path, written, len(before), len(after), reason)
        return
    if written == "anyOf" and readable == "oneOf" and len(before) > 1:
        # A value matching two alternatives passes anyOf and fails oneOf.
        diff.add("COMBINED_TYPE_CHANGED", path, readable, written, readable)
        return
    if readable in SUMS and (written in SUMS or len(before) == 1):
        if _match_alternatives(diff, path, written, len(before), len(after), reason):
            diff.add("COMBINED_TYPE_EXTENDED", path, readable, written, readable)
        return
    pairs = [(old, new) for old in range(len(before)) for new in range(len(after))]
    if written == "allOf":  # one condition implying one alternative is enough
        fine = any(reason(old, new) is None for old, new in pairs)
    else:  # every alternative must meet every condition
        fine = all(reason(old, new) is None for old, new in pairs)
    rule = "COMBINED_TYPE_EXTENDED" if fine else "COMBINED_TYPE_CHANGED"
    diff.add(rule, path, readable, written, readable)


def _match_alternatives(
    diff: Comparer, path: str, keyword: str, olds: int, news: int, reason: Reason
) -> bool:
    unread = [
        old for old in range(olds) if all(reason(old, new) is not None for new in range(news))
    ]
    if not unread:
        if news > olds:
            diff.add("SUM_TYPE_EXTENDED", path, keyword)
        return True
    old = unread[0]
    closest = reason(old, min(old, news - 1))
    info = f"{keyword}/{old}" + (f": {summary(closest)}" if closest else "")
    rule = "SUM_TYPE_NARROWED" if news < olds else "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
    diff.add(rule, path, keyword, info=info)
    return False


def _match_conditions(
    diff: Comparer, path: str, keyword: str, olds: int, news: int, reason: Reason
) -> bool:
    unmet = [new for new in range(news) if all(reason(old, new) is not None for old in range(olds))]
    if not unmet:
        if news < olds:
            diff.add("PRODUCT_TYPE_NARROWED", path, keyword)
        return True
    new = unmet[0]
    closest = reason(min(new, olds - 1), new)
    info = f"{keyword}/{new}" + (f": {summary(closest)}" if closest else "")
    rule = "PRODUCT_TYPE_EXTENDED" if news > olds else "COMBINED_TYPE_SUBSCHEMAS_CHANGED"
    diff.add(rule, path, keyword, info=info)
    return False
