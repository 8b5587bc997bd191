"""``LiveIndex``: readers are never blocked by a write and never see half of one."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from api.live import LiveIndex
from engine.cached_encoder import CachedEncoder
from engine.derived import Derived
from engine.embed import HashEncoder
from engine.profiles import PartnerRequest, Profile
from engine.recommender import Recommender

QUERY = PartnerRequest(text="battery storage for the grid")


def _switch(live: LiveIndex, tag: str) -> None:
    """A write that changes no profile: readers move to the other copy."""
    live.add_requests([(tag, PartnerRequest(text="switch copies"), None)])
    live.settle()


def test_reads_go_on_during_a_write_and_see_it_once_acknowledged(
    profiles: list[Profile], monkeypatch: pytest.MonkeyPatch,
) -> None:
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder)
    writing, read_during_write = threading.Event(), threading.Event()
    seen: list[tuple[int, str]] = []

    def slow(original):  # type: ignore[no-untyped-def]
        def upsert(rec: Recommender, batch: list[Profile], **kw: Recommender | None) -> None:
            writing.set()
            # the write only goes on once a reader has finished meanwhile: were readers
            # blocked by the write, this would time out
            assert read_during_write.wait(timeout=10)
            original(rec, batch, **kw)

        return upsert

    monkeypatch.setattr(Recommender, "upsert", slow(Recommender.upsert))

    def reader() -> None:
        writing.wait(timeout=10)
        with live.reading() as rec:
            seen.append((rec.version, rec.get(profiles[0].id).name))
        read_during_write.set()

    thread = threading.Thread(target=reader)
    thread.start()
    before = live.version
    live.upsert([replace(profiles[0], name="Renamed during the write")])
    thread.join(timeout=10)
    assert seen == [(before, profiles[0].name)]  # the reader saw the old state, whole
    assert live.out_of_sync is None
    with live.reading() as rec:  # acknowledged: every reader from now on sees it
        assert rec.get(profiles[0].id).name == "Renamed during the write"
    live.settle()  # the other copy catches up in the background
    for tag in ("a", "b"):  # whichever copy is active, it holds the write
        with live.reading() as rec:
            assert rec.get(profiles[0].id).name == "Renamed during the write"
            assert rec.version == live.version > before
        _switch(live, tag)


def test_the_second_copy_catches_up_before_the_next_write(profiles: list[Profile]) -> None:
    """Writes in a row: each is acknowledged after one copy; the other copy catches up in
    the background or, at the latest, before the next write. Both end equal."""
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder)
    for i in range(5):
        live.upsert([replace(profiles[i % 3], name=f"Name {i}")])
    live.remove(profiles[4].id)
    live.settle()
    names = []
    for tag in ("a", "b"):  # each copy in turn
        with live.reading() as rec:
            names.append(sorted((p.id, p.name) for p in rec.profiles()))
        _switch(live, tag)
    assert names[0] == names[1]
    assert profiles[4].id not in dict(names[0])
    assert dict(names[0])[profiles[1].id] == "Name 4"
    assert live.out_of_sync is None


def _hot_after_a_write(refresh_wait: float, profiles: list[Profile]) -> LiveIndex:
    """A live index whose one repeated list was ranked on the version before a rename."""
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(
        Recommender(encoder).fit(profiles), encoder, cache_size=8, refresh=8,
        refresh_wait=refresh_wait,
    )
    for _ in range(2):
        live.ranked("name", _name_of_first)
    live.upsert([replace(profiles[0], name="Renamed")])
    return live


def _name_of_first(rec: Recommender) -> tuple[int, str]:
    return rec.version, next(iter(rec.profiles())).name


def test_a_young_write_ranks_the_hot_lists_before_the_switch(profiles: list[Profile]) -> None:
    live = _hot_after_a_write(60.0, profiles)
    assert live.ranked("name", _name_of_first) == ((live.version, "Renamed"), live.version, True)


def test_an_older_write_leaves_them_to_the_background_never_stale(
    profiles: list[Profile],
) -> None:
    """Past ``refresh_wait`` the write switches at once; a reader then ranks the list on
    the new version itself (or waits for the background ranking under way), and the
    background makes it a cache hit again."""
    live = _hot_after_a_write(0.0, profiles)
    (version, name), served_for, _ = live.ranked("name", _name_of_first)
    assert (version, name) == (served_for, "Renamed") and version == live.version
    deadline = time.monotonic() + 10
    while live.results.hot(live.version, 8) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert live.ranked("name", _name_of_first)[2] is True


def test_a_copy_warms_up_once_per_write(
    profiles: list[Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catch-up leaves the warm-up to that copy's next write, which would undo it."""
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder)
    warmed: list[int] = []
    monkeypatch.setattr(Recommender, "warm_up", lambda rec: warmed.append(rec.version))
    for i in range(4):
        live.upsert([replace(profiles[0], name=f"Name {i}")])
    live.settle()
    assert len(warmed) == 4
    _switch(live, "x")  # a write without a warm-up of its own: the copy it lands on warms
    assert len(warmed) == 5


def test_rankings_run_one_at_a_time_while_a_write_is_applied(
    profiles: list[Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder, ranking_slots=2)
    during: list[int] = []
    original = Recommender.upsert

    def upsert(rec: Recommender, batch: list[Profile], **kw: Recommender | None) -> None:
        during.append(live.gate.limit)
        original(rec, batch, **kw)

    monkeypatch.setattr(Recommender, "upsert", upsert)
    live.upsert([replace(profiles[0], name="Renamed")])
    live.settle()
    assert during == [1, 1] and live.gate.limit == 2  # the write and its catch-up


def test_the_catch_up_takes_the_derived_data_of_the_copy_that_took_the_write(
    profiles: list[Profile], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both copies end with the very same derived value, computed once per write."""
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder)
    computed: list[int] = []
    original = Derived.updated

    def updated(derived: Derived, *args: object) -> Derived:
        computed.append(1)
        return original(derived, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Derived, "updated", updated)
    live.upsert([replace(profiles[0], name="Renamed")])
    live.remove(profiles[1].id)
    live.settle()
    first, second = (live._copies[i] for i in (0, 1))
    assert len(computed) == 2 and first.version == second.version
    assert first.view().derived is second.view().derived
    alone = Recommender(encoder).fit(profiles)  # the same writes, each computed in full
    alone.upsert([replace(profiles[0], name="Renamed")])
    alone.remove(profiles[1].id)
    request = PartnerRequest(text="battery storage for the grid")
    expected = [(m.profile_id, m.score) for m in alone.recommend(request, k=5)]
    for copy in (first, second):
        assert [(m.profile_id, m.score) for m in copy.recommend(request, k=5)] == expected


def test_a_read_that_ranks_outside_the_result_cache_takes_a_ranking_slot(
    profiles: list[Profile],
) -> None:
    encoder = CachedEncoder(HashEncoder(64))
    live = LiveIndex(Recommender(encoder).fit(profiles), encoder, ranking_slots=1)
    done = threading.Event()

    def rank() -> None:
        live.ranked("k", lambda rec: rec.version)
        done.set()

    with live.computing():
        thread = threading.Thread(target=rank)
        thread.start()
        assert not done.wait(0.3)  # the only slot is this read's
    assert done.wait(5)
    thread.join()
