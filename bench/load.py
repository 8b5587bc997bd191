"""Bounded load test of the HTTP service, on loopback only.

N concurrent clients send ``POST /v1/recommend`` (k=10, explain) for a fixed duration or
request count, while one writer PATCHes profiles and checks that recommendations show each
acknowledged change within 1 s. Prints throughput, latency percentiles, error counts and the
writes' acknowledgement percentiles (``--write-interval 0``: writes back to back).

    # start a throw-away server (hash encoder, the 14 bundled cluster profiles) and load it
    python bench/load.py --start --encoder hash --duration 10

    # the same with two worker processes (``serve --workers 2``); the report adds each
    # process's resident memory (the first is uvicorn's supervisor)
    python bench/load.py --start --workers 2 --encoder hash --duration 10

    # the real model on the bundled corpus: start the server yourself, then
    partner-search serve --port 8000   # with PARTNER_SEARCH_RATE_LIMIT_ENABLED=false
    python bench/load.py --url http://127.0.0.1:8000 --key $CURATOR_KEY --duration 60

Request texts cycle through a fixed list, so after the first round the service's result
cache answers most reads (the report's ``cached_share``); ``--unique`` makes every text new
and measures first-time requests (encoding and ranking) instead.

Exit status 1 when any request failed or a write was seen stale after 1 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import serve  # bench/serve.py: scripts here run as `python bench/NAME.py`
from load_report import Results, show, summarise

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BENCH_KEY = "bench-curator-key-not-secret"
QUERIES = [
    "Partners with experience in grid-scale battery storage and smart grids",
    "Hospitals and research centres for clinical validation of AI diagnostics",
    "Agri-food cluster seeking precision farming sensor companies",
    "Sustainable tourism destinations and cultural heritage digitisation",
    "Textile recycling and circular fashion supply chains",
    "Hydrogen refuelling stations in ports, renewable hydrogen production",
    "Cybersecurity for SMEs, training and awareness programmes",
    "Lightweight composite materials for aerospace and automotive",
]


def queries() -> list[str]:
    texts = list(QUERIES)
    path = ROOT / "data" / "requests" / "requests.jsonl"
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"][:1500])
    return texts


def reader(
    url: str,
    stop: threading.Event,
    budget: list[int],
    texts: list[str],
    offset: int,
    results: Results,
    unique: bool,
) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        for text in cycle(texts[offset:] + texts[:offset]):
            with results.lock:
                if stop.is_set() or budget[0] <= 0:
                    return
                budget[0] -= 1
                if unique:  # a text never sent before: no cache can answer it
                    text = f"{text} (request {budget[0]})"
            started = time.perf_counter()
            try:
                response = client.post(
                    "/v1/recommend", json={"text": text, "k": 10, "explain": True}
                )
            except httpx.HTTPError as exc:
                results.error(type(exc).__name__)
                continue
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                results.error(f"HTTP {response.status_code}")
                continue
            with results.lock:
                results.latencies.append(elapsed)
                results.cached += b'"cached":true' in response.content


def writer(url: str, key: str, stop: threading.Event, interval: float, results: Results) -> None:
    """PATCH a profile's acronym, then poll a recommendation that returns that profile until
    the new acronym shows; a read still showing the old one after 1 s is stale. Each poll is
    a new connection, so that with ``serve --workers N`` the kernel may hand it to any
    worker, not just the one that took the write."""
    headers = {"X-API-Key": key}
    with httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/v1/profiles", params={"limit": 100}).json()["data"]
        targets = [p for p in page if 0 < len(p["activities"]) < 20 or p["description"]][:10]
        if not targets:
            results.error("writer: no profile to patch")
            return
        n = 0
        while not stop.is_set():
            profile = targets[n % len(targets)]
            marker = f"W{n}"
            started = time.perf_counter()
            try:
                response = client.patch(
                    f"/v1/profiles/{profile['id']}", json={"acronym": marker}, headers=headers
                )
            except httpx.HTTPError as exc:
                results.error(f"writer {type(exc).__name__}")
                stop.wait(interval)
                n += 1
                continue
            acknowledged = time.perf_counter()
            if response.status_code != 200:
                results.error(f"writer HTTP {response.status_code}")
                stop.wait(interval)
                n += 1
                continue
            results.write_latencies.append(acknowledged - started)
            text = profile["description"] or " ".join(
                f"{a['title']}. {a['text']}" for a in profile["activities"]
            )
            query = {
                "text": f"{profile['name']}. {text}"[:1500],
                "k": 10,
                "countries": [profile["country"]] if profile["country"] else [],
                "kinds": [profile["kind"]],
            }
            # a read is stale if it *started* more than 1 s after the acknowledgement and
            # still shows the old value; `seen` is when the first read that shows the new
            # value started (its own queueing under load does not count against freshness)
            seen = None
            mine: list[dict[str, Any]] = []
            while time.perf_counter() - acknowledged < 5.0:
                sent = time.perf_counter()
                # a new connection per read: with several workers, any of them may answer
                try:
                    data = httpx.post(f"{url}/v1/recommend", json=query, timeout=30).json()
                except httpx.HTTPError as exc:
                    results.error(f"writer read {type(exc).__name__}")
                    break
                data = data.get("data", [])
                mine = [c for c in data if c["profile"]["id"] == profile["id"]]
                if not mine:
                    break
                if mine[0]["profile"]["acronym"] == marker:
                    seen = sent - acknowledged
                    break
                if sent - acknowledged > 1.0:
                    break
                time.sleep(0.01)
            if seen is not None:
                results.freshness.append(max(seen, 0.0))
            elif mine:
                results.stale += 1
            else:
                results.unverified += 1
            n += 1
            stop.wait(interval)


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, value


def start_server(args: argparse.Namespace, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A throw-away server on a free loopback port with a temporary database."""
    settings = {
        "PARTNER_SEARCH_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "PARTNER_SEARCH_ENCODER": args.encoder,
        "PARTNER_SEARCH_BOOTSTRAP_KEY": BENCH_KEY,
        "PARTNER_SEARCH_INDEX_DIR": str(args.index_dir),
        **{f"PARTNER_SEARCH_{name.upper()}": value for name, value in args.set},
    }
    if args.encoder == "hash":
        # a small index of the bundled cluster profiles: the hash encoder is for tests and
        # would take long on the whole corpus
        from engine.embed import HashEncoder
        from engine.recommender import Recommender
        from engine.sources.jsonl import load_profiles

        Recommender(HashEncoder(64)).fit(load_profiles(args.profiles)).save(workdir / "index")
        settings["PARTNER_SEARCH_INDEX_DIR"] = str(workdir / "index")
    extra = ["--workers", str(args.workers)] if args.workers > 1 else []
    return serve.start_server(workdir, settings, args.startup_timeout, extra)


