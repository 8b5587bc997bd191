"""The command line, end to end on a tiny data folder, with the hash encoder patched in for the
packaged model (an autouse fixture: no test here can load the real model)."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pytest

from engine import cli, cli_args, cli_onnx
from engine.cached_encoder import CachedEncoder
from engine.embed import HashEncoder
from engine.embedding_cache import EmbeddingCache


@pytest.fixture(autouse=True)
def hash_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def encoder(args: argparse.Namespace) -> CachedEncoder:
        inner = HashEncoder(dim=32)
        return CachedEncoder(
            inner,
            EmbeddingCache(args.cache, inner.model_id, seed_roots=[args.data / "embeddings"]),
        )

    monkeypatch.setattr(cli_args, "encoder", encoder)
    monkeypatch.setattr(cli_args, "multilingual", lambda args: None)  # unit tests: no real model


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clean_error(code: int, err: str) -> None:
    assert code == 2
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# ---- argument errors --------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   "])
def test_empty_request_text_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    code, out, err = run(capsys, "recommend", text)
    assert_clean_error(code, err)
    assert "empty" in err and out == ""


def test_unknown_country_exits_2_naming_valid_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "recommend", "battery storage", "--country", "XX")
    assert_clean_error(code, err)
    assert "'XX'" in err and "valid codes" in err
    assert all(code in err for code in ("DE", "FR", "GR", "GB"))


def test_unknown_ecosystem_and_kind_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "recommend", "x", "--ecosystem", "moon")
    assert_clean_error(code, err)
    assert "agri_food" in err
    code, _, err = run(capsys, "recommend", "x", "--kind", "startup")
    assert_clean_error(code, err)
    assert "cluster" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["recommend", "x", "-k", "0"],
        ["recommend", "x", "-k", "ten"],
        ["similar", "p1", "-k", "-3"],
        ["evaluate", "--limit", "0"],
        ["build", "--cutoff", "2024-13-01"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_missing_index_says_how_to_build_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "recommend", "battery", "--index", tmp_path / "none",
                       "--cache", tmp_path / "cache", "--data", tmp_path)
    assert_clean_error(code, err)
    assert "partner-search build" in err


def test_build_with_missing_data_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "build", "--data", tmp_path / "nothing", "--out", tmp_path / "i")
    assert_clean_error(code, err)
    assert "projects.csv.gz" in err


# ---- end to end on a tiny data folder -----------------------------------------------------
#: the int8 export (about 40 s) is tested once, in tests/integration/test_integration_onnx.py
BUILD_FLAGS = ("--torch-queries",)


def test_build_exports_the_int8_request_model_unless_told_torch(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    monkeypatch.setattr(cli_onnx, "export", lambda _args, texts: calls.append(len(texts)))
    for flags in ((), BUILD_FLAGS):
        code, _, err = run(capsys, "build", "--data", cordis_dir, "--out", tmp_path / "i",
                           "--cache", tmp_path / "cache", "--cutoff", "2024-01-01", *flags)
        assert code == 0, err
    assert len(calls) == 1 and calls[0] > 0  # with the profile texts to check it on


@pytest.fixture
def built(capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path) -> Path:
    (cordis_dir / "profiles").mkdir()
    (cordis_dir / "profiles" / "clusters.jsonl").write_text(
        json.dumps({"id": "jsonl-1", "name": "Malta Maritime Cluster", "kind": "cluster",
                    "country": "MT", "description": "Ports, ferries and maritime logistics."})
        + "\n",
        encoding="utf-8",
    )
    index = tmp_path / "index"
    code, out, err = run(capsys, "build", "--data", cordis_dir, "--out", index,
                         "--cache", tmp_path / "cache", "--cutoff", "2024-01-01",
                         *BUILD_FLAGS)
    assert code == 0, err
    assert "6 profiles" in err  # five CORDIS organisations before the cut-off + one JSONL
    assert "6 profiles" in out and str(index) in out
    assert (index / "manifest.json").is_file()
    return index


def test_build_then_recommend(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              cordis_dir: Path, built: Path) -> None:
    common = ["--index", built, "--data", cordis_dir, "--cache", tmp_path / "cache"]
    code, out, err = run(capsys, "recommend", "battery storage cells", "--json", "-k", "3",
                         *common)
    assert code == 0, err
    matches = json.loads(out)
    assert [m["rank"] for m in matches] == [1, 2, 3]
    assert matches[0]["id"] in {"999000001", "999000002", "999000003"}  # the battery project
    for m in matches:
        assert m["score"] - m["baseline"] == pytest.approx(sum(m["contributions"].values()))

    code, out, _ = run(capsys, "recommend", "maritime ports", "--json", "--country", "MT",
                       *common)
    assert code == 0
    assert [m["id"] for m in json.loads(out)] == ["jsonl-1"]

    code, out, _ = run(capsys, "recommend", "battery", "--country", "EL", "--kind", "company",
                       "--requester", "999000001", *common)
    assert code == 0
    assert "ETAIRIA ENERGEIAKI" in out and "contribution" in out  # the table

    code, out, _ = run(capsys, "recommend", "battery", "--country", "SE", *common)
    assert code == 0 and "no candidates" in out


def test_build_then_similar(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                            cordis_dir: Path, built: Path) -> None:
    common = ["--index", built, "--data", cordis_dir, "--cache", tmp_path / "cache"]
    code, out, err = run(capsys, "similar", "999000002", "--json", *common)
    assert code == 0, err
    found = [m["id"] for m in json.loads(out)]
    assert "999000002" not in found and len(found) == 5
    code, _, err = run(capsys, "similar", "nobody", *common)
    assert_clean_error(code, err)
    assert "nobody" in err


def test_a_second_build_encodes_nothing_new(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            cordis_dir: Path, built: Path) -> None:
    code, out, _ = run(capsys, "build", "--data", cordis_dir, "--out", tmp_path / "index2",
                       "--cache", tmp_path / "cache", "--cutoff", "2024-01-01", *BUILD_FLAGS)
    assert code == 0
    assert "0 encoded" in out


def test_an_index_built_by_another_model_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    cordis_dir: Path, built: Path
) -> None:
    monkeypatch.setattr(cli_args, "encoder", lambda args: HashEncoder(dim=16))
    code, _, err = run(capsys, "recommend", "battery", "--index", built, "--data", cordis_dir)
    assert_clean_error(code, err)
    assert "rebuild" in err


def _evaluate(capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path,
              *extra: object) -> tuple[int, str, str]:
    """``partner-search evaluate`` on the small CORDIS fixture, with ``extra`` arguments."""
    cordis = cordis_dir / "cordis"
    return run(
        capsys, "evaluate", "--projects", cordis / "projects.csv.gz",
        "--participants", cordis / "participants.csv.gz", "--queries", cordis / "dev_queries.csv",
        "--cutoff", "2024-01-01", "--data", cordis_dir, "--cache", tmp_path / "cache",
        *extra,
    )


def test_evaluate_writes_metrics(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                 cordis_dir: Path) -> None:
    metrics = tmp_path / "metrics.json"
    code, out, err = _evaluate(capsys, tmp_path, cordis_dir, "--json", metrics, "--limit", "5",
                               "--hand-weights", "--no-h2020")
    assert code == 0, err
    assert "5 candidate organisations, 1 queries" in err
    for method in ("popularity", "tfidf", "hand_set_fusion", "dense_only", "lexical_only"):
        assert f"| {method} |" in out
    data = json.loads(metrics.read_text())
    assert data["queries"] == 1
    assert set(data["methods"]) >= {"engine", "popularity", "dense_only", "lexical_only"}
    assert 0.0 <= data["recall@10"] <= 1.0
    assert data["recall@10"] == 1.0  # 4 candidates besides the requester: all in the top 10


def test_evaluate_without_history_to_train_on_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    code, out, err = _evaluate(capsys, tmp_path, cordis_dir, "--no-h2020")
    assert code == 2
    assert "error:" in err and "--hand-weights" in err
    assert "Traceback" not in err


def test_evaluate_validation_reads_no_dev_queries(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    """``--validation`` builds its queries from the window before the cut-off and never opens
    the benchmark file (here: one that does not exist); with no project in that window that
    qualifies, it says so."""
    cordis = cordis_dir / "cordis"
    code, _, err = run(
        capsys, "evaluate", "--validation", "--projects", cordis / "projects.csv.gz",
        "--participants", cordis / "participants.csv.gz", "--queries", tmp_path / "absent.csv",
        "--cutoff", "2024-01-01", "--data", cordis_dir, "--cache", tmp_path / "cache",
        "--no-h2020", "--hand-weights",
    )
    assert code == 2
    assert "no validation queries in the 182 days before 2024-01-01" in err
    assert "absent.csv" not in err and "Traceback" not in err


def test_evaluate_cold_start_prints_and_writes_its_table(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    """``--cold-start``: the one query's partner (relevant to no other query) goes cold."""
    metrics = tmp_path / "metrics.json"
    code, out, err = _evaluate(capsys, tmp_path, cordis_dir, "--json", metrics, "--hand-weights",
                               "--no-h2020", "--cold-start",
                               "--no-crosslingual")
    assert code == 0, err
    assert "cold start: 1 queries" in out and "| engine | cold |" in out
    data = json.loads(metrics.read_text())["cold_start"]
    assert data["cold_organisations"] == 1
    assert data["cold"]["methods"]["engine"]["recall@10"] == 1.0  # 4 candidates in all


