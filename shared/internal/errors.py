"""Typed errors of the internal API: one JSON shape for every failure.

    HTTP 409  {"error": {"code": "OUT_OF_STOCK", "message": "…", "details": {"lines": […]}}}

A route raises `InternalApiError`; the internal router renders it. Callers get
it back as `InternalCallError` with the same code and details.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(description="UPPER_SNAKE error code, stable for callers to branch on.")
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorResponse(BaseModel):
    error: ErrorBody


class InternalApiError(Exception):
    """A deliberate failure of an internal route, shown to the calling service as is."""

    def __init__(
        self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def response(self) -> JSONResponse:
        body = ErrorResponse(
            error=ErrorBody(code=self.code, message=self.message, details=self.details)
        )
        return JSONResponse(body.model_dump(mode="json"), status_code=self.status)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting the error shape for `statuses`."""
    return {status: {"model": ErrorResponse} for status in statuses}
