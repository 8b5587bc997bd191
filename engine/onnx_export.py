"""Exporting the packaged sentence-transformers model to ONNX int8 (run at build time).

1. ``torch.onnx.export(..., dynamo=True)`` of the transformer, batch and sequence dynamic.
   The legacy TorchScript exporter gives wrong vectors with transformers 5 (cosine to torch
   0.94-0.97), so it is not used.
2. ONNX Runtime's BERT optimiser (fused layer norms, GELU, attention where it matches).
3. Dynamic int8 quantisation of the MatMul weights and the token embeddings (Gather), per
   channel: per-tensor scales gave a cosine to torch of only 0.91-0.93 on 1,900-character
   texts; per channel 0.993 at worst. 23 MB, against 91 MB in float32.
4. The check: a seeded sample of texts must keep cosine >= ``MIN_COSINE`` to the torch model,
   or nothing is written. The manifest records what was measured.

Pooling and normalisation stay outside the graph (:class:`engine.onnx_encoder.OnnxEncoder`).
Files are written into a temporary folder and moved into place, the manifest last, so a
failed export leaves the previous one (or none).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.atomic import atomic_write_json
from engine.embed import SentenceEncoder
from engine.errors import EngineError
from engine.onnx_encoder import (
    MANIFEST_FILE,
    MIN_COSINE,
    MODEL_FILE,
    OnnxEncoder,
    onnx_folder,
    read_manifest,
)

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def ensure_onnx(encoder: SentenceEncoder, cache_dir: str | Path, sample: Sequence[str], *,
                force: bool = False) -> dict[str, Any]:
    """The manifest of ``encoder``'s int8 export, exporting it first if there is none (or
    with ``force``; the previous export stays until the new one passed its check)."""
    folder = onnx_folder(cache_dir, encoder.model_id)
    manifest = read_manifest(folder)
    if not force and manifest is not None and manifest.get("model_id") == encoder.model_id:
        return manifest
    return export_int8(encoder, folder, sample)


def export_int8(encoder: SentenceEncoder, folder: Path, sample: Sequence[str]) -> dict[str, Any]:
    """Export, optimise, quantise and check ``encoder``'s model into ``folder``."""
    if not sample:
        raise EngineError("an int8 export needs sample texts to check its vectors against")
    started = time.perf_counter()
    work = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        config = json.loads((encoder.path / "config.json").read_text())
        _export(encoder.path, work / "model.onnx")
        _optimise(work / "model.onnx", work / "model.opt.onnx", config)
        _quantise(work / "model.opt.onnx", work / MODEL_FILE)
        manifest: dict[str, Any] = {
            "model_id": encoder.model_id, "dim": encoder.dim,
            "max_tokens": encoder.max_tokens, "quantisation": "dynamic int8, per channel",
        }
        atomic_write_json(work / MANIFEST_FILE, manifest)
        cosines = check(OnnxEncoder(work, encoder.path, encoder.model_id), encoder, sample)
        manifest.update(check_texts=len(sample), min_cosine=round(float(cosines.min()), 5),
                        mean_cosine=round(float(cosines.mean()), 5),
                        bytes=(work / MODEL_FILE).stat().st_size,
                        export_s=round(time.perf_counter() - started, 1))
        if cosines.min() < MIN_COSINE:
            raise EngineError(
                f"the int8 model's vectors are too far from torch's (lowest cosine "
                f"{cosines.min():.4f} < {MIN_COSINE}); requests stay on torch")
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(work / MODEL_FILE, folder / MODEL_FILE)
        atomic_write_json(folder / MANIFEST_FILE, manifest)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(onnx: OnnxEncoder, torch_encoder: SentenceEncoder, texts: Sequence[str]
          ) -> np.ndarray:
    """The cosine of each text's int8 vector to its torch vector."""
    return (onnx.encode(texts) * torch_encoder.encode(texts)).sum(axis=1)


def _export(model_path: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_path)).eval()

    class Hidden(torch.nn.Module):
        """The transformer's last hidden states (pooling happens in numpy)."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.int64)
    batch = torch.export.Dim("batch", min=1, max=4096)
    tokens = torch.export.Dim("tokens", min=2, max=512)
    shapes = {name: {0: batch, 1: tokens} for name in INPUTS}
    with torch.no_grad():
        program = torch.onnx.export(
            Hidden(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), input_names=INPUTS,
            output_names=["hidden"], dynamo=True, dynamic_shapes=shapes, verbose=False)
    program.save(str(out))


def _optimise(source: Path, out: Path, config: dict[str, Any]) -> None:
    from onnxruntime.transformers.optimizer import optimize_model

    optimised = optimize_model(str(source), model_type="bert",
                               num_heads=int(config["num_attention_heads"]),
                               hidden_size=int(config["hidden_size"]))
    optimised.save_model_to_file(str(out))


def _quantise(source: Path, out: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gather"])
