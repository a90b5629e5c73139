"""``GET /v1/errors``: the error catalogue served, so a problem's ``type`` can be looked up.

A problem on ``/v1`` names its code's description as ``type`` (``/v1/errors/42201``); these
routes answer what ``docs/errors.md`` says, for programs.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from evcat.errors import EvcatError, NotFoundError, catalogue, when_raised
from evcat.http.families import problem_type

router = APIRouter(prefix="/v1", tags=["errors"])


class ErrorType(BaseModel):
    type: str = Field(description="What problems of this code carry as their type")
    error_code: int
    status: int
    title: str
    description: str = Field(description="When evcat answers with this error")


def _described(cls: type[EvcatError]) -> ErrorType:
    return ErrorType(
        type=problem_type(cls.error_code, cls.status),
        error_code=cls.error_code,
        status=cls.status,
        title=cls.title,
        description=when_raised(cls),
    )


@router.get("/errors", summary="Every error evcat answers")
def error_types() -> list[ErrorType]:
    """The catalogue: each code with its status, title and when it is raised."""
    return [_described(cls) for cls in catalogue()]


@router.get("/errors/{code}", summary="One error code")
def error_type(code: int) -> ErrorType:
    """The description a problem's ``type`` points at."""
    for cls in catalogue():
        if cls.error_code == code:
            return _described(cls)
    raise NotFoundError(f"No error has the code {code}; GET /v1/errors lists them all")
