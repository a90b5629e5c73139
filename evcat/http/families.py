"""Route families: each answers errors in its own shape, chosen by the request path.

- ``CONFLUENT``: the Confluent API (``/subjects``, ``/schemas``, ``/config``, ...) and every
  path no other family claims: ``{"error_code": N, "message": "..."}`` as
  ``application/vnd.schemaregistry.v1+json``, the shape Confluent's clients parse.
- ``API``: evcat's own ``/v1/...`` routes: an RFC 7807 ``application/problem+json`` with a
  ``problems`` list. ``/v1/metadata/...`` are Confluent routes and keep Confluent's shape.
- ``WEBSITE``: the catalog website under ``/catalog/``: an HTML page a browser can show.

``family_of`` is the only place that decides; renderers and middleware ask it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import orjson

from evcat.errors import EvcatError

CONFLUENT_MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"
PROBLEM_MEDIA_TYPE = "application/problem+json"
HTML_MEDIA_TYPE = "text/html; charset=utf-8"

# Confluent routes that live under evcat's /v1 prefix.
CONFLUENT_UNDER_V1 = ("/v1/metadata/",)
ERROR_TYPES = "/v1/errors/"
"""Where an error code's description is served: the ``type`` of its problems."""


class Family(Enum):
    CONFLUENT = "confluent"
    API = "api"
    WEBSITE = "website"


def family_of(path: str) -> Family:
    """The family of the route at ``path`` (the raw path is fine: only prefixes matter)."""
    if path.startswith("/v1/"):
        return Family.CONFLUENT if path.startswith(CONFLUENT_UNDER_V1) else Family.API
    if path == "/catalog" or path.startswith("/catalog/"):
        return Family.WEBSITE
    return Family.CONFLUENT


def confluent_body(error: EvcatError) -> bytes:
    """Confluent's error shape: what its Java, Python and JavaScript clients parse."""
    return orjson.dumps({"error_code": error.error_code, "message": error.message})


def problem_type(error_code: int, status: int) -> str:
    """``about:blank`` for a bare HTTP status, else the URL describing the code."""
    return "about:blank" if error_code == status else f"{ERROR_TYPES}{error_code}"


def problem_document(error: EvcatError) -> dict[str, Any]:
    """``error`` as an RFC 7807 problem with evcat's ``error_code`` and ``problems`` members.

    ``title`` is the same for every occurrence of the code (the status phrase for a bare
    status, as RFC 7807 4.2 asks of ``about:blank``); what went wrong this time is the
    ``detail``, and each thing wrong is one of ``problems``.
    """
    return {
        "type": problem_type(error.error_code, error.status),
        "title": error.title,
        "status": error.status,
        "detail": error.message,
        "error_code": error.error_code,
        "problems": error.problem_items(),
    }


def problem_body(error: EvcatError) -> bytes:
    return orjson.dumps(problem_document(error))
