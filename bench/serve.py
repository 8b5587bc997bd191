"""Start ``partner-search serve`` for a benchmark: a free loopback port, offline model,
rate limits off, the index never saved on shutdown, then wait until ``/ready``. Shared by
``load.py`` and ``ui_timings.py``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def start_server(
    workdir: Path, settings: dict[str, str], timeout: float, args: Sequence[str] = (), *,
    checkout: Path | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """A server process with ``settings`` (PARTNER_SEARCH_* variables) on top of the
    bench defaults and ``args`` for ``serve`` (``--workers 2``); its log goes to
    ``workdir/server.log``. ``checkout``: run that checkout's code (another commit's
    worktree) instead of the installed one. Exits if it never gets ready."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    workers = int(args[list(args).index("--workers") + 1]) if "--workers" in args else 1
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNER_SEARCH_")}
    env.update(
        {
            "PARTNER_SEARCH_DATA_DIR": str(ROOT / "data"),
            "PARTNER_SEARCH_CACHE_DIR": str(ROOT / "models" / "cache"),
            "PARTNER_SEARCH_RATE_LIMIT_ENABLED": "false",
            # a benchmark's writes must not end up in the shared index folder
            "PARTNER_SEARCH_SAVE_INDEX_ON_SHUTDOWN": "false",
            # uvicorn logs each worker's start (once its index is loaded) at info
            "PARTNER_SEARCH_LOG_LEVEL": "warning" if workers == 1 else "info",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            **settings,
        }
    )
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         *args],
        cwd=checkout or workdir,  # ``-m`` imports from the working directory first
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    print(f"starting the server on {url} ...", file=sys.stderr)
    # with --workers N a worker accepts connections once its index is loaded: one ready
    # answer says one is; all are when each has logged its start
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            ok = httpx.get(f"{url}/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            ok = False
        started = (workdir / "server.log").read_text(errors="replace").count(
            "Application startup complete")
        if ok and (workers == 1 or started >= workers):
            return process, url
        time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"the server did not become ready; see {workdir / 'server.log'}")


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory (MiB) of process ``pid`` and of its children (with ``serve --workers
    N``: uvicorn's supervisor, multiprocessing's resource tracker, then each worker), by
    ``role:pid``, from ``/proc`` (Linux; empty elsewhere)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return {}
    sizes = {}
    for one in pids:
        try:
            status = Path(f"/proc/{one}/status").read_text()
            command = Path(f"/proc/{one}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        role = ("server" if one == pid else "tracker" if "resource_tracker" in command
                else "worker")
        kb = next((int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:")), 0)
        sizes[f"{role}:{one}"] = round(kb / 1024, 1)
    return sizes
