"""The batch embedding job (``partner-search embed``): planning, resuming, failures, the shard
format, the command, and one run on a real local Ray instance. The fake ``hash:64`` encoder
throughout."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from engine import cli
from engine.embed import HashEncoder, text_key
from engine.embed_job import (
    InProcess,
    OnRay,
    build_encoder,
    check_spec,
    corpus_texts,
    plan,
    run_job,
)
from engine.embedding_cache import EmbeddingCache, model_folder, stored_keys
from engine.errors import EngineError
from engine.sources.cordis import load_cordis

SPEC = "hash:64"
MODEL_ID = HashEncoder(64).model_id
SLICE = Path(__file__).resolve().parents[1] / "data" / "slice"
TEXTS = [f"text number {i} about batteries and {i % 7} farms" for i in range(40)]


class FlakyEncoder(HashEncoder):
    """A HashEncoder that fails the first call whose texts include ``poison``."""

    def __init__(self, poison: str):
        super().__init__(64)
        self.poison = poison
        self.failed = False

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if self.poison in texts and not self.failed:
            self.failed = True
            raise RuntimeError("worker lost")
        return super().encode(texts)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---- planning ---------------------------------------------------------------------------
def test_plan_skips_present_keys_dedupes_and_cuts_sorted_chunks() -> None:
    texts = TEXTS + TEXTS[:5]
    present = {text_key(t) for t in TEXTS[:10]}
    todo = plan(texts, present, chunk=8)
    assert (todo.distinct, todo.cached, todo.missing) == (40, 10, 30)
    assert [len(c) for c in todo.chunks] == [8, 8, 8, 6]
    keys = [k for c in todo.chunks for k, _ in c]
    assert keys == sorted(keys) and not set(keys) & present
    assert all(text_key(t) == k for c in todo.chunks for k, t in c)
    assert plan(list(reversed(texts)), present, chunk=8) == todo  # input order does not matter


def test_specs_name_an_encoder_or_fail_clearly() -> None:
    assert build_encoder(SPEC).model_id == MODEL_ID
    for bad in ("bert", "hash", "hash:0", "hash:x", "e5:x"):
        with pytest.raises(EngineError):
            check_spec(bad)
    with pytest.raises(EngineError):
        plan(TEXTS, set(), chunk=0)


# ---- execution --------------------------------------------------------------------------
def test_shards_are_readable_by_the_embedding_cache(tmp_path: Path) -> None:
    report = run_job(TEXTS, SPEC, tmp_path, chunk=16)
    assert (report.texts, report.cached, report.encoded, report.shards) == (40, 0, 40, 3)
    assert report.failed == 0 and report.folder == model_folder(tmp_path, MODEL_ID)
    assert len(list(report.folder.glob("shard-*.npy"))) == 3
    cache = EmbeddingCache(tmp_path, MODEL_ID)
    assert len(cache) == 40
    vectors = np.stack([cache.get(text_key(t)) for t in TEXTS])  # type: ignore[misc]
    np.testing.assert_allclose(vectors, HashEncoder(64).encode(TEXTS), atol=1e-3)


def test_a_rerun_resumes_from_the_cache_and_the_seeds(tmp_path: Path) -> None:
    run_job(TEXTS[:10], SPEC, tmp_path / "seed", chunk=16)
    run_job(TEXTS[10:25], SPEC, tmp_path / "cache", chunk=16)
    report = run_job(TEXTS, SPEC, tmp_path / "cache", seed_roots=[tmp_path / "seed"], chunk=16)
    assert (report.cached, report.encoded, report.shards) == (25, 15, 1)
    again = run_job(TEXTS, SPEC, tmp_path / "cache", seed_roots=[tmp_path / "seed"])
    assert (again.cached, again.encoded, again.shards) == (40, 0, 0)
    assert not list((tmp_path / "seed").rglob("*.tmp-*"))  # the seeds are only read


def test_a_failed_chunk_keeps_the_others_and_a_rerun_completes_identically(
    tmp_path: Path,
) -> None:
    clean = run_job(TEXTS, SPEC, tmp_path / "clean", chunk=8)
    flaky = FlakyEncoder(poison=plan(TEXTS, set(), chunk=8).chunks[2][0][1])
    first = run_job(TEXTS, SPEC, tmp_path / "cache", chunk=8, executor=InProcess(flaky))
    assert (first.failed, first.shards, first.encoded) == (1, 4, 32)
    assert first.errors == ["chunk 2: RuntimeError: worker lost"]
    assert len(stored_keys(first.folder)) == 32
    second = run_job(TEXTS, SPEC, tmp_path / "cache", chunk=8, executor=InProcess(flaky))
    assert (second.failed, second.cached, second.encoded, second.shards) == (0, 32, 8, 1)
    assert _files(second.folder) == _files(clean.folder)  # same shards, byte for byte


def test_a_shard_without_its_keys_file_is_encoded_again(tmp_path: Path) -> None:
    report = run_job(TEXTS, SPEC, tmp_path, chunk=16)
    keys_file = sorted(report.folder.glob("shard-*.keys.json"))[0]
    keys_file.unlink()  # as a crash between the two writes leaves it
    again = run_job(TEXTS, SPEC, tmp_path, chunk=16)
    assert (again.cached, again.shards) == (40 - again.encoded, 1) and again.encoded > 0
    assert len(EmbeddingCache(tmp_path, MODEL_ID)) == 40


def test_importing_the_job_does_not_import_ray() -> None:
    code = ("import sys, engine.cli, engine.embed_job, engine.cli_embed; "
            "sys.exit('ray' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


# ---- the command ------------------------------------------------------------------------
def test_the_embed_command_writes_then_resumes(
    cordis_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["embed", "--data", str(cordis_dir), "--cache", str(tmp_path / "cache"),
            "--model", SPEC, "--chunk", "2"]
    assert cli.main([*argv, "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "3 texts, 0 already cached, 3 encoded in 2 shards" in out and "texts/s" in out
    assert cli.main(argv) == 0  # the whole (tiny) corpus: 4 texts
    assert "4 texts, 3 already cached, 1 encoded in 1 shards" in capsys.readouterr().out
    assert len(EmbeddingCache(tmp_path / "cache", MODEL_ID)) == 4


def test_embed_on_ray_without_ray_says_how_to_install_it(
    cordis_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    code = cli.main(["embed", "--data", str(cordis_dir), "--cache", str(tmp_path),
                     "--model", SPEC, "--ray", "local"])
    err = capsys.readouterr().err
    assert code == 2 and "pip install partner-search[scale]" in err
    assert "Traceback" not in err


def test_embed_rejects_an_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["embed", "--model", "bert"])
    assert exit_.value.code == 2 and "minilm, e5 or hash:DIM" in capsys.readouterr().err


# ---- on Ray -----------------------------------------------------------------------------
def test_a_local_ray_run_writes_the_same_cache_as_in_process(tmp_path: Path) -> None:
    import ray  # a dev dependency (pyproject): missing, this test fails rather than skips

    profiles = load_cordis(SLICE / "projects.csv.gz", SLICE / "participants.csv.gz")
    texts = corpus_texts(profiles, SPEC)[:200]
    local = run_job(texts, SPEC, tmp_path / "local", chunk=32)
    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        on_ray = run_job(texts, SPEC, tmp_path / "ray", chunk=32, executor=OnRay())
    finally:
        ray.shutdown()
    assert (on_ray.encoded, on_ray.shards, on_ray.failed) == (200, 7, 0)
    assert _files(on_ray.folder) == _files(local.folder)
    assert time.perf_counter() - started < 60
