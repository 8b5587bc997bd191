"""The ``partner-search`` command line: build, recommend, similar, train, evaluate (``serve``
is added by :mod:`api.cli`, so the engine never imports the web layer).

Every engine error is printed as one line (``error: ...``) with exit status 2, never as a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import EngineError, ValidationError

if TYPE_CHECKING:
    from engine.cached_encoder import CachedEncoder
    from engine.recommender import Recommender

DEFAULT_INDEX = Path("models/index")
DEFAULT_CACHE = Path("models/cache")
DEFAULT_DATA = Path("data")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def _encoder(args: argparse.Namespace) -> CachedEncoder:
    from engine.cached_encoder import cached_sentence_encoder

    return cached_sentence_encoder(args.model, args.cache, seed_dirs=[args.data / "embeddings"])


def _multilingual(args: argparse.Namespace) -> CachedEncoder | None:
    """The multilingual encoder behind the same caches (None with ``--no-multilingual``)."""
    from engine.cached_encoder import cached_multilingual_encoder

    if args.no_multilingual:
        return None
    return cached_multilingual_encoder(args.cache, seed_dirs=[args.data / "embeddings"])


def cmd_build(args: argparse.Namespace) -> int:
    from engine.bundle import DataPaths, load_corpus
    from engine.cached_encoder import verify_cached
    from engine.corpus import multilingual_texts, vector_texts
    from engine.fusion import FusionModel
    from engine.recommender import Recommender
    from engine.sources.h2020 import load_h2020

    started = time.perf_counter()
    paths = DataPaths(args.data)
    profiles = load_corpus(paths, cutoff=args.cutoff, progress=True)
    history = load_h2020(paths.h2020, cutoff=args.cutoff) if paths.h2020.is_file() else []
    print(f"{len(profiles)} profiles, {len(history)} H2020 participations from {args.data}",
          file=sys.stderr)
    encoder = _encoder(args)
    texts = [t for p in profiles for t in vector_texts(p)]
    worst = verify_cached(encoder, texts)
    multilingual = _multilingual(args)
    if multilingual is not None:
        texts = [t for p in profiles for t in multilingual_texts(p)]
        worst = min(worst, verify_cached(multilingual, texts))
    print(f"cached vectors verified against the models (lowest cosine {worst:.4f})",
          file=sys.stderr)
    recommender = Recommender(encoder, multilingual=multilingual).fit(
        profiles, history=history, progress=True)
    if args.fusion is not None and args.fusion.is_file():
        recommender.fusion = FusionModel.load(args.fusion)
    recommender.save(args.out)
    fusion = "learned fusion" if recommender.fusion else "hand-set weights"
    print(
        f"index: {len(recommender)} profiles, {recommender.n_vectors} vectors, {fusion} -> "
        f"{args.out} ({time.perf_counter() - started:.1f} s; cache {encoder.cache_hits} hits, "
        f"{encoder.cache_misses} encoded)"
    )
    return 0


def _load(args: argparse.Namespace) -> Recommender:
    from engine.recommender import Recommender

    return Recommender.load(args.index, _encoder(args), multilingual=_multilingual(args))


def cmd_recommend(args: argparse.Namespace) -> int:
    from engine.match_table import print_matches
    from engine.profiles import PartnerRequest

    request = PartnerRequest(
        text=args.text,
        requester_id=args.requester,
        countries=tuple(args.country),
        exclude_countries=tuple(args.exclude_country),
        kinds=tuple(args.kind),
        ecosystems=tuple(args.ecosystem),
        ecosystem_filter=bool(args.ecosystem),
    )
    recommender = _load(args)
    print_matches(recommender.recommend(request, k=args.k), args.json)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from engine.match_table import print_matches

    print_matches(_load(args).similar(args.profile_id, k=args.k), args.json)
    return 0


def _history_path(args: argparse.Namespace) -> Path | None:
    if args.h2020.is_file():
        return args.h2020
    print(f"note: no H2020 history at {args.h2020}; the collaboration graph uses the "
          "Horizon Europe projects only", file=sys.stderr)
    return None


def cmd_train(args: argparse.Namespace) -> int:
    from engine.recommender import Recommender
    from engine.train import train_fusion

    model, _ = train_fusion(
        args.projects, args.participants, _history_path(args), args.cutoff,
        Recommender(_encoder(args), multilingual=_multilingual(args)),
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
    """The cross-lingual set to score: ``--crosslingual``, else ``<data>/crosslingual`` when
    that folder exists (a note says when it does not)."""
    if args.no_crosslingual:
        return None
    if args.crosslingual is not None:
        return Path(args.crosslingual)
    folder = args.data / "crosslingual"
    if folder.is_dir():
        return folder
    print(f"note: no cross-lingual set at {folder}; scoring the CORDIS queries only",
          file=sys.stderr)
    return None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from engine.coldstart import format_cold_start
    from engine.evaluate import METRICS, format_table
    from engine.protocol import Protocol, run_protocol

    started = time.perf_counter()
    protocol = Protocol(
        projects=args.projects, participants=args.participants, queries=args.queries,
        h2020=_history_path(args), cutoff=args.cutoff, validation=args.validation,
        window_days=args.window_days, max_queries=args.max_queries, seed=args.seed,
        limit=args.limit, fusion=args.fusion, hand_weights=args.hand_weights,
        ablation=args.ablation, cold_start=args.cold_start,
        crosslingual=_crosslingual(args),
    )
    run = run_protocol(protocol, _encoder(args), multilingual=_multilingual(args), progress=True,
                       log=lambda line: print(line, file=sys.stderr))
    result, engine_name = run.result, run.engine_name
    methods = {(engine_name if k == "engine" else k): v for k, v in result.methods.items()}
    print(format_table(methods))
    spread = methods[engine_name]["stderr"]
    print(f"standard error over queries ({engine_name}): "
          + ", ".join(f"{m} {spread[m]:.3f}" for m in METRICS))
    print("\nnon-academic candidates only (no universities or research organisations):")
    print(format_table({(engine_name if k == "engine" else k): v
                        for k, v in result.non_academic.items()}))
    cb = result.cross_border
    print(f"\ncross-border share: engine top 10 {cb['engine_top10']:.3f}, "
          f"true partners {cb['true_partners']:.3f}")
    if run.crosslingual is not None:
        for title, part in (("whole requests", run.crosslingual),
                            ("first sentence only", run.crosslingual["short"])):
            print(f"\ncross-lingual set, {title} (MRR / recall@10; en: the English versions):")
            for name, v in part["methods"].items():
                print(f"  {name}: {v['mrr']:.3f} / {v['recall@10']:.3f} ({v['queries']} requests)")
            print(f"  profiles without history in the top 10 for their topic: "
                  f"{part['no_history_top10']:.3f}")
    if run.cold_start is not None:
        print("\n" + format_cold_start(run.cold_start))
    print(f"\n{len(run.queries)} queries, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(
            {**result.methods["engine"], "queries": len(run.queries), **result.to_dict(),
             "crosslingual": run.crosslingual, "cold_start": run.cold_start,
             "fusion": None if run.fusion is None else dict(run.fusion.trained)}, indent=2))
    return 0


Extension = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def cmd_crosslingual(args: argparse.Namespace) -> int:
    from engine.crosslingual import crosslingual_benchmark, load_crosslingual

    profiles, queries = load_crosslingual(args.set)
    queries = [q for q in queries if args.split in ("all", q.split)]
    result = crosslingual_benchmark(_load(args), profiles, queries)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


def build_parser(extend: Extension | None = None) -> argparse.ArgumentParser:
    """The parser; ``extend`` adds subcommands of other packages (the API's ``serve``)."""
    parser = argparse.ArgumentParser(
        prog="partner-search", description="Semantic partner search for European clusters."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder")
    common.add_argument("--model", type=Path, default=None,
                        help="sentence-transformers model folder (default: packaged MiniLM)")
    common.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache")
    common.add_argument("--no-multilingual", action="store_true",
                        help="without the multilingual encoder (its signal is then 0)")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="build the index from data")
    build.add_argument("--out", type=Path, default=DEFAULT_INDEX)
    build.add_argument("--cutoff", type=_date, default=None,
                       help="use only projects starting before this date")
    build.add_argument("--fusion", type=Path, default=Path("models/fusion.json"),
                       help="learned fusion weights to ship with the index (if the file exists)")
    build.set_defaults(func=cmd_build)

    recommend = sub.add_parser("recommend", parents=[common], help="rank partners for a text")
    recommend.add_argument("text")
    recommend.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    recommend.add_argument("--country", action="append", default=[], help="only this country")
    recommend.add_argument("--exclude-country", action="append", default=[])
    recommend.add_argument("--kind", action="append", default=[],
                           help="cluster, company, research, university, public, other")
    recommend.add_argument("--ecosystem", action="append", default=[])
    recommend.add_argument("--requester", default=None, help="the requester's profile id")
    recommend.add_argument("-k", type=_positive, default=10)
    recommend.add_argument("--json", action="store_true")
    recommend.set_defaults(func=cmd_recommend)

    similar = sub.add_parser("similar", parents=[common], help="profiles like a profile")
    similar.add_argument("profile_id")
    similar.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    similar.add_argument("-k", type=_positive, default=10)
    similar.add_argument("--json", action="store_true")
    similar.set_defaults(func=cmd_similar)

    history = argparse.ArgumentParser(add_help=False)
    history.add_argument("--projects", type=Path, default=DEFAULT_DATA / "cordis/projects.csv.gz")
    history.add_argument("--participants", type=Path,
                         default=DEFAULT_DATA / "cordis/participants.csv.gz")
    history.add_argument("--h2020", type=Path, default=DEFAULT_DATA / "h2020/h2020.csv.gz",
                         help="H2020 collaboration history (same organisation ids)")
    history.add_argument("--cutoff", type=_date, default=date(2024, 1, 1))
    history.add_argument("--max-queries", type=_positive, default=800,
                         help="training queries sampled from the year before the cut-off")
    history.add_argument("--seed", type=int, default=0)
    history.add_argument("--window-days", type=_positive, default=182,
                         help="training queries start in this many days before the cut-off")

    train = sub.add_parser("train", parents=[common, history],
                           help="learn fusion weights from history before the cut-off")
    train.add_argument("--out", type=Path, default=Path("models/fusion.json"))
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser("evaluate", parents=[common, history],
                              help="run the benchmark protocol")
    evaluate.add_argument("--queries", type=Path, default=DEFAULT_DATA / "cordis/dev_queries.csv")
    evaluate.add_argument("--limit", type=_positive, default=None, help="fixed random sample of N")
    evaluate.add_argument("--json", type=Path, default=None, help="write metrics as JSON")
    evaluate.add_argument("--fusion", type=Path, default=None,
                          help="use this fusion.json instead of training one in the run")
    evaluate.add_argument("--hand-weights", action="store_true",
                          help="rank with the hand-set weights (no training)")
    evaluate.add_argument("--ablation", action="store_true",
                          help="also retrain and score with each signal group removed")
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
    crosslingual.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    crosslingual.add_argument("--set", type=Path, default=DEFAULT_DATA / "crosslingual")
    crosslingual.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    crosslingual.add_argument("--json", type=Path, default=None)
    crosslingual.set_defaults(func=cmd_crosslingual)

    if extend is not None:
        extend(sub)
    return parser


def main(argv: Sequence[str] | None = None, extend: Extension | None = None) -> int:
    args = build_parser(extend).parse_args(argv)
    if args.command == "recommend" and not args.text.strip():
        print("error: the request text is empty: describe the partner you seek", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except (EngineError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
