"""API errors: one exception type carrying a stable ``ErrorCode``, rendered as ``protocol.ErrorBody`` JSON."""

from __future__ import annotations

from typing import Any

from app.protocol import ErrorBody, ErrorCode, FieldError, to_wire


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        *,
        fields: list[FieldError] | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []
        self.details = details or {}
        self.headers = headers or {}

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = to_wire(
            ErrorBody(self.code, self.message, self.fields, to_wire(self.details), request_id)
        )
        return result


def validation_error(fields: list[FieldError], message: str = "invalid input") -> ApiError:
    return ApiError(422, ErrorCode.VALIDATION, message, fields=fields)


def field_error(field: str, code: str, message: str) -> ApiError:
    return validation_error([FieldError(field, code, message)], message)


def not_found(what: str) -> ApiError:
    return ApiError(404, ErrorCode.NOT_FOUND, f"{what} not found")


def forbidden(message: str = "not allowed") -> ApiError:
    return ApiError(403, ErrorCode.FORBIDDEN, message)


def unauthenticated(message: str = "sign in required", code: ErrorCode = ErrorCode.UNAUTHENTICATED) -> ApiError:
    return ApiError(401, code, message, headers={"WWW-Authenticate": "Bearer"})
