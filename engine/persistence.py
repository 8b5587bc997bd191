"""The index folder: writing and reading it, its profiles, and the data fingerprint.

A saved index is a folder of plain files: ``profiles.jsonl`` (one profile per line with its
slot), ``history.json``, ``config.json``, ``fusion.json`` (if learned weights are in force),
the lexical index, the project text rows (:mod:`engine.saved_rows`, checked at load), the
FAISS vectors and ``manifest.json``, written last (so a crash mid-save leaves no new
manifest). Both the engine and the service's start-up reconcile read profiles
through :func:`read_profiles`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from engine.atomic import atomic_write, atomic_write_json
from engine.config import RankConfig
from engine.corpus import Corpus
from engine.errors import IndexMismatchError
from engine.fusion import FusionModel
from engine.index import VectorIndex
from engine.lexical import LexicalIndex
from engine.profiles import Activity, Profile
from engine.project_texts import ProjectTexts
from engine.registry import Registry
from engine.saved_rows import SavedRows, load_rows, save_rows
from engine.sources.h2020 import Participation

PROFILES = "profiles.jsonl"
#: The multilingual vectors' own index folder inside the index folder.
MULTILINGUAL = "multilingual"


def data_fingerprint(profiles: Iterable[Profile], model_id: str) -> str:
    """Order-independent hash of profiles' content and the model that embeds them."""
    return combined_fingerprint((p.fingerprint() for p in profiles), model_id)


def combined_fingerprint(fingerprints: Iterable[str], model_id: str) -> str:
    """:func:`data_fingerprint` from the profiles' own fingerprints (a database stores
    them)."""
    digest = hashlib.sha256(model_id.encode())
    for fp in sorted(fingerprints):
        digest.update(fp.encode())
    return digest.hexdigest()[:20]


