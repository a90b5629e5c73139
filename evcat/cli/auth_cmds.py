"""``evcat auth ...``: make password hashes and API tokens, check an auth file."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from evcat.cli.catalog_cmds import Db
from evcat.cli.errors import Exit, UserError, say_error, user_errors

auth_app = typer.Typer(
    help="Sign-in: password hashes, API tokens, auth files.", no_args_is_help=True
)


@auth_app.command("hash-password")
def hash_password() -> None:
    """Read a password on stdin (without echo on a terminal) and print its argon2id hash.

    Example: evcat auth hash-password < password.txt
    """
    from evcat.auth.hashing import hash_password as make_hash

    with user_errors():
        if sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Again: ") != password:
                raise UserError("the two passwords differ")
        else:
            password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        if not password:
            raise UserError("the password is empty")
        typer.echo(make_hash(password))


@auth_app.command("new-token")
def new_token(
    name: Annotated[str, typer.Argument(help="The principal the token signs in as.")],
    groups: Annotated[
        list[str] | None, typer.Option("--group", "-g", help="A group of the token (repeatable).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="Last day the token is accepted (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Print a new API token once, then the ``tokens:`` entry (its SHA-256) for the auth file.

    Example: evcat auth new-token orders-producer --group orders --expires 2027-06-30
    """
    import yaml

    from evcat.auth.hashing import new_token as make_token
    from evcat.auth.hashing import token_digest

    with user_errors():
        entry: dict[str, object] = {"name": name}
        token = make_token()
        entry["token_sha256"] = token_digest(token)
        entry["groups"] = list(groups or [])
        if expires is not None:
            try:
                entry["expires"] = dt.date.fromisoformat(expires)
            except ValueError:
                raise UserError(f"--expires {expires!r} is not a date (YYYY-MM-DD)") from None
        typer.echo(token)
        typer.echo("# The token above is shown once: store it now. Add this under tokens: in the")
        typer.echo("# auth file (it keeps only the token's SHA-256):")
        typer.echo(yaml.safe_dump([entry], sort_keys=False).rstrip())


@auth_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="The auth file to check.")],
    db: Db = None,
) -> None:
    """Check an auth file: unknown roles, bad globs, duplicate names, hashes, keys; with --db,
    teams of owned_by bindings that the catalog lacks. Exit 2 listing every problem.

    Example: evcat auth check deploy/auth.yaml --db postgresql+psycopg://evcat@db/evcat
    """
    from evcat.auth.check import config_problems

    teams = None
    if db is not None:

        def teams_of_catalog() -> frozenset[str]:
            from evcat.catalog.ownership import team_ids
            from evcat.cli.catalog_cmds import open_catalog

            return team_ids(open_catalog(db))

        teams = teams_of_catalog
    with user_errors():
        config, problems = config_problems(file, teams)
    if problems:
        for problem in problems:
            say_error(f"{file}: {problem}")
        raise typer.Exit(Exit.INVALID)
    assert config is not None
    typer.echo(
        f"{file}: ok ({len(config.users)} users, {len(config.tokens)} tokens, "
        f"{len(config.bindings)} bindings, anonymous: {config.anonymous})"
    )


def register_auth_commands(app: typer.Typer) -> None:
    """Add ``evcat auth ...`` to the ``evcat`` app."""
    app.add_typer(auth_app, name="auth")
