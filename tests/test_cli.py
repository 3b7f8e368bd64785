"""The ``backext`` command line."""

from __future__ import annotations

import datetime
import json
import pathlib
import subprocess
import sys

import attrs
import pytest

import backext
from backext._cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_show_prints_the_whole_builtin_routine(capsys):
    status, out, err = run(capsys, "show")
    assert (status, err) == (0, "")
    assert out.startswith("Back extension exercises for osteoporosis\n====")
    for name in ("Forearm press-up (beginner)", "Press-up on the hands (intermediate)", "Prone chest lift (advanced)"):
        assert name in out
    assert "Before you start:" in out
    assert "Hold for 5 seconds, building up to 30 seconds (5 seconds at a time); 10\nrepetitions, 1 set." in out
    assert "Hold for 1 to 2 seconds; 10 repetitions, 1 set." in out
    assert "8 to 10 repetitions" in " ".join(out.split())
    assert "Chest and leg lift (harder; only with a clinician's clearance)" in out
    assert "  1. Lie on your front" in out


def test_show_one_exercise_as_markdown(capsys):
    status, out, _ = run(capsys, "show", "--exercise", "prone-chest-lift", "--format", "markdown")
    assert status == 0
    assert out.startswith("# Back extension exercises for osteoporosis")
    assert "## Prone chest lift (advanced)" in out
    assert "Forearm press-up" not in out
    assert "**Dose:** Hold for 5 seconds, building up to 20 seconds" in out
    assert "\n1. Lie on your front with a pillow under your hips." in out


def test_show_json_is_the_pack_or_one_exercise(capsys):
    status, out, _ = run(capsys, "show", "--format", "json")
    assert status == 0
    assert backext.load_pack(out, format="json") == backext.builtin_pack()
    status, out, _ = run(capsys, "show", "--format", "json", "--exercise", "hand-press-up")
    assert json.loads(out)["hold"] == {"start_seconds": 1, "target_seconds": 2}


def test_show_a_pack_file_in_another_locale(capsys, tmp_path):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"] = {"en": "Back", "de": "Rücken"}
    path = tmp_path / "pack.yaml"
    path.write_text(backext.dump_pack(backext.load_pack(document), "yaml"), encoding="utf-8")
    status, out, _ = run(capsys, "show", "--pack", str(path), "--locale", "de-AT")
    assert status == 0
    assert out.startswith("Rücken\n")


def test_unknown_exercise_is_a_usage_error(capsys):
    status, out, err = run(capsys, "show", "--exercise", "hand-pressup")
    assert (status, out) == (2, "")
    assert "did you mean 'hand-press-up'" in err


def test_an_invalid_pack_exits_1_with_every_problem(capsys, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x", "titel": "y"}')
    status, out, err = run(capsys, "show", "--pack", str(path))
    assert (status, out) == (1, "")
    assert f"{path}:1:13: error unknown-field: unknown field 'titel'; did you mean 'title'? (at \"/titel\")" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["missing.json", "pack.txt"])
def test_an_unreadable_pack_exits_2(capsys, tmp_path, name):
    status, _, err = run(capsys, "show", "--pack", str(tmp_path / name))
    assert status == 2
    assert "Traceback" not in err


def test_no_command_and_bad_options_are_usage_errors(capsys):
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    status, _, err = run(capsys, "show", "--format", "pdf")
    assert status == 2
    assert "invalid choice" in err


def test_version_and_help(capsys):
    status, out, _ = run(capsys, "--version")
    assert (status, out.strip()) == (0, f"backext {backext.__version__}")
    status, out, _ = run(capsys, "show", "--help")
    assert status == 0
    assert "--exercise ID" in out


def test_schema_prints_the_json_schema(capsys):
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert json.loads(out) == backext.json_schema()


def test_python_dash_m_runs_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "backext", "show", "--exercise", "hand-press-up"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Press-up on the hands" in result.stdout


