"""Sign-in and authorization: the auth file, credentials (Basic, tokens, OIDC), roles bound to
subject globs or owning teams, rate limits, and the middleware that applies them.

``layer.auth_layer`` builds the middleware for the HTTP stack; ``parsing``/``check`` read and
validate the auth file for ``evcat serve`` and ``evcat auth``. It imports the registry and the
catalog (through ``catalog.ownership``), ``evcat.http`` (context, renderer, refused sign-ins)
and the error catalogue; only ``app`` and the CLI import it.
"""

__all__ = [
    "check",
    "hashing",
    "layer",
    "parsing",
]
