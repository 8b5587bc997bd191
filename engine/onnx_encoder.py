"""``OnnxEncoder``: the packaged sentence-transformers model run by ONNX Runtime in int8, for
request texts; ``QueryAccelerated`` pairs it with the torch model, which keeps encoding the
profile texts.

The int8 model (made by :mod:`engine.onnx_export` at build time) encodes a ~1,900-character
request several times faster than torch on 2 cores, and its vectors keep a cosine of at least
0.99 to torch's (checked on a sample at every export). That is close enough to compare a
request with profile vectors made by torch, but not to *mix* vectors in the embedding cache,
so profile texts stay on torch: the shipped cache and the index keep their model id, and no
profile is encoded twice. Inference is ``tokenizers`` + ``onnxruntime`` + mean pooling + L2
normalisation, exactly the sentence-transformers pipeline of all-MiniLM-L6-v2.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.embed import Encoder, SentenceEncoder, normalize_rows
from engine.embedding_cache import model_folder
from engine.errors import EngineError

log = logging.getLogger(__name__)

MODEL_FILE = "model.int8.onnx"
MANIFEST_FILE = "onnx.json"
#: The lowest cosine to the torch model that an export may have on its check sample.
MIN_COSINE = 0.99


def onnx_folder(cache_dir: str | Path, model_id: str) -> Path:
    """Where the int8 model of ``model_id`` lives: beside the embedding cache."""
    return model_folder(Path(cache_dir) / "onnx", model_id)


class OnnxEncoder:
    """The int8 export of a sentence-transformers model folder (``model_path``), symmetric.

    ``threads``: ONNX Runtime's intra-op threads. One, like the FAISS searches: a service
    encodes and ranks several requests side by side on few cores.
    """

    def __init__(self, folder: Path, model_path: Path, model_id: str, *, threads: int = 1):
        manifest = read_manifest(folder)
        if manifest is None or manifest.get("model_id") != model_id:
            raise EngineError(f"no int8 model for {model_id} in {folder}")
        self.folder = folder
        self.model_path = model_path
        self.model_id = model_id
        self.dim = int(manifest["dim"])
        self.max_tokens = int(manifest["max_tokens"])
        self.threads = threads
        self._session: Any = None
        self._tokenizer: Any = None
        self._inputs: set[str] = set()

    def warm_up(self) -> None:
        if self._session is not None:
            return
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(self.folder / MODEL_FILE), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer = tokenizer

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """One text per model call: int8 activations are scaled per call, so padding in a
        batch would move a text's vector (by up to 0.5 % cosine); alone, a text always gets
        the same vector, in a batch or not."""
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        self.warm_up()
        return np.vstack([self._run(text) for text in texts])

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.encode(texts, progress=progress)

    def _run(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        return normalize_rows(mean_pool(hidden, mask))


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each text's token vectors, padding left out (sentence-transformers'
    pooling for this model)."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The export's manifest, or None where there is no complete export in ``folder``."""
    path = folder / MANIFEST_FILE
    if not path.is_file() or not (folder / MODEL_FILE).is_file():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


class QueryAccelerated:
    """Requests through the int8 model, profile texts through torch (see the module
    docstring); ``model_id`` is torch's, as the vectors it stores are torch's. Two models:
    a request need not wait for a profile's encoding (``separate_models``)."""

    separate_models = True

    def __init__(self, queries: OnnxEncoder, documents: SentenceEncoder):
        self.queries = queries
        self.documents = documents
        self.model_id = documents.model_id
        self.dim = documents.dim

    def warm_up(self) -> None:
        """The model of requests; torch loads on the first profile text (a service encodes
        profile texts before it takes its write lock)."""
        self.queries.warm_up()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode(texts)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self.documents.encode(texts, progress=progress)


def accelerated(torch_encoder: SentenceEncoder, cache_dir: str | Path) -> Encoder:
    """``torch_encoder`` with its requests on the int8 model where one was exported for it
    and runs (loaded here: a fraction of a second); otherwise ``torch_encoder`` itself, with
    a warning that says how to export one."""
    folder = onnx_folder(cache_dir, torch_encoder.model_id)
    if importlib.util.find_spec("onnxruntime") is None:
        log.warning("onnxruntime is not installed: requests are encoded by torch (slower)")
        return torch_encoder
    if read_manifest(folder) is None:
        log.warning("no int8 model in %s: requests are encoded by torch (slower); run "
                    "`partner-search export-onnx` (or `partner-search build`)", folder)
        return torch_encoder
    try:  # a damaged file or a runtime too old for its opset: torch, not a failing service
        onnx = OnnxEncoder(folder, torch_encoder.path, torch_encoder.model_id)
        onnx.encode(["partner search"])
    except Exception as exc:
        log.warning("the int8 model in %s does not run (%s: %s): requests are encoded by "
                    "torch; `partner-search export-onnx --force` makes it again", folder,
                    type(exc).__name__, exc)
        return torch_encoder
    return QueryAccelerated(onnx, torch_encoder)
