"""Benchmarks of backext: ratios against baselines measured side by side in the same run.

Run with ``nox -s bench`` (or ``python benchmarks/run.py``). Each row times
backext and its baseline alternately, several times, and compares the best
times, so that a noisy machine slows both alike. ``--quick`` runs tiny sizes
once, as a smoke test: it checks that the benchmark runs, not how fast.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import attrs

import backext


HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


_TEXT_FIELDS = {"title", "name", "purpose", "starting_position", "text", "cue", "description", "disclaimer", "why"}


def translated(node: object, key: str = "") -> object:
    """*node* with every text given in English and German (the same words: the size is what counts)."""
    if isinstance(node, dict):
        return {name: translated(value, name) for name, value in node.items()}
    if isinstance(node, list):
        return [translated(item, key) for item in node]
    if isinstance(node, str) and key in _TEXT_FIELDS | {"equipment", "safety_notes"}:
        return {"en": node, "de": node}
    return node


def big_pack(count: int, *, translate: bool = False) -> bytes:
    """A valid pack of *count* exercises as compact JSON: ladders of three, with variations."""
    pack = backext.builtin_pack()
    exercises = []
    for index in range(count):
        base = pack.exercises[index % 3]
        step = index % 3
        progression = attrs.evolve(
            base.progression,
            next_exercise=f"ex-{index + 1}" if step != 2 and index + 1 < count else None,
            previous_exercise=f"ex-{index - 1}" if step != 0 else None,
        )
        exercises.append(attrs.evolve(base, id=f"ex-{index}", progression=progression))
    document = json.loads(backext.dump_pack(attrs.evolve(pack, exercises=tuple(exercises)), "json"))
    if translate:
        document = translated(document)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def best(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def side_by_side(ours: Callable[[], object], baseline: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best times of *ours* and *baseline*, measured alternately."""
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(best(ours, 1))
        theirs.append(best(baseline, 1))
    return min(mine), min(theirs)


def processes_side_by_side(ours: list[str], baseline: list[str], repeat: int) -> tuple[float, float]:
    """Median wall times of two commands, each run as a new process, alternately, after one warm-up run each.

    Bytecode may be written (as it is when pip installs a package), so that
    an editable install is not timed compiling its sources on every run.
    """
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times: dict[int, list[float]] = {0: [], 1: []}
    for _ in range(repeat + 1):
        for which, command in enumerate((ours, baseline)):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=environment)
            times[which].append(time.perf_counter() - start)
    return statistics.median(times[0][1:]), statistics.median(times[1][1:])


