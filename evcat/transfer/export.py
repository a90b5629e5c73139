"""``evcat export registry``: every row of every table as JSON Lines, the same bytes each time.

The file is a header line, then per table a line naming it, its columns and its row count
followed by one JSON array per row, then a closing line with the totals:

    {"format":"evcat-export","format_version":1,"evcat_version":"0.1.0","alembic_revision":"0004"}
    {"table":"schemas","columns":["created_ms","fingerprint",...],"rows":2}
    [1700000000000,"9f2c...",...]
    {"end":true,"tables":24,"rows":130}

Nothing in it depends on when or where it was written, so exporting, restoring and exporting
again gives a byte-identical file, whichever backend each side runs on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

import orjson
from sqlalchemy import Engine, func, select

from evcat import __version__
from evcat.transfer.errors import TransferError
from evcat.transfer.tables import (
    alembic_revision,
    column_names,
    encode,
    in_dependency_order,
    reflect,
    row_order,
)

FORMAT = "evcat-export"
FORMAT_VERSION = 1
BATCH_ROWS = 1000


@dataclass(frozen=True)
class ExportSummary:
    revision: str
    tables: int
    rows: int


def _line(value: Any) -> bytes:
    return orjson.dumps(value) + b"\n"


def header(revision: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "evcat_version": __version__,
        "alembic_revision": revision,
    }


def export_database(engine: Engine, out: BinaryIO) -> ExportSummary:
    """Write every table of the database at ``engine`` to ``out``, from one consistent snapshot."""
    total_rows = 0
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot for every table: counts and rows agree even while servers write.
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = alembic_revision(connection)
            if revision is None:
                raise TransferError(
                    "the database holds no evcat data (it was never migrated): check --db"
                )
            out.write(_line(header(revision)))
            tables = in_dependency_order(reflect(connection))
            for table in tables:
                names = column_names(table)
                count = connection.execute(select(func.count()).select_from(table)).scalar_one()
                out.write(_line({"table": table.name, "columns": names, "rows": count}))
                query = select(*(table.columns[n] for n in names)).order_by(
                    *row_order(table, connection.dialect.name)
                )
                result = connection.execution_options(yield_per=BATCH_ROWS).execute(query)
                for row in result:
                    out.write(_line([encode(value) for value in row]))
                total_rows += count
            out.write(_line({"end": True, "tables": len(tables), "rows": total_rows}))
    return ExportSummary(revision, len(tables), total_rows)
