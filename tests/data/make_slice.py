"""Make the small committed slice of the real CORDIS data used by the integration tier.

Picks 30 dev queries (seeded) whose requester and partners have few past projects, and keeps
the query projects plus every pre-cut-off project of those organisations, with all their
participants. Run from the repository root: ``python tests/data/make_slice.py``.
"""

from __future__ import annotations

import csv
import gzip
import random
from collections import defaultdict
from pathlib import Path

SOURCE = Path("data/cordis")
TARGET = Path("tests/data/slice")
CUTOFF = "2024-01-01"
N_QUERIES = 30
MAX_PROJECTS_PER_ORG = 12


def main() -> None:
    csv.field_size_limit(1 << 30)
    with gzip.open(SOURCE / "participants.csv.gz", "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        participant_fields = reader.fieldnames
        participants = list(reader)
    with gzip.open(SOURCE / "projects.csv.gz", "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        project_fields = reader.fieldnames
        projects = {row["project_id"]: row for row in reader}
    history: dict[str, list[str]] = defaultdict(list)
    for row in participants:
        if projects[row["project_id"]]["start_date"] < CUTOFF:
            history[row["org_pic"]].append(row["project_id"])
    with open(SOURCE / "dev_queries.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        query_fields = reader.fieldnames
        queries = list(reader)

    def small(query: dict[str, str]) -> bool:
        orgs = [query["requester_pic"], *query["relevant_pics"].split("|")]
        return all(len(set(history[o])) <= MAX_PROJECTS_PER_ORG for o in orgs)

    chosen = random.Random(7).sample([q for q in queries if small(q)], N_QUERIES)
    keep = {q["query_id"] for q in chosen}
    for q in chosen:
        for org in [q["requester_pic"], *q["relevant_pics"].split("|")]:
            keep.update(history[org])
    TARGET.mkdir(parents=True, exist_ok=True)
    with gzip.open(TARGET / "projects.csv.gz", "wt", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, project_fields)
        writer.writeheader()
        writer.writerows(row for pid, row in projects.items() if pid in keep)
    with gzip.open(TARGET / "participants.csv.gz", "wt", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, participant_fields)
        writer.writeheader()
        writer.writerows(row for row in participants if row["project_id"] in keep)
    with open(TARGET / "dev_queries.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, query_fields)
        writer.writeheader()
        writer.writerows(chosen)
    print(f"{len(keep)} projects, {len(chosen)} queries -> {TARGET}")


if __name__ == "__main__":
    main()
