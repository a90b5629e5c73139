"""Printing data: rich tables and colour on a terminal, plain lines when piped, or JSON."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from typing import Any


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def emit_table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table on a terminal; on a pipe, one line per row, columns aligned, no header."""
    cells = [[str(cell) for cell in row] for row in rows]
    if sys.stdout.isatty():
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, style="bold" if column == columns[0] else None)
        for row in cells:
            table.add_row(*(Text(cell) for cell in row))
        Console(highlight=False).print(table)
        return
    widths = [max((len(row[i]) for row in cells), default=0) for i in range(len(columns))]
    for row in cells:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        sys.stdout.write(line.rstrip() + "\n")


def emit_schema(schema_type: str, text: str) -> None:
    """Schema text, pretty-printed (and highlighted on a terminal)."""
    if schema_type in ("AVRO", "JSON"):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.syntax import Syntax

        lexer = "protobuf" if schema_type == "PROTOBUF" else "json"
        Console().print(Syntax(text, lexer, background_color="default"))
        return
    sys.stdout.write(text.rstrip("\n") + "\n")


def emit_line(text: str, style: str = "") -> None:
    """One line; styled on a terminal."""
    if sys.stdout.isatty() and style:
        from rich.console import Console
        from rich.text import Text

        Console(highlight=False).print(Text(text, style=style))
        return
    sys.stdout.write(text + "\n")
