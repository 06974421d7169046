"""Service-to-service calls: JSON over HTTP under `/internal/…`, for services only."""

from shared.internal.client import (
    InternalCallError,
    InternalClient,
    RetryPolicy,
    ServiceClient,
    ServiceUnavailable,
    service_base_url,
)
from shared.internal.errors import ErrorBody, ErrorResponse, InternalApiError, error_responses
from shared.internal.server import ServiceCaller, internal_router
from shared.internal.tokens import (
    HEADER,
    InvalidServiceToken,
    ServiceIdentity,
    mint_service_token,
    verify_service_token,
)

__all__ = [
    "HEADER",
    "ErrorBody",
    "ErrorResponse",
    "InternalApiError",
    "InternalCallError",
    "InternalClient",
    "InvalidServiceToken",
    "RetryPolicy",
    "ServiceCaller",
    "ServiceClient",
    "ServiceIdentity",
    "ServiceUnavailable",
    "error_responses",
    "internal_router",
    "mint_service_token",
    "service_base_url",
    "verify_service_token",
]
