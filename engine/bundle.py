"""The bundled data set: where its files are, and how they become one list of profiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.errors import ConflictError, EngineError
from engine.profiles import Profile
from engine.sources.cordis import load_cordis
from engine.sources.jsonl import load_profiles


@dataclass(frozen=True)
class DataPaths:
    """Files of a data folder laid out like the bundled ``data/``."""

    root: Path

    @property
    def projects(self) -> Path:
        return self.root / "cordis" / "projects.csv.gz"

    @property
    def participants(self) -> Path:
        return self.root / "cordis" / "participants.csv.gz"

    @property
    def queries(self) -> Path:
        return self.root / "cordis" / "dev_queries.csv"

    @property
    def h2020(self) -> Path:
        return self.root / "h2020" / "h2020.csv.gz"

    @property
    def profiles(self) -> Path:
        return self.root / "profiles" / "clusters.jsonl"

    @property
    def crosslingual_profiles(self) -> Path:
        """The cross-lingual set's profiles (``data/crosslingual``), part of the bundled corpus."""
        return self.root / "crosslingual" / "profiles.jsonl"

    @property
    def requests(self) -> Path:
        return self.root / "requests" / "requests.jsonl"

    @property
    def embeddings(self) -> Path:
        return self.root / "embeddings"


def load_corpus(
    paths: DataPaths, *, cutoff: date | None = None, progress: bool = False
) -> list[Profile]:
    """CORDIS profiles (only projects before ``cutoff``) plus the self-described JSONL
    profiles: the illustrative clusters and the cross-lingual set's profiles (in many
    languages, most without history). They carry no dates from CORDIS and are always
    included."""
    for required in (paths.projects, paths.participants):
        if not required.is_file():
            raise EngineError(f"data file {required} is missing; see data/README.md")
    profiles = load_cordis(paths.projects, paths.participants, cutoff=cutoff, progress=progress)
    known = {p.id for p in profiles}
    for path in (paths.profiles, paths.crosslingual_profiles):
        if not path.is_file():
            continue
        for profile in load_profiles(path):
            if profile.id in known:
                raise ConflictError(f"{path}: profile id {profile.id!r} is already a profile "
                                    "of the corpus")
            known.add(profile.id)
            profiles.append(profile)
    return profiles
