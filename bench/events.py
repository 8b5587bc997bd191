"""Meeting quality on matchmaking events simulated on CORDIS (engine/event_sim.py).

    python bench/events.py --split validation --offer-weight 0 0.5 1   # tune here
    python bench/events.py --split test --json docs/metrics/events_test.json   # once per idea

validation: profiles before 2023-07-01, events of the projects starting 2023-07-01..2023-12-31;
test: profiles before 2024-01-01, events of the projects starting in 2024 (the dev window).
Fusion weights are learned from the window before each cut-off (as `partner-search
evaluate`), never from the events. Prints, per method, the share of good meetings and the
participants meeting at least one future partner (mean over events, standard error across
events) and the paired difference of the reciprocal method to each baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SPLITS = {
    "validation": (date(2023, 7, 1), date(2024, 1, 1)),
    "test": (date(2024, 1, 1), date(2025, 1, 1)),
}
METHODS = ("reciprocal", "one_directional", "random", "keyword_fcfs")


def mean_se(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(var / n)


def write_events(events: list, path: Path) -> None:
    """The simulated events as JSON lines: what each participant seeks, offers and when it
    is available, and the pairs that really work together after the cut-off."""
    import gzip

    with gzip.open(path, "wt", encoding="utf-8") as f:
        for e in events:
            f.write(json.dumps({
                "ecosystem": e.ecosystem, "slots": e.slots, "tables": e.tables,
                "max_meetings": e.max_meetings,
                "participants": [{"id": a.id, "seek": a.seek, "offer": a.offer,
                                  "available": sorted(a.available)} for a in e.attendees],
                "future_pairs": sorted(sorted(p) for p in e.partners)},
                ensure_ascii=False) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=sorted(SPLITS), default="validation")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, default=ROOT / "models" / "cache")
    parser.add_argument("--offer-weight", type=float, nargs="+", default=None)
    parser.add_argument("--floors", type=float, nargs="*", default=[],
                        help="also the reciprocal method without pairs worth less than each")
    parser.add_argument("--max-events", type=int, default=None)
    parser.add_argument("--fusion-cache", type=Path, default=None,
                        help="reuse (or write) the fusion weights learned for the split")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--write-events", type=Path, default=None,
                        help="also write the events made (JSON lines, gzip) for inspection")
    args = parser.parse_args()

    from engine.cached_encoder import cached_multilingual_encoder, cached_sentence_encoder
    from engine.event_match import OFFER_WEIGHT
    from engine.event_sim import EventScore, build_events, future_projects, run_event
    from engine.fusion import FusionModel
    from engine.recommender import Recommender
    from engine.sources.cordis import load_cordis
    from engine.sources.h2020 import load_h2020
    from engine.taxonomy import ecosystems_in_text
    from engine.train import train_fusion

    started = time.perf_counter()
    cutoff, end = SPLITS[args.split]
    cordis = args.data / "cordis"
    projects_path, participants_path = cordis / "projects.csv.gz", cordis / "participants.csv.gz"
    h2020_path = args.data / "h2020" / "h2020.csv.gz"
    seeds = [ROOT / "data" / "embeddings"]
    encoder = cached_sentence_encoder(None, args.cache, seed_dirs=seeds)
    multilingual = cached_multilingual_encoder(args.cache, seed_dirs=seeds)
    if args.fusion_cache is not None and args.fusion_cache.is_file():
        fusion = FusionModel.load(args.fusion_cache)
    else:
        fusion, _ = train_fusion(projects_path, participants_path, h2020_path, cutoff,
                                 Recommender(encoder, multilingual=multilingual), progress=True)
        if args.fusion_cache is not None:
            fusion.save(args.fusion_cache)
    profiles = load_cordis(projects_path, participants_path, cutoff=cutoff)
    rec = Recommender(encoder, multilingual=multilingual).fit(
        profiles, history=load_h2020(h2020_path, cutoff=cutoff), progress=True)
    rec.fusion = fusion
    projects, members = future_projects(projects_path, participants_path, cutoff, end)

    def ecosystem_of(row: dict[str, str]) -> set[str]:
        return ecosystems_in_text(" | ".join(row.get(n) or "" for n in (
            "euroscivoc", "topic_title", "topic_keywords", "keywords")))

    events = build_events(rec, projects, members, ecosystem_of)[:args.max_events]
    if args.write_events:
        write_events(events, args.write_events)
    print(f"{args.split}: {len(events)} events, profiles before {cutoff}, "
          f"{sum(len(e.attendees) for e in events)} participants", file=sys.stderr)
    report: dict[str, object] = {"split": args.split, "cutoff": cutoff.isoformat(),
                                 "events": [], "methods": {}}
    weights = args.offer_weight or [OFFER_WEIGHT]
    per_weight: dict[float, list[dict[str, EventScore]]] = {w: [] for w in weights}
    for event in events:
        t = time.perf_counter()
        scored = run_event(rec, event, offer_weights=weights, floors=args.floors)
        for weight, scores in scored.items():
            per_weight[weight].append(scores)
            print(f"  w={weight} {event.ecosystem}: {len(event.attendees)} participants, "
                  f"{len(event.partners)} future pairs, " + ", ".join(
                      f"{m} {s.good}/{s.meetings} ({s.participants_with_good})"
                      for m, s in scores.items()), file=sys.stderr)
        print(f"  {time.perf_counter() - t:.0f} s", file=sys.stderr)
    for weight, rows in per_weight.items():
        table = {}
        for method in (*METHODS, *(f"reciprocal@{f:g}" for f in args.floors)):
            share = mean_se([r[method].share_good for r in rows])
            met = mean_se([r[method].participants_with_good / r[method].participants
                           for r in rows])
            diff = mean_se([r["reciprocal"].share_good - r[method].share_good for r in rows])
            diff_met = mean_se([(r["reciprocal"].participants_with_good
                                 - r[method].participants_with_good) / r[method].participants
                                for r in rows])
            table[method] = {"share_good": share, "met_partner_share": met,
                             "meetings": sum(r[method].meetings for r in rows),
                             "good": sum(r[method].good for r in rows),
                             "met_partner": sum(r[method].participants_with_good for r in rows),
                             "reciprocal_minus_this": diff, "reciprocal_minus_this_met": diff_met}
            print(f"w={weight} {method:16s} good {share[0]:.3f} ± {share[1]:.3f}  "
                  f"met≥1 {met[0]:.3f} ± {met[1]:.3f}  "
                  f"(reciprocal − this: {diff[0]:+.3f} ± {diff[1]:.3f}; "
                  f"{diff_met[0]:+.3f} ± {diff_met[1]:.3f})")
        report["methods"][str(weight)] = table  # type: ignore[index]
    report["events"] = [{"ecosystem": e.ecosystem, "participants": len(e.attendees),
                         "future_pairs": len(e.partners), "tables": e.tables,
                         "slots": e.slots} for e in events]
    report["seconds"] = round(time.perf_counter() - started)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
