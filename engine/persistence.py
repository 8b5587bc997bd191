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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine.atomic import atomic_write, atomic_write_json
from engine.config import RankConfig
from engine.corpus import Corpus
from engine.errors import IndexMismatchError
from engine.fusion import FusionModel
from engine.index import VectorIndex
from engine.lexical import LexicalIndex
from engine.profiles import Profile
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


def _parse_profiles(blob: bytes) -> list[tuple[int, Profile]]:
    out = []
    for line in blob.decode("utf-8").split("\n"):
        if line.strip():
            data = json.loads(line)
            slot = data.pop("slot")
            out.append((int(slot), Profile.from_dict(data)))
    return out


def read_profiles(folder: Path) -> list[Profile] | None:
    """The profiles of a saved index folder, or None if it has none."""
    path = folder / PROFILES
    if not path.is_file():
        return None
    return [profile for _, profile in _parse_profiles(path.read_bytes())]


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
    rows = [{"slot": s, **p.to_dict()} for s, p in enumerate(corpus.profiles) if p is not None]
    blob = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
    atomic_write(folder / PROFILES, lambda handle: handle.write(blob))
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
            "profiles_sha256": hashlib.sha256(blob).hexdigest(),
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
    blob = (folder / PROFILES).read_bytes()
    if hashlib.sha256(blob).hexdigest() != manifest.get("profiles_sha256"):
        raise IndexMismatchError(f"{folder / PROFILES} does not match the manifest; rebuild "
                                 "the index")
    profiles: list[Profile | None] = [None] * int(manifest["slots"])
    slots: dict[str, int] = {}
    for slot, profile in _parse_profiles(blob):
        profiles[slot] = profile
        slots[profile.id] = slot
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
