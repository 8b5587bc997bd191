"""Result diversification: maximal marginal relevance with per-country and per-kind caps, as a
pure function over scores sorted best first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import ValidationError


@dataclass(frozen=True)
class Diversity:
    """Result diversification.

    ``mmr_lambda`` in (0, 1]: 1 ranks by score alone; lower values trade score for novelty
    (maximal marginal relevance). A candidate's diversity penalty is
    ``(1 - lambda) / lambda * spread * max_similarity_to_those_ranked_above`` where ``spread``
    is the score range of the candidates considered, so the penalty is in score units and is
    shown as the ``diversity`` contribution. ``max_per_country``/``max_per_kind`` cap how many
    results share a country or a kind; ``max_per_project`` how many rest on the same project as
    their best evidence (the partners of one project share its text, so a specific request
    would otherwise list one consortium and cite its project ten times).
    """

    mmr_lambda: float = 1.0
    max_per_country: int | None = None
    max_per_kind: int | None = None
    max_per_project: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.mmr_lambda <= 1.0:
            raise ValidationError("mmr_lambda must be in (0, 1]", field="mmr_lambda")
        for name in ("max_per_country", "max_per_kind", "max_per_project"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValidationError(f"{name} must be at least 1", field=name)

    @property
    def active(self) -> bool:
        return self.mmr_lambda < 1.0 or any(
            cap is not None for cap in (self.max_per_country, self.max_per_kind,
                                        self.max_per_project))


def diversify(
    scores: np.ndarray,
    vectors: np.ndarray,
    countries: np.ndarray,
    kinds: np.ndarray,
    k: int,
    diversity: Diversity,
    projects: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy MMR with caps over candidates sorted by score (best first); ``projects``: the
    project of each one's best evidence (-1 for none, e.g. its own description).

    Returns the chosen positions and their penalties (>= 0). The penalised scores
    ``scores[chosen] - penalties`` never increase down the list: a candidate's penalty only
    grows as more are chosen, so each step's best value is at most the previous step's.
    """
    n = len(scores)
    gamma = 0.0
    if diversity.mmr_lambda < 1.0 and n > 1:
        spread = float(scores.max() - scores.min())
        gamma = (1.0 - diversity.mmr_lambda) / diversity.mmr_lambda * spread
    max_sim = np.zeros(n, dtype=np.float64)
    available = np.ones(n, dtype=bool)
    per_country: dict[str, int] = {}
    per_kind: dict[str, int] = {}
    per_project: dict[int, int] = {}
    projects = np.full(n, -1, np.int64) if projects is None else projects
    chosen: list[int] = []
    penalties: list[float] = []
    while len(chosen) < k and available.any():
        value = np.where(available, scores - gamma * max_sim, -np.inf)
        i = int(np.argmax(value))
        available[i] = False
        country, kind = str(countries[i]), str(kinds[i])
        if diversity.max_per_country is not None and country and (
            per_country.get(country, 0) >= diversity.max_per_country
        ):
            continue
        if diversity.max_per_kind is not None and per_kind.get(kind, 0) >= diversity.max_per_kind:
            continue
        project = int(projects[i])
        if diversity.max_per_project is not None and project >= 0 and (
            per_project.get(project, 0) >= diversity.max_per_project
        ):
            continue
        per_project[project] = per_project.get(project, 0) + 1
        chosen.append(i)
        penalties.append(float(gamma * max_sim[i]))
        per_country[country] = per_country.get(country, 0) + 1
        per_kind[kind] = per_kind.get(kind, 0) + 1
        if gamma > 0:
            max_sim = np.maximum(max_sim, np.clip(vectors @ vectors[i], 0.0, 1.0))
    return np.array(chosen, dtype=np.int64), np.array(penalties, dtype=np.float64)


