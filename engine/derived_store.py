"""The derived data (:class:`engine.derived.Derived`) saved with the index, with the profiles
it was derived from, so that a start neither builds it again nor parses and validates every
profile again (5-9 s at 20k profiles).

Building it reads every profile and project text (language identification, TF-IDF rows of
13,513 project texts, the collaboration graph, the name index): 12-25 s on 2 cores for the
bundled corpus, most of a service's second start. Unpickling the saved value takes ~1.7 s.

The file is only a cache of what :meth:`Derived.build` computes from the saved corpus, so it is
used only when it is certainly that value: it names the SHA-256 of the ``manifest.json`` it
was written after (each save writes a new manifest, with its creation time) and of the
engine's source code (a changed engine may derive differently, or have other fields). Any
mismatch, or a file that does not read, means a build as before: never a wrong answer.
The index folder is the engine's own output, read like its FAISS files; a folder from an
untrusted source must not be loaded (pickle runs code).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.atomic import atomic_write
from engine.derived import Derived
from engine.index import MANIFEST_FILE
from engine.profiles import Profile

log = logging.getLogger(__name__)

FILE = "derived.pickle"
FORMAT = 1


def engine_version() -> str:
    """A hash of the engine's Python sources: what produced (and can read) a derived value."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.relative_to(Path(__file__).parent).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _key(manifest: Path) -> dict[str, Any]:
    return {"format": FORMAT, "engine": engine_version(),
            "manifest": hashlib.sha256(manifest.read_bytes()).hexdigest()}


@dataclass(frozen=True)
class Stored:
    """What the file holds: the derived value and the profiles by slot it was derived from."""

    derived: Derived
    profiles: list[Profile | None]


def save_derived(folder: Path, derived: Derived | None, profiles: list[Profile | None]) -> None:
    """Write ``derived`` and ``profiles`` beside the index just saved in ``folder`` (its
    manifest written); None removes a file left by an earlier save."""
    path = folder / FILE
    if derived is None:
        path.unlink(missing_ok=True)
        return
    blob = pickle.dumps({"key": _key(folder / MANIFEST_FILE), "stored": Stored(derived, profiles)},
                        protocol=pickle.HIGHEST_PROTOCOL)
    atomic_write(path, lambda handle: handle.write(blob))


def load_derived(folder: Path) -> Stored | None:
    """What was saved with the index in ``folder`` by this engine, or None (then the
    profiles are parsed and the derived data built, as without this file)."""
    path = folder / FILE
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            saved = pickle.load(handle)
        if saved["key"] != _key(folder / MANIFEST_FILE) or not isinstance(saved["stored"],
                                                                           Stored):
            log.info("%s is from another index or engine version: derived data is rebuilt",
                     path)
            return None
        return saved["stored"]
    except Exception:  # any unreadable cache means a build, never a failure
        log.warning("%s could not be read: derived data is rebuilt", path, exc_info=True)
        return None