def run(
    args: argparse.Namespace, url: str, key: str, pid: int | None = None
) -> tuple[dict[str, Any], bool]:
    texts = queries()
    results = Results()
    stop = threading.Event()
    budget = [args.max_requests]
    threads = [
        threading.Thread(
            target=reader, args=(url, stop, budget, texts, i % len(texts), results, args.unique)
        )
        for i in range(args.clients)
    ]
    if args.writes:
        threads.append(
            threading.Thread(target=writer, args=(url, key, stop, args.write_interval, results))
        )
    # warm-up: one request per query text, not measured
    with httpx.Client(base_url=url, timeout=60) as client:
        for text in texts:
            client.post("/v1/recommend", json={"text": text, "k": 10, "explain": True})
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while time.perf_counter() - started < args.duration and budget[0] > 0:
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    report = summarise(url, args.clients, time.perf_counter() - started, results)
    if pid is not None:  # a server started here: its processes' memory after the load
        report["workers"] = args.workers
        report["rss_mb"] = serve.rss_mb(pid)
    ok = report["errors"] == 0 and results.stale == 0
    return report, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="a running server on loopback")
    target.add_argument("--start", action="store_true", help="start a throw-away server")
    parser.add_argument("--key", default=BENCH_KEY, help="curator key for the writer")
    parser.add_argument("--encoder", choices=["hash", "sentence"], default="hash")
    parser.add_argument(
        "--profiles",
        type=Path,
        default=ROOT / "data" / "profiles" / "clusters.jsonl",
        help="profiles for --start --encoder hash",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=ROOT / "models" / "index",
        help="index folder for --start --encoder sentence",
    )
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes of the server --start starts")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (at most)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="requests (at most)")
    parser.add_argument(
        "--unique",
        action="store_true",
        help="make every request text new, so that neither the embedding nor the result "
        "cache can answer (the cost of a first-time request)",
    )
    parser.add_argument("--no-writes", dest="writes", action="store_false")
    parser.add_argument("--write-interval", type=float, default=0.5)
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", type=_setting,
        help="a service setting for --start (e.g. ranking_slots=1; repeatable)",
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.duration > 600 or args.clients < 1 or args.clients > 256:
        parser.error("duration must be in (0, 600] s and clients in 1..256")

    process = None
    with tempfile.TemporaryDirectory(prefix="partner-search-bench-") as tmp:
        if args.start:
            process, url = start_server(args, Path(tmp))
        else:
            url = args.url.rstrip("/")
            if urlsplit(url).hostname not in LOOPBACK:
                parser.error("the load test only targets loopback (127.0.0.1, localhost, ::1)")
        try:
            report, ok = run(args, url, args.key, process.pid if process else None)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
    show(report, args.json)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
