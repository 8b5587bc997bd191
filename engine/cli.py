"""The ``partner-search`` command line: build, recommend, similar, and the researcher's
commands of :mod:`engine.cli_bench` (``serve`` is added by :mod:`api.cli`, so the engine
never imports the web layer).

Every engine error is printed as one line (``error: ...``) with exit status 2, never as a
traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from engine import cli_args, cli_embed, cli_event, cli_onnx
from engine.cli_args import DEFAULT_INDEX, common_parser, date_arg, positive_arg
from engine.cli_bench import add_commands
from engine.errors import EngineError, ValidationError


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
    texts = [t for p in profiles for t in vector_texts(p)]
    if not args.torch_queries:  # first, so the encoder below finds it; torch: none needed
        cli_onnx.export(args, texts)
    encoder = cli_args.encoder(args)
    worst = verify_cached(encoder, texts)
    multilingual = cli_args.multilingual(args)
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
    recommender = cli_args.load(args)
    print_matches(recommender.recommend(request, k=args.k), args.json)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    from engine.match_table import print_matches

    print_matches(cli_args.load(args).similar(args.profile_id, k=args.k), args.json)
    return 0


Extension = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def build_parser(extend: Extension | None = None) -> argparse.ArgumentParser:
    """The parser; ``extend`` adds subcommands of other packages (the API's ``serve``)."""
    parser = argparse.ArgumentParser(
        prog="partner-search", description="Semantic partner search for European clusters."
    )
    common = common_parser()
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="build the index from data")
    build.add_argument("--out", type=Path, default=DEFAULT_INDEX)
    build.add_argument("--cutoff", type=date_arg, default=None,
                       help="use only projects starting before this date")
    build.add_argument("--fusion", type=Path, default=cli_args.DEFAULT_FUSION,
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
    recommend.add_argument("-k", type=positive_arg, default=10)
    recommend.add_argument("--json", action="store_true")
    recommend.set_defaults(func=cmd_recommend)

    similar = sub.add_parser("similar", parents=[common], help="profiles like a profile")
    similar.add_argument("profile_id")
    similar.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    similar.add_argument("-k", type=positive_arg, default=10)
    similar.add_argument("--json", action="store_true")
    similar.set_defaults(func=cmd_similar)

    add_commands(sub, common)
    cli_event.add_commands(sub, common)
    cli_embed.add_commands(sub, common)
    cli_onnx.add_commands(sub, common)

    if extend is not None:
        extend(sub)
    return parser


def main(argv: Sequence[str] | None = None, extend: Extension | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(extend).parse_args(argv)
    args.argv = argv  # as typed, for the provenance of what the command writes
    if args.command == "recommend" and not args.text.strip():
        print("error: the request text is empty: describe the partner you seek", file=sys.stderr)
        return 2
    try:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=getattr(args, "threads", None)):  # serve: its own
            return int(args.func(args))
    except (EngineError, ValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
