"""``evcat catalog build DIR``: write the catalog website as a static site.

Like the other catalog commands it reads the database directly (``--db`` or
``EVCAT_DB_URL``), so a CI job can publish the site without a running server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from evcat.cli.catalog_cmds import Db

catalog_app = typer.Typer(help="The catalog website.", no_args_is_help=True)


@catalog_app.command("build")
def build(
    directory: Annotated[Path, typer.Argument(help="Folder to write the site into.")],
    db: Db = None,
) -> None:
    """Write every catalog page as static HTML with relative links.

    Example: evcat catalog build site/ && python -m http.server -d site
    """
    from evcat.cli.catalog_cmds import open_catalog
    from evcat.web.build import build_site

    written = build_site(open_catalog(db), directory)
    typer.echo(f"wrote {len(written)} files under {directory}")


def register_web_commands(app: typer.Typer) -> None:
    """Add ``evcat catalog ...`` to the ``evcat`` app."""
    app.add_typer(catalog_app, name="catalog")
