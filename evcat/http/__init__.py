"""What every route shares: the middleware stack, the request context and the one error renderer.

- ``stack``: ``build_stack`` wraps the app in ``LAYERS``, every middleware in one documented
  order; new middleware (auth, rate limits, access log, metrics) is one more ``Layer`` there.
- ``context``: the per-request ``RequestContext`` (request id, client, principal, route
  template), shared by middleware (``context_of(scope)``) and handlers.
- ``families``: which shape a route answers errors in (Confluent, ``/v1`` problems, website).
- ``problems``: the one renderer that turns an ``evcat.errors`` error into a response.
- ``boundary``: the error boundary; any exception escaping is a logged 500 in the right shape.
- ``bodies``: request bodies read within a deadline and a size, unstorable text refused.
- ``error_types``: ``GET /v1/errors``, the error catalogue a problem's ``type`` points at.

This package sits on top with the API modules, the website and the CLI: it may import any
evcat package but the website, and nothing below it (registry, catalog, gdpr, upcast,
formats, compat) imports it.
"""

__all__ = [
    "bodies",
    "boundary",
    "context",
    "error_types",
    "families",
    "problems",
    "refused_sign_ins",
    "stack",
]