def memory_held(function: Callable[[], object]) -> tuple[int, object]:
    """Bytes still allocated after *function* returns (its result kept alive), and the result."""
    gc.collect()
    tracemalloc.start()
    result = function()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held, result


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """The least-squares slope of seconds against size, and the exponent b of seconds ~ size^b."""
    slope = statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope
    exponent = statistics.linear_regression([math.log(p[0]) for p in points], [math.log(p[1]) for p in points]).slope
    return slope, exponent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: a smoke test")
    parser.add_argument("--markdown", metavar="FILE", help="also write the results table to FILE")
    args = parser.parse_args(argv)
    size = 100 if args.quick else 10_000
    repeat = 1 if args.quick else 5
    # Packs beyond the default limits on size and exercises, for the scaling rows.
    limits = backext.Limits(max_bytes=1 << 30, max_exercises=1_000_000)

    data = big_pack(size)
    rows: list[tuple[str, str, float, str, bool | None]] = []

    ours, theirs = side_by_side(
        lambda: backext.load_pack(data, format="json", limits=limits), lambda: json.loads(data), repeat
    )
    rows.append((f"load_pack, {size:,} exercises", "json.loads", ours / theirs, "<= 2.8x", ours / theirs <= 2.8))

    try:
        from pydantic_model import Pack as PydanticPack  # noqa: PLC0415
    except ImportError:
        PydanticPack = None  # noqa: N806
    if PydanticPack is not None:
        ours, theirs = side_by_side(
            lambda: backext.load_pack(data, format="json", limits=limits),
            lambda: PydanticPack.model_validate_json(data),
            repeat,
        )
        rows.append((f"load_pack, {size:,} exercises", "pydantic v2", ours / theirs, "<= 0.85x", ours / theirs <= 0.85))

    ours, theirs = side_by_side(
        lambda: backext.validate_pack(data, format="json", limits=limits), lambda: json.loads(data), repeat
    )
    rows.append((f"validate_pack, {size:,} exercises", "json.loads", ours / theirs, "<= 2.8x", ours / theirs <= 2.8))

    both = big_pack(size, translate=True)
    ours, theirs = side_by_side(
        lambda: backext.load_pack(both, format="json", limits=limits), lambda: json.loads(both), repeat
    )
    rows.append((f"load_pack, {size:,} exercises in 2 locales", "json.loads", ours / theirs, "report", None))

    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
    loops = 1_000 if args.quick else 20_000
    prescription = state.prescription

    def steps() -> None:
        for _ in range(loops):
            backext.step(pack, state, log)

    def evolves() -> None:
        for _ in range(loops):
            attrs.evolve(prescription, hold_seconds=10)

    ours, theirs = side_by_side(steps, evolves, repeat)
    rows.append(("one engine step", "attrs.evolve(Prescription)", ours / theirs, "<= 5x", ours / theirs <= 5))

    million = 10_000 if args.quick else 1_000_000
    day = datetime.date(2026, 1, 5)
    logs = []
    replay_state = backext.start(pack, "forearm-press-up")
    for index in range(min(million, 2_000)):
        logs.append(
            backext.SessionLog.as_prescribed(replay_state.prescription, day + datetime.timedelta(days=2 * index))
        )
        replay_state = backext.step(pack, replay_state, logs[-1]).state
    start = time.perf_counter()
    replayed = 0
    current = backext.start(pack, "forearm-press-up")
    while replayed < million:
        current = backext.start(pack, "forearm-press-up")
        for item in logs:
            current = backext.step(pack, current, item).state
        replayed += len(logs)
    elapsed = time.perf_counter() - start
    rows.append((f"{replayed:,} steps replayed", "-", elapsed, "report", None))

    builtin = backext.dump_pack(pack, "json")
    pipe_file = HERE / ".builtin-pack.json"
    pipe_file.write_text(builtin, encoding="utf-8")
    try:
        ours_s, theirs_s = processes_side_by_side(
            [sys.executable, "-m", "backext", "validate", str(pipe_file)],
            [sys.executable, "-c", "import cattrs"],
            3 if args.quick else 15,
        )
    finally:
        pipe_file.unlink()
    rows.append(
        (
            "backext validate (new process)",
            "python -c 'import cattrs'",
            ours_s / theirs_s,
            "<= 1.5x",
            ours_s / theirs_s <= 1.5,
        )
    )

    ours_mem, kept = memory_held(lambda: backext.load_pack(data, format="json", limits=limits))
    del kept
    if PydanticPack is not None:
        theirs_mem, kept = memory_held(lambda: PydanticPack.model_validate_json(data))
        del kept
        rows.append((f"memory held, {size:,} exercises", "pydantic v2", ours_mem / theirs_mem, "report", None))

    sizes = [100, 1_000] if args.quick else [100, 1_000, 10_000, 100_000]
    scaling = []
    for count in sizes:
        sample = big_pack(count)
        seconds = best(
            lambda sample=sample: backext.load_pack(sample, format="json", limits=limits),
            1 if count > 10_000 else repeat,
        )
        scaling.append((count, seconds))
    slope, exponent = fit(scaling)

    lines = [
        (
            f"backext {backext.__version__} on Python {platform.python_version()}, {platform.machine()},"
            f" {os.cpu_count()} cores, {platform.system()} {platform.release()}"
        ),
        "",
        "| what | measured against | ratio | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for what, against, value, target, met in rows:
        shown = f"{value:.1f} s" if what.endswith("replayed") else f"{value:.2f}x"
        lines.append(f"| {what} | {against} | {shown} | {target} | {'yes' if met else 'no' if met is False else '-'} |")
    lines += ["", "| exercises | load_pack | per exercise |", "| --- | --- | --- |"]
    lines += [f"| {count:,} | {seconds * 1000:.1f} ms | {seconds / count * 1e6:.1f} µs |" for count, seconds in scaling]
    lines += [
        "",
        (
            f"Slope: {slope * 1e6:.1f} µs per exercise (least squares over all sizes). Time grows as"
            f" n^{exponent:.2f} (fitted on a log-log scale: 1.00 is linear)."
        ),
    ]
    report = "\n".join(lines)
    print(report)
    if args.markdown:
        Path(args.markdown).write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
