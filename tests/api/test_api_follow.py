"""Several processes on one database (``serve --workers N``): the change table, the follower
that applies the other processes' writes to its index, the start-up fast path through the
saved index's change record, and the migration from a 0003 database."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api import checkpoint
from api.app import create_app
from api.follow import Follower
from api.live import LiveIndex
from api.reconcile import SyncReport, open_index
from api.services.writes import WritePath
from api.settings import Settings
from api.store import Store, alembic_config
from engine.cached_encoder import CachedEncoder
from engine.embed import HashEncoder
from engine.profiles import PartnerRequest, Profile

from .conftest import wait_ready

LASER = Profile(id="lt-laser", name="Laser Cluster", country="LT",
                description="Ultrafast zorblax lasers for micromachining.")


def encoder() -> CachedEncoder:
    return CachedEncoder(HashEncoder(64))


@dataclass
class World:
    """One process's view: its store, index, write path and follower; ``calls`` records the
    follower's index writes in order."""

    store: Store
    live: LiveIndex
    writes: WritePath
    follower: Follower
    report: SyncReport
    calls: list[tuple[str, Any]]


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    store = Store(settings.database_url)
    store.migrate()
    rec, report = open_index(settings, store, encoder())
    live = LiveIndex(rec, rec.encoder)
    writes = WritePath()
    calls: list[tuple[str, Any]] = []
    upsert, remove = live.upsert, live.remove

    def spied_upsert(batch: Sequence[Profile]) -> None:
        calls.append(("upsert", [p.id for p in batch]))
        upsert(batch)

    def spied_remove(profile_id: str) -> None:
        calls.append(("remove", profile_id))
        remove(profile_id)

    live.upsert, live.remove = spied_upsert, spied_remove  # type: ignore[method-assign]
    follower = Follower(store, live, writes, report.seq)
    yield World(store, live, writes, follower, report, calls)
    store.close()


def held(live: LiveIndex, profile_id: str) -> Profile | None:
    with live.reading() as rec:
        return rec.get(profile_id) if profile_id in rec else None


def test_writes_of_another_process_are_applied_in_seq_order(world: World) -> None:
    store = world.store  # writing through the store, not the write path: another process
    store.profiles.create(LASER)
    store.profiles.delete("gr-region", expected_version=None)
    changed = replace(store.profiles.get("de-auto").profile, description="Zorblax axles.")
    store.profiles.update("de-auto", lambda _: changed, expected_version=None, contacts=None)
    now = datetime.now(UTC)
    store.requests.add("req-new", PartnerRequest(text="zorblax lasers"), now, now + timedelta(9))
    store.requests.delete("req-battery")
    assert [c.op for c in store.changes.after(0)] == ["upsert", "delete", "upsert", "upsert",
                                                      "delete"]

    assert world.follower.poll() == 5
    assert world.calls == [("upsert", ["lt-laser"]), ("remove", "gr-region"),
                           ("upsert", ["de-auto"])]
    assert held(world.live, "gr-region") is None
    assert held(world.live, "lt-laser") == LASER
    assert held(world.live, "de-auto").description == "Zorblax axles."  # type: ignore[union-attr]
    with world.live.reading() as rec:
        assert "req-new" in rec.requests and "req-battery" not in rec.requests
    assert world.follower.applied == store.changes.last() and world.follower.foreign == 5
    assert world.follower.poll() == 0 and len(world.calls) == 3  # nothing twice


def test_own_writes_are_passed_over(world: World) -> None:
    record = world.writes.apply(lambda: world.store.profiles.create(LASER),
                                lambda r: world.live.upsert([r.profile]))
    assert world.writes.mine == {record.seq}
    world.calls.clear()
    assert world.follower.poll() == 1
    assert world.calls == [] and world.follower.foreign == 0
    assert world.follower.applied == record.seq and world.writes.mine == set()


def test_a_profile_deleted_then_created_again_ends_as_stored(world: World) -> None:
    store = world.store
    store.profiles.delete("de-auto", expected_version=None)
    again = Profile(id="de-auto", name="Auto Teile Neu", country="DE",
                    description="Zorblax gearboxes, founded again.")
    store.profiles.create(again)
    world.follower.poll()
    assert held(world.live, "de-auto") == again
    # and the other way round: created, then deleted before the follower saw either
    store.profiles.create(LASER)
    store.profiles.delete("lt-laser", expected_version=None)
    world.calls.clear()
    world.follower.poll()
    assert held(world.live, "lt-laser") is None and world.calls == []


