"""``ResultCache``: lists live for one index version, concurrent askers share one ranking,
and the cache stays bounded."""

from __future__ import annotations

import threading

import pytest

from api.results import ResultCache
from engine.errors import NotFoundError


def _ranked_on(label: str):  # type: ignore[no-untyped-def]
    return lambda source: f"{label}{source}"


def test_a_newer_version_drops_older_lists() -> None:
    cache: ResultCache[int, str] = ResultCache(8)
    assert cache.value(1, 1, "q", _ranked_on("q")) == ("q1", False)
    assert cache.value(1, 1, "q", _ranked_on("q")) == ("q1", True)
    assert cache.value(2, 2, "q", _ranked_on("q")) == ("q2", False)
    assert len(cache) == 1
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_reader_of_an_older_version_neither_reads_nor_writes() -> None:
    """A ranking that started before a write finishes after it: its list is not kept for
    the newer version, and it is not served a newer list either."""
    cache: ResultCache[int, str] = ResultCache(8)
    cache.value(2, 2, "q", _ranked_on("q"))
    assert cache.value(1, 1, "q", _ranked_on("q")) == ("q1", False)
    assert cache.value(2, 2, "q", _ranked_on("q")) == ("q2", True)


def test_least_recently_used_lists_go_first() -> None:
    cache: ResultCache[int, str] = ResultCache(2)
    for key in ("a", "b", "a", "c"):
        cache.value(1, 1, key, _ranked_on(key))
    assert [cache.value(1, 1, key, _ranked_on(key))[1] for key in ("a", "c", "b")] == [
        True, True, False,
    ]


def test_size_zero_keeps_nothing() -> None:
    cache: ResultCache[int, str] = ResultCache(0)
    for _ in range(2):
        assert cache.value(1, 1, "a", _ranked_on("a")) == ("a1", False)
    assert len(cache) == 0


def test_concurrent_askers_of_one_list_share_one_ranking() -> None:
    """Readers asking for a list another reader is ranking wait for it (and count as
    hits) instead of each ranking it: after a write, a hot request is ranked once."""
    cache: ResultCache[int, str] = ResultCache(8)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow(source: int) -> str:
        calls.append(source)
        started.set()
        assert release.wait(timeout=10)
        return f"q{source}"

    got: list[tuple[str, bool]] = []
    first = threading.Thread(target=lambda: got.append(cache.value(1, 1, "q", slow)))
    first.start()
    assert started.wait(timeout=10)
    others = [
        threading.Thread(target=lambda: got.append(cache.value(1, 1, "q", slow)))
        for _ in range(3)
    ]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(timeout=10)
    assert calls == [1]
    assert sorted(got) == [("q1", False)] + [("q1", True)] * 3
    assert (cache.hits, cache.misses) == (3, 1)


def test_a_failed_ranking_is_not_shared_or_kept() -> None:
    cache: ResultCache[int, str] = ResultCache(8)

    def gone(source: int) -> str:
        raise NotFoundError("deleted")

    with pytest.raises(NotFoundError):
        cache.value(1, 1, "q", gone)
    assert len(cache) == 0
    assert cache.value(1, 1, "q", _ranked_on("q")) == ("q1", False)


def test_hot_lists_are_the_recent_repeated_ones_a_version_lacks() -> None:
    """After a write, the most recently used keys asked for again are ranked on the new
    version: before the switch (``install``) or after it (``reader=False``, which neither
    counts nor changes the order of use). One-off keys are left out."""
    cache: ResultCache[int, str] = ResultCache(8)
    for key in ("old", "once", "recent"):
        cache.value(1, 1, key, _ranked_on(key))
    for key in ("old", "recent"):
        cache.value(1, 1, key, _ranked_on(key))
    assert [key for key, _ in cache.hot(2, limit=8)] == ["recent", "old"]
    assert [key for key, _ in cache.hot(2, limit=1)] == ["recent"]
    assert cache.hot(1, limit=8) == []  # version 1 has both
    cache.install(2, [("recent", "recent2")])
    assert [key for key, _ in cache.hot(2, limit=8)] == ["old"]
    counts = (cache.hits, cache.misses)
    for key, compute in cache.hot(2, limit=8):
        assert cache.value(2, 2, key, compute, reader=False) == ("old2", False)
    assert cache.hot(2, limit=8) == [] and (cache.hits, cache.misses) == counts
    assert cache.value(2, 2, "recent", _ranked_on("recent")) == ("recent2", True)
    assert cache.value(2, 2, "once", _ranked_on("once")) == ("once2", False)