# ---- the researcher's bench: inputs, provenance, per-query results ---------------------
def test_a_missing_h2020_history_is_an_error_unless_run_without_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    """Without the H2020 file the metrics drop: the run stops, naming the file and the flags,
    instead of carrying on (``--no-h2020`` runs without it, on purpose)."""
    code, out, err = run(capsys, "evaluate", "--data", cordis_dir, "--cache",
                         tmp_path / "cache", "--hand-weights", "--no-crosslingual")
    assert_clean_error(code, err)
    assert str(cordis_dir / "h2020" / "h2020.csv.gz") in err
    assert "--h2020" in err and "--no-h2020" in err and out == ""
    code, _, err = run(capsys, "evaluate", "--data", cordis_dir, "--cache", tmp_path / "cache",
                       "--hand-weights", "--no-crosslingual", "--no-h2020")
    assert code == 0, err


@pytest.mark.parametrize("name, flag", [("cordis/projects.csv.gz", "--projects"),
                                        ("cordis/participants.csv.gz", "--participants"),
                                        ("cordis/dev_queries.csv", "--queries")])
def test_a_missing_input_is_a_one_line_error_naming_file_and_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path, name: str, flag: str
) -> None:
    (cordis_dir / name).unlink()
    code, out, err = run(capsys, "evaluate", "--data", cordis_dir, "--cache",
                         tmp_path / "cache", "--hand-weights", "--no-h2020")
    assert_clean_error(code, err)
    assert str(cordis_dir / name) in err and flag in err and out == ""


