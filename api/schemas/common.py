"""What every resource's schemas share: the constrained field types, the :class:`Input`
base of request bodies, problem documents, ``{data, count}`` pages, and the conversion of
engine numbers to JSON (numpy values become Python ones; non-finite floats never reach JSON).

Every string type of the API (bodies, query and path parameters) is :func:`normalised`:
one that holds a NUL is refused, the others are validated as sent and again after
:func:`api.text.normalise`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from api.text import normalise
from engine.profiles import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from engine.taxonomy import ECOSYSTEMS

#: ecosystem ids as an enum, so that the OpenAPI schema lists them for forms
Ecosystem = StrEnum("Ecosystem", {eco: eco for eco in ECOSYSTEMS})  # type: ignore[misc]


def normalised(*, multiline: bool) -> WrapValidator:
    """The validator of a string input type. A NUL is refused, never stripped: the client
    sent something other than text. The constraints (type, lengths, pattern, and those the
    field adds) are checked on the string as sent, which is what the OpenAPI document
    promises, then again on the normalised string (:func:`api.text.normalise`), which is
    what is stored: a text of invisible characters alone is empty, and a ligature counts as
    its letters."""

    def validate(value: Any, handler: ValidatorFunctionWrapHandler) -> str:
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("string_nul", "NUL characters (U+0000) are not allowed")
        checked = handler(value)
        text = normalise(checked, multiline=multiline)
        if text == checked:  # most strings: nothing to check again
            return checked  # type: ignore[no-any-return]
        try:
            return handler(text)  # type: ignore[no-any-return]
        except ValidationError as error:
            first = error.errors()[0]
            raise PydanticCustomError(
                first["type"],
                "{message}, once normalised (invisible characters and surrounding spaces "
                "removed, Unicode NFKC)",
                {"message": first["msg"]},
            ) from None

    return WrapValidator(validate)


#: one-line strings (names, titles, ids, keywords): line breaks and tabs become spaces
ONE_LINE = normalised(multiline=False)
#: free texts (descriptions, request texts, messages): line breaks and tabs are kept
MULTILINE = normalised(multiline=True)

#: an id the client chooses for a new resource; the pattern already keeps out anything the
#: normalisation would change
Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@-]*$"),
    ONE_LINE,
]
#: an id that refers to a stored profile or request (in a body, a query or a path)
RefId = Annotated[str, StringConstraints(min_length=1, max_length=200), ONE_LINE]
#: the pattern keeps out NUL and every character the normalisation would change
Country = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Title = Annotated[str, StringConstraints(max_length=MAX_TITLE_CHARS), ONE_LINE]
#: a required one-line text (a profile's name): empty once normalised is a 422
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TITLE_CHARS), ONE_LINE]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS), MULTILINE]
Short = Annotated[str, StringConstraints(max_length=200), ONE_LINE]
T = TypeVar("T")


def plain(value: Any) -> Any:
    """JSON-ready copy of engine output: numpy scalars and arrays become Python numbers and
    lists, tuples lists, and non-finite floats ``None``."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def finite(value: float) -> float:
    """``value`` as a float, with a non-finite one as 0.0 (JSON has no inf or NaN)."""
    return float(value) if math.isfinite(value) else 0.0


def finite_values(values: Mapping[str, float]) -> dict[str, float]:
    return {str(k): finite(v) for k, v in values.items()}


class Input(BaseModel):
    """Request bodies: unknown fields are refused, and JSON types are taken as the schema
    says (``0`` is not ``false``, ``"5"`` is not ``5``)."""

    model_config = ConfigDict(extra="forbid")


# ---- problems --------------------------------------------------------------------------
class FieldError(BaseModel):
    field: str = Field(description="the offending field, dotted for nested ones")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details: every error response has this shape."""

    type: str = Field(examples=["urn:partner-search:problem:not-found"])
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="for 422: each invalid field")


# ---- pages -----------------------------------------------------------------------------
class Page(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="items matching in all pages")
    offset: int
    limit: int
