"""A ranked list on the terminal: one row per match with each signal's contribution, or JSON."""

from __future__ import annotations

import json

from engine.match import Match


def print_matches(matches: list[Match], as_json: bool) -> None:
    if as_json:
        print(json.dumps([
            {"rank": m.rank, "id": m.profile_id, "name": m.profile.name, "score": m.score,
             "baseline": m.baseline, "signals": m.signals, "contributions": m.contributions}
            for m in matches
        ], indent=2, ensure_ascii=False))
        return
    if not matches:
        print("no candidates pass these filters")
        return
    signals = list(matches[0].contributions)
    header = f"{'#':>3}  {'score':>6}  {'kind':<10} {'cc':<2}  {'name':<48} " + " ".join(
        f"{s[:8]:>8}" for s in signals
    )
    print(header)
    print("-" * len(header))
    for m in matches:
        name = m.profile.name if len(m.profile.name) <= 48 else m.profile.name[:45] + "..."
        parts = " ".join(f"{m.contributions[s]:>8.3f}" for s in signals)
        print(
            f"{m.rank:>3}  {m.score:>6.3f}  {m.profile.kind.value:<10} {m.profile.country:<2}  "
            f"{name:<48} {parts}"
        )
    print("\ncolumns after the name: each signal's contribution to the score")
