"""``evcat``: serve the registry and manage its database."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from evcat import __version__
from evcat.cli import check, diff, register, registry_cmds
from evcat.cli.audit_cmds import register_audit_commands
from evcat.cli.auth_cmds import register_auth_commands
from evcat.cli.catalog_cmds import register_catalog_commands
from evcat.cli.errors import user_errors
from evcat.cli.gdpr_cmds import register_gdpr_commands
from evcat.cli.import_cmds import register_import_commands
from evcat.cli.upcast_cmds import register_upcast_commands
from evcat.cli.web_cmds import register_web_commands

# Plain help text: rich markup parsing alone costs a fifth of a second at every start.
app = typer.Typer(
    help="evcat: event catalog and schema registry.", no_args_is_help=True, rich_markup_mode=None
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
register_catalog_commands(app)
register_auth_commands(app)
register_upcast_commands(app)
register_gdpr_commands(app)
register_web_commands(app)
register_import_commands(app)
register_audit_commands(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evcat {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """evcat: event catalog and schema registry."""


class ClientCert(StrEnum):
    """Whether TLS clients must present a certificate signed by --ssl-ca-certs."""

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


_TLS = "TLS"
_AUTH = "Sign-in"


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (EVCAT_DB_URL).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes.")] = None,
    demo: Annotated[
        bool, typer.Option(help="Load the demo catalog if the registry is empty.")
    ] = False,
    auth_config: Annotated[
        Path | None,
        typer.Option(
            "--auth-config",
            help="Auth file: users, tokens, OIDC, bindings (EVCAT_AUTH_CONFIG).",
            rich_help_panel=_AUTH,
        ),
    ] = None,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth",
            help="Serve a non-loopback --host without an auth file: anyone reaching it may "
            "write and delete.",
            rich_help_panel=_AUTH,
        ),
    ] = False,
    ssl_certfile: Annotated[
        Path | None, typer.Option(help="TLS certificate (PEM).", rich_help_panel=_TLS)
    ] = None,
    ssl_keyfile: Annotated[
        Path | None, typer.Option(help="TLS private key (PEM).", rich_help_panel=_TLS)
    ] = None,
    ssl_ca_certs: Annotated[
        Path | None,
        typer.Option(help="CA certificates that sign client certificates.", rich_help_panel=_TLS),
    ] = None,
    ssl_client_cert: Annotated[
        ClientCert,
        typer.Option(
            help="required: only clients with a certificate from --ssl-ca-certs connect (mTLS).",
            rich_help_panel=_TLS,
        ),
    ] = ClientCert.NONE,
) -> None:
    """Serve the Confluent-compatible API (and evcat's own) over HTTP or HTTPS.

    Without an auth file evcat only listens on loopback; --auth-config FILE turns sign-in on
    (see docs/security.md).

    Example: evcat serve --host 0.0.0.0 --auth-config auth.yaml --ssl-certfile cert.pem
    --ssl-keyfile key.pem --db postgresql+psycopg://evcat@db/evcat --workers 4
    """
    import uvicorn

    from evcat.cli.serve_checks import check_serving, tls_options
    from evcat.migrations import upgrade
    from evcat.serving import uvicorn_options
    from evcat.settings import Settings

    overrides = {
        "host": host,
        "port": port,
        "db_url": db,
        "workers": workers,
        "auth_config": auth_config.resolve() if auth_config else None,
        "insecure_no_auth": insecure_no_auth or None,
    }
    for key, value in overrides.items():
        if value is not None:
            os.environ[f"EVCAT_{key.upper()}"] = str(value)
    settings = Settings()
    with user_errors():
        check_serving(settings)
        tls = tls_options(ssl_certfile, ssl_keyfile, ssl_ca_certs, ssl_client_cert.value)
    if settings.is_embedded:
        upgrade(settings.db_url)
    if demo:
        from evcat.demo import load_demo

        load_demo(settings)
    scheme = "https" if tls else "http"
    typer.echo(f"evcat {__version__} serving on {scheme}://{settings.host}:{settings.port}")
    uvicorn.run(
        "evcat.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        # With an auth file evcat itself decides whose X-Forwarded-For to believe (its
        # trusted_proxies); uvicorn would otherwise trust any local proxy's.
        proxy_headers=settings.auth_config is None,
        **tls,
        **uvicorn_options(settings),
    )


@db_app.command("upgrade")
def db_upgrade(
    db: Annotated[str | None, typer.Option("--db", help="Database URL (EVCAT_DB_URL).")] = None,
) -> None:
    """Apply every pending migration to the database."""
    from evcat.migrations import upgrade
    from evcat.settings import Settings

    url = db or Settings().db_url
    upgrade(url)
    typer.echo("database is up to date")


app.command()(register.register)
app.command()(check.check)
app.command()(diff.diff)
app.command()(registry_cmds.subjects)
app.command()(registry_cmds.versions)
app.command()(registry_cmds.show)
app.command()(registry_cmds.config)
app.command()(registry_cmds.delete)