def _frozen(value: Any) -> Hashable:
    """A hashable stand-in for a JSON value (lists as tuples, objects as sorted pairs)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def _parse_profiles(lines: Iterable[bytes]) -> Iterator[tuple[int, Profile]]:
    """(slot, profile) of each line. A project is an activity of each of its participants,
    so its text would otherwise be held once per partner: equal titles and texts are one
    shared string (the bundled corpus's 72,745 activities hold 13,482 distinct texts; each
    participant's copy lists the other partners, so whole activities seldom are equal), and
    equal activities one shared object (the synthetic corpora of ``bench/scale.py``)."""
    strings: dict[str, str] = {}
    seen: dict[Hashable, Activity] = {}

    def shared(data: dict[str, Any]) -> Activity:
        for name in ("title", "text"):
            if name in data:
                data[name] = strings.setdefault(data[name], data[name])
        key = _frozen(data)  # after the strings: the key holds the shared ones
        activity = seen.get(key)
        if activity is None:
            activity = seen[key] = Activity.from_dict(data)
        return activity

    for line in lines:
        if line.strip():
            data = json.loads(line)
            slot = data.pop("slot")
            data["activities"] = [shared(a) for a in data.get("activities", ())]
            yield int(slot), Profile.from_dict(data)


def read_profiles(folder: Path) -> list[Profile] | None:
    """The profiles of a saved index folder, or None if it has none."""
    path = folder / PROFILES
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return [profile for _, profile in _parse_profiles(handle)]


def _write_profiles(handle: IO[bytes], profiles: Sequence[Profile | None]) -> str:
    """One line per profile with its slot, written one at a time (the file of a large corpus
    is gigabytes); returns the file's SHA-256."""
    digest = hashlib.sha256()
    first = True
    for slot, profile in enumerate(profiles):
        if profile is not None:
            line = json.dumps({"slot": slot, **profile.to_dict()}, ensure_ascii=False)
            blob = (line if first else "\n" + line).encode("utf-8")
            digest.update(blob)
            handle.write(blob)
            first = False
    return digest.hexdigest()


@dataclass(frozen=True)
class Saved:
    """What an index folder holds."""

    corpus: Corpus
    config: RankConfig
    fusion: FusionModel | None
    #: the project text rows saved with it, if still valid (:mod:`engine.saved_rows`)
    project_rows: SavedRows | None = None


def save_index(folder: Path, corpus: Corpus, config: RankConfig, fusion: FusionModel | None,
               fingerprint: str, projects: ProjectTexts | None = None) -> None:
    """Write the index folder (the manifest last); ``projects``: the derived project text
    rows, if built (rows saved before stay: they are checked at load)."""
    index = corpus.index
    folder.mkdir(parents=True, exist_ok=True)
    checksum = atomic_write(folder / PROFILES,
                            lambda handle: _write_profiles(handle, corpus.profiles))
    atomic_write_json(folder / "history.json",
                      [[r.project, r.pic, r.role, r.year] for r in corpus.history])
    atomic_write_json(folder / "config.json", config.to_dict())
    if fusion is not None:
        fusion.save(folder / "fusion.json")
    elif (folder / "fusion.json").exists():
        (folder / "fusion.json").unlink()
    corpus.lexical.save(folder)
    if projects is not None:
        save_rows(folder, projects, corpus.lexical.fit_id())
    if corpus.multilingual is not None:
        corpus.multilingual.save(folder / MULTILINGUAL, fingerprint=fingerprint)
    elif (folder / MULTILINGUAL).exists():
        for leftover in (folder / MULTILINGUAL).iterdir():
            leftover.unlink()
        (folder / MULTILINGUAL).rmdir()
    index.save(
        folder,
        fingerprint=fingerprint,
        extra={
            "profiles": len(corpus),
            "slots": len(corpus.profiles),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "profiles_sha256": checksum,
        },
    )


def load_index(folder: Path, model_id: str, dim: int, signals: Registry,
               multilingual: tuple[str, int] | None = None) -> Saved:
    """Read an index folder written by :func:`save_index`, checking model, dimension and
    that the profiles are those the manifest names; ``multilingual`` (model id, dimension)
    asks for the multilingual vectors too."""
    index, manifest = VectorIndex.load(folder, model_id=model_id, dim=dim)
    second = None
    if multilingual is not None:
        second, other = VectorIndex.load(folder / MULTILINGUAL, model_id=multilingual[0],
                                         dim=multilingual[1])
        if other["count"] != manifest["count"] or other["fingerprint"] != manifest["fingerprint"]:
            raise IndexMismatchError(f"{folder / MULTILINGUAL} does not match {folder}; rebuild "
                                     "the index")
    profiles: list[Profile | None] = [None] * int(manifest["slots"])
    slots: dict[str, int] = {}
    digest = hashlib.sha256()

    def hashed(handle: IO[bytes]) -> Iterator[bytes]:  # one read: hashed as it is parsed
        for line in handle:
            digest.update(line)
            yield line

    mismatch = f"{folder / PROFILES} does not match the manifest; rebuild the index"
    try:
        with (folder / PROFILES).open("rb") as handle:
            for slot, profile in _parse_profiles(hashed(handle)):
                profiles[slot] = profile
                slots[profile.id] = slot
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # damaged: cannot match
        raise IndexMismatchError(mismatch) from exc
    if digest.hexdigest() != manifest.get("profiles_sha256"):
        raise IndexMismatchError(mismatch)
    history_file = folder / "history.json"
    history = [
        Participation(project=p, pic=o, role=r, year=y)
        for p, o, r, y in json.loads(history_file.read_text())
    ] if history_file.is_file() else []
    config = RankConfig.from_dict(json.loads((folder / "config.json").read_text()))
    fusion_file = folder / "fusion.json"
    fusion = FusionModel.load(fusion_file, signals) if fusion_file.is_file() else None
    # the manifest's fingerprint is of these profiles: their file matched its checksum
    lexical = LexicalIndex.load(folder)
    corpus = Corpus(index, lexical, profiles, slots, history, second,
                    str(manifest["fingerprint"]))
    return Saved(corpus, config, fusion, load_rows(folder, lexical.fit_id(), lexical.width))
