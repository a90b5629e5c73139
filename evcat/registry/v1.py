"""evcat's own registry routes (``/v1/...``): structured answers the Confluent API cannot give."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, Field

from evcat.registry.requests import schema_request
from evcat.registry.rules import parse_version
from evcat.registry.service import Registry

router = APIRouter(prefix="/v1", tags=["registry"])


class IncompatibilityOut(BaseModel):
    rule: str = Field(description="Confluent's name for the difference")
    path: str = Field(description="Where in the schema, in the format's notation")
    message: str
    fix: str = Field(description="What to change so the check passes")
    additional_info: str = ""
    version: int | None = Field(description="The old version it conflicts with")
    direction: str = Field(description="BACKWARD: new reads old data; FORWARD: old reads new")


class CompatibilityOut(BaseModel):
    subject: str
    compatible: bool
    level: str
    incompatibilities: list[IncompatibilityOut]


def _registry(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


@router.post("/subjects/{subject:path}/compatibility", response_model=CompatibilityOut)
def check_compatibility(
    subject: str,
    request: Request,
    body: Annotated[dict[str, Any], Body(description="schema, schemaType, references")],
    version: Annotated[str | None, Query(description="one version, or all live ones")] = None,
    normalize: bool = False,
) -> CompatibilityOut:
    """Every incompatibility of a candidate schema with the subject, with rule, path and fix."""
    registry = _registry(request)
    result = registry.test_compatibility(
        subject,
        schema_request(body),
        None if version is None else parse_version(version),
        normalize=normalize,
    )
    level = registry.effective_level(subject)
    return CompatibilityOut(
        subject=subject,
        compatible=result.is_compatible,
        level=level,
        incompatibilities=[IncompatibilityOut(**asdict(i)) for i in result.incompatibilities],
    )
