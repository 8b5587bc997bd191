"""Before/after ranking comparison for behaviour-preserving refactors of the engine.

``dump`` runs a fixed, seeded set of cases (recommend with every kind of request field and
diversity setting, similar, complementary, open requests for profiles and for requests)
against the engine code of one repository checkout and writes each case's top results as
``[profile or request id, round(score, 6)]``; ``compare`` diffs two such dumps.

Run it (from /work/main, with the packaged model offline)::

    export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
    git -C /work/main worktree add /tmp/base 86fd383          # the code before the refactor
    .venv/bin/python bench/compare_rankings.py dump --code /tmp/base \\
        --out /tmp/cmp/base.json --index /tmp/cmp/base-index
    .venv/bin/python bench/compare_rankings.py dump --code /work/main \\
        --out /tmp/cmp/now.json --index /tmp/cmp/now-index
    .venv/bin/python bench/compare_rankings.py compare /tmp/cmp/base.json /tmp/cmp/now.json

``dump`` puts ``--code`` first on ``sys.path`` before importing ``engine`` (and checks that
``engine`` really came from there). With ``--index FOLDER`` an index already in FOLDER is
loaded, otherwise one is built into it from ``--data`` with that code's own CLI (``build``,
run in a subprocess with ``--code`` as working directory); without ``--index`` the index is
built into a temporary folder. Vectors of the bundled texts come from ``data/embeddings``, so
only the request texts are encoded (into a fresh temporary cache on each run).

``compare`` exits with status 1 if any case differs in its ids or by more than 1e-6 in a
score (scores are stored rounded to 6 decimals), or if the two dumps ran different cases.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path("/work/main/data")
SEED = 20240611
K = 20
K_REQUESTS = 10
TOLERANCE = 1e-6
#: Extra slack so that two values each rounded to 6 decimals that differ by exactly one unit
#: in the last place do not fail on float representation alone.
SLACK = 1e-9

COUNTRY_NAMES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain",
    "FI": "Finland", "FR": "France", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "NL": "Netherlands", "NO": "Norway", "PL": "Poland", "PT": "Portugal", "RO": "Romania",
    "SE": "Sweden", "SI": "Slovenia", "SK": "Slovakia", "UK": "United Kingdom",
    "CH": "Switzerland", "IS": "Iceland", "TR": "Turkey", "IL": "Israel", "UA": "Ukraine",
}
KINDS = ("cluster", "company", "research", "university", "public", "other")
ECOSYSTEMS = (
    "aerospace_defence", "agri_food", "construction", "cultural_creative", "digital",
    "electronics", "energy_intensive", "renewables", "health", "mobility", "proximity",
    "retail", "textiles", "tourism",
)
TOPICS = (
    "hydrogen refuelling for heavy-duty trucks",
    "smart wound dressings with printed biosensors",
    "circular recycling of post-consumer textiles",
    "precision agriculture with drones and soil sensors",
    "digital twins for energy-efficient buildings",
    "battery second life for stationary storage",
    "AI-based early detection of sepsis in hospitals",
    "sustainable tourism in rural mountain regions",
    "low-carbon cement and concrete",
    "cybersecurity for small manufacturing companies",
    "offshore wind maintenance robotics",
    "plant-based protein food processing",
    "semiconductor packaging and chip design skills",
    "urban air mobility and drone logistics",
    "creative industries and immersive virtual reality heritage",
)


# --------------------------------------------------------------------------------------
# dump
# --------------------------------------------------------------------------------------


def _use_code(code: Path) -> None:
    """Put ``code`` first on sys.path and check that ``engine`` is imported from it."""
    if "engine" in sys.modules:
        raise SystemExit("engine was imported before --code was chosen")
    sys.path.insert(0, str(code))
    import engine

    origin = Path(engine.__file__).resolve()
    if not origin.is_relative_to(code.resolve()):
        raise SystemExit(f"engine was imported from {origin}, not from {code}")


def _build_index(code: Path, data: Path, folder: Path, fusion: Path | None) -> float:
    """Build ``folder`` with the CLI of ``code`` (a subprocess, working directory ``code``)."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cmp-build-cache-") as cache:
        argv = ["build", "--data", str(data), "--out", str(folder), "--cache", cache]
        argv += ["--fusion", str(fusion) if fusion else str(Path(cache) / "no-fusion.json")]
        script = (
            "import sys; sys.path.insert(0, sys.argv[1]); import engine, pathlib; "
            "assert pathlib.Path(engine.__file__).resolve().is_relative_to("
            "pathlib.Path(sys.argv[1]).resolve()), engine.__file__; "
            "from engine.cli import main; sys.exit(main(sys.argv[2:]))"
        )
        command = [sys.executable, "-c", script, str(code), *argv]
        print("build:", " ".join(command), file=sys.stderr)
        subprocess.run(command, cwd=code, check=True)
    return time.perf_counter() - started


