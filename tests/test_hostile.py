"""Hostile and unusual input: every file, mapping and command line gets a bounded, clear answer.

Each test has a time limit enforced by pytest-timeout (``@pytest.mark.timeout``):
a case that hangs fails instead of stalling the suite. None measures time
itself.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import backext
from backext import PROBLEM_CODES, Limits, PackError, fhir
from backext._cli import main
from backext._media import builtin_folder
from backext._render import render
from hostile_corpus import Case, cases
from strategies import json_values


CASES = {case.name: case for case in cases()}


def run(*argv: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """Run the command line in this process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = out, err
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin))
    try:
        status = main(list(argv))
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return status, out.getvalue(), err.getvalue()


def builtin_document() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


# --- the corpus --------------------------------------------------------------


def expected(case: Case, problems: list[backext.Problem]) -> None:
    codes = {p.code for p in problems}
    assert case.codes <= codes, problems[:5]
    if not case.codes:
        assert not [p for p in problems if p.severity == "error"]
    assert codes <= set(PROBLEM_CODES)
    for problem in problems:
        assert problem.severity == PROBLEM_CODES[problem.code].severity
        assert len(problem.message) < 1000


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_gets_its_problems(tmp_path, name):
    case = CASES[name]
    path = case.create(tmp_path)
    expected(case, backext.validate_pack(path))
    if case.kind == "file":
        expected(case, backext.validate_pack(case.content, format=path.suffix.lstrip(".") or "json"))


@pytest.mark.timeout(60)  # two processes each: under coverage on a busy 2-core machine, the largest take ~30 s
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_through_the_command_line(tmp_path, name):
    case = CASES[name]
    path = str(case.create(tmp_path))
    status, out, err = run("validate", "--format", "json", path)
    assert status == case.status
    report = json.loads(out)
    assert case.codes <= {entry["code"] for entry in report}
    assert "Traceback" not in err
    status, out, err = run("show", "--pack", path, "--format", "json")
    assert status == (0 if case.status == 0 else case.status)
    document = json.loads(out)
    assert ("error" in document) == (status != 0)
    assert "Traceback" not in err


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.status == 0))
def test_packs_that_validate_work_with_every_command(tmp_path, name):
    path = str(CASES[name].create(tmp_path))
    for argv in (
        ["show", "--pack", path],
        ["plan", "--pack", path, "--start-date", "2026-01-05", "--weeks", str(backext._cli.MAX_WEEKS)],
        ["session", "--pack", path, "--exercise", "prone-chest-lift"],
    ):
        status, out, err = run(*argv)
        assert (status, err) == (0, ""), argv
        assert out


def test_the_corpus_script_writes_the_files(tmp_path):
    assert backext_script(str(tmp_path)) == 0
    assert (tmp_path / "self-alias.yaml").read_bytes() == CASES["self-alias.yaml"].content
    assert (tmp_path / "directory").is_dir()


def backext_script(*argv: str) -> int:
    import hostile_corpus  # noqa: PLC0415

    return hostile_corpus.main(list(argv))


# --- the API -----------------------------------------------------------------


@pytest.mark.timeout(10)
def test_a_mapping_that_contains_itself_is_refused():
    document = builtin_document()
    document["exercises"][0]["hold"]["more"] = document
    (problem,) = backext.validate_pack(document)
    assert problem.code == "too-deep"
    assert "the document contains itself" in problem.message
    loop: list = []
    loop.append(loop)
    assert [p.code for p in backext.validate_pack({"id": loop})] == ["too-deep"]


@pytest.mark.timeout(10)
def test_a_mapping_that_shares_objects_is_counted_as_it_expands():
    shared: list = ["x"] * 100
    for _ in range(10):
        shared = [shared] * 10
    (problem,) = backext.validate_pack({"id": shared})
    assert problem.code == "too-many-values"
    assert "contains itself" not in problem.message
    smaller: list = [["x"] * 100] * 100  # 10,101 values once expanded: within the limit
    assert "wrong-type" in {p.code for p in backext.validate_pack({"id": smaller})}
    assert backext.validate_pack({"id": smaller}, limits=Limits(max_values=10_000))[0].code == "too-many-values"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("value", [10**4000, -(10**4000), 2**2000, 1e300, float("inf")])