def test_plan_prints_a_table_and_the_levels(capsys):
    status, out, err = run(capsys, "plan", "--start-date", "2026-01-05", "--weeks", "8")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Date", "Exercise", "Level", "Hold", "Reps", "Sets", "Change"]
    # The exercise by its name in the person's language, not its id.
    assert lines[1].split() == ["2026-01-05", "Forearm", "press-up", "beginner", "5", "s", "10", "1", "start"]
    assert "2026-02-16: Press-up on the hands (intermediate)" in out
    assert "2026-02-23: Prone chest lift (advanced)" in out
    assert len([line for line in lines if line.startswith("2026-") and "s  " in line]) == 24
    status, out, _ = run(capsys, "plan", "--start-date", "2026-01-05", "--weeks", "1", "--locale", "de")
    assert "forearm-press-up" not in out
    assert "Aufrichten auf die Unterarme" in out.splitlines()[1]


def test_plan_as_json(capsys):
    status, out, _ = run(
        capsys,
        "plan",
        "--exercise",
        "prone-chest-lift",
        "--days-per-week",
        "5",
        "--weeks",
        "2",
        "--start-date",
        "2026-03-02",
        "--format",
        "json",
    )
    assert status == 0
    document = json.loads(out)
    assert len(document["sessions"]) == 10
    assert document["sessions"][0] == {
        "date": "2026-03-02",
        "prescription": {
            "exercise_id": "prone-chest-lift",
            "level": "advanced",
            "hold_seconds": 5,
            "repetitions": 8,
            "sets": 1,
        },
        "action": "repeat",
    }
    assert document["milestones"] == [{"date": "2026-03-02", "exercise_id": "prone-chest-lift", "level": "advanced"}]


def test_plan_without_a_start_date_starts_today(capsys):
    status, out, _ = run(capsys, "plan", "--weeks", "1", "--days-per-week", "1")
    assert status == 0
    assert datetime.date.today().isoformat() in out  # noqa: DTZ011 - the command uses the local day


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--start-date", "5 January"],
        ["plan", "--days-per-week", "9"],
        ["plan", "--weeks", "0"],
        ["plan", "--exercise", "plank"],
        ["session"],
        ["session", "--exercise", "plank"],
    ],
)
def test_plan_and_session_usage_errors_exit_2(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err
    assert "Traceback" not in err


def test_session_prints_the_timed_cues(capsys):
    status, out, _ = run(capsys, "session", "--exercise", "prone-chest-lift")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "00:00  step        Pillow under hips"
    assert "00:22  countdown   5" in lines
    assert lines[-1].split(maxsplit=2)[1:] == ["finish", "Well done, that is the session"]


def test_session_as_json(capsys):
    status, out, _ = run(capsys, "session", "--exercise", "hand-press-up", "--format", "json")
    assert status == 0
    cues = json.loads(out)
    assert cues[0] == {"offset_seconds": 0, "kind": "step", "text": "Hands by your ribs"}
    assert cues[-1]["kind"] == "finish"


def _stored(tmp_path: pathlib.Path, state: backext.State) -> str:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    return str(path)


def _climbed(days: int) -> backext.State:
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    for day in range(days):
        prescribed = state.prescription
        log = backext.SessionLog(
            date=datetime.date(2026, 1, 5) + datetime.timedelta(days=2 * day),
            exercise_id=prescribed.exercise_id,
            repetitions_completed=prescribed.repetitions * prescribed.sets,
            hold_seconds=prescribed.hold_seconds,
            pain=0,
            pain_next_day=0,
        )
        state = backext.step(pack, state, log).state
    return state


def test_session_of_a_persons_state_on_a_day_is_the_one_the_engine_allows_that_day(capsys, tmp_path):
    # The session command coached only an exercise's starting dose: with --state and --date, the person's own.
    state = _climbed(4)
    assert state.prescription.hold_seconds > 5
    path = _stored(tmp_path, state)
    pack = backext.builtin_pack()
    for day, hold in ((state.last_session + datetime.timedelta(days=2), state.prescription.hold_seconds), (None, 5)):
        on = day or datetime.date(2027, 6, 1)  # a year later: back at the start of the exercise
        status, out, err = run(capsys, "session", "--state", path, "--date", on.isoformat(), "--format", "json")
        assert (status, err) == (0, "")
        expected = backext.timeline(pack, state, on=on)
        assert [cue["kind"] for cue in json.loads(out)] == [cue.kind.value for cue in expected]
        assert f"Hold for {hold:g} seconds" in out


def test_session_of_a_state_refuses_what_does_not_fit(capsys, tmp_path):
    state = _climbed(2)
    path = _stored(tmp_path, state)
    status, out, err = run(capsys, "session", "--state", path, "--date", "2026-01-01")
    assert (status, out) == (2, "")
    assert err.startswith(f"backext: error: {path}: the session's day (2026-01-01) is before")
    status, out, err = run(capsys, "session", "--state", path, "--exercise", "hand-press-up")
    assert (status, out) == (2, "")
    assert "--state and --exercise: choose one" in err
    status, out, err = run(capsys, "session", "--exercise", "hand-press-up", "--date", "2026-01-01")
    assert (status, out) == (2, "")
    assert "--date: only with --state" in err
    pack = backext.builtin_pack()
    log = backext.SessionLog(
        date=datetime.date(2026, 2, 1),
        exercise_id="forearm-press-up",
        repetitions_completed=0,
        hold_seconds=0,
        pain=8,
    )
    stopped = backext.step(pack, state, log).state
    status, out, err = run(capsys, "session", "--state", _stored(tmp_path, stopped), "--locale", "fr")
    assert (status, out) == (1, "")
    assert "l'entraînement est arrêté depuis" in err
    cleared = backext.record_clearance(stopped, date=datetime.date(2026, 3, 1), pack=pack)
    status, out, err = run(capsys, "session", "--state", _stored(tmp_path, cleared), "--date", "2026-02-10")
    assert status == 0
    assert "resume on" in err
    assert "Hold for 5 seconds" in out  # the start of the exercise, where the person resumes


def test_show_escapes_control_characters_from_a_pack(tmp_path):
    pack = attrs.evolve(backext.builtin_pack(), title="Evil \x1b]0;PWNED\x07\x1b[2J title")
    path = tmp_path / "evil.json"
    path.write_text(backext.dump_pack(pack, "json"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "backext", "show", "--pack", str(path)], capture_output=True, check=False
    )
    assert done.returncode == 0
    assert b"\x1b" not in done.stdout
    assert b"\\x1b]0;PWNED" in done.stdout


def test_an_output_that_cannot_be_written_exits_2_without_a_traceback():
    with pathlib.Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "backext", "schema"], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr


