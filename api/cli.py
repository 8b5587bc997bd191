"""The ``partner-search`` command: the engine's commands plus ``serve`` (the HTTP API and UI).
The dependency points from the API to the engine only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine import cli


def cmd_serve(args: argparse.Namespace) -> int:
    from api.serve import serve

    serve(host=args.host, port=args.port, workers=args.workers)
    return 0


def _workers(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("--workers must be between 1 and 64")
    return value


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API and UI")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=_workers, default=1,
        help="worker processes, each holding the index (N times the memory); a write reaches "
        "the others through the database's change table (default 1)",
    )
    serve.set_defaults(func=cmd_serve)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extend=_add_serve)


if __name__ == "__main__":
    sys.exit(main())