def test_huge_numbers_in_a_mapping_are_out_of_range(value):
    document = builtin_document()
    document["exercises"][0]["hold"]["target_seconds"] = value
    document["exercises"][0]["hold"]["start_seconds"] = 0.5
    codes = {(p.path, p.code) for p in backext.validate_pack(document)}
    assert (
        "/exercises/0/hold/target_seconds",
        "number-out-of-range" if value != float("inf") else "not-finite",
    ) in codes


def test_huge_numbers_anywhere_give_a_message_not_an_error():
    (problem,) = backext.validate_pack({**builtin_document(), "schema_version": 10**5000})
    assert problem.code == "unsupported-schema-version"
    assert "an integer of about 5001 digits" in problem.message
    problems = backext.validate_pack({**builtin_document(), "version": 10**5000})
    assert [p.code for p in problems] == ["wrong-type"]


def test_a_pack_with_a_huge_number_dumps_or_raises_a_documented_error():
    pack = backext.builtin_pack()
    exercise = pack.exercises[0]
    huge = attrs.evolve(exercise, hold=attrs.evolve(exercise.hold, target_seconds=10**5000))
    broken = attrs.evolve(pack, exercises=(huge, *pack.exercises[1:]))
    assert "number-out-of-range" in {p.code for p in backext.validate_pack(backext.converter.unstructure(broken))}
    with pytest.raises(ValueError, match="digits"):
        backext.dump_pack(broken, "json")


@pytest.mark.timeout(10)
def test_paths_that_are_no_files():
    for path in (pathlib.Path("pack\0.json"), pathlib.Path("/dev/null"), pathlib.Path("/dev/zero")):
        (problem,) = backext.validate_pack(path, format="json")
        assert problem.code == "unreadable"
        with pytest.raises(PackError):
            backext.load_pack(path, format="json")


def test_text_passed_as_a_path_is_not_echoed():
    text = backext.dump_pack(backext.builtin_pack(), "yaml")
    for source in (text, backext.dump_pack(backext.builtin_pack(), "json")):
        with pytest.raises(ValueError, match="pass format=") as caught:
            backext.load_pack(source)
        assert len(str(caught.value)) < 200
    with pytest.raises(PackError) as caught:
        backext.load_pack("x" * 3000 + ".json")
    assert len(str(caught.value)) < 2500


@pytest.mark.timeout(10)
def test_a_high_byte_limit_reserves_no_memory(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(backext.builtin_pack()), encoding="utf-8")
    assert backext.load_pack(path, max_bytes=10**15) == backext.builtin_pack()
    assert backext.load_pack(path, limits=Limits(max_bytes=2**62)) == backext.builtin_pack()
    assert [p.code for p in backext.validate_pack(path, max_bytes=100)] == ["too-large"]


def test_limits_can_be_lowered_and_raised():
    document = builtin_document()
    assert backext.validate_pack(document, limits=Limits(max_exercises=2))[0].code == "too-many-exercises"
    assert backext.validate_pack(document, limits=Limits(max_exercises=3)) == []
    assert "too-long" in {p.code for p in backext.validate_pack(document, limits=Limits(max_string_length=10))}
    text = json.dumps(document)
    assert "too-long" in {
        p.code for p in backext.validate_pack(text, format="json", limits=Limits(max_string_length=10))
    }
    assert "ladder-too-long" in {
        p.code for p in backext.validate_pack(text, format="json", limits=Limits(max_ladder_rungs=5))
    }
    assert "number-out-of-range" in {
        p.code for p in backext.validate_pack(text, format="json", limits=Limits(max_number=10))
    }
    assert backext.validate_pack(text, format="json", limits=Limits(max_number=10**12, max_ladder_rungs=10**6)) == []
    with pytest.raises(ValueError, match="at least 1"):
        Limits(max_depth=0)