def _diversity_class() -> type:
    try:
        from engine.rank import Diversity
    except ImportError:
        from engine.diversity import Diversity  # type: ignore[no-redef]
    return Diversity


def _encoder_factory() -> Callable[..., Any]:
    """``cached_sentence_encoder``: in engine.embed before the refactor, possibly moved."""
    try:
        from engine.embed import cached_sentence_encoder
    except ImportError:
        from engine.cached_encoder import (  # type: ignore[no-redef]
            cached_sentence_encoder,
        )
    return cached_sentence_encoder


def _projects(data: Path) -> list[dict[str, str]]:
    with gzip.open(data / "cordis/projects.csv.gz", "rt", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if len(r.get("objective") or "") > 200]
    return sorted(rows, key=lambda r: r["project_id"])


def _participants(data: Path) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    path = data / "cordis/participants.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["org_pic"] not in members[row["project_id"]]:
                members[row["project_id"]].append(row["org_pic"])
    return members


def _snippet(text: str, limit: int = 600) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


class Cases:
    """The seeded case list: (label, kind, spec); spec holds only plain JSON values."""

    def __init__(self, rec: Any, data: Path, seed: int = SEED):
        self.rng = random.Random(seed)
        profiles = sorted(rec.profiles(), key=lambda p: p.id)
        self.profiles = profiles
        self.ids = {p.id for p in profiles}
        self.by_id = {p.id: p for p in profiles}
        self.many = [p.id for p in sorted(profiles, key=lambda p: (-len(p.activities), p.id))
                     [:300]]
        self.few = [p.id for p in profiles if 1 <= len(p.activities) <= 2]
        self.demo = [p.id for p in profiles if p.id.startswith("demo-")]
        self.with_city = [p.id for p in profiles if p.city and p.country and 3 <= len(
            p.activities)]
        self.with_eco = [p.id for p in profiles if p.ecosystems and len(p.activities) >= 3]
        self.countries = sorted({p.country for p in profiles if p.country in COUNTRY_NAMES})
        members = _participants(data)
        projects = _projects(data)
        picked = self.rng.sample(projects, 80)
        self.project_texts = [
            (r["project_id"], _snippet(f"{r['title']}. {r['objective']}"),
             [m for m in members.get(r["project_id"], []) if m in self.ids])
            for r in picked
        ]
        bundled = data / "requests/requests.jsonl"
        self.bundled = [json.loads(line) for line in bundled.read_text("utf-8").splitlines()
                        if line.strip()]
        self.cases: list[tuple[str, str, dict[str, Any]]] = []

    def pick(self, pool: Sequence[str], n: int = 1) -> list[str]:
        return self.rng.sample(list(pool), n)

    def text(self, i: int) -> str:
        return self.project_texts[i % len(self.project_texts)][1]

    def add(self, label: str, kind: str, **spec: Any) -> None:
        taken = {case[0] for case in self.cases}
        unique, n = label, 1
        while unique in taken:
            n += 1
            unique = f"{label}#{n}"
        self.cases.append((unique, kind, spec))

    def build(self) -> list[tuple[str, str, dict[str, Any]]]:
        rng = self.rng
        pt = self.project_texts
        # plain texts: project objectives and the bundled request texts, and short topics
        for i in range(40):
            self.add(f"text/cordis/{pt[i][0]}", "recommend", request={"text": pt[i][1]})
        for r in self.bundled:
            self.add(f"text/bundled/{r['id']}", "recommend", request={"text": r["text"]})
        for i, topic in enumerate(TOPICS):
            self.add(f"text/topic/{i}", "recommend",
                     request={"text": f"We seek partners for {topic}."})
        # the bundled requests with all their fields
        for r in self.bundled:
            spec = {k: v for k, v in r.items() if k != "id"}
            self.add(f"bundled-full/{r['id']}", "recommend", request=spec)
        # requesters with many and with few activities
        for i, pid in enumerate(self.pick(self.many, 15)):
            self.add(f"requester/many/{pid}", "recommend",
                     request={"text": self.text(i + 3), "requester_id": pid})
        for i, pid in enumerate(self.pick(self.few, 15)):
            self.add(f"requester/few/{pid}", "recommend",
                     request={"text": self.text(i + 7), "requester_id": pid})
        for pid in self.demo[:6]:
            self.add(f"requester/demo/{pid}", "recommend",
                     request={"text": TOPICS[rng.randrange(len(TOPICS))], "requester_id": pid})
        # positive / negative examples: participants of the project the text comes from
        with_members = [t for t in pt if len(t[2]) >= 3]
        for proj, text, members in with_members[:15]:
            self.add(f"positive/{proj}", "recommend",
                     request={"text": text, "positive_ids": members[:2]})
        for proj, text, _ in with_members[15:25]:
            negative = self.pick(self.many, 2)
            self.add(f"negative/{proj}", "recommend",
                     request={"text": text, "negative_ids": negative})
        for proj, text, members in with_members[25:31]:
            self.add(f"positive+negative/{proj}", "recommend",
                     request={"text": text, "positive_ids": members[:1],
                              "negative_ids": members[1:2] + self.pick(self.few, 1),
                              "requester_id": members[2]})
        # country filters
        for i in range(10):
            countries = sorted(rng.sample(self.countries, rng.choice((1, 1, 2))))
            self.add(f"countries/{'+'.join(countries)}", "recommend",
                     request={"text": self.text(i + 11), "countries": countries})
        for i in range(10):
            excluded = sorted(rng.sample(self.countries, rng.choice((1, 2, 3))))
            self.add(f"exclude/{'+'.join(excluded)}", "recommend",
                     request={"text": self.text(i + 13), "exclude_countries": excluded})
        # kind filters
        for i in range(12):
            kinds = sorted(rng.sample(KINDS, 1 if i < 6 else 2))
            if i < 6:
                kinds = [KINDS[i]]
            self.add(f"kinds/{'+'.join(kinds)}", "recommend",
                     request={"text": self.text(i + 17), "kinds": kinds})
        # ecosystems: filter and preference
        for i in range(10):
            ecos = sorted(rng.sample(ECOSYSTEMS, rng.choice((1, 2))))
            self.add(f"ecosystem-filter/{'+'.join(ecos)}", "recommend",
                     request={"text": self.text(i + 19), "ecosystems": ecos,
                              "ecosystem_filter": True})
        for i in range(10):
            ecos = sorted(rng.sample(ECOSYSTEMS, rng.choice((1, 2))))
            self.add(f"ecosystem-pref/{'+'.join(ecos)}", "recommend",
                     request={"text": self.text(i + 23), "ecosystems": ecos})
        # SMEs only
        for i in range(8):
            self.add(f"sme-only/{i}", "recommend",
                     request={"text": self.text(i + 29), "sme_only": True})
        # cross-border preference, with a requester (it needs the requester's country)
        for i, value in enumerate((1.0, -1.0, 0.5, -0.5, 1.0, -1.0, 0.3, 0.8, -0.8, 1.0)):
            pid = self.pick(self.many if i % 2 else self.with_city, 1)[0]
            self.add(f"cross-border/{value}/{pid}", "recommend",
                     request={"text": self.text(i + 31), "requester_id": pid,
                              "cross_border": value})
        # diversity
        settings = [{"mmr_lambda": 0.7}, {"max_per_country": 2}, {"max_per_kind": 4},
                    {"mmr_lambda": 0.7, "max_per_country": 2, "max_per_kind": 4}]
        for s, setting in enumerate(settings):
            name = "+".join(f"{k}={v}" for k, v in setting.items())
            for i in range(8 if s < 3 else 4):
                self.add(f"diversity/{name}/{i}", "recommend",
                         request={"text": self.text(i * 3 + s)}, diversity=setting)
        # texts that name organisations, cities and countries
        for i, pid in enumerate(self.pick(self.with_city, 8)):
            p = self.by_id[pid]
            topic = TOPICS[i % len(TOPICS)]
            self.add(f"named/organisation/{pid}", "recommend", request={
                "text": f"We want to work with {p.name} or similar organisations on {topic}."})
        for i, pid in enumerate(self.pick(self.with_city, 8)):
            p = self.by_id[pid]
            topic = TOPICS[(i + 5) % len(TOPICS)]
            self.add(f"named/city/{p.city}", "recommend", request={
                "text": f"Partners located in {p.city.title()} for {topic}."})
        for i in range(8):
            cc = rng.sample(self.countries, 2)
            topic = TOPICS[(i + 9) % len(TOPICS)]
            self.add(f"named/countries/{'+'.join(cc)}", "recommend", request={
                "text": f"A cluster or company from {COUNTRY_NAMES[cc[0]]} or "
                        f"{COUNTRY_NAMES[cc[1]]} for {topic}."})
        # combinations of fields
        for i in range(10):
            spec: dict[str, Any] = {"text": self.text(i + 37),
                                    "requester_id": self.pick(self.many, 1)[0],
                                    "kinds": sorted(rng.sample(KINDS, 2)),
                                    "exclude_countries": [rng.choice(self.countries)],
                                    "ecosystems": [rng.choice(ECOSYSTEMS)],
                                    "cross_border": 0.5}
            if i % 2:
                spec["sme_only"] = True
            if i % 3 == 0:
                spec["positive_ids"] = self.pick(self.with_eco, 1)
            self.add(f"combined/{i}", "recommend", request=spec,
                     diversity={"mmr_lambda": 0.7} if i % 4 == 0 else None)
        # similar and complementary
        for pid in self.pick(self.many, 12) + self.pick(self.few, 4) + self.demo[:4]:
            self.add(f"similar/{pid}", "similar", profile_id=pid)
        for pid in self.pick(self.with_eco, 16) + self.demo[4:8]:
            self.add(f"complementary/{pid}", "complementary", profile_id=pid)
        # open requests: 8 bundled + 22 from project texts, then both directions
        open_requests: list[tuple[str, dict[str, Any]]] = [
            (r["id"], {k: v for k, v in r.items() if k != "id"}) for r in self.bundled
        ]
        for i, (proj, text, members) in enumerate(pt[58:80]):
            spec = {"text": text}
            if members and i % 3 != 2:
                spec["requester_id"] = members[0]
            if i % 5 == 1:
                spec["countries"] = [rng.choice(self.countries)]
            if i % 5 == 3:
                spec["kinds"] = [rng.choice(KINDS)]
            if i % 7 == 4:
                spec["sme_only"] = True
            open_requests.append((f"cmp-request-{i:02d}-{proj}", spec))
        self.add("add-requests", "add_requests", requests=[list(r) for r in open_requests])
        requesters = [r["requester_id"] for _, r in open_requests[8:] if "requester_id" in r]
        responders = self.demo[:6] + requesters[:6]
        responders += self.pick(self.many, 8)
        for pid in responders[:20]:
            self.add(f"requests-for-profile/{pid}", "requests_for_profile", profile_id=pid)
        queries: list[dict[str, Any]] = [
            {k: v for k, v in r.items() if k != "id"} for r in self.bundled[:5]
        ]
        for i in range(5):
            queries.append({"text": self.text(i + 45), "requester_id": self.pick(self.many, 1)[0]})
        for i in range(5):
            queries.append({"text": TOPICS[i * 2]})
        for i, spec in enumerate(queries):
            self.add(f"requests-for-request/{i}", "requests_for_request", request=spec)
        return self.cases


