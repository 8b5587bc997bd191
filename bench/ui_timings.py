"""Page load and time to first results of the advisor UI, measured in Debian's chromium.

Runs the browser test's flow (open the workspace, choose the requester, describe the need,
submit; re-rank with a diversity cap; open a profile) ``--runs`` times, each in a fresh
browser context (empty cache), and prints the median and worst of each time. The first run
is reported apart: it includes the server's first query embedding.

    # the bundled corpus with the real model (build the index first: make build)
    python bench/ui_timings.py --index-dir models/index --json docs/ui_timings.json

    # an already running server
    python bench/ui_timings.py --url http://127.0.0.1:8000

Times are wall-clock milliseconds in the page (``performance.now()``), on loopback:
- ``workspace_ready_ms``: navigation start to the form built from /v1/taxonomy;
- ``load_event_ms``: navigation start to the window load event;
- ``first_results_ms``: "Find partners" pressed to the ranked list drawn (with explanations);
- ``rerank_ms``: a diversity setting changed to the list drawn again;
- ``profile_page_ms``: a candidate clicked to its profile with all its lists.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import serve  # bench/serve.py: scripts here run as `python bench/NAME.py`

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REQUESTS = [
    (
        "Hydrogen",
        "Partners for hydrogen refuelling stations in ports and fuel-cell buses, "
        "with renewable hydrogen production and grid integration.",
    ),
    (
        "Smart",
        "Sensor makers and hospitals for smart wound dressings that measure temperature "
        "and pH, with clinical testing.",
    ),
    (
        "Clúster",
        "Precision farming: soil moisture sensors, satellite data and irrigation "
        "software for olive and vegetable growers.",
    ),
]
METRICS = (
    "workspace_ready_ms",
    "load_event_ms",
    "first_results_ms",
    "rerank_ms",
    "profile_page_ms",
)


def start_server(
    index_dir: Path, workdir: Path, timeout: float
) -> tuple[subprocess.Popen[bytes], str]:
    """``partner-search serve`` on a copy of the index with a new database (seeded from the
    index's profiles at its first start)."""
    shutil.copytree(index_dir, workdir / "index")
    return serve.start_server(
        workdir,
        {
            "PARTNER_SEARCH_DATABASE_URL": f"sqlite:///{workdir / 'ui.db'}",
            "PARTNER_SEARCH_INDEX_DIR": str(workdir / "index"),
            "PARTNER_SEARCH_SAVE_INDEX_ON_SHUTDOWN": "false",
        },
        timeout,
    )


def one_run(browser: Any, url: str, requester: str, text: str) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{url}/ui/")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        load = page.evaluate(
            """() => ({
              workspace_ready_ms: performance.getEntriesByName('ps-ready')[0].startTime,
              load_event_ms: performance.getEntriesByType('navigation')[0].loadEventEnd,
            })"""
        )
        page.fill("#f-requester", requester)
        option = page.locator("#f-requester-box [role=option]").first
        try:
            option.wait_for(timeout=5_000)
            option.click()
        except Exception:  # no such organisation in this corpus: search without a requester
            page.fill("#f-requester", "")
        page.fill("#f-text", text)

        def searched(n: int) -> None:
            page.wait_for_function(
                "n => Number(document.querySelector('#results').dataset.searches || 0) >= n "
                "&& document.querySelector('#results').getAttribute('aria-busy') === 'false'",
                arg=n,
                timeout=60_000,
            )

        page.click("#submit-search")
        searched(1)
        timings = page.evaluate("window.partnerSearch.timings")
        first = timings["first_results_ms"]
        page.select_option("#r-country", "2")
        searched(2)
        rerank = page.evaluate("window.partnerSearch.timings.last_results_ms")
        started = page.evaluate("performance.now()")
        page.locator("#candidates h3 a").first.click()
        page.wait_for_function(
            "() => document.querySelector('#view-profile h1') && "
            "document.querySelectorAll('#view-profile [aria-busy=true]').length === 0 && "
            "document.querySelectorAll('#view-profile .loading').length === 0",
            timeout=60_000,
        )
        profile = page.evaluate("performance.now()") - started
        return {
            **load,
            "first_results_ms": first,
            "rerank_ms": rerank,
            "profile_page_ms": profile,
            "server_ms": timings["last_server_ms"],
        }
    finally:
        context.close()


def summarise(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    out = {}
    for metric in (*METRICS, "server_ms"):
        values = sorted(r[metric] for r in runs)
        out[metric] = {"median": round(statistics.median(values), 1), "max": round(values[-1], 1)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=None, help="an already running server")
    parser.add_argument("--index-dir", type=Path, default=ROOT / "models" / "index")
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--startup-timeout", type=float, default=900)
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args()
    if not CHROMIUM.is_file():
        raise SystemExit(f"{CHROMIUM} is missing: make browser (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ui-timings-") as tmp:
        process = None
        url = args.url
        if url is None:
            if not (args.index_dir / "manifest.json").is_file():
                raise SystemExit(f"no index in {args.index_dir}: run `make build` first")
            process, url = start_server(args.index_dir, Path(tmp), args.startup_timeout)
        try:
            ready = httpx.get(f"{url}/ready", timeout=10).json()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                runs = []
                for i in range(args.runs):
                    requester, text = REQUESTS[i % len(REQUESTS)]
                    runs.append(one_run(browser, url, requester, text))
                    print(
                        f"run {i + 1}: " + ", ".join(f"{k} {v:.0f}" for k, v in runs[-1].items()),
                        file=sys.stderr,
                    )
                browser.close()
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "browser": "Debian chromium, headless",
        },
        "corpus": {
            "profiles": ready.get("profiles"),
            "vectors": ready.get("vectors"),
            "model": ready.get("model"),
        },
        "runs": len(runs),
        "cold_first_run": {k: round(v, 1) for k, v in runs[0].items()},
        "warm": summarise(runs[1:] or runs),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