def test_problems_reported_are_capped_errors_first():
    document = builtin_document()
    for index in range(30):
        document[f"extra-{index}"] = 1
    problems = backext.validate_pack(document, limits=Limits(max_problems=5))
    assert [p.code for p in problems] == ["unknown-field"] * 5 + ["too-many-problems"]
    assert "25 more problems" in problems[-1].message
    document = builtin_document()
    del document["disclaimer"]
    document["title"] = {"en": "x", "de": "y"}  # a warning for every other text
    document["exercises"][2]["hold"]["start_seconds"] = 0  # one error, far down
    problems = backext.validate_pack(document, limits=Limits(max_problems=3))
    assert "not-positive" in [p.code for p in problems]
    with pytest.raises(PackError) as caught:
        backext.load_pack(document, limits=Limits(max_problems=3))
    assert caught.value.problems[0].code == "not-positive"


@pytest.mark.timeout(30)
def test_the_engine_never_meets_a_ladder_too_long_to_walk():
    document = builtin_document()
    document["exercises"][0]["hold"].update(target_seconds=90, increment_seconds=0.1)  # 850 growths: within
    pack = backext.load_pack(document)
    assert len(backext.ladder(pack, "forearm-press-up")) > 850
    document["exercises"][0]["hold"]["target_seconds"] = 110  # 1,050 growths: too many
    with pytest.raises(PackError, match="ladder-too-long"):
        backext.load_pack(document)


def test_every_limit_has_a_code_in_the_catalogue():
    for code in (
        "too-large",
        "too-deep",
        "too-many-values",
        "too-long",
        "number-out-of-range",
        "too-many-exercises",
        "ladder-too-long",
        "too-many-problems",
        "too-many-aliases",
    ):
        assert code in PROBLEM_CODES


# --- the command line ---------------------------------------------------------


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch):
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(backext._cli, "_validate", interrupted)
    status, out, err = run("validate", "x.json")
    assert (status, out) == (130, "")
    assert err == "backext: interrupted\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--start-date", "9999-12-01"],
        ["plan", "--weeks", "100000000"],
        ["plan", "--weeks", "-1"],
        ["validate", "--max-bytes", "0", "x.json"],
        ["validate", "--limit", "bogus=3", "x.json"],
        ["validate", "--limit", "exercises=lots", "x.json"],
        ["show", "--format", "pdf"],
    ],
)
def test_usage_errors_exit_2_and_json_is_still_json(argv):
    status, out, err = run(*argv)
    assert (status, out) == (2, "")
    assert "Traceback" not in err
    assert err
    status, out, _ = run(*argv, "--format", "json") if "--format" not in argv else run(*argv)
    assert status == 2
    if "--format" not in argv:
        assert json.loads(out)["error"]["status"] == 2