def _run_case(rec: Any, kind: str, spec: dict[str, Any], diversity: type) -> dict[str, Any]:
    from engine.profiles import PartnerRequest

    def ranked(matches: Sequence[Any]) -> dict[str, Any]:
        return {
            "items": [[getattr(m, "profile_id", None) or m.profile.id, round(float(m.score), 6)]
                      for m in matches],
            "ranks": [int(m.rank) for m in matches],
        }

    def requests(matches: Sequence[Any]) -> dict[str, Any]:
        return {
            "items": [[m.request_id, round(float(m.score), 6)] for m in matches],
            "reciprocal": [None if m.reciprocal is None else round(float(m.reciprocal), 6)
                           for m in matches],
        }

    if kind == "recommend":
        setting = spec.get("diversity")
        return ranked(rec.recommend(
            PartnerRequest.from_dict(spec["request"]), k=K, explain=False,
            diversity=diversity(**setting) if setting else None,
        ))
    if kind == "similar":
        return ranked(rec.similar(spec["profile_id"], k=K))
    if kind == "complementary":
        return ranked(rec.complementary(spec["profile_id"], k=K))
    if kind == "add_requests":
        items = [(rid, PartnerRequest.from_dict(r), None) for rid, r in spec["requests"]]
        rec.add_requests(items)
        return {"items": [[rid, 0.0] for rid, _ in spec["requests"]]}
    if kind == "requests_for_profile":
        return requests(rec.requests_for_profile(spec["profile_id"], k=K_REQUESTS))
    if kind == "requests_for_request":
        return requests(rec.requests_for_request(
            PartnerRequest.from_dict(spec["request"]), k=K_REQUESTS))
    raise ValueError(f"unknown case kind {kind!r}")


