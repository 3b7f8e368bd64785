"""Benchmarks of backext against baselines, every contender under the same conditions.

Run with ``nox -s bench`` (or ``python benchmarks/run.py``). Each row times
backext and a baseline in two conditions, and gives every contender the same
one: Python's cyclic garbage collector enabled for all, then disabled for
all. Within a row, the contenders and the two conditions take turns, run
after run, and each time is the median of several runs, so that a slow
moment on a shared machine slows every contender alike. ``--quick`` runs
tiny sizes once, as a smoke test: it checks that the benchmark runs, not how
fast.

The baselines are ``json.loads``, ``tomllib`` and libyaml's ``CSafeLoader``
parsing the same text and nothing more; pydantic v2 models that make the
checks backext makes on each object (``pydantic_model.py``); and a
constrained msgspec decode (``msgspec_model.py``), the floor.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

import backext


HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

#: The two conditions every contender is measured in.
CONDITIONS = ("collector enabled", "collector disabled")

_TEXT_FIELDS = {"title", "name", "purpose", "starting_position", "text", "cue", "description", "disclaimer", "why"}

#: Packs beyond the default limits on size and exercises, for the larger rows.
LIMITS = backext.Limits(max_bytes=1 << 30, max_exercises=1_000_000)


def translated(node: object, key: str = "") -> object:
    """*node* with every text given in English and German (the same words: the size is what counts)."""
    if isinstance(node, dict):
        return {name: translated(value, name) for name, value in node.items()}
    if isinstance(node, list):
        return [translated(item, key) for item in node]
    if isinstance(node, str) and key in _TEXT_FIELDS | {"equipment", "safety_notes"}:
        return {"en": node, "de": node}
    return node


def in_english(node: object, key: str = "") -> object:
    """*node* with every text in English alone: the rows measure packs in one language unless they say otherwise."""
    if isinstance(node, dict):
        if key in _TEXT_FIELDS | {"equipment", "safety_notes"}:
            return node["en"]
        return {name: in_english(value, name) for name, value in node.items()}
    if isinstance(node, list):
        return [in_english(item, key) for item in node]
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
    document = in_english(json.loads(backext.dump_pack(attrs.evolve(pack, exercises=tuple(exercises)), "json")))
    if translate:
        document = translated(document)
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


@contextmanager
def collector(enabled: bool) -> Iterator[None]:
    """The cyclic garbage collector switched on or off for a measurement, and back as it was."""
    was = gc.isenabled()
    gc.collect()
    if enabled:
        gc.enable()
    else:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()


def once(function: Callable[[], object], enabled: bool) -> float:
    """Seconds one call of *function* takes with the collector *enabled* or not (freeing its result not counted)."""
    with collector(enabled):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        del result
    return elapsed


def compare(contenders: dict[str, Callable[[], object]], repeat: int) -> dict[str, dict[str, float]]:
    """Median seconds of each contender in each condition: ``{condition: {name: seconds}}``.

    Every contender runs once untimed first (imports, generated code,
    caches). Then, *repeat* times, every condition and every contender take
    their turn, starting each round with a different one.
    """
    for function in contenders.values():
        function()
    names = list(contenders)
    times: dict[str, dict[str, list[float]]] = {c: {n: [] for n in names} for c in CONDITIONS}
    for round_ in range(repeat):
        for condition in CONDITIONS[round_ % 2 :] + CONDITIONS[: round_ % 2]:
            for offset in range(len(names)):
                name = names[(round_ + offset) % len(names)]
                times[condition][name].append(once(contenders[name], condition == CONDITIONS[0]))
    return {c: {n: statistics.median(t) for n, t in by_name.items()} for c, by_name in times.items()}


def processes(commands: dict[str, list[str]], repeat: int) -> dict[str, float]:
    """Median wall seconds of each command, run as a new process, in turns, after one warm-up run each.

    Bytecode may be written (as it is when pip installs a package), so that
    an editable install is not timed compiling its sources on every run.
    """
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat + 1):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=environment)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values[1:]) for name, values in times.items()}


_PEAK = """
import gc, resource, sys
sys.path.insert(0, {here!r})
import backext, pydantic_model
contender, enabled, path = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
data = open(path, "rb").read()
load = {{
    "backext": lambda: backext.load_pack(data, format="json", limits=backext.Limits(max_bytes=1 << 30)),
    "pydantic": lambda: pydantic_model.load(data),
}}[contender]
def peak():  # bytes: the kernel's high-water mark of the resident set
    try:
        with open("/proc/self/status") as status:
            return 1024 * int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
    except OSError:  # no /proc: ru_maxrss, in bytes on macOS, KiB elsewhere
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
gc.collect()
(gc.enable if enabled else gc.disable)()
before = peak()
pack = load()
print(peak() - before)
"""


def peak_growth(contender: str, enabled: bool, path: Path) -> int:
    """Bytes by which a new process's peak resident memory grows while *contender* loads the JSON pack at *path*."""
    script = _PEAK.format(here=str(HERE))
    output = subprocess.run(
        [sys.executable, "-c", script, contender, "1" if enabled else "0", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(output)


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """The least-squares slope of seconds against size, and the exponent b of seconds ~ size^b."""
    slope = statistics.linear_regression([p[0] for p in points], [p[1] for p in points]).slope
    exponent = statistics.linear_regression([math.log(p[0]) for p in points], [math.log(p[1]) for p in points]).slope
    return slope, exponent


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def machine() -> str:
    """One line naming the machine, the interpreter and the versions measured."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = f", {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB"
    try:
        import yaml  # noqa: PLC0415

        libyaml = "with libyaml" if yaml.__with_libyaml__ else "without libyaml"
    except ImportError:
        libyaml = "absent"
    versions = ", ".join(f"{name} {_version(name)}" for name in ("attrs", "cattrs", "pydantic", "msgspec"))
    return (
        f"backext {backext.__version__} on CPython {platform.python_version()}, {platform.system()}"
        f" {platform.release()}, {model}, {os.cpu_count()} cores{memory}; PyYAML {_version('PyYAML')} {libyaml};"
        f" {versions}"
    )


Row = tuple[str, str, dict[str, float], str, float | None]


def _ratio_rows(
    what: str, results: dict[str, dict[str, float]], ours: str, baselines: dict[str, float | None]
) -> list[Row]:
    """Rows of *ours* against each baseline: ``(what, against, {condition: ratio}, times, target)``."""
    rows: list[Row] = []
    for baseline, target in baselines.items():
        ratios = {c: results[c][ours] / results[c][baseline] for c in CONDITIONS}
        times = " / ".join(f"{results[c][ours] * 1000:.0f} vs {results[c][baseline] * 1000:.0f} ms" for c in CONDITIONS)
        rows.append((what, baseline, ratios, times, target))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run: a smoke test")
    parser.add_argument("--markdown", metavar="FILE", help="also write the results to FILE")
    args = parser.parse_args(argv)
    quick = args.quick
    size, other_size = (100, 30) if quick else (10_000, 2_000)
    repeat = 1 if quick else 7
    rows: list[Row] = []

    try:
        import pydantic_model  # noqa: PLC0415
    except ImportError:
        pydantic_model = None
    try:
        import msgspec_model  # noqa: PLC0415
    except ImportError:
        msgspec_model = None

    # --- JSON -----------------------------------------------------------------
    data = big_pack(size)
    contenders: dict[str, Callable[[], object]] = {
        "backext": lambda: backext.load_pack(data, format="json", limits=LIMITS),
        "json.loads": lambda: json.loads(data),
    }
    baselines: dict[str, float | None] = {"json.loads": None}
    if pydantic_model is not None:
        contenders["pydantic v2, same checks"] = lambda: pydantic_model.load(data)
        contenders["pydantic v2, same checks but duplicate keys kept"] = lambda: (
            pydantic_model.Pack.model_validate_json(data)
        )
        baselines["pydantic v2, same checks"] = 1.0
        baselines["pydantic v2, same checks but duplicate keys kept"] = None
    if msgspec_model is not None:
        contenders["msgspec, constrained (the floor)"] = lambda: msgspec_model.load(data)
        baselines["msgspec, constrained (the floor)"] = None
    results = compare(contenders, repeat)
    rows += _ratio_rows(f"load_pack, JSON, {size:,} exercises", results, "backext", baselines)

    both = big_pack(size, translate=True)
    results = compare(
        {
            "backext": lambda: backext.load_pack(both, format="json", limits=LIMITS),
            "json.loads": lambda: json.loads(both),
        },
        repeat,
    )
    rows += _ratio_rows(f"load_pack, JSON, {size:,} exercises in 2 locales", results, "backext", {"json.loads": None})

    # --- TOML and YAML ----------------------------------------------------------
    smaller = backext.load_pack(big_pack(other_size), format="json", limits=LIMITS)
    toml_text = backext.dump_pack(smaller, "toml")
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover
        import tomli as tomllib  # noqa: PLC0415
    results = compare(
        {
            "backext": lambda: backext.load_pack(toml_text, format="toml", limits=LIMITS),
            "tomllib.loads": lambda: tomllib.loads(toml_text),
        },
        repeat,
    )
    rows += _ratio_rows(f"load_pack, TOML, {other_size:,} exercises", results, "backext", {"tomllib.loads": 1.2})

    try:
        import yaml  # noqa: PLC0415

        from backext import _yaml  # noqa: PLC0415
    except ImportError:
        yaml = None
    if yaml is not None:
        yaml_text = backext.dump_pack(smaller, "yaml")
        if yaml.__with_libyaml__:
            results = compare(
                {
                    "backext": lambda: backext.load_pack(yaml_text, format="yaml", limits=LIMITS),
                    "yaml.load, CSafeLoader": lambda: yaml.load(yaml_text, Loader=yaml.CSafeLoader),
                },
                repeat,
            )
            rows += _ratio_rows(
                f"load_pack, YAML, {other_size:,} exercises", results, "backext", {"yaml.load, CSafeLoader": 1.5}
            )
        # The pure-Python fallback, against PyYAML's pure-Python safe loader; a smaller pack, fewer runs: it is slow.
        few_size = max(3, other_size // 4)
        few = backext.dump_pack(backext.load_pack(big_pack(few_size), format="json", limits=LIMITS), "yaml")

        def fallback() -> object:
            chosen = _yaml.Loader
            _yaml.Loader = _yaml.StrictLoader
            try:
                return backext.load_pack(few, format="yaml", limits=LIMITS)
            finally:
                _yaml.Loader = chosen

        results = compare(
            {"backext": fallback, "yaml.load, SafeLoader": lambda: yaml.load(few, Loader=yaml.SafeLoader)},
            max(1, repeat // 2),
        )
        rows += _ratio_rows(
            f"load_pack, YAML, pure-Python fallback, {few_size:,} exercises",
            results,
            "backext",
            {"yaml.load, SafeLoader": None},
        )

    # --- the engine -------------------------------------------------------------
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
    loops = 200 if quick else 5_000
    prescription = state.prescription
    backext.step(pack, state, log)  # the state is checked once, as an app's stored state would be

    def made_directly() -> object:
        """The three objects the step above returns, made directly with the engine's own tools: the floor."""
        from backext import _reasons, _state  # noqa: PLC0415 - the engine's copy and reason, not a slower stand-in

        new_state = _state.evolved(
            state, pending=None, tolerated_streak=1, untolerated_streak=0, last_session=log.date, painful_streak=0
        )
        template = (
            "well tolerated: {streak} of {required} session before a step up",
            "well tolerated: {streak} of {required} sessions before a step up",
        )
        reason = _reasons.because("tolerated", "en", template, {"streak": 1, "required": 3}, count=3)
        return backext.Decision(
            action=backext.Action.REPEAT, state=new_state, prescription=new_state.prescription, reasons=(reason,)
        )

    results = compare(
        {
            "backext": lambda: [backext.step(pack, state, log) for _ in range(loops)],
            "attrs.evolve(Prescription)": lambda: [attrs.evolve(prescription, hold_seconds=10) for _ in range(loops)],
            "a step's State, Reason and Decision, made directly": lambda: [made_directly() for _ in range(loops)],
        },
        repeat,
    )
    rows += _ratio_rows(
        "one engine step",
        results,
        "backext",
        {"attrs.evolve(Prescription)": 2.5, "a step's State, Reason and Decision, made directly": None},
    )
    # How far the floor itself is from the target: what no step that returns these objects can go below.
    rows += _ratio_rows(
        "a step's State, Reason and Decision, made directly",
        results,
        "a step's State, Reason and Decision, made directly",
        {"attrs.evolve(Prescription)": None},
    )

    # --- new processes (the collector as Python starts it) ---------------------------
    builtin = HERE / ".builtin-pack.json"
    builtin.write_text(backext.dump_pack(pack, "json"), encoding="utf-8")
    try:
        started = processes(
            {
                "backext show": [sys.executable, "-m", "backext", "show"],
                "backext validate": [sys.executable, "-m", "backext", "validate", str(builtin)],
                "import cattrs": [sys.executable, "-c", "import cattrs"],
            },
            2 if quick else 15,
        )
    finally:
        builtin.unlink()

    # --- peak memory --------------------------------------------------------------
    peaks: dict[str, dict[str, int]] = {}
    if pydantic_model is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pack.json"
            path.write_bytes(data)
            for condition in CONDITIONS:
                peaks[condition] = {
                    name: peak_growth(name, condition == CONDITIONS[0], path) for name in ("backext", "pydantic")
                }

    # --- growth -----------------------------------------------------------------
    sizes = [30, 100] if quick else [100, 1_000, 10_000, 100_000]
    scaling: dict[str, list[tuple[int, float]]] = {c: [] for c in CONDITIONS}
    for count in sizes:
        sample = big_pack(count)
        results = compare(
            {"backext": lambda sample=sample: backext.load_pack(sample, format="json", limits=LIMITS)},
            1 if count > 10_000 or quick else 5,
        )
        for condition in CONDITIONS:
            scaling[condition].append((count, results[condition]["backext"]))

    report = _report(rows, started, peaks, scaling)
    print(report)
    if args.markdown:
        Path(args.markdown).write_text(report + "\n", encoding="utf-8")
    return 0


def _met(ratios: dict[str, float], target: float | None) -> str:
    if target is None:
        return "-"
    return "yes" if all(value <= target for value in ratios.values()) else "no"


def _report(
    rows: list[Row],
    started: dict[str, float],
    peaks: dict[str, dict[str, int]],
    scaling: dict[str, list[tuple[int, float]]],
) -> str:
    on, off = CONDITIONS
    lines = [
        machine(),
        "",
        "Ratios of backext's time to the baseline's: below 1 is faster. Each is the median of several runs,",
        "with the cyclic garbage collector enabled for every contender, then disabled for every contender.",
        "",
        f"| what | measured against | {on} | {off} | target | met | times ({on} / {off}) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for what, against, ratios, times, target in rows:
        shown = "report" if target is None else f"<= {target}x"
        lines.append(
            f"| {what} | {against} | {ratios[on]:.2f}x | {ratios[off]:.2f}x | {shown} | {_met(ratios, target)}"
            f" | {times} |"
        )
    baseline = started["import cattrs"]
    lines += [
        "",
        "New processes (the collector as Python starts it), median wall time, the built-in pack:",
        "",
        "| command | time | against `python -c 'import cattrs'` | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("backext show", "backext validate"):
        ratio = started[name] / baseline
        lines.append(
            f"| {name} | {started[name] * 1000:.0f} ms | {ratio:.2f}x ({baseline * 1000:.0f} ms) | <= 1.0x"
            f" | {'yes' if ratio <= 1.0 else 'no'} |"
        )
    if peaks:
        lines += [
            "",
            "Peak memory while loading the JSON pack (growth of a new process's peak resident set):",
            "",
            f"| {on} | {off} | target | met |",
            "| --- | --- | --- | --- |",
        ]
        cells = []
        for condition in CONDITIONS:
            ours, theirs = peaks[condition]["backext"], peaks[condition]["pydantic"]
            cells.append(f"{ours / 2**20:.0f} MiB vs pydantic {theirs / 2**20:.0f} MiB ({ours / max(theirs, 1):.2f}x)")
        met = all(peaks[c]["backext"] <= peaks[c]["pydantic"] for c in CONDITIONS)
        lines.append(f"| {cells[0]} | {cells[1]} | <= 1.0x | {'yes' if met else 'no'} |")
    lines += [
        "",
        f"| exercises | load_pack, {on} | per exercise | load_pack, {off} | per exercise |",
        "| --- | --- | --- | --- | --- |",
    ]
    for (count, seconds_on), (_, seconds_off) in zip(scaling[on], scaling[off], strict=True):
        lines.append(
            f"| {count:,} | {seconds_on * 1000:.1f} ms | {seconds_on / count * 1e6:.1f} µs"
            f" | {seconds_off * 1000:.1f} ms | {seconds_off / count * 1e6:.1f} µs |"
        )
    lines.append("")
    for condition in CONDITIONS:
        slope, exponent = fit(scaling[condition])
        lines.append(
            f"Growth, {condition}: {slope * 1e6:.1f} µs per exercise (least squares over all sizes);"
            f" time grows as n^{exponent:.2f} (1.00 is linear)."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
