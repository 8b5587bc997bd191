"""``alongside``: two calls at once, both results, errors raised after both finished."""

from __future__ import annotations

import threading
import time

import pytest

from engine.alongside import alongside


def test_both_results_in_order_and_the_second_runs_in_another_thread() -> None:
    here, there = alongside(lambda: threading.get_ident(), lambda: threading.get_ident())
    assert here == threading.get_ident()
    assert there != here


def test_the_calls_overlap() -> None:
    started = threading.Event()

    def there() -> str:
        started.set()
        return "there"

    def here() -> bool:
        return started.wait(timeout=5)  # only true if the other call runs meanwhile

    assert alongside(here, there) == (True, "there")


def test_an_error_in_either_call_is_raised_after_both_finished() -> None:
    finished: list[str] = []

    def slow() -> None:
        time.sleep(0.05)
        finished.append("slow")

    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        alongside(fail, slow)
    assert finished == ["slow"]
    with pytest.raises(ValueError, match="boom"):
        alongside(lambda: None, fail)
