"""Atomic file writes: a temp file in the same folder, fsync, then rename over the target.

A reader sees the old file or the new one, never a half-written one, and a crash mid-write
leaves the previous state in place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")


def atomic_write(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Call ``write`` with a binary handle on a temp file, then move it to ``path``; returns
    what ``write`` returned."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return result
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, atomically."""
    blob = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
    atomic_write(path, lambda handle: handle.write(blob))