def test_session_of_a_state_with_format_json_says_why_there_is_none_as_json(capsys, tmp_path):
    # Found by a black-box attack: a stopped or invalid state gave nothing on standard output with --format json,
    # where plan gives one JSON document, errors included.
    pack = backext.builtin_pack()
    state = _climbed(2)
    flagged = backext.SessionLog(
        date=datetime.date(2026, 2, 1),
        exercise_id="forearm-press-up",
        repetitions_completed=0,
        hold_seconds=0,
        pain=8,
    )
    stopped = _stored(tmp_path, backext.step(pack, state, flagged).state)
    status, out, err = run(capsys, "session", "--state", stopped, "--format", "json")
    assert status == 1
    assert json.loads(out)["error"]["status"] == 1
    assert "stopped since" in json.loads(out)["error"]["message"]
    assert "stopped since" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"pack_id": 5}', encoding="utf-8")
    status, out, _ = run(capsys, "session", "--state", str(broken), "--format", "json")
    assert status == 1
    assert json.loads(out)["error"]["problems"]


def test_session_reads_the_rules_file_it_is_given(capsys, tmp_path):
    # Found by a black-box attack: session --exercise ID --rules FILE never read the file (a missing or invalid one
    # gave exit status 0), where plan, handout and fhir refuse it.
    status, out, err = run(capsys, "session", "--exercise", "hand-press-up", "--rules", str(tmp_path / "missing.json"))
    assert (status, out) == (2, "")
    assert "cannot read" in err
    bad = tmp_path / "rules.json"
    bad.write_text('{"tolerated_pain": 9}', encoding="utf-8")
    status, out, err = run(capsys, "session", "--exercise", "hand-press-up", "--rules", str(bad))
    assert status == 1
    assert "out-of-range" in err


def test_validate_exits_with_its_verdict_when_the_reader_stops_early(tmp_path):
    # Found by a black-box attack: `backext validate many.json | head -1` exited 0 (a broken pipe), so a CI step
    # that reads only the first lines passed a pack with errors.
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][0]["safety_notes"] = [""] * 5000
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    script = f"set -o pipefail; {sys.executable} -m backext validate --limit problems=5000 {path} | head -n 1"
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stdout.count("\n") == 1
