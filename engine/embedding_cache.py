"""``EmbeddingCache``: document vectors on disk, keyed by model id and text hash, so a rebuild
(or a restart) encodes only new text."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.atomic import atomic_write
from engine.embed import normalize_rows
from engine.errors import EngineError


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]", "_", model_id)


def model_folder(root: str | Path, model_id: str) -> Path:
    """The folder of ``model_id``'s shards in the cache at ``root``."""
    return Path(root) / _slug(model_id)


def _shards(folder: Path) -> list[tuple[Path, Path]]:
    """(keys file, vectors file) of each complete shard in ``folder``. The keys file is written
    last, so a shard whose vectors are missing is one a crash interrupted: skipped."""
    found = []
    for keys_file in sorted(folder.glob("shard-*.keys.json")):
        vectors_file = keys_file.with_name(keys_file.name.replace(".keys.json", ".npy"))
        if vectors_file.is_file():
            found.append((keys_file, vectors_file))
    return found


def stored_keys(folder: Path) -> set[str]:
    """The text keys of every complete shard in ``folder``, without reading the vectors."""
    if not folder.is_dir():
        return set()
    return {key for keys_file, _ in _shards(folder) for key in json.loads(keys_file.read_text())}


def write_shard(folder: Path, keys: Sequence[str], vectors: np.ndarray) -> Path:
    """Write ``vectors`` (row i: ``keys[i]``) as one float16 shard, atomically: the vectors
    first, then the keys file that makes the shard visible. Returns the vectors file. The name
    is a hash of the keys, so writing the same keys again replaces the same shard."""
    if len(keys) != len(vectors):
        raise ValueError(f"{len(keys)} keys for {len(vectors)} vectors")
    blob = np.asarray(vectors).astype(np.float16)
    name = "shard-" + hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"{name}.npy", lambda f: np.save(f, blob))
    atomic_write(folder / f"{name}.keys.json", lambda f: f.write(json.dumps(list(keys)).encode()))
    return folder / f"{name}.npy"


class EmbeddingCache:
    """Vectors on disk, keyed by model id and text hash, so a rebuild encodes only new text.

    Layout: ``<root>/<model_id>/shard-<hash>.npy`` (float16 vectors) beside
    ``shard-<hash>.keys.json`` (their text keys). Shards are written atomically and never
    modified; ``flush`` adds one shard with what was encoded since the last flush.
    ``seed_roots`` are read-only caches with the same layout (the vectors shipped for the
    bundled data); new vectors always go to ``root``.
    """

    def __init__(
        self, root: str | Path, model_id: str, *, seed_roots: Sequence[str | Path] = ()
    ):
        self.root = Path(root)
        self.model_id = model_id
        self.folder = model_folder(root, model_id)
        self.seed_folders = [model_folder(seed, model_id) for seed in seed_roots]
        self._vectors: dict[str, np.ndarray] = {}
        self._pending: dict[str, np.ndarray] = {}
        self._load()

    def _load(self) -> None:
        for folder in [*self.seed_folders, self.folder]:
            if folder.is_dir():
                self._load_folder(folder)

    def _load_folder(self, folder: Path) -> None:
        for keys_file, vectors_file in _shards(folder):
            keys = json.loads(keys_file.read_text())
            vectors = np.load(vectors_file).astype(np.float32)
            if len(keys) != len(vectors):
                raise EngineError(
                    f"embedding cache shard {vectors_file} does not match its keys; delete it "
                    "and rebuild (only those texts will be encoded again)"
                )
            self._vectors.update(zip(keys, normalize_rows(vectors), strict=True))

    def __len__(self) -> int:
        return len(self._vectors) + len(self._pending)

    def get(self, key: str) -> np.ndarray | None:
        return self._pending.get(key, self._vectors.get(key))

    def put(self, key: str, vector: np.ndarray) -> None:
        if key not in self._vectors:
            self._pending[key] = vector

    def flush(self) -> None:
        """Write pending vectors as one new shard (atomically)."""
        if not self._pending:
            return
        keys = sorted(self._pending)
        write_shard(self.folder, keys, np.stack([self._pending[k] for k in keys]))
        self._vectors.update(self._pending)
        self._pending = {}
