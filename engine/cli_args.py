"""What every ``partner-search`` command shares: default folders, argument types, and the
encoders and index a command loads from its arguments."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.cached_encoder import CachedEncoder
    from engine.recommender import Recommender

#: The checkout this package runs from (an editable install): its data and models folders
#: are the defaults whatever the working directory, so a run from elsewhere reads the same
#: files (elsewhere, relative folders of the working directory).
_ROOT = Path(__file__).resolve().parents[1]
_HOME = _ROOT if (_ROOT / "data").is_dir() else Path()
DEFAULT_INDEX = _HOME / "models/index"
DEFAULT_CACHE = _HOME / "models/cache"
DEFAULT_DATA = _HOME / "data"
DEFAULT_FUSION = _HOME / "models/fusion.json"
#: BLAS/OpenMP threads of a command unless ``--threads`` says otherwise: as the API's
#: default (``engine_threads``). On a shared 2-core box more threads made ``evaluate`` twice
#: as slow (131-144 s against 51-62 s with one).
DEFAULT_THREADS = 1


def date_arg(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def positive_arg(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def common_parser() -> argparse.ArgumentParser:
    """The options of every command that reads data or models."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder")
    common.add_argument("--model", type=Path, default=None,
                        help="sentence-transformers model folder (default: packaged MiniLM)")
    common.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache")
    common.add_argument("--torch-queries", action="store_true",
                        help="encode requests with torch even where an int8 model was exported "
                        "(build: export none)")
    common.add_argument("--fresh-queries", action="store_true",
                        help="encode every request with the model, even one whose text is a "
                        "cached profile text (to measure the request encoder)")
    common.add_argument("--no-multilingual", action="store_true",
                        help="without the multilingual encoder (its signal is then 0)")
    common.add_argument("--threads", type=positive_arg, default=DEFAULT_THREADS,
                        help=f"BLAS/OpenMP threads (default {DEFAULT_THREADS}, as the API)")
    return common


def encoder(args: argparse.Namespace) -> CachedEncoder:
    import sys

    from engine.cached_encoder import cached_sentence_encoder

    bundled = args.data / "embeddings"
    if not bundled.is_dir():  # not an error (the same vectors result), but minutes, not seconds
        print(f"note: no bundled vectors in {bundled}: texts not in {args.cache} are encoded "
              "(on 2 cores about 11 minutes for the whole corpus)", file=sys.stderr)
    return cached_sentence_encoder(args.model, args.cache, seed_dirs=[bundled],
                                   int8_queries=not args.torch_queries,
                                   fresh_queries=args.fresh_queries)


def multilingual(args: argparse.Namespace) -> CachedEncoder | None:
    """The multilingual encoder behind the same caches (None with ``--no-multilingual``)."""
    from engine.cached_encoder import cached_multilingual_encoder

    if args.no_multilingual:
        return None
    return cached_multilingual_encoder(args.cache, seed_dirs=[args.data / "embeddings"])


def load(args: argparse.Namespace) -> Recommender:
    from engine.recommender import Recommender

    return Recommender.load(args.index, encoder(args), multilingual=multilingual(args))
