"""The cross-lingual development set (``data/crosslingual/``, see its README): self-described
profiles in many languages, most without project history, and one partner request per topic
written in eleven languages. It measures what the CORDIS benchmark cannot: whether a request
finds the right profiles whatever the language of either, and whether a profile without
history is found for its own topic."""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.columns import profile_language
from engine.corpus import multilingual_texts
from engine.embed import Encoder
from engine.errors import ValidationError
from engine.match import Match
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender
from engine.sources.jsonl import load_profiles

#: Ranks beyond this count as not found (reciprocal rank 0).
DEPTH = 100
#: A short request is its first sentences up to at least this many characters.
SHORT_MIN = 60


@dataclass(frozen=True)
class CrossQuery:
    """One request of the set: its topic, language, split and the profiles to find."""

    id: str
    topic: str
    lang: str
    split: str
    text: str
    relevant: frozenset[str]


def load_crosslingual(folder: Path) -> tuple[list[Profile], list[CrossQuery]]:
    """The set's profiles and requests; a malformed line names its file, line and field."""
    profiles = load_profiles(folder / "profiles.jsonl")
    known = {p.id for p in profiles}
    path = folder / "requests.jsonl"
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            query = CrossQuery(str(row["id"]), str(row["topic"]), str(row["lang"]),
                               str(row["split"]), str(row["text"]),
                               frozenset(str(r) for r in row["relevant"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"{path}:{number}: {exc}", field="requests") from None
        unknown = sorted(query.relevant - known)
        if unknown:
            raise ValidationError(f"{path}:{number}: relevant ids {unknown} are not profiles "
                                  "of the set", field="relevant")
        queries.append(query)
    return profiles, queries


def language_shift(encoder: Encoder, profiles: Sequence[Profile],
                   queries: Sequence[CrossQuery], split: str = "tune") -> float:
    """How much higher the multilingual model scores a profile against a request in the
    profile's own language than against the same request in another language: the mean of
    ``cos(request in L, p) - cos(same request in L', p)`` over the ``split``'s topics, the
    profiles written in a language L the requests are written in, and every other request
    language L'. Parallel texts, no relevance labels (:mod:`engine.bridge`)."""
    chosen = [q for q in queries if q.split == split]
    if not chosen:
        raise ValidationError(f"the cross-lingual set has no {split!r} requests", field="split")
    own = {p.id: profile_language(p) for p in profiles}
    documents = {p.id: encoder.encode_documents(multilingual_texts(p)) for p in profiles}
    vectors = encoder.encode_queries([q.text for q in chosen])
    best = {(q.topic, q.lang, pid): float((v @ docs.T).max())
            for q, v in zip(chosen, vectors, strict=True) for pid, docs in documents.items()}
    languages = {q.lang for q in chosen}
    gaps = [best[(topic, own[pid], pid)] - value
            for (topic, lang, pid), value in best.items()
            if own[pid] in languages and lang != own[pid] and (topic, own[pid], pid) in best]
    return statistics.fmean(gaps) if gaps else 0.0


def _reciprocal(ranking: Sequence[str], relevant: frozenset[str]) -> float:
    return next((1.0 / i for i, pid in enumerate(ranking, start=1) if pid in relevant), 0.0)


def first_sentence(text: str) -> str:
    """A request's first sentence (at least :data:`SHORT_MIN` characters): the short form a
    partner-request form often gets ("We seek partners for ... ")."""
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    short = parts[0]
    for part in parts[1:]:
        if len(short) >= SHORT_MIN:
            break
        short = f"{short} {part}"
    return short


def crosslingual_benchmark(
    recommender: Recommender, profiles: Sequence[Profile], queries: Sequence[CrossQuery]
) -> dict[str, Any]:
    """Rank every request over the recommender's index with the set's profiles added (they
    are upserted: the caller's recommender is changed), whole and cut to its first sentence
    (``short``). Returns, for each form, MRR and recall@10 per split for English and for the
    other languages, MRR per language, and for the profiles without history the share of
    their requests that rank them in the top 10."""
    recommender.upsert(list(profiles))
    no_history = frozenset(p.id for p in profiles if not p.activities)
    shorts = [replace(q, text=first_sentence(q.text)) for q in queries]
    matches = recommender.recommend_batch(
        [PartnerRequest(text=q.text) for q in [*queries, *shorts]], DEPTH)
    return {
        **_summary(queries, matches[:len(queries)], no_history),
        "short": _summary(shorts, matches[len(queries):], no_history),
        "profiles": len(profiles),
        "queries": len(queries),
    }


def _summary(queries: Sequence[CrossQuery], matches: Sequence[Sequence[Match]],
             no_history: frozenset[str]) -> dict[str, Any]:
    rows: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    per_language: dict[str, list[float]] = defaultdict(list)
    cold: list[float] = []
    for query, ranked in zip(queries, matches, strict=True):
        ranking = [m.profile_id for m in ranked]
        top10 = set(ranking[:10])
        row = {"mrr": _reciprocal(ranking, query.relevant),
               "recall@10": len(query.relevant & top10) / len(query.relevant)}
        group = "en" if query.lang == "en" else "other"
        rows[(query.split, group)].append(row)
        rows[("all", group)].append(row)
        per_language[query.lang].append(row["mrr"])
        cold += [float(pid in top10) for pid in query.relevant & no_history]
    summary = {
        f"{split}/{group}": {metric: statistics.fmean(r[metric] for r in values)
                             for metric in ("mrr", "recall@10")} | {"queries": len(values)}
        for (split, group), values in sorted(rows.items())
    }
    return {
        "methods": summary,
        "mrr_by_language": {lang: statistics.fmean(v) for lang, v in sorted(per_language.items())},
        "no_history_top10": statistics.fmean(cold) if cold else None,
        "no_history_pairs": len(cold),
    }
