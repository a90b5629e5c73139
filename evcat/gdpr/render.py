"""Report output: text for people, JSON for tools (see ``report_schemas``), CSV for auditors.

All three carry the same rows in the same order (the report's own order, which is sorted and
does not depend on the database backend). In text and CSV, lists are joined: hops with
`` > ``, other lists with ``;``. A CSV cell that a spreadsheet would read as a formula is
prefixed with ``'`` (OWASP "CSV injection"): names and descriptions come from anyone who
may write the catalog, and auditors open these files in spreadsheets.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import orjson

FORMATS = ("text", "json", "csv")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return (" > " if name == "hops" else ";").join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def neutralised(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading formula mark is quoted away."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def to_json(report: dict[str, Any]) -> str:
    return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n"


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    # CRLF rows (RFC 4180): the writer then quotes any cell holding a CR or LF, so no cell
    # can start a row of its own.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralised(_cell(row.get(c), c)) for c in columns])
    return out.getvalue()


def to_text(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """An aligned table; the hop path goes on its own indented line to keep rows short."""
    shown = [c for c in columns if c != "hops"]
    cells = [[_cell(row.get(c), c) for c in shown] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(shown)]
    lines = [title, "  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip()]
    for row, line in zip(rows, cells, strict=True):
        lines.append("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
        if row.get("hops"):
            lines.append(f"    via {_cell(row['hops'], 'hops')}")
    if not rows:
        lines.append("(no rows)")
    return "\n".join(lines) + "\n"


def render(report: dict[str, Any], columns: Sequence[str], output: str, title: str) -> str:
    """The report in ``output`` format (text, json or csv)."""
    if output == "json":
        return to_json(report)
    if output == "csv":
        return to_csv(report["rows"], columns)
    return to_text(title, report["rows"], columns)
