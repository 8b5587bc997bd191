"""The int8 request encoder's plumbing without running a model: pooling, the manifest, and the
fall-back to torch (the real export is tested in tests/integration/test_integration_onnx.py)."""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from engine import cli_onnx, onnx_encoder
from engine.embed import SentenceEncoder
from engine.errors import EngineError
from engine.onnx_encoder import (
    MANIFEST_FILE,
    MODEL_FILE,
    OnnxEncoder,
    accelerated,
    mean_pool,
    onnx_folder,
    read_manifest,
)


def test_mean_pool_leaves_padding_out() -> None:
    hidden = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(mean_pool(hidden, mask), [[2.0, 3.0]])


def test_an_export_counts_only_with_both_files_and_a_readable_manifest(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"model_id": "m"}))
    assert read_manifest(tmp_path) is None  # no model file: an interrupted export
    (tmp_path / MODEL_FILE).write_bytes(b"onnx")
    assert read_manifest(tmp_path) == {"model_id": "m"}
    (tmp_path / MANIFEST_FILE).write_text("{not json")
    assert read_manifest(tmp_path) is None


def test_the_folder_is_per_model_beside_the_cache(tmp_path: Path) -> None:
    model = "all-MiniLM-L6-v2@abc"
    assert onnx_folder(tmp_path, model) == tmp_path / "onnx" / model
    assert onnx_folder(tmp_path, "m@1") != onnx_folder(tmp_path, "m@2")  # per weights


def test_without_an_export_requests_stay_on_torch_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    torch_encoder = SentenceEncoder()
    with caplog.at_level(logging.WARNING):
        assert accelerated(torch_encoder, tmp_path) is torch_encoder
    assert "partner-search export-onnx" in caplog.text


def test_without_onnxruntime_requests_stay_on_torch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    torch_encoder = SentenceEncoder()
    folder = onnx_folder(tmp_path, torch_encoder.model_id)
    folder.mkdir(parents=True)
    (folder / MODEL_FILE).write_bytes(b"onnx")
    (folder / MANIFEST_FILE).write_text(json.dumps({"model_id": torch_encoder.model_id}))
    monkeypatch.setattr(onnx_encoder.importlib.util, "find_spec", lambda _: None)
    with caplog.at_level(logging.WARNING):
        assert accelerated(torch_encoder, tmp_path) is torch_encoder
    assert "onnxruntime is not installed" in caplog.text


def test_an_export_of_other_weights_is_refused(tmp_path: Path) -> None:
    (tmp_path / MODEL_FILE).write_bytes(b"onnx")
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"model_id": "other@123", "dim": 384,
                                                      "max_tokens": 256}))
    torch_encoder = SentenceEncoder()
    with pytest.raises(EngineError, match="no int8 model"):
        OnnxEncoder(tmp_path, torch_encoder.path, torch_encoder.model_id)


def test_a_failed_export_warns_and_the_build_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object) -> dict:
        raise RuntimeError("exporter crashed")

    monkeypatch.setattr("engine.onnx_export.ensure_onnx", broken)
    args = argparse.Namespace(model=None, cache=tmp_path)
    assert cli_onnx.export(args, ["some text"]) is None
    assert "requests are encoded by torch" in capsys.readouterr().err


def test_an_export_that_does_not_run_leaves_requests_on_torch(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    torch_encoder = SentenceEncoder()
    folder = onnx_folder(tmp_path, torch_encoder.model_id)
    folder.mkdir(parents=True)
    (folder / MODEL_FILE).write_bytes(b"not an onnx model")  # e.g. a truncated copy
    (folder / MANIFEST_FILE).write_text(json.dumps({"model_id": torch_encoder.model_id,
                                                    "dim": 384, "max_tokens": 256}))
    with caplog.at_level(logging.WARNING):
        assert accelerated(torch_encoder, tmp_path) is torch_encoder
    assert "does not run" in caplog.text
