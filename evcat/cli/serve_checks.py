"""What ``evcat serve`` checks before it listens: sign-in on non-loopback hosts, TLS files."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from evcat.cli.errors import UserError
from evcat.settings import Settings, is_loopback, no_auth_warning


def check_serving(settings: Settings) -> None:
    """Refuse to expose a registry without sign-in; check the auth file before listening."""
    if settings.auth_config is not None:
        from evcat.auth.parsing import AuthConfigError, load_config

        try:
            load_config(settings.auth_config)
        except AuthConfigError as error:
            raise UserError(
                f"the auth file {error.source} cannot be used: " + "; ".join(error.problems)
            ) from None
        return
    if is_loopback(settings.host):
        return
    if not settings.insecure_no_auth:
        raise UserError(
            f"refusing to listen on {settings.host} without sign-in: pass --auth-config FILE "
            "(see docs/security.md), listen on 127.0.0.1, or accept the risk with "
            "--insecure-no-auth"
        )
    from evcat.cli.errors import say_warning

    say_warning(no_auth_warning(settings.host))


def tls_options(
    certfile: Path | None, keyfile: Path | None, ca_certs: Path | None, client_cert: str
) -> dict[str, Any]:
    """uvicorn's TLS settings from the ``--ssl-*`` options, checked for consistency."""
    if (certfile is None) != (keyfile is None):
        raise UserError("TLS needs both --ssl-certfile and --ssl-keyfile")
    if certfile is None:
        if ca_certs is not None or client_cert != "none":
            raise UserError(
                "--ssl-ca-certs and --ssl-client-cert need --ssl-certfile/--ssl-keyfile"
            )
        return {}
    if client_cert != "none" and ca_certs is None:
        raise UserError(f"--ssl-client-cert {client_cert} needs --ssl-ca-certs (the clients' CA)")
    for path in (certfile, keyfile, ca_certs):
        if path is not None and not path.is_file():
            raise UserError(f"{path}: no such file")
    requirement = {
        "none": ssl.CERT_NONE,
        "optional": ssl.CERT_OPTIONAL,
        "required": ssl.CERT_REQUIRED,
    }
    options: dict[str, Any] = {
        "ssl_certfile": str(certfile),
        "ssl_keyfile": str(keyfile),
        "ssl_cert_reqs": requirement[client_cert],
    }
    if ca_certs is not None:
        options["ssl_ca_certs"] = str(ca_certs)
    return options