def test_a_request_posted_again_with_the_same_id_is_replaced(world: World) -> None:
    store = world.store
    now = datetime.now(UTC)
    with world.live.reading() as rec:
        before, _ = rec.requests.get("req-battery")
    store.requests.delete("req-battery")
    again = PartnerRequest(text="zorblax lasers for glass", requester_id=before.requester_id)
    store.requests.add("req-battery", again, now, now + timedelta(9))
    world.follower.poll()
    with world.live.reading() as rec:
        assert rec.requests.get("req-battery")[0] == again


def test_a_failed_round_leaves_the_seq_and_the_next_one_applies(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = world.follower.applied
    world.store.profiles.create(LASER)
    by_ids = world.store.profiles.by_ids

    def unreachable(ids: Any) -> Any:
        raise OSError("database unreachable")

    monkeypatch.setattr(world.store.profiles, "by_ids", unreachable)
    with pytest.raises(OSError):
        world.follower.poll()
    assert world.follower.applied == before and held(world.live, "lt-laser") is None
    monkeypatch.setattr(world.store.profiles, "by_ids", by_ids)
    world.follower.poll()
    assert world.follower.applied > before and held(world.live, "lt-laser") == LASER


def test_the_background_thread_follows(world: World) -> None:
    world.follower.interval = 0.02
    world.follower.start()
    try:
        world.store.profiles.create(LASER)
        deadline = datetime.now(UTC) + timedelta(seconds=5)
        while held(world.live, "lt-laser") is None and datetime.now(UTC) < deadline:
            time.sleep(0.01)
        assert held(world.live, "lt-laser") == LASER
    finally:
        world.follower.stop()


# ---- the start-up fast path --------------------------------------------------------------
def forbid_full_pass(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def unread(*_: Any) -> None:
        raise AssertionError("the fast path reads no fingerprint nor every profile")

    monkeypatch.setattr(store.profiles, "fingerprints", unread)
    monkeypatch.setattr(store.profiles, "all", unread)


def test_a_start_verifies_through_the_change_record(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(settings.database_url)
    store.migrate()
    open_index(settings, store, encoder())
    assert checkpoint.read(settings.index_dir) is None  # no change yet: nothing to record
    store.profiles.create(LASER)
    rec, report = open_index(settings, store, encoder())  # no record: the full path
    assert (report.action, report.seq) == ("repaired", 1) and "lt-laser" in rec
    assert checkpoint.read(settings.index_dir).seq == 1  # type: ignore[union-attr]

    with monkeypatch.context() as patch:
        forbid_full_pass(store, patch)
        _, report = open_index(settings, store, encoder())
        assert (report.action, report.seq) == ("verified", 1)
        # the database is ahead: just the changes after the record are applied
        changed = replace(LASER, description="Zorblax lasers, now for glass too.")
        store.profiles.update("lt-laser", lambda _: changed, expected_version=None,
                              contacts=None)
        store.profiles.delete("gr-region", expected_version=None)
        rec, report = open_index(settings, store, encoder())
        assert (report.action, report.changed, report.seq) == ("repaired", 2, 3)
        assert rec.get("lt-laser") == changed and "gr-region" not in rec
        assert open_index(settings, store, encoder())[1].action == "verified"  # saved
    store.close()


def test_a_stale_or_foreign_record_falls_back_to_the_full_pass(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(settings.database_url)
    store.migrate()
    open_index(settings, store, encoder())  # seeds
    store.profiles.create(LASER)
    open_index(settings, store, encoder())  # repairs, saves and records
    record = settings.index_dir / checkpoint.RECORD
    good = json.loads(record.read_text())
    read = []
    fingerprints = store.profiles.fingerprints
    monkeypatch.setattr(store.profiles, "fingerprints", lambda: read.append(1) or fingerprints())
    for stale in ({"stamp": "2001-01-01T00:00:00+00:00"},  # another database
                  {"seq": 99},  # a database restored from before the save
                  {"fingerprint": "another-index"}):  # the index was rebuilt meanwhile
        record.write_text(json.dumps({**good, **stale}))
        assert open_index(settings, store, encoder())[1].action == "verified"
        assert read and json.loads(record.read_text()) == good  # recorded afresh
        read.clear()
    # a profile deleted behind the service's back (no change row): the count tells
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM profiles WHERE id = 'gr-region'"))
    rec, report = open_index(settings, store, encoder())
    assert report.action == "repaired" and "gr-region" not in rec and read
    store.close()


def test_a_fast_path_that_gives_up_after_applying_changes_saves_before_recording(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``catch_up`` may update the loaded index and then give up; the full path then finds
    the index in memory in line with the database: the record of the change seq must not
    describe the folder's older index (the next start would trust it and miss the change)."""
    import api.reconcile

    store = Store(settings.database_url)
    store.migrate()
    open_index(settings, store, encoder())
    store.profiles.create(LASER)
    open_index(settings, store, encoder())  # repaired, saved and recorded at seq 1
    changed = replace(LASER, description="Zorblax lasers, now for glass too.")
    store.profiles.update("lt-laser", lambda _: changed, expected_version=None, contacts=None)
    real = checkpoint.catch_up

    def gives_up(*args: Any) -> None:
        real(*args)  # the change applied to the loaded index...
        return None  # ...and then the fast path gives up

    with monkeypatch.context() as patch:
        patch.setattr(api.reconcile, "catch_up", gives_up)
        rec, report = open_index(settings, store, encoder())
        assert rec.get("lt-laser") == changed and report.seq == 2
    saved = checkpoint.read(settings.index_dir)
    assert saved is not None
    assert saved.fingerprint == checkpoint.manifest_fingerprint(settings.index_dir)
    rec, _ = open_index(settings, store, encoder())
    assert rec.get("lt-laser") == changed
    store.close()


def test_migration_from_a_0003_database(settings: Settings, profiles: list[Profile]) -> None:
    store = Store(settings.database_url)
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    assert store.seed(profiles) == 8  # written by the code of 0003 (no change rows)...
    store.migrate()  # ...then upgraded: the change table starts empty
    with store.engine.connect() as connection:
        assert "changes" in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "0004")
    assert store.changes.last() == 0 and checkpoint.read(settings.index_dir) is None
    assert open_index(settings, store, encoder())[1].action == "verified"  # the full path
    store.profiles.create(LASER)
    assert [(c.seq, c.entity, c.item_id, c.op) for c in store.changes.after(0)] == [
        (1, "profile", "lt-laser", "upsert")]
    store.close()


def test_a_failed_write_adds_no_change(settings: Settings) -> None:
    store = Store(settings.database_url)
    store.migrate()
    open_index(settings, store, encoder())
    with pytest.raises(Exception, match="already exists"):
        store.profiles.create(replace(LASER, id="de-auto"))
    with pytest.raises(Exception, match="not 7"):
        store.profiles.update("de-auto", lambda p: p, expected_version=7, contacts=None)
    assert store.changes.last() == 0
    store.close()


def test_saving_records_the_seq_and_skips_an_older_state(world: World, settings: Settings
                                                         ) -> None:
    world.store.profiles.create(LASER)
    assert world.follower.save(settings.index_dir)  # a last round, then saved
    saved = checkpoint.read(settings.index_dir)
    assert saved is not None and saved.seq == world.follower.applied == 1
    assert not world.follower.save(settings.index_dir)  # as new as what it holds
    assert open_index(settings, world.store, encoder())[1].action == "verified"


def test_the_lock_file_is_in_the_index_folder(tmp_path: Path) -> None:
    with checkpoint.index_lock(tmp_path / "new-index"):  # made if missing
        assert (tmp_path / "new-index" / ".lock").is_file()


def test_a_failed_first_round_does_not_fail_the_load_and_stopping_is_off_the_loop(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database briefly unreachable at the first round after loading: the app still
    loads and its follower thread retries; on shutdown the follower is stopped (a join of
    up to 30 s) outside the event loop."""
    poll, stop = Follower.poll, Follower.stop
    failed: list[int] = []
    stopped_in_loop: list[bool] = []

    def flaky(self: Follower) -> int:
        if not failed:
            failed.append(1)
            raise OSError("database unreachable")
        return poll(self)

    def stopping(self: Follower) -> None:
        try:
            asyncio.get_running_loop()
            stopped_in_loop.append(True)
        except RuntimeError:
            stopped_in_loop.append(False)
        stop(self)

    monkeypatch.setattr(Follower, "poll", flaky)
    monkeypatch.setattr(Follower, "stop", stopping)
    app = create_app(settings.model_copy(update={"change_poll_interval": 0.02}))
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        assert failed
        other = Store(settings.database_url)  # another process's write
        other.profiles.create(LASER)
        other.close()
        deadline = time.monotonic() + 5
        while "partner_search_changes_followed_total 1" not in client.get("/metrics").text:
            assert time.monotonic() < deadline, "the follower did not retry"
            time.sleep(0.02)
    assert stopped_in_loop == [False]
