"""What a metrics file says about how it was made: the command's arguments, every input file
with its SHA-256 (and which optional ones were used), the models, the fusion file's hash, the
git commit and the wall time. A number in docs/benchmarks.md can then be traced to the exact
inputs and code that produced it, and two runs compared only when they are comparable."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: The checkout the engine runs from (its git commit is the code's version).
ROOT = Path(__file__).resolve().parents[1]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit(folder: Path = ROOT) -> dict[str, Any] | None:
    """The checkout's commit and whether tracked files differ from it (None outside git)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 cwd=folder, capture_output=True, text=True, check=True,
                                 timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "modified": bool(changed)}


def provenance(argv: list[str], arguments: Mapping[str, Any],
               inputs: Mapping[str, Path | None], models: Mapping[str, str | None],
               git: dict[str, Any] | None, seconds: float) -> dict[str, Any]:
    """The provenance record of a run: its command line ``argv`` and ``arguments`` as parsed,
    ``git`` (:func:`git_commit`, read when the run started: the code it imported),
    ``inputs`` (name -> file, or
    None when the run went without it: listed as not used), ``models`` (role -> model id or
    None), the wall time in ``seconds``."""
    return {
        "argv": list(argv),
        "arguments": {k: v if v is None or isinstance(v, bool | int | float | str | list)
                      else str(v) for k, v in arguments.items()
                      if not callable(v) and k != "argv"},  # argv is above, as typed
        "inputs": {name: ({"path": str(path.resolve()), "sha256": sha256(path), "used": True}
                          if path is not None else {"used": False})
                   for name, path in inputs.items()},
        "models": dict(models),
        "git": git,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
    }