def test_evaluate_from_another_folder_gives_the_same_metrics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every input comes from ``--data``: the working directory changes nothing."""
    def metrics(where: Path) -> dict[str, object]:
        monkeypatch.chdir(where)
        out = tmp_path / f"{where.name}.json"
        code, _, err = run(capsys, "evaluate", "--data", cordis_dir, "--cache",
                           tmp_path / "cache", "--hand-weights", "--no-h2020", "--json", out)
        assert code == 0, err
        return {k: v for k, v in json.loads(out.read_text()).items() if k != "provenance"}

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert metrics(elsewhere) == metrics(cordis_dir)


def _quick(capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path,
           *extra: object) -> tuple[int, str, str]:
    """``_evaluate`` with hand-set weights, without H2020 and the cross-lingual set."""
    return _evaluate(capsys, tmp_path, cordis_dir, "--hand-weights", "--no-h2020",
                     "--no-crosslingual", *extra)


def test_the_metrics_file_names_its_commit_arguments_and_input_hashes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    out = tmp_path / "metrics.json"
    code, _, err = _quick(capsys, tmp_path, cordis_dir, "--json", out)
    assert code == 0, err
    record = json.loads(out.read_text())["provenance"]
    projects = cordis_dir / "cordis" / "projects.csv.gz"
    assert record["inputs"]["projects"] == {
        "path": str(projects), "sha256": hashlib.sha256(projects.read_bytes()).hexdigest(),
        "used": True}
    assert record["inputs"]["h2020"] == {"used": False}  # --no-h2020, and it says so
    assert record["arguments"]["hand_weights"] is True and record["arguments"]["no_h2020"]
    assert record["arguments"]["cutoff"] == "2024-01-01"
    assert "--hand-weights" in record["argv"]
    assert len(record["git"]["commit"]) == 40  # the suite runs in a checkout
    assert record["models"]["encoder"].startswith("hash") and record["seconds"] >= 0


def test_per_query_rows_and_their_paired_comparison(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    rows_file = tmp_path / "rows.jsonl"
    code, _, err = _quick(capsys, tmp_path, cordis_dir, "--per-query", rows_file)
    assert code == 0, err
    rows = [json.loads(line) for line in rows_file.read_text().splitlines()]
    methods = {r["method"] for r in rows}
    assert len(rows) == len({(r["query"], r["method"]) for r in rows})  # no row twice
    assert {"hand_set_fusion", "dense_only", "popularity"} <= methods and "engine" not in methods
    for r in rows:
        assert r["query"] == "101000004" and r["relevant"] == ["999000005"]
        rank = r["ranks"][0]
        assert r["mrr"] == (0.0 if rank is None else 1.0 / rank)
    code, out, err = run(capsys, "compare", rows_file, "--method", "hand_set_fusion",
                         "--against", "popularity")
    assert code == 0, err
    mrr = {r["method"]: r["mrr"] for r in rows}
    diff = mrr["popularity"] - mrr["hand_set_fusion"]
    assert f"| mrr | {mrr['hand_set_fusion']:.3f} | {mrr['popularity']:.3f} | {diff:+.3f}" in out
    code, _, err = run(capsys, "compare", rows_file, "--method", "no_such_method",
                       "--against", "popularity")
    assert_clean_error(code, err)
    assert "no_such_method" in err


def test_retraining_without_a_signal_needs_training_and_a_known_signal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cordis_dir: Path
) -> None:
    code, _, err = _quick(capsys, tmp_path, cordis_dir, "--without", "network_walk")
    assert_clean_error(code, err)
    assert "--without" in err and "--hand-weights" in err
    code, _, err = _evaluate(capsys, tmp_path, cordis_dir, "--no-h2020", "--no-crosslingual",
                             "--without", "no_such_signal")
    assert_clean_error(code, err)
    assert "no_such_signal" in err and "network_walk" in err  # the signals it knows
