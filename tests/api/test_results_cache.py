"""``ResultCache``: entries live for one index version and the cache stays bounded."""

from __future__ import annotations

from api.results import ResultCache


def test_a_newer_version_drops_older_entries() -> None:
    cache: ResultCache[int, str] = ResultCache(8)
    cache.put(1, "q", "ranked on v1", str)
    assert cache.get(1, "q") == "ranked on v1"
    assert cache.get(2, "q") is None
    assert len(cache) == 0
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_reader_of_an_older_version_neither_reads_nor_writes() -> None:
    """A ranking that started before a write finishes after it: its list is not stored
    for the newer version, and it is not served a newer list either."""
    cache: ResultCache[int, str] = ResultCache(8)
    cache.put(2, "q", "ranked on v2", str)
    cache.put(1, "q", "ranked on v1", str)
    assert cache.get(1, "q") is None
    assert cache.get(2, "q") == "ranked on v2"


def test_least_recently_used_entries_go_first() -> None:
    cache: ResultCache[int, int] = ResultCache(2)
    cache.put(1, "a", 1, int)
    cache.put(1, "b", 2, int)
    assert cache.get(1, "a") == 1
    cache.put(1, "c", 3, int)
    assert cache.get(1, "b") is None
    assert (cache.get(1, "a"), cache.get(1, "c")) == (1, 3)


def test_size_zero_stores_nothing() -> None:
    cache: ResultCache[int, int] = ResultCache(0)
    cache.put(1, "a", 1, int)
    assert cache.get(1, "a") is None and len(cache) == 0


def test_recompute_renews_recent_entries_for_a_new_version() -> None:
    """A writer recomputes the most recently used repeated entries on the new source;
    one-off entries and entries whose computation now fails are left out; installing makes
    the new version current."""
    from engine.errors import NotFoundError

    def gone(source: int) -> str:
        raise NotFoundError("deleted")

    cache: ResultCache[int, str] = ResultCache(8)
    cache.put(1, "old", "a1", lambda source: f"a{source}")
    cache.put(1, "deleted", "b1", gone)
    cache.put(1, "recent", "c1", lambda source: f"c{source}")
    cache.put(1, "once", "d1", lambda source: f"d{source}")
    for key in ("old", "deleted", "recent"):
        assert cache.get(1, key) is not None
    fresh = cache.recompute(2, limit=2)
    assert [(key, value) for key, value, _ in fresh] == [("recent", "c2")]
    assert cache.get(1, "recent") == "c1"  # nothing changes until installed
    cache.install(2, fresh)
    assert cache.get(2, "recent") == "c2" and cache.get(2, "old") is None