def cmd_dump(args: argparse.Namespace) -> int:
    code = args.code.resolve()
    _use_code(code)
    timings: dict[str, float] = {}
    temp_index = None
    folder = args.index
    if folder is None:
        temp_index = Path(tempfile.mkdtemp(prefix="cmp-index-"))
        folder = temp_index / "index"
    folder = folder.resolve()
    fusion = args.fusion if args.fusion is not None else code / "models/fusion.json"
    built = False
    if not (folder / "profiles.jsonl").is_file():
        timings["build_s"] = round(_build_index(
            code, args.data.resolve(), folder, fusion if fusion.is_file() else None), 1)
        built = True

    from engine.recommender import Recommender

    diversity = _diversity_class()
    cache = Path(tempfile.mkdtemp(prefix="cmp-cache-"))
    try:
        started = time.perf_counter()
        encoder = _encoder_factory()(
            cache_dir=cache, seed_dirs=[str(args.data.resolve() / "embeddings")])
        rec = Recommender.load(folder, encoder)
        timings["load_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        cases = Cases(rec, args.data.resolve(), args.seed).build()
        timings["cases_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        results = []
        for label, kind, spec in cases:
            record: dict[str, Any] = {"label": label, "kind": kind, "spec": spec}
            try:
                record.update(_run_case(rec, kind, spec, diversity))
            except Exception as exc:  # recorded, so that compare shows it
                record["error"] = f"{type(exc).__name__}: {exc}"
            results.append(record)
        timings["run_s"] = round(time.perf_counter() - started, 1)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if temp_index is not None:
            shutil.rmtree(temp_index, ignore_errors=True)
    kinds = Counter(r["kind"] for r in results)
    groups = Counter(r["label"].split("/")[0] for r in results)
    dump = {
        "code": str(code),
        "commit": _commit(code),
        "index": None if temp_index else str(folder),
        "index_built": built,
        "profiles": sum(1 for _ in rec.profiles()),
        "seed": args.seed,
        "timings": timings,
        "n_cases": len(results),
        "by_kind": dict(sorted(kinds.items())),
        "by_group": dict(sorted(groups.items())),
        "errors": sum("error" in r for r in results),
        "cases": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(dump, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(results)} cases ({dump['errors']} errors) from {code} -> {args.out}; "
          f"timings {timings}")
    print("by kind:", dict(sorted(kinds.items())))
    print("by group:", dict(sorted(groups.items())))
    return 0


def _commit(code: Path) -> str | None:
    """``code``'s commit. Not engine.provenance.git_commit: ``engine`` is imported from
    ``code``, which may be an older checkout without that module."""
    try:
        out = subprocess.run(["git", "-C", str(code), "rev-parse", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(code), "status", "--porcelain", "engine"],
                               check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out + (" (engine/ modified)" if dirty else "")


# --------------------------------------------------------------------------------------
# compare
# --------------------------------------------------------------------------------------


def _score_diff(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, bool]:
    """The largest score (and reciprocal score) difference between two cases with the same
    ids, and whether a reciprocal score is present in one case and missing in the other."""
    diff = 0.0
    for (_, sa), (_, sb) in zip(a.get("items", []), b.get("items", []), strict=False):
        diff = max(diff, abs(sa - sb))
    presence = False
    for ra, rb in zip(a.get("reciprocal", []), b.get("reciprocal", []), strict=False):
        if (ra is None) != (rb is None):
            presence = True
        elif ra is not None and rb is not None:
            diff = max(diff, abs(ra - rb))
    return diff, presence


def _details(a: dict[str, Any], b: dict[str, Any]) -> str:
    if "error" in a or "error" in b:
        return f"    A error: {a.get('error')}\n    B error: {b.get('error')}"
    ids_a = [i for i, _ in a["items"]]
    ids_b = [i for i, _ in b["items"]]
    lines = [f"    spec: {json.dumps(a['spec'], ensure_ascii=False)[:300]}"]
    first = next((n for n, (x, y) in enumerate(zip(ids_a, ids_b, strict=False)) if x != y),
                 min(len(ids_a), len(ids_b)))
    if ids_a != ids_b:
        lines.append(f"    ids differ from rank {first + 1}; lengths {len(ids_a)} vs {len(ids_b)};"
                     f" only in A: {sorted(set(ids_a) - set(ids_b))[:8]}, only in B:"
                     f" {sorted(set(ids_b) - set(ids_a))[:8]}")
    for n in range(max(len(ids_a), len(ids_b))):
        ia = a["items"][n] if n < len(ids_a) else None
        ib = b["items"][n] if n < len(ids_b) else None
        if ia != ib:
            lines.append(f"    #{n + 1:<3} A {ia}   B {ib}")
        if len(lines) > 12:
            lines.append("    ...")
            break
    if a.get("reciprocal") != b.get("reciprocal"):
        lines.append(f"    reciprocal A {a.get('reciprocal')}")
        lines.append(f"    reciprocal B {b.get('reciprocal')}")
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    a = json.loads(args.a.read_text("utf-8"))
    b = json.loads(args.b.read_text("utf-8"))
    print(f"A: {args.a} (code {a.get('code')}, commit {a.get('commit')}, {a['n_cases']} cases)")
    print(f"B: {args.b} (code {b.get('code')}, commit {b.get('commit')}, {b['n_cases']} cases)")
    cases_a = {c["label"]: c for c in a["cases"]}
    cases_b = {c["label"]: c for c in b["cases"]}
    failed = False
    if len(cases_a) != len(a["cases"]) or len(cases_b) != len(b["cases"]):
        print("warning: duplicate case labels in a dump")
        failed = True
    only_a = [label for label in cases_a if label not in cases_b]
    only_b = [label for label in cases_b if label not in cases_a]
    if only_a or only_b:
        failed = True
        print(f"cases only in A: {len(only_a)} {only_a[:10]}")
        print(f"cases only in B: {len(only_b)} {only_b[:10]}")
    common = [label for label in cases_a if label in cases_b]
    same_ids = 0
    max_diff = 0.0
    differing: list[tuple[str, str]] = []
    for label in common:
        ca, cb = cases_a[label], cases_b[label]
        reasons = []
        if ca["spec"] != cb["spec"]:
            reasons.append("different request spec")
        if "error" in ca or "error" in cb:
            reasons.append("error")
        else:
            ids_equal = [i for i, _ in ca["items"]] == [i for i, _ in cb["items"]]
            if ids_equal:
                same_ids += 1
                diff, presence = _score_diff(ca, cb)
                max_diff = max(max_diff, diff)
                if diff > TOLERANCE + SLACK:
                    reasons.append(f"score diff {diff:.3g}")
                if presence:
                    reasons.append("reciprocal score present in one only")
            else:
                reasons.append("ids differ")
        if reasons:
            differing.append((label, ", ".join(reasons)))
    print(f"cases compared: {len(common)}")
    print(f"identical ids: {same_ids}/{len(common)}")
    print(f"max |score difference| (cases with identical ids): {max_diff:.3g}")
    print(f"differing cases: {len(differing)}")
    for n, (label, why) in enumerate(differing):
        print(f"  {label}: {why}")
        if n < 10:
            print(_details(cases_a[label], cases_b[label]))
    failed = failed or bool(differing)
    print("RESULT:", "DIFFERENT" if failed else "IDENTICAL")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dump = sub.add_parser("dump", help="run the cases with the engine code of --code")
    dump.add_argument("--code", type=Path, required=True, help="repository checkout to import")
    dump.add_argument("--out", type=Path, required=True, help="JSON file to write")
    dump.add_argument("--index", type=Path, default=None,
                      help="index folder: loaded if present, else built into it")
    dump.add_argument("--data", type=Path, default=DEFAULT_DATA, help="bundled data folder")
    dump.add_argument("--fusion", type=Path, default=None,
                      help="fusion.json for the build (default: CODE/models/fusion.json)")
    dump.add_argument("--seed", type=int, default=SEED)
    dump.set_defaults(func=cmd_dump)
    compare = sub.add_parser("compare", help="diff two dumps; exit 1 if they differ")
    compare.add_argument("a", type=Path)
    compare.add_argument("b", type=Path)
    compare.set_defaults(func=cmd_compare)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
