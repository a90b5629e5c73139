"""Cross-site request forgery: state-changing requests a browser page could forge are refused.

For POST, PUT, PATCH and DELETE:

- A browser ``Origin`` must be the registry's own (``Origin`` naming the ``Host`` the request
  was sent to) or listed in ``EVCAT_ALLOWED_ORIGINS`` (``*`` for any); otherwise 403. Clients
  that are not browsers send no ``Origin`` and are not affected.
- A request with a body must say it is JSON (``application/json``, any ``+json``), YAML
  (``application/yaml``, ``application/x-yaml``, ``text/yaml``, any ``+yaml``), a schema
  registry type (``application/vnd.schemaregistry*``, what Confluent's clients send) or
  ``application/octet-stream``; otherwise 415. An HTML form can only send
  ``application/x-www-form-urlencoded``, ``multipart/form-data`` or ``text/plain``, and a
  page's script cannot send anything else across sites without asking first (CORS preflight,
  which evcat never grants). A DELETE without a body needs no content type.

Reads (GET, HEAD) are never refused here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from evcat.errors import OriginNotAllowedError, UnsupportedMediaTypeError
from evcat.http.context import context_of
from evcat.http.problems import ErrorRenderer

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
ACCEPTED = (
    "JSON (application/json), YAML (application/yaml), "
    "application/vnd.schemaregistry.v1+json or application/octet-stream"
)


def acceptable_media_type(content_type: str) -> bool:
    """Whether a body of this ``Content-Type`` may change state."""
    media_type = content_type.partition(";")[0].strip().lower()
    return (
        media_type == "application/json"
        or media_type.endswith(("+json", "+yaml"))
        or media_type in YAML_TYPES
        or media_type.startswith("application/vnd.schemaregistry")
        or media_type == "application/octet-stream"
    )


def same_origin(origin: str, host: str) -> bool:
    """Whether ``origin`` names the host and port the request was sent to."""
    netloc = urlsplit(origin).netloc.lower()
    return bool(netloc) and netloc == host.strip().lower()


class CrossSiteGuard:
    """Pure ASGI middleware: 403 for a foreign ``Origin``, 415 for a body of a form's type."""

    def __init__(self, app: ASGIApp, origins: list[str], errors: ErrorRenderer) -> None:
        self.app = app
        self.origins = frozenset(origin.rstrip("/").lower() for origin in origins)
        self.errors = errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in STATE_CHANGING:
            await self.app(scope, receive, send)
            return
        headers = {name: value.decode("latin-1") for name, value in scope["headers"]}
        origin = headers.get(b"origin")
        if origin is not None and not self._origin_allowed(origin, headers.get(b"host", "")):
            error: OriginNotAllowedError | UnsupportedMediaTypeError = OriginNotAllowedError(
                f"Requests from pages at {origin} may not change this registry; add the "
                "origin to EVCAT_ALLOWED_ORIGINS to allow it"
            )
            await self.errors.send(send, error, context_of(scope).family)
            return
        has_body = headers.get(b"content-length", "0") != "0" or b"transfer-encoding" in headers
        content_type = headers.get(b"content-type", "")
        if has_body and not acceptable_media_type(content_type):
            error = UnsupportedMediaTypeError(
                f"A {scope['method']} body of type {content_type or '(none)'!r} is not "
                f"accepted; send {ACCEPTED}"
            )
            await self.errors.send(send, error, context_of(scope).family)
            return
        await self.app(scope, receive, send)

    def _origin_allowed(self, origin: str, host: str) -> bool:
        normalized = origin.rstrip("/").lower()
        return "*" in self.origins or normalized in self.origins or same_origin(origin, host)
