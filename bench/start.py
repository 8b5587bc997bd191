"""Second start of the service: seconds from ``partner-search serve`` to ``/ready``, on
copies of a saved index folder and its database (the index verified, not built), side by
side with another checkout, interleaved run by run.

    git worktree add /tmp/before ae238eb            # the code to compare with
    .venv/bin/python bench/start.py --other /tmp/before --runs 3

Each checkout runs its own code (``python -m api.cli serve`` in its folder) on its own copy
of ``--index`` (default ``models/index``) and ``--database`` (default
``models/partner_search.db``); ``--other-index`` gives the other checkout an index folder of
its own (an index saved by this code also holds ``project_rows.npz``, which older code
ignores). Reported per run: the time to ``/ready``, the RSS then, and the first recommend
sent at ``/ready``; then the medians. Run on an idle machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from serve import ROOT, rss_mb, start_server

QUERY = {"text": "Wir suchen Partner für Batterierecycling in der Automobilindustrie", "k": 10}


def one_start(checkout: Path, index: Path, database: Path) -> dict[str, float]:
    """One start of ``checkout``'s service on fresh copies of ``index`` and ``database``."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        shutil.copytree(index, work / "index")
        shutil.copy(database, work / "service.db")
        started = time.perf_counter()
        process, url = start_server(work, {
            "PARTNER_SEARCH_INDEX_DIR": str(work / "index"),
            "PARTNER_SEARCH_DATABASE_URL": f"sqlite:///{work / 'service.db'}",
        }, timeout=600, checkout=checkout)
        try:
            ready = time.perf_counter() - started
            rss = sum(rss_mb(process.pid).values())
            sent = time.perf_counter()
            httpx.post(f"{url}/v1/recommend", json=QUERY, timeout=60).raise_for_status()
            return {"ready_s": ready, "rss_mib": rss,
                    "first_query_s": time.perf_counter() - sent}
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "models" / "index")
    parser.add_argument("--database", type=Path, default=ROOT / "models" / "partner_search.db")
    parser.add_argument("--other", type=Path, help="another checkout, run side by side")
    parser.add_argument("--other-index", type=Path, help="its index folder (default --index)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs: list[tuple[str, Path, Path]] = [("this", ROOT, args.index)]
    if args.other is not None:
        runs.append(("other", args.other, args.other_index or args.index))
    found: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in runs}
    for i in range(args.runs):
        for name, checkout, index in runs:
            result = one_start(checkout, index, args.database)
            found[name].append(result)
            print(f"run {i + 1} {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()))
    print(f"medians ({os.cpu_count()} cores, {args.runs} runs):")
    for name, results in found.items():
        print(f"  {name}: " + ", ".join(
            f"{k} {statistics.median(r[k] for r in results):.2f}" for k in results[0]))


if __name__ == "__main__":
    main()