def test_json_errors_for_invalid_packs_and_unknown_suffixes(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x"}')
    status, out, _ = run("show", "--pack", str(bad), "--format", "json")
    assert status == 1
    error = json.loads(out)["error"]
    assert {p["code"] for p in error["problems"]} == {"missing-field"}
    other = tmp_path / "pack.txt"
    other.write_text(backext.dump_pack(backext.builtin_pack()))
    status, out, err = run("validate", "--format", "json", str(other), str(bad))
    assert status == 2
    assert [(r["file"], r["code"]) for r in json.loads(out)][:2] == [
        (str(other), "unknown-format"),
        (str(bad), "missing-field"),
    ]
    assert "format=" not in out + err
    status, _, err = run("show", "--pack", str(other))
    assert status == 2
    assert "format=" not in err


def test_input_format_applies_to_files(tmp_path):
    path = tmp_path / "pack.txt"
    path.write_text(backext.dump_pack(backext.builtin_pack(), "toml"))
    shutil.copytree(builtin_folder() / "media", tmp_path / "media")  # the pictures it names (media-missing)
    assert run("validate", "--input-format", "toml", str(path))[:2] == (0, "1 file checked: 0 errors, 0 warnings\n")
    status, out, _ = run("validate", "--input-format", "json", str(path))
    assert status == 1
    assert "syntax-error" in out


def test_limits_on_the_command_line(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(backext.builtin_pack()))
    status, out, _ = run("validate", "--limit", "exercises=2", str(path))
    assert status == 1
    assert "too-many-exercises" in out
    assert run("validate", "--limit", "max_exercises=3", "--limit", "string-length=600", str(path))[0] == 0
    assert run("show", "--pack", str(path), "--limit", "exercises=2")[0] == 1


def test_standard_input_is_read_within_the_limit():
    status, out, _ = run("validate", "--max-bytes", "10", "-", stdin=b"{" + b" " * 100 + b"}")
    assert status == 2
    assert "too-large" in out
    status, out, _ = run("validate", "-", stdin=b"")
    assert status == 1


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command",
    [["validate", "--format", "json"], ["validate"], ["show", "--pack"], ["show", "--format", "json", "--pack"]],
)
def test_output_survives_an_ascii_terminal(tmp_path, command):
    path = CASES["surrogate-key.json"].create(tmp_path)
    title = CASES["surrogate-title.json"].create(tmp_path)
    accents = tmp_path / "accents.json"
    accents.write_text(backext.dump_pack(attrs.evolve(backext.builtin_pack(), title="Rückenübungen")), "utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    for target, status in ((path, 1), (title, 1), (accents, 0)):
        result = subprocess.run(
            [sys.executable, "-m", "backext", *command, str(target)], capture_output=True, env=env, check=False
        )
        assert result.returncode == status, result.stderr
        assert b"Traceback" not in result.stderr
        assert result.stdout if status == 0 or command[0] == "validate" else b"U+D800" in result.stderr
        if "json" in command:
            json.loads(result.stdout)


@pytest.mark.timeout(30)
def test_a_fifo_never_blocks_the_command_line(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for argv in (
        ["validate", str(fifo)],
        ["show", "--pack", str(fifo)],
        ["validate", "--input-format", "json", str(fifo)],
    ):
        status, _, _ = run(*argv)
        assert status == 2


# --- fuzzing --------------------------------------------------------------------


@pytest.mark.timeout(120)
@given(data=st.binary(max_size=400), fmt=st.sampled_from(backext.FORMATS))
def test_any_bytes_through_the_command_line_give_json(tmp_path_factory, data, fmt):
    path = tmp_path_factory.mktemp("fuzz") / f"pack.{fmt}"
    path.write_bytes(data)
    status, out, err = run("validate", "--format", "json", str(path))
    assert status in {0, 1}
    assert all(entry["code"] in PROBLEM_CODES for entry in json.loads(out))
    assert "Traceback" not in err
    status, out, err = run("show", "--pack", str(path), "--format", "json")
    assert status in {0, 1}
    json.loads(out)


@pytest.mark.timeout(120)
@given(value=json_values)
def test_random_documents_through_the_command_line(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("fuzz") / "pack.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    status, out, _ = run("validate", "--format", "json", str(path))
    assert status in {0, 1}
    assert all(entry["code"] in PROBLEM_CODES for entry in json.loads(out))


def yaml_graphs() -> st.SearchStrategy[str]:
    """YAML texts whose anchors and aliases refer anywhere: back, forward, to themselves."""

    def text(rows: list[tuple[int, list[int], bool]]) -> str:
        lines = []
        for index, (_, refs, mapping) in enumerate(rows):
            items = [f"*a{ref}" if ref <= index else "x" for ref in refs]
            body = (
                "{" + ", ".join(f"k{i}: {item}" for i, item in enumerate(items)) + "}"
                if mapping
                else f"[{', '.join(items)}]"
            )
            lines.append(f"a{index}: &a{index} {body}")
        return "\n".join(lines) + "\n"

    row = st.tuples(st.just(0), st.lists(st.integers(0, 12), max_size=12), st.booleans())
    return st.lists(row, min_size=1, max_size=12).map(text)


@pytest.mark.timeout(120)
@given(text=yaml_graphs())
def test_any_yaml_graph_gets_an_answer(text):
    problems = backext.validate_pack(text, format="yaml")
    assert problems
    assert all(p.code in PROBLEM_CODES for p in problems)


@pytest.mark.timeout(120)
@given(
    start=st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)),
    target=st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)),
    increment=st.one_of(st.none(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_any_hold_validates_and_a_valid_one_can_be_planned(start, target, increment):
    document = builtin_document()
    hold = {"start_seconds": start, "target_seconds": target}
    if increment is not None:
        hold["increment_seconds"] = increment
    document["exercises"][0]["hold"] = hold
    problems = backext.validate_pack(document)
    assert all(p.code in PROBLEM_CODES for p in problems)
    if not [p for p in problems if p.severity == "error"]:
        pack = backext.load_pack(document)
        assert render(pack, pack.exercises)
        backext.plan(pack, backext.start(pack, "forearm-press-up"), start_date=datetime.date(2026, 1, 5), weeks=52)


def test_a_file_that_grows_past_the_limit_while_read(tmp_path, monkeypatch):
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(backext.builtin_pack()), encoding="utf-8")
    real = os.fstat

    def reports_empty(descriptor: int) -> os.stat_result:
        found = real(descriptor)
        return os.stat_result((found.st_mode, *[0] * 9))  # like files in /proc: a size of 0

    monkeypatch.setattr(backext._load.os, "fstat", reports_empty)
    assert [p.code for p in backext.validate_pack(path, max_bytes=100)] == ["too-large"]
    assert backext.load_pack(path) == backext.builtin_pack()


@pytest.mark.timeout(10)
@pytest.mark.parametrize("fmt", ["json", "toml"])
def test_long_integers_are_refused_where_python_would_convert_them(fmt):
    set_limit = getattr(sys, "set_int_max_str_digits", None)
    if set_limit is None:  # pragma: no cover - Python 3.10 before 3.10.7
        return
    before = sys.get_int_max_str_digits()
    set_limit(0)  # a program that lifted Python's own limit
    try:
        text = ('{"schema_version": %s}' if fmt == "json" else "schema_version = %s\n") % ("9" * 200_000)
        assert [p.code for p in backext.validate_pack(text, format=fmt)] == ["number-out-of-range"]
        assert backext.load_pack(backext.dump_pack(backext.builtin_pack(), fmt), format=fmt) == backext.builtin_pack()
    finally:
        set_limit(before)


def test_long_words_are_wrapped_in_linear_time_and_ordinary_text_as_textwrap_does():
    import textwrap  # noqa: PLC0415

    from backext._render import _wrap  # noqa: PLC0415

    ordinary = "Lie on your front with a pillow under your hips and your arms by your sides, palms up. " * 3
    assert _wrap(ordinary, "    ", "  - ") == textwrap.fill(
        ordinary, width=79, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False
    )
    word = "y" * 2_000_000
    lines = _wrap(f"short {word} end", "    ", "  - ").splitlines()
    assert lines[0].startswith("  - short yyy")
    assert all(len(line) <= 79 for line in lines)
    assert "".join(line.strip(" -").removeprefix("short ").removesuffix(" end") for line in lines) == word
    assert lines[-1].endswith(" end")


@pytest.mark.timeout(10)
def test_a_very_long_locale_or_id_from_outside_is_answered_quickly():
    pack = backext.builtin_pack()
    with pytest.raises(ValueError, match="is longer than 64 characters"):  # read as the library's words read it
        pack.localize(pack.title, "de-" * 300_000)
    assert pack.localize(pack.title, "de-x-" + "-".join(["de"] * 19)) == pack.localize(pack.title, "de")
    text = backext.LocalizedText({"en": "E", "de": "D", "de-CH": "C"})
    assert [text.resolve(tag, default_locale="en") for tag in ("de-CH-1996", "DE-ch", "de-AT", "fr")] == list("CCDE")
    with pytest.raises(KeyError) as caught:
        pack.exercise("x" * 1_000_000)
    assert len(str(caught.value)) < 300
    many = attrs.evolve(pack, exercises=tuple(attrs.evolve(pack.exercises[0], id=f"e-{i}") for i in range(1000)))
    with pytest.raises(KeyError, match="and 990 more"):
        many.exercise("zzzzzzzzzzzzzzzz")
    status, _, err = run("show", "--locale", "de-" * 30_000)  # not a tag: a usage error, told briefly
    assert status == 2
    assert "is longer than 64 characters" in err
    assert len(err) < 500
    status, _, err = run("show", "--locale", "de-" + "-".join(["x"] * 30_000))  # well formed, far too long
    assert status == 2
    assert len(err) < 500


@pytest.mark.timeout(60)
def test_an_interrupted_command_exits_130_quietly():
    # Waiting on standard input, which never comes: the command is surely inside main() when interrupted.
    process = subprocess.Popen(
        [sys.executable, "-m", "backext", "validate", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert (process.returncode, out, err) == (130, b"", b"backext: interrupted\n")


_WORDS = [
    "show",
    "validate",
    "plan",
    "session",
    "schema",
    "fhir",
    "--state",
    "--logs",
    "--subject",
    "--fhir-version",
    "R4B",
    "--bundle",
    "transaction",
    "--base",
    "--format",
    "json",
    "text",
    "markdown",
    "--pack",
    "--exercise",
    "prone-chest-lift",
    "--locale",
    "de",
    "--weeks",
    "--days-per-week",
    "--start-date",
    "9999-12-31",
    "--limit",
    "exercises=1",
    "--max-bytes",
    "0",
    "-1",
    "100000000",
    "--input-format",
    "yaml",
    "--strict",
    "-",
    "--format=json",
    "missing.json",
    "\ud800",
    "\x00",
    "",
]


@pytest.mark.timeout(120)
@given(argv=st.lists(st.sampled_from(_WORDS) | st.text(max_size=8), max_size=8))
def test_any_command_line_gets_an_exit_status_and_json_when_asked(argv):
    status, out, err = run(*argv, stdin=b"")
    assert status in {0, 1, 2}
    assert "Traceback" not in err
    formats = [argv[i + 1] if i + 1 < len(argv) else None for i, word in enumerate(argv) if word == "--format"]
    if status != 0 and formats == ["json"] and not any(word.startswith("--format=") for word in argv):
        json.loads(out)


@pytest.mark.parametrize("fmt", ["json", "toml", "yaml"])
def test_problems_reported_past_the_cap_are_placed_in_the_file(fmt):
    # Only the problems reported are placed; those kept must still carry their line, errors first.
    document = builtin_document()
    document["title"] = {"en": "x", "it": "y"}  # a warning for every other text
    document["exercises"][2]["hold"]["start_seconds"] = 0  # one error, far down
    text = json.dumps(document, indent=1) if fmt == "json" else _as(fmt, document)
    problems = backext.validate_pack(text, format=fmt, limits=Limits(max_problems=4))
    assert problems[-1].code == "too-many-problems"
    reported = problems[:-1]
    assert len(reported) == 4
    assert "not-positive" in [p.code for p in reported]
    assert all(p.line is not None for p in reported)
    lines = text.splitlines()
    error = next(p for p in reported if p.code == "not-positive")
    assert "start_seconds" in lines[error.line - 1]


def _as(fmt: str, document: dict) -> str:
    if fmt == "toml":
        import tomli_w  # noqa: PLC0415

        return tomli_w.dumps(document)
    import yaml  # noqa: PLC0415

    return yaml.safe_dump(document, sort_keys=False)


def test_a_json_text_of_too_many_values_is_refused_before_they_are_built():
    # Found by a black-box attack: 16 MiB of empty lists (5 million of them) took 1.2 GB before too-many-values.
    from memory import peak as measured  # noqa: PLC0415

    limits = backext.Limits(max_values=10_000)
    text = '{"a": [' + ",".join(["[]"] * 300_000) + "]}"
    found, peak = measured(lambda: backext.validate_pack(text, format="json", limits=limits))
    assert [(p.code, p.path) for p in found] == [("too-many-values", "")]
    assert peak < 8 * len(text), peak  # a copy or two of the text, never the lists
    # Commas and brackets inside strings are no values.
    inside = '{"a": [' + ",".join(['"x,[{,"'] * 5_000) + "]}"
    assert "too-many-values" not in [p.code for p in backext.validate_pack(inside, format="json", limits=limits)]


def test_the_first_lone_surrogate_of_a_document_is_the_one_said():
    # Found by a black-box attack: of three lone surrogates the last was reported, so the author went back to front.
    text = '{"a": "x\\ud800", "b": ["\\udc00"], "c": {"d": "\\udfff"}}'
    [found] = backext.validate_pack(text, format="json")
    assert (found.code, found.path, found.line, found.column) == ("not-utf8", "/a", 1, 7)


def test_commas_inside_one_long_string_cost_no_memory_per_character():
    # Found by a black-box attack (round 16): blanking out the strings before counting values took about 120 bytes
    # a character of a string full of commas (2 GB for 16 MiB).
    from memory import peak as measured  # noqa: PLC0415

    limits = backext.Limits(max_values=10_000, max_string_length=10)
    text = '{"id": "x", "title": "' + "," * 1_000_000 + '"}'
    found, peak = measured(lambda: backext.validate_pack(text, format="json", limits=limits))
    assert "too-long" in [p.code for p in found]
    assert "too-many-values" not in [p.code for p in found]
    assert peak < 8 * len(text), peak


def test_markdown_shows_pack_text_as_text_never_as_markup():
    # Found by a black-box attack (round 16): a line break and "# ..." in a step made a heading, and raw HTML, a
    # javascript: link and a second numbered step went into the Markdown as they were.
    markdown_it = pytest.importorskip("markdown_it")
    pack = backext.builtin_pack()
    exercise = pack.exercises[0]
    hostile = "Lie down <script>alert(1)</script> [x](javascript:alert(1)) *b* | `c`\n# Fake heading\n1. fake step"
    steps = (attrs.evolve(exercise.steps[0], text=hostile), *exercise.steps[1:])
    named = attrs.evolve(exercise, name="Name ## <b>x</b>", purpose="- a list?\n2) or a number", steps=steps)
    pack = attrs.evolve(pack, exercises=(named, *pack.exercises[1:]))
    from backext._render import render  # noqa: PLC0415 - what `backext show --format markdown` writes

    text = render(pack, [named], style="markdown")
    html = markdown_it.MarkdownIt("commonmark").render(text)
    assert "<script" not in html
    assert "<b>" not in html
    assert "<a " not in html
    assert "<em>" not in html
    assert html.count("<h1>") == 1
    assert html.count("<h2>") == 1
    assert html.count("<li>") == len(exercise.steps) + len(exercise.safety_notes) + len(exercise.sources)
    assert "Lie down &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) *b* | `c` # Fake heading" in html
    assert "- a list? 2) or a number" in html


def test_a_lone_surrogate_in_a_key_is_placed_at_the_key():
    # Found by a black-box attack (round 16): it was placed at the key's value.
    text = '{"id": "a", "exercises": [{"id": "x", "\\ud800": 1}]}'
    [found] = backext.validate_pack(text, format="json")
    assert (found.code, found.line, found.column) == ("not-utf8", 1, text.index('"\\ud800"') + 1)
    assert "key" in found.message


def test_a_string_left_open_runs_to_the_end_of_the_text_when_values_are_counted():
    # Found by the review of the round-16 changes: each escaped quote of a string left open started the search for
    # strings again, in time quadratic in the text (a 2 MB text: 33 s); its commas were counted as values as well.
    text = '{"id": "' + '\\"' * 50 + "," * 2_100_000
    [found] = backext.validate_pack(text, format="json")
    assert (found.code, found.line, found.column) == ("syntax-error", 1, 8)


def test_escapes_inside_one_long_string_cost_no_memory_per_escape():
    # Found by a black-box attack (round 17): a string of escapes and commas still took about 44 bytes a character
    # when values were counted (705 MB for 16 MiB). Possessive repetition keeps none; Python 3.10 has none to use.
    from memory import peak as measured  # noqa: PLC0415

    limits = backext.Limits(max_values=10_000, max_string_length=10)
    text = '{"id": "x", "title": "' + '\\",' * 300_000 + '"}'
    found, peak = measured(lambda: backext.validate_pack(text, format="json", limits=limits))
    assert "too-many-values" not in [p.code for p in found]
    per_character = 8 if sys.version_info >= (3, 11) else 64
    assert peak < per_character * len(text), peak


_STARTED = backext.start(backext.builtin_pack(), "forearm-press-up")


@pytest.mark.parametrize(
    "call",
    [
        lambda: backext.load_state({}, backext.builtin_pack(), name=None),  # type: ignore[arg-type]
        lambda: backext.load_rules({}, name=5),  # type: ignore[arg-type]
        lambda: backext.load_state({}, backext.builtin_pack(), rules={"tolerated_pain": 1}),  # type: ignore[arg-type]
        lambda: backext.load_pack("{}", format="json", limits={"max_depth": 3}),  # type: ignore[arg-type]
        # Round 18: AttributeError, KeyError and ValueError from inside.
        lambda: backext.timeline(backext.builtin_pack(), _STARTED, phrases=None),  # type: ignore[arg-type]
        lambda: backext.ladder(backext.builtin_pack(), ["forearm-press-up"]),  # type: ignore[arg-type]
        lambda: fhir.export_pack({}),  # type: ignore[arg-type]
        lambda: fhir.export_bundle({}),  # type: ignore[arg-type]
        lambda: backext.load_pack("{}", format="json", max_bytes="10"),  # type: ignore[arg-type]
        lambda: backext.Limits(max_depth=1.5),  # type: ignore[arg-type]
    ],
)
def test_arguments_of_the_wrong_type_are_type_errors_that_name_them(call):
    # Found by a black-box attack (round 17): AttributeError from inside, naming no argument.
    with pytest.raises(TypeError, match=r"^(name|rules|limits|phrases|an exercise id|pack|max_bytes|max_depth) must"):
        call()


def test_a_line_break_in_a_name_or_a_cue_prints_no_line_of_its_own(capsys, tmp_path):
    # Found by a black-box attack (round 18): a name or a cue with a line break printed a forged dose line.
    from backext._cli import main  # noqa: PLC0415

    pack = backext.builtin_pack()
    exercise = pack.exercises[2]  # the chest lift: it has a variation
    forged = "\nDose: Hold for 600 seconds.\n"
    steps = (attrs.evolve(exercise.steps[0], cue=f"Lift{forged}"), *exercise.steps[1:])
    variations = tuple(  # a line separator, not a line feed (found by the fresh-eyes check after round 18)
        attrs.evolve(m, name=f"{m.id}\u2028Dose: Hold for 600 seconds.") for m in exercise.modifications
    )
    changed = attrs.evolve(exercise, name=f"Press-up{forged}", steps=steps, modifications=variations)
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(attrs.evolve(pack, exercises=(*pack.exercises[:2], changed))), encoding="utf-8")
    for argv in (
        ["show", "--pack", str(path)],
        ["session", "--pack", str(path), "--exercise", exercise.id],
        ["plan", "--pack", str(path), "--exercise", exercise.id, "--start-date", "2026-01-05", "--weeks", "1"],
    ):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert not any(line.startswith("Dose: Hold for 600") for line in out.splitlines()), argv
    # A calendar event's title is one line in every calendar program: SUMMARY kept the break, escaped (round 18).
    assert main(["plan", "--pack", str(path), "--exercise", exercise.id, "--start-date", "2026-01-05", "--weeks", "1",
                 "--format", "ics", "-o", str(tmp_path / "plan.ics")]) == 0  # fmt: skip
    import icalendar  # noqa: PLC0415

    events = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk("VEVENT")
    assert events
    for event in events:
        title = str(event["SUMMARY"])
        assert "\n" not in title, title
        assert "\u2028" not in title, title
