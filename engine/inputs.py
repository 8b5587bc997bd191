"""The input files of training and the benchmark. Each comes from ``--data`` unless its own
flag names it, and every one is checked before anything runs: a missing file is a one-line
error naming it and the flag that sets it. Nothing is skipped silently: without the H2020
history the validation R@50 fell from 0.391 to 0.352 while the run carried on, so a run
without it must say ``--no-h2020``; the run records what it read (:mod:`engine.provenance`).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError

#: Each input: its path under the data folder, the flag that sets it, what it is.
FILES = {
    "projects": ("cordis/projects.csv.gz", "--projects", "Horizon Europe projects"),
    "participants": ("cordis/participants.csv.gz", "--participants",
                     "Horizon Europe participants"),
    "h2020": ("h2020/h2020.csv.gz", "--h2020", "H2020 collaboration history"),
    "queries": ("cordis/dev_queries.csv", "--queries", "dev queries"),
}


@dataclass(frozen=True)
class Inputs:
    """The files a run reads; ``h2020`` None: run without it (``--no-h2020``); ``queries``
    None: a command without queries (``train``, ``evaluate --validation``)."""

    projects: Path
    participants: Path
    h2020: Path | None
    queries: Path | None = None

    def files(self) -> dict[str, Path | None]:
        return {"projects": self.projects, "participants": self.participants,
                "h2020": self.h2020, "queries": self.queries}


def resolve(args: argparse.Namespace, *, queries: bool = False) -> Inputs:
    """The inputs of ``args`` (``--data`` and the per-file flags), each checked to exist."""
    def path(name: str) -> Path:
        under, flag, what = FILES[name]
        given = getattr(args, name, None)
        chosen = Path(given) if given is not None else Path(args.data) / under
        if not chosen.is_file():
            source = flag if given is not None else f"--data ({args.data}) or {flag}"
            raise EngineError(f"{chosen} does not exist: the {what} (set {source})"
                              + ("; --no-h2020 runs without it" if name == "h2020" else ""))
        return chosen

    return Inputs(
        projects=path("projects"),
        participants=path("participants"),
        h2020=None if getattr(args, "no_h2020", False) else path("h2020"),
        queries=path("queries") if queries else None,
    )
