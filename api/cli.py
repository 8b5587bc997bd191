"""The ``partner-search`` command: the engine's commands plus ``serve`` (the HTTP API and UI).
The dependency points from the API to the engine only."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from engine import cli


def cmd_serve(args: argparse.Namespace) -> int:
    from api.app import serve

    serve(host=args.host, port=args.port)
    return 0


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the HTTP API and UI")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, extend=_add_serve)


if __name__ == "__main__":
    sys.exit(main())
