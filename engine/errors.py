"""The engine's error hierarchy: every message tells the user what to do next."""

from __future__ import annotations


class EngineError(Exception):
    """Base class for every error the engine raises on purpose."""


class ValidationError(EngineError, ValueError):
    """Input that does not satisfy the data model (bad field, unknown code, empty text).

    ``field`` names the offending field; ``source`` names the file and line when known.
    """

    def __init__(self, message: str, *, field: str | None = None, source: str | None = None):
        self.field = field
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__(f"{prefix}{message}")
        self.message = message


class NotFoundError(EngineError, KeyError):
    """An id that the engine does not know."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep the message readable
        return str(self.args[0]) if self.args else "not found"


class ConflictError(EngineError):
    """A write that conflicts with existing state (for example a duplicate id)."""


class IndexMismatchError(EngineError):
    """A saved index that was built by another model, dimension or data set."""


class TimeLimitError(EngineError):
    """A computation that found no answer within its time limit (a solver's)."""


class NotFittedError(EngineError, RuntimeError):
    """A component used before ``fit`` or ``load``."""
