"""Loading leaves the process as it found it: the garbage collector is the application's.

An application may have switched the cyclic garbage collector off, tuned its
thresholds, or rely on it running while its other threads allocate. Loading a
pack, however large, changes none of that.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import attrs
import pytest

import backext


FORMATS = ["json", "yaml", "toml"]


def _large_pack(count: int = 1_000) -> dict[str, object]:
    """A valid pack of *count* exercises: over 1 MiB as JSON, so that building it triggers many collections."""
    pack = backext.builtin_pack()
    exercises = []
    for index in range(count):
        base = pack.exercises[index % 3]
        progression = attrs.evolve(
            base.progression,
            next_exercise=f"ex-{index + 1}" if index % 3 != 2 and index + 1 < count else None,
            previous_exercise=f"ex-{index - 1}" if index % 3 != 0 else None,
        )
        exercises.append(attrs.evolve(base, id=f"ex-{index}", progression=progression))
    document: dict[str, object] = json.loads(backext.dump_pack(attrs.evolve(pack, exercises=tuple(exercises)), "json"))
    return document


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    document = _large_pack()
    pack = backext.load_pack(document)
    return {fmt: backext.dump_pack(pack, fmt) for fmt in FORMATS}


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs, as gc.callbacks reports them."""
    seen: list[int] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_enabled_collector_keeps_running_during_a_load(texts, collections, fmt, monkeypatch):
    assert gc.isenabled()
    thresholds = gc.get_threshold()
    inside: list[bool] = []
    validate = backext._load.checked

    def spy(*args: object, **kwargs: object) -> list[backext.Problem]:
        inside.append(gc.isenabled())
        return validate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(backext._load, "checked", spy)
    pack = backext.load_pack(texts[fmt], format=fmt)
    assert len(pack.exercises) == 1_000
    assert gc.isenabled()
    assert gc.get_threshold() == thresholds
    assert collections, "the collector ran no collection while thousands of objects were built"
    assert inside in ([], [True])  # JSON passes through the spy, with the collector on


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_disabled_collector_stays_disabled_and_idle(texts, collections, fmt):
    gc.collect()
    gc.disable()
    try:
        collections.clear()
        backext.load_pack(texts[fmt], format=fmt)
        assert backext.validate_pack(texts[fmt], format=fmt) == []
        with pytest.raises(backext.PackError):
            backext.load_pack('{"id": 1}', format="json")
        assert not gc.isenabled()
        assert collections == []  # no collection was forced either
    finally:
        gc.enable()


def test_the_thresholds_are_left_as_the_application_set_them(texts):
    before = gc.get_threshold()
    gc.set_threshold(5000, 20, 30)
    try:
        backext.load_pack(texts["json"], format="json")
        assert gc.get_threshold() == (5000, 20, 30)
    finally:
        gc.set_threshold(*before)


def test_the_collector_is_on_for_other_threads_while_a_load_runs(texts):
    """A thread that looks while a load runs on another finds the collector enabled every time."""
    import threading  # noqa: PLC0415

    seen: set[bool] = set()
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.add(gc.isenabled())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            backext.load_pack(texts["json"], format="json")
    finally:
        stop.set()
        watcher.join()
    assert seen == {True}
