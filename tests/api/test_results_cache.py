"""``ResultCache``: entries live for one index version and the cache stays bounded."""

from __future__ import annotations

from api.results import ResultCache


def test_a_newer_version_drops_older_entries() -> None:
    cache: ResultCache[str] = ResultCache(8)
    cache.put(1, "q", "ranked on v1")
    assert cache.get(1, "q") == "ranked on v1"
    assert cache.get(2, "q") is None
    assert len(cache) == 0
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_reader_of_an_older_version_neither_reads_nor_writes() -> None:
    """A ranking that started before a write finishes after it: its list is not stored
    for the newer version, and it is not served a newer list either."""
    cache: ResultCache[str] = ResultCache(8)
    cache.put(2, "q", "ranked on v2")
    cache.put(1, "q", "ranked on v1")
    assert cache.get(1, "q") is None
    assert cache.get(2, "q") == "ranked on v2"


def test_least_recently_used_entries_go_first() -> None:
    cache: ResultCache[int] = ResultCache(2)
    cache.put(1, "a", 1)
    cache.put(1, "b", 2)
    assert cache.get(1, "a") == 1
    cache.put(1, "c", 3)
    assert cache.get(1, "b") is None
    assert (cache.get(1, "a"), cache.get(1, "c")) == (1, 3)


def test_size_zero_stores_nothing() -> None:
    cache: ResultCache[int] = ResultCache(0)
    cache.put(1, "a", 1)
    assert cache.get(1, "a") is None and len(cache) == 0
