"""The researcher's commands of ``partner-search``: ``train``, ``evaluate``, ``crosslingual``
and ``compare``. Every input comes from ``--data`` or its own flag and is checked first
(:mod:`engine.inputs`); every metrics file records its provenance (:mod:`engine.provenance`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from engine import cli_args
from engine.cli_args import date_arg, positive_arg
from engine.errors import EngineError
from engine.inputs import FILES, resolve


def cmd_train(args: argparse.Namespace) -> int:
    from engine.recommender import Recommender
    from engine.train import train_fusion

    inputs = resolve(args)
    model, _ = train_fusion(
        inputs.projects, inputs.participants, inputs.h2020, args.cutoff,
        Recommender(cli_args.encoder(args), multilingual=cli_args.multilingual(args)),
        max_queries=args.max_queries, seed=args.seed, window_days=args.window_days,
        progress=True, crosslingual=_crosslingual_set(args.data),
    )
    model.save(args.out)
    print(json.dumps(model.trained, indent=2))
    print(f"fusion weights -> {args.out}")
    return 0


def _crosslingual_set(data: Path) -> Path | None:
    """``<data>/crosslingual`` if the data folder has the cross-lingual set."""
    folder = data / "crosslingual"
    return folder if (folder / "requests.jsonl").is_file() else None


def _crosslingual(args: argparse.Namespace) -> Path | None:
    """The cross-lingual set to score: ``--crosslingual``, else ``<data>/crosslingual`` (a
    one-line error when the flag names no set, a note when the data folder has none)."""
    if args.no_crosslingual:
        return None
    if args.crosslingual is not None:
        if not (Path(args.crosslingual) / "requests.jsonl").is_file():
            raise EngineError(f"{args.crosslingual} has no requests.jsonl: not a cross-lingual "
                              "set (set --crosslingual, or --no-crosslingual)")
        return Path(args.crosslingual)
    folder = _crosslingual_set(args.data)
    if folder is None:
        print(f"note: no cross-lingual set in {args.data}; scoring the CORDIS queries only",
              file=sys.stderr)
    return folder


def cmd_evaluate(args: argparse.Namespace) -> int:
    from engine.evaluate_report import report
    from engine.protocol import Protocol, run_protocol
    from engine.provenance import git_commit, provenance, sha256

    started, code = time.perf_counter(), git_commit()
    inputs = resolve(args, queries=not args.validation)
    if args.fusion is not None and not args.fusion.is_file():
        raise EngineError(f"{args.fusion} does not exist: the fusion weights (set --fusion)")
    protocol = Protocol(
        projects=inputs.projects, participants=inputs.participants,
        queries=inputs.queries, h2020=inputs.h2020, cutoff=args.cutoff,
        validation=args.validation, window_days=args.window_days,
        max_queries=args.max_queries, seed=args.seed, limit=args.limit, fusion=args.fusion,
        hand_weights=args.hand_weights, ablation=args.ablation, cold_start=args.cold_start,
        crosslingual=_crosslingual(args), without=tuple(args.without),
    )
    encoder, multilingual = cli_args.encoder(args), cli_args.multilingual(args)
    run = run_protocol(protocol, encoder, multilingual=multilingual, progress=True,
                       log=lambda line: print(line, file=sys.stderr))
    print(report(run))
    seconds = time.perf_counter() - started
    print(f"\n{len(run.queries)} queries, {seconds:.0f} s", file=sys.stderr)
    record = provenance(
        args.argv, vars(args), {**inputs.files(), "crosslingual": protocol.crosslingual and
                     protocol.crosslingual / "requests.jsonl", "fusion": args.fusion},
        {"encoder": encoder.model_id,
         "multilingual": multilingual.model_id if multilingual is not None else None},
        code, seconds)
    if args.per_query:
        rows = [{**row, "method": run.engine_name if row["method"] == "engine" else row["method"]}
                for row in run.result.per_query]
        args.per_query.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        record["per_query"] = {"path": str(args.per_query), "sha256": sha256(args.per_query)}
    if args.json:
        result = run.result
        args.json.write_text(json.dumps(
            {**result.methods["engine"], "queries": len(run.queries), **result.to_dict(),
             "crosslingual": run.crosslingual, "cold_start": run.cold_start,
             "fusion": None if run.fusion is None else dict(run.fusion.trained),
             "provenance": record}, indent=2))
    return 0


def cmd_crosslingual(args: argparse.Namespace) -> int:
    from engine.crosslingual import crosslingual_benchmark, load_crosslingual

    profiles, queries = load_crosslingual(args.set)
    queries = [q for q in queries if args.split in ("all", q.split)]
    result = crosslingual_benchmark(cli_args.load(args), profiles, queries)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from engine.compare import format_paired, paired, read_rows

    rows_a = read_rows(args.a)
    rows_b = read_rows(args.b) if args.b is not None else rows_a
    against = args.against or args.method
    if args.b is None and against == args.method:
        raise EngineError("one file: name the second method with --against")
    name_a, name_b = f"A {args.method}", f"B {against}"
    print(format_paired(paired(rows_a, args.method, rows_b, against), name_a, name_b))
    return 0


def _add_input(parser: argparse.ArgumentParser, name: str) -> None:
    """The flag of input ``name``, described from :data:`engine.inputs.FILES`."""
    under, flag, what = FILES[name]
    parser.add_argument(flag, type=Path, default=None, help=f"the {what} (default: <data>/{under})")


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``train``, ``evaluate``, ``crosslingual`` and ``compare`` to ``sub``."""
    history = argparse.ArgumentParser(add_help=False)
    for name in ("projects", "participants", "h2020"):
        _add_input(history, name)
    history.add_argument("--no-h2020", action="store_true",
                         help="run without the H2020 history (lower metrics; recorded)")
    history.add_argument("--cutoff", type=date_arg, default=date(2024, 1, 1))
    history.add_argument("--max-queries", type=positive_arg, default=800,
                         help="at most this many training queries, sampled from the projects "
                         "of the --window-days before the cut-off")
    history.add_argument("--seed", type=int, default=0)
    history.add_argument("--window-days", type=positive_arg, default=182,
                         help="training queries start in this many days before the cut-off")

    train = sub.add_parser("train", parents=[common, history],
                           help="learn fusion weights from history before the cut-off")
    train.add_argument("--out", type=Path, default=cli_args.DEFAULT_FUSION)
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", parents=[common, history],
                              help="run the benchmark protocol")
    _add_input(evaluate, "queries")
    evaluate.add_argument("--limit", type=positive_arg, default=None,
                          help="a fixed random sample of N queries, and at most N training "
                          "queries (a quick run)")
    evaluate.add_argument("--json", type=Path, default=None,
                          help="write metrics and their provenance as JSON")
    evaluate.add_argument("--per-query", type=Path, default=None,
                          help="write one JSON line per query and method (for compare)")
    evaluate.add_argument("--fusion", type=Path, default=None,
                          help="use this fusion.json instead of training one in the run")
    evaluate.add_argument("--hand-weights", action="store_true",
                          help="rank with the hand-set weights (no training)")
    evaluate.add_argument("--ablation", action="store_true",
                          help="also retrain and score with each signal group removed")
    evaluate.add_argument("--without", action="append", default=[], metavar="SIGNAL",
                          help="also retrain and score without this signal (repeatable; "
                          "method without_SIGNAL)")
    evaluate.add_argument("--validation", action="store_true",
                          help="instead of --queries, evaluate one window before the cut-off "
                          "(queries: projects of the --window-days before it; training one "
                          "window earlier): a split to tune on without reading the dev set")
    evaluate.add_argument("--cold-start", action="store_true", help="also score each query's "
                          "cold organisation without its history (engine/coldstart.py)")
    evaluate.add_argument("--crosslingual", type=Path, default=None,
                          help="the cross-lingual set scored after the CORDIS queries "
                          "(default: <data>/crosslingual)")
    evaluate.add_argument("--no-crosslingual", action="store_true",
                          help="skip the cross-lingual set")
    evaluate.set_defaults(func=cmd_evaluate)

    crosslingual = sub.add_parser(
        "crosslingual", parents=[common],
        help="the cross-lingual set (data/crosslingual) against a built index")
    crosslingual.add_argument("--index", type=Path, default=cli_args.DEFAULT_INDEX)
    crosslingual.add_argument("--set", type=Path, default=cli_args.DEFAULT_DATA / "crosslingual")
    crosslingual.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    crosslingual.add_argument("--json", type=Path, default=None)
    crosslingual.set_defaults(func=cmd_crosslingual)

    compare = sub.add_parser(
        "compare", help="paired difference of two methods on the same queries (per-query files)")
    compare.add_argument("a", type=Path, help="per-query file of run A (evaluate --per-query)")
    compare.add_argument("b", type=Path, nargs="?", default=None,
                         help="per-query file of run B (default: A, with --against)")
    compare.add_argument("--method", default="learned_fusion", help="method of A")
    compare.add_argument("--against", default=None, help="method of B (default: --method)")
    compare.set_defaults(func=cmd_compare)
