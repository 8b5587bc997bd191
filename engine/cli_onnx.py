"""``partner-search export-onnx``: the int8 export of the sentence-transformers model that
encodes requests (:mod:`engine.onnx_export`). ``build`` runs it too; this command is for an
index built before it existed, or to export again after ``--force``."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

from engine.cli_args import DEFAULT_INDEX
from engine.errors import EngineError

#: Texts of the corpus whose int8 vectors are compared with torch's at each export.
CHECK_TEXTS = 64


def export(args: argparse.Namespace, texts: list[str], *, force: bool = False
           ) -> dict[str, Any] | None:
    """Export (unless present) and report; on failure warn and return None: requests are
    then encoded by torch, which is slower but gives the same ranking."""
    from engine.embed import SentenceEncoder
    from engine.onnx_export import ensure_onnx

    encoder = SentenceEncoder(args.model)
    unique = sorted(set(texts))
    sample = random.Random(0).sample(unique, min(CHECK_TEXTS, len(unique)))
    try:
        manifest = ensure_onnx(encoder, args.cache, sample, force=force)
    except Exception as exc:  # any exporter failure leaves requests on torch, never the build
        print(f"warning: no int8 model ({type(exc).__name__}: {exc}); requests are encoded "
              "by torch", file=sys.stderr)
        return None
    print(f"int8 request model: {manifest['bytes'] / 1e6:.0f} MB, cosine to torch >= "
          f"{manifest['min_cosine']:.4f} on {manifest['check_texts']} texts", file=sys.stderr)
    return manifest


def cmd_export_onnx(args: argparse.Namespace) -> int:
    from engine.corpus import vector_texts
    from engine.persistence import read_profiles

    profiles = read_profiles(args.index)
    if profiles is None:
        raise EngineError(f"no index in {args.index}: run `partner-search build` (it exports "
                          "the int8 model too)")
    texts = [t for p in profiles for t in vector_texts(p)]
    return 0 if export(args, texts, force=args.force) is not None else 1


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``export-onnx`` to ``sub``."""
    command = sub.add_parser("export-onnx", parents=[common],
                             help="export the request encoder to ONNX int8 (build does it)")
    command.add_argument("--index", type=Path, default=DEFAULT_INDEX,
                         help="index whose profile texts check the export")
    command.add_argument("--force", action="store_true", help="export again")
    command.set_defaults(func=cmd_export_onnx)
