"""The database and start-up sync: migrations agree with the models and render for
PostgreSQL; SQLite runs with WAL and foreign keys; the stores of each kind of record keep
their rules; the index is verified, repaired or rebuilt from the database, never trusted
blindly."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from api.reconcile import open_index
from api.settings import Settings
from api.store import Store, alembic_config
from api.tables import Base
from engine.cached_encoder import CachedEncoder
from engine.embed import HashEncoder
from engine.errors import ConflictError
from engine.persistence import data_fingerprint
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

from .conftest import make_settings, write_data


def open_store(settings: Settings) -> Store:
    store = Store(settings.database_url)
    store.migrate()
    return store


def test_migrations_match_the_models(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store.migrate()
    store.migrate()  # idempotent
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == [] and version == "0004"
    store.close()


def test_migrations_render_for_postgresql() -> None:
    config = alembic_config("postgresql://user@localhost/partner_search")
    buffer = io.StringIO()
    config.output_buffer = buffer
    command.upgrade(config, "head", sql=True)
    sql = buffer.getvalue()
    assert "CREATE TABLE profiles" in sql and "JSON NOT NULL" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql and "ON DELETE CASCADE" in sql


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'p.db'}")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_concurrent_checked_writes_of_two_processes_do_not_both_succeed(
    tmp_path: Path, profiles: list[Profile]
) -> None:
    """Two stores (two engines: two worker processes) on one SQLite file update one profile
    with the same expected version: the read-check-write is atomic, so exactly one succeeds
    and the other sees the first's version (a stale If-Match), not a lost update."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Store(url), Store(url)
    first.migrate()
    first.seed(profiles)
    second.migrate()  # already at head: nothing to do, and no lock held after
    outcomes: list[str] = []

    def write(store: Store, acronym: str) -> None:
        def change(profile: Profile) -> Profile:
            time.sleep(0.3)  # the other writer reads meanwhile, unless it waits for the lock
            return replace(profile, acronym=acronym)

        try:
            store.profiles.update("de-auto", change, expected_version=1, contacts=None)
            outcomes.append(acronym)
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(store, name))
               for store, name in ((first, "ONE"), (second, "TWO"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("conflict") == 1, outcomes
    stored = first.profiles.get("de-auto")
    assert stored.version == 2 and stored.profile.acronym in outcomes
    assert [c.item_id for c in first.changes.after(0)] == ["de-auto"]
    first.close()
    second.close()


def test_reads_do_not_wait_for_an_open_write_transaction(
    tmp_path: Path, profiles: list[Profile]
) -> None:
    """Only write transactions take SQLite's write lock at their start: another process's
    reads go on while one holds it."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    writer, reader = Store(url), Store(url)
    writer.migrate()
    writer.seed(profiles)
    with writer.session() as s, s.begin():  # BEGIN IMMEDIATE: the write lock is held
        started = time.perf_counter()
        assert reader.profiles.get("de-auto").version == 1
        assert reader.changes.last() == 0
        assert time.perf_counter() - started < 2.0
    writer.close()
    reader.close()


def test_requests_and_interests(tmp_path: Path, profiles: list[Profile]) -> None:
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    store.migrate()
    store.seed(profiles)
    now = datetime.now(UTC)
    request = PartnerRequest(text="grid batteries", requester_id="de-auto")
    store.requests.add("r1", request, now, now + timedelta(days=1))
    store.requests.add("r0", request, now - timedelta(days=3), now - timedelta(seconds=1))
    with pytest.raises(ConflictError):
        store.requests.add("r1", request, now, now + timedelta(days=1))
    assert [r.id for r in store.requests.open_at(now)] == ["r1"]
    assert list(store.requests.by_ids(["r1", "nope", "r1"])) == ["r1"]
    expired, total = store.requests.page(
        status="expired", requester_id="de-auto", now=now, offset=0, limit=10
    )
    assert [r.id for r in expired] == ["r0"] and total == 1
    interest = store.interests.add("r1", "fr-univ", "We know grids.")
    with pytest.raises(ConflictError):
        store.interests.add("r1", "fr-univ", "twice")
    assert store.interests.of_request("r1") == [interest]
    store.requests.delete("r1")  # its interests go with it
    assert store.interests.of_request("r1") == [] and store.requests.count() == 1
    store.close()


def test_contacts_are_kept_apart(settings: Settings, profiles: list[Profile]) -> None:
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))
    with store.engine.connect() as connection:
        documents = " ".join(connection.execute(text("SELECT document FROM profiles")).scalars())
    assert "someone@example.org" not in documents
    assert store.profiles.contacts("nl-research") == ["someone@example.org"]
    store.close()


def test_start_seeds_from_the_saved_index_and_verifies(
    settings: Settings, profiles: list[Profile]
) -> None:
    store = open_store(settings)
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert (report.action, report.seeded_profiles, report.seeded_requests) == ("verified", 8, 2)
    assert rec.fingerprint() == data_fingerprint(profiles, "hash-bow-64")
    assert report.open_requests == 2 and len(rec.requests) == 2
    # a second start seeds nothing
    _, again = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert (again.action, again.seeded_profiles) == ("verified", 0)
    store.close()


def test_a_verified_start_reads_the_stored_fingerprints_not_the_profiles(
    settings: Settings, profiles: list[Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))

    def unread() -> None:
        raise AssertionError("a verified start should not read every profile")

    monkeypatch.setattr(store.profiles, "all", unread)
    assert open_index(settings, store, CachedEncoder(HashEncoder(64)))[1].action == "verified"
    store.close()


def test_stored_fingerprints_of_older_code_fall_back_to_hashing_the_profiles(
    settings: Settings, profiles: list[Profile]
) -> None:
    """A stored fingerprint that no longer agrees with the profile (computed by another
    version) does not make a good index look stale: the profiles are read and hashed."""
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE profiles SET fingerprint = 'older'"))
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert (report.action, report.changed) == ("verified", 0)
    assert rec.fingerprint() == data_fingerprint(profiles, "hash-bow-64")
    store.close()


def test_start_seeds_from_the_corpus_without_an_index(cordis_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, data_dir=cordis_dir, index_dir=tmp_path / "new-index")
    store = open_store(settings)
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert report.action == "rebuilt" and report.seeded_profiles == len(rec) > 0
    assert (tmp_path / "new-index" / "manifest.json").is_file()
    store.close()


def test_stale_index_is_repaired_from_the_database(
    settings: Settings, profiles: list[Profile]
) -> None:
    """Writes acknowledged after the last save (the database has them, the saved index not)."""
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))
    changed = replace(profiles[0], description="Zorblax batteries.")
    store.profiles.update(changed.id, lambda _: changed, expected_version=None, contacts=None)
    store.profiles.delete("gr-region", expected_version=None)
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert (report.action, report.changed) == ("repaired", 2)
    assert "gr-region" not in rec and rec.get(changed.id).description == "Zorblax batteries."
    expected = data_fingerprint(store.profiles.all(), "hash-bow-64")
    assert rec.fingerprint() == expected
    # the repaired index was saved: the next start verifies it
    assert open_index(settings, store, CachedEncoder(HashEncoder(64)))[1].action == "verified"
    store.close()


def test_foreign_or_broken_index_is_rebuilt(settings: Settings, profiles: list[Profile]) -> None:
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))
    Recommender(HashEncoder(32)).fit(profiles[:3]).save(settings.index_dir)  # another model
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert report.action == "rebuilt" and len(rec) == 8
    (settings.index_dir / "vectors.faiss").write_bytes(b"garbage")
    assert open_index(settings, store, CachedEncoder(HashEncoder(64)))[1].action == "rebuilt"
    (settings.index_dir / "lexical.json").unlink()
    assert open_index(settings, store, CachedEncoder(HashEncoder(64)))[1].action == "rebuilt"
    store.close()


def test_many_changes_mean_a_rebuild(tmp_path: Path) -> None:
    many = [Profile(id=f"p{i}", name=f"Org {i}", description=f"topic {i}") for i in range(300)]
    settings = write_data(tmp_path, many)
    store = open_store(settings)
    open_index(settings, store, CachedEncoder(HashEncoder(64)))
    for profile in many[:100]:
        store.profiles.update(profile.id, lambda p: replace(p, description="changed"),
                              expected_version=None, contacts=None)
    rec, report = open_index(settings, store, CachedEncoder(HashEncoder(64)))
    assert report.action == "rebuilt" and rec.get("p1").description == "changed"
    store.close()


def test_seeding_is_all_or_nothing(tmp_path: Path, profiles: list[Profile]) -> None:
    """A start killed while seeding leaves an empty database, which the next start seeds."""
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()

    def interrupted() -> Iterator[Profile]:
        yield from profiles[:5]
        raise KeyboardInterrupt  # stands in for the process dying mid-way

    with pytest.raises(KeyboardInterrupt):
        store.seed(interrupted(), batch=2)
    assert store.profiles.count() == 0
    assert store.seed(profiles, batch=3) == len(profiles) == store.profiles.count()
    store.close()
