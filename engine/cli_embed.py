"""``partner-search embed``: fill the embedding cache for the corpus of ``--data`` ahead of a
``build``, in this process or on a Ray cluster (``--ray``); see :mod:`engine.embed_job` and
docs/scale.md. A run that fails part-way keeps the shards it wrote; the same command again
encodes only the rest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.cli_args import DEFAULT_CACHE, DEFAULT_DATA, positive_arg
from engine.errors import EngineError


def _spec(value: str) -> str:
    from engine.embed_job import check_spec

    try:
        return check_spec(value)
    except EngineError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_embed(args: argparse.Namespace) -> int:
    from engine.bundle import DataPaths, load_corpus
    from engine.embed_job import InProcess, OnRay, corpus_texts, run_job

    paths = DataPaths(args.data)
    texts = corpus_texts(load_corpus(paths, progress=True), args.model)
    if args.limit is not None:
        texts = texts[: args.limit]
    seeds = [] if args.no_seed else [paths.embeddings]
    executor = InProcess() if args.ray is None else OnRay(args.ray, num_cpus=args.num_cpus)
    where = "in process" if args.ray is None else f"on Ray ({args.ray})"
    print(f"embedding {len(texts)} texts with {args.model} {where}", file=sys.stderr)
    report = run_job(texts, args.model, args.cache, seed_roots=seeds, chunk=args.chunk,
                     executor=executor, progress=True)
    print(report.summary())
    if report.failed:
        first = report.errors[0] if report.errors else "their workers died"
        raise EngineError(
            f"{report.failed} of {report.failed + report.shards} chunks failed (first: "
            f"{first}); the {report.shards} shards written are kept: run the same command "
            "again to encode the rest"
        )
    return 0


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``embed`` to ``sub``. Its ``--model`` names an encoder, not a folder, so it does
    not take the ``common`` options."""
    embed = sub.add_parser(
        "embed", help="fill the embedding cache for the corpus (in process or on Ray)",
        description="Encode the corpus texts that the embedding cache lacks, one cache shard "
        "per chunk, so that `build` encodes nothing. Rerun after a failure to resume.")
    embed.add_argument("--model", type=_spec, default="minilm",
                       help="minilm (default), e5, or hash:DIM (the test encoder)")
    embed.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache")
    embed.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder")
    embed.add_argument("--no-seed", action="store_true",
                       help="encode texts even when the bundled vectors (DATA/embeddings) "
                       "hold them")
    embed.add_argument("--ray", default=None, metavar="ADDRESS",
                       help="run on Ray: a cluster address (ray://host:10001, auto) or "
                       "'local' (a Ray started here with --num-cpus)")
    embed.add_argument("--num-cpus", type=positive_arg, default=2,
                       help="CPUs of --ray local (default 2)")
    embed.add_argument("--chunk", type=positive_arg, default=512,
                       help="texts per chunk, one cache shard each (default 512)")
    embed.add_argument("--limit", type=positive_arg, default=None,
                       help="only the first N texts of the corpus (a smoke run)")
    embed.set_defaults(func=cmd_embed)
