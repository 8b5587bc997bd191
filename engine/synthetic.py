"""A synthetic corpus for scale measurements, grown from the real profiles.

Encoding a million new texts is out of reach on two cores, so a synthetic profile is made
only of *text units that already have vectors*: every text it embeds is a text some real
profile embeds (:func:`engine.corpus.vector_texts` and
:func:`engine.corpus.multilingual_texts`), and its vectors are looked up, not computed.

How a synthetic profile is drawn (pure and seeded: the same real profiles, count and seed
give the same profiles):

- a *template*: a real profile drawn at random; the synthetic one takes its kind, country,
  region, city, coordinates, SME flag, ecosystems and keywords;
- *donors*: one or two more real profiles of the same country and sector (first ecosystem,
  else kind), falling back to the template alone when its group is a singleton;
- its project history: as many activities as the template has (at least one), drawn
  without replacement from the template's and the donors' activities: their titles, texts,
  years and roles are real, but each is a *copy* of the real project, its id suffixed with
  the profile's generation (``<id>#<g>``, g = 1 for the first ``len(real)`` synthetic
  profiles, 2 for the next, ...) and without its partner list. The synthetic profiles of
  one generation that drew a project form its copy's consortium: about as many as the real
  one has, since each real profile is drawn about once per generation as a template. So
  consortia keep their real sizes and the number of projects grows with the corpus, as it
  would with more real organisations. (Joining the real consortia themselves, as a first
  version did, made every consortium N/20k times larger and the shared-project graph grow
  with the square of N: the 300k measurement spent 6 s of each write on that graph.);
- a self-description only if the template has one, then the template's name and
  description too (likewise its name when it has neither description nor activity): a
  description chunk embeds the profile's name (:meth:`Profile.chunks`), so any other name
  would make a text without a vector. Other synthetic profiles get a
  new name, the template's with a numbered suffix;
- a new id, ``syn-<seed>-<i>``.

Real profiles keep their share of the mix (one in twenty at 400k): the synthetic ones repeat
real texts, so exact searches meet many ties; recall is measured with ties counted (see
``bench/scale.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from engine.corpus import multilingual_texts, vector_texts
from engine.embed import Encoder
from engine.profiles import Profile


def sector(profile: Profile) -> str:
    """The grouping key beside the country: the first ecosystem, else the kind."""
    return profile.ecosystems[0] if profile.ecosystems else f"kind:{profile.kind.value}"


def groups(real: Sequence[Profile]) -> dict[tuple[str, str], list[int]]:
    """Indices of ``real`` by (country, sector)."""
    out: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, profile in enumerate(real):
        out[(profile.country, sector(profile))].append(i)
    return dict(out)


def synthesize(real: Sequence[Profile], n: int, *, seed: int = 0) -> list[Profile]:
    """``n`` synthetic profiles drawn from ``real`` (see the module docstring)."""
    if n <= 0:
        return []
    if not real:
        raise ValueError("synthetic profiles are drawn from real ones; none were given")
    rng = np.random.default_rng(seed)
    by_group = groups(real)
    group_of = [by_group[(p.country, sector(p))] for p in real]
    templates = rng.integers(0, len(real), size=n)
    donor_counts = rng.integers(1, 3, size=n)
    out = []
    for i, t in enumerate(templates):
        template = real[int(t)]
        group = group_of[int(t)]
        donors = [template]
        if len(group) > 1:
            picks = rng.choice(len(group), size=min(int(donor_counts[i]), len(group)),
                               replace=False)
            donors += [real[group[int(p)]] for p in picks if group[int(p)] != t]
        out.append(_profile(template, donors, f"syn-{seed}-{i}", i, rng,
                            generation=i // len(real) + 1))
    return out


def _profile(template: Profile, donors: list[Profile], new_id: str, i: int,
             rng: np.random.Generator, generation: int) -> Profile:
    """One synthetic profile: the template's attributes, activities drawn from the donors
    (copies of their projects in this ``generation``)."""
    pool = list({a.id: a for d in donors for a in d.activities}.values())
    want = min(len(pool), max(1, template.n_activities))
    picked = [replace(pool[int(j)], id=f"{pool[int(j)].id}#{generation}", partners=())
              for j in np.sort(rng.choice(len(pool), size=want, replace=False))
              ] if pool else []
    # a profile with neither description nor activity embeds its name: keep the template's
    name = template.name if template.description or not picked else f"{template.name} {i}"
    return replace(template, id=new_id, name=name, acronym="", url="", contacts=(),
                   activities=tuple(picked), source="synthetic")


def text_units(profiles: Sequence[Profile]) -> set[str]:
    """Every text the profiles embed (with either encoder): the units a synthetic corpus may
    draw from."""
    return {t for p in profiles for t in (*vector_texts(p), *multilingual_texts(p))}


class TableEncoder:
    """An :class:`engine.embed.Encoder` that answers documents from a fixed table of texts
    and vectors (the real corpus's, read from its saved index): the embedding cache of a
    synthetic corpus. ``fallback`` encodes what the table lacks (requests); without it a
    missing text is an error. ``row`` maps a text to its table row, so a benchmark can score
    a query against every corpus vector exactly (through the table)."""

    def __init__(self, model_id: str, texts: Sequence[str], vectors: np.ndarray,
                 fallback: Encoder | None = None):
        self.model_id = model_id
        self.dim = int(vectors.shape[1])
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.row = {t: i for i, t in enumerate(texts)}
        self.fallback = fallback

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        missing = [t for t in texts if t not in self.row]
        if missing:
            if self.fallback is None:
                raise KeyError(f"{len(missing)} texts have no vector, e.g. {missing[0][:80]!r}")
            found = self.fallback.encode_documents(missing)
            for text, vector in zip(missing, found, strict=True):
                self.row[text] = len(self.vectors)
                self.vectors = np.vstack([self.vectors, vector[None]])
        return self.vectors[np.fromiter((self.row[t] for t in texts), np.int64, len(texts))]

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if self.fallback is not None and any(t not in self.row for t in texts):
            return self.fallback.encode_queries(texts)
        return self.vectors[[self.row[t] for t in texts]]
