"""The engine's rules stored by an app: :func:`backext.load_rules` and the command line's ``--rules``."""

from __future__ import annotations

import datetime
import json
import pickle

import attrs
import pytest
from hypothesis import given

import backext
from backext._cli import main

from .strategies import rules as any_rules


STRICT = backext.Rules(tolerated_pain=1, regress_pain=4, next_day_pain=1, severe_pain=5)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@given(any_rules())
def test_rules_written_by_the_converter_read_back_the_same(rules):
    document = backext.converter.unstructure(rules)
    assert backext.load_rules(json.dumps(document)) == rules
    assert backext.load_rules(json.dumps(document).encode()) == rules
    assert backext.load_rules(document) == rules


def test_a_setting_left_out_keeps_its_default():
    assert backext.load_rules("{}") == backext.Rules()
    assert backext.load_rules({"severe_pain": 6}) == backext.Rules(severe_pain=6)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"tolerated_pain": 9}, [("/tolerated_pain", "out-of-range")]),
        ({"tolerated_pain": 10**50}, [("/tolerated_pain", "out-of-range")]),
        (
            {"tolerated_pain": 10**500},
            [("/tolerated_pain", "out-of-range")],
        ),  # refused by the reader, before Python converts it, at its place
        ({"tolerated_sessions": 0}, [("/tolerated_sessions", "out-of-range")]),
        ({"tolerated_pain": "1"}, [("/tolerated_pain", "wrong-type")]),
        ({"tolerated_pain": True}, [("/tolerated_pain", "wrong-type")]),
        ({"tolerated_pain": 1.0}, [("/tolerated_pain", "wrong-type")]),
        ({"require_next_day_report": 1}, [("/require_next_day_report", "wrong-type")]),
        ({"tolerated_pain": 3, "regress_pain": 3}, [("/regress_pain", "invalid-value")]),
        ({"regress_pain": 6, "severe_pain": 5}, [("/regress_pain", "invalid-value")]),
        ({"next_day_pain": 5, "severe_pain": 5, "regress_pain": 4}, [("/next_day_pain", "invalid-value")]),
        ({"severe_pian": 6}, [("/severe_pian", "unknown-field")]),
        # An unknown name does not hide a bad value of a known one.
        ({"x": 1, "tolerated_pain": 9}, [("/tolerated_pain", "out-of-range"), ("/x", "unknown-field")]),
        (
            {"tolerated_pain": "1", "max_gap_days": 99},
            [("/max_gap_days", "out-of-range"), ("/tolerated_pain", "wrong-type")],
        ),
        # How a setting fits the others is judged against the others given, not against their defaults.
        ({"tolerated_pain": "1", "regress_pain": 2}, [("/tolerated_pain", "wrong-type")]),
    ],
)
def test_every_bad_setting_is_pointed_at(document, expected):
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(json.dumps(document), name="clinic.json")
    assert sorted((p.path, p.code) for p in caught.value.problems) == expected
    assert str(caught.value).startswith("clinic.json: invalid rules,")


def test_a_huge_number_is_described_by_its_size_in_every_language():
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules({"max_gap_days": 10**500})
    assert "about 501 digits" in str(caught.value)
    assert "etwa 501 Ziffern" in caught.value.render("de")
    assert "must be a whole number" not in caught.value.problems[0].render("de")


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("[1]", "wrong-type"),
        ("null", "wrong-type"),
        ("{", "syntax-error"),
        (b"\xff{}", "not-utf8"),
        ('{"severe_pain": 6, "severe_pain": 5}', "duplicate-key"),
        ("[" * 100_000, "too-deep"),
        ("{" + " " * (1 << 20) + "}", "too-large"),
        ('{"max_gap_days": 1' + "0" * 5000 + "}", "out-of-range"),
    ],
)
def test_a_hostile_document_is_one_clear_problem(source, code):
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(source, name="r.json")
    assert [p.code for p in caught.value.problems] == [code]
    assert "r.json" in str(caught.value)


def test_the_error_pickles_and_renders_in_a_language():
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules({"tolerated_pain": 3, "regress_pain": 3})
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.problems == caught.value.problems
    assert caught.value.render("de").startswith("<rules>: ungültige Regeln")
    assert isinstance(caught.value, ValueError)


def test_a_bad_setting_in_python_is_a_value_error_worded_in_any_language():
    with pytest.raises(ValueError, match=r"^tolerated_pain must be a whole number from 0 to 5, not 9$") as caught:
        backext.Rules(tolerated_pain=9)
    assert "ganze Zahl" in caught.value.template.render("de")  # type: ignore[attr-defined]


def test_source_must_be_text_or_a_mapping():
    with pytest.raises(TypeError, match="rules file"):
        backext.load_rules(3)  # type: ignore[arg-type]


@pytest.fixture
def stopped_by_moderate_pain(tmp_path):
    """A state the strict rules stopped at a pain of 5/10 (the defaults would not), and those rules in a file."""
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    log = attrs.evolve(backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 11, 2)), pain=5)
    decision = backext.step(pack, state, log, STRICT)
    assert decision.action is backext.Action.STOP
    (tmp_path / "state.json").write_text(json.dumps(backext.converter.unstructure(decision.state)))
    (tmp_path / "rules.json").write_text(json.dumps(backext.converter.unstructure(STRICT)))
    return tmp_path


def test_the_command_line_reads_a_state_stopped_under_stricter_rules(capsys, stopped_by_moderate_pain):
    state, rules = str(stopped_by_moderate_pain / "state.json"), str(stopped_by_moderate_pain / "rules.json")
    # Under the defaults the stop is unexplained: the state is refused.
    status, _, err = run(capsys, "plan", "--state", state)
    assert status == 1
    assert "/stop/pain" in err
    # Under the rules it was made with, it is a stopped state: nothing is planned, and that is said.
    status, out, err = run(capsys, "plan", "--state", state, "--rules", rules)
    assert (status, out) == (1, "")
    assert "stopped since" in err
    status, out, err = run(capsys, "handout", "--state", state, "--rules", rules, "--date", "2026-11-03")
    assert status == 0, err
    assert "<html" in out
    status, out, err = run(capsys, "fhir", "--state", state, "--subject", "Patient/1", "--rules", rules)
    assert status == 0, err
    assert json.loads(out)["resourceType"] == "Bundle"


def test_the_rules_decide_the_planned_doses(capsys, tmp_path):
    (tmp_path / "slow.json").write_text('{"tolerated_sessions": 6}')
    status, out, _ = run(capsys, "plan", "--format", "json", "--start-date", "2026-11-02")
    assert status == 0
    default = json.loads(out)["sessions"]
    status, out, _ = run(
        capsys, "plan", "--format", "json", "--start-date", "2026-11-02", "--rules", str(tmp_path / "slow.json")
    )
    assert status == 0
    slow = json.loads(out)["sessions"]
    assert default[3]["prescription"] != default[0]["prescription"]
    assert slow[3]["prescription"] == slow[0]["prescription"]


def test_the_calendar_is_written_under_the_rules_given(capsys, tmp_path):
    pytest.importorskip("icalendar")
    (tmp_path / "slow.json").write_text('{"tolerated_sessions": 6}')
    status, out, err = run(
        capsys, "plan", "--format", "ics", "--start-date", "2026-11-02", "--rules", str(tmp_path / "slow.json")
    )
    assert status == 0, err
    assert out.startswith("BEGIN:VCALENDAR")


def test_bad_rules_on_the_command_line(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"tolerated_pain": 9, "x": 1}')
    status, out, err = run(capsys, "handout", "--rules", str(bad), "--locale", "de")
    assert (status, out) == (1, "")
    assert "bad.json: ungültige Regeln, 2 Probleme:" in err
    assert '(at "/tolerated_pain")' in err
    assert "unbekanntes Feld 'x'" in err
    status, out, _ = run(capsys, "plan", "--rules", str(bad), "--format", "json")
    assert status == 1
    problems = json.loads(out)["error"]["problems"]
    assert sorted(p["path"] for p in problems) == ["/tolerated_pain", "/x"]
    status, out, err = run(capsys, "plan", "--rules", str(tmp_path / "missing.json"))
    assert (status, out) == (2, "")
    assert "cannot read" in err
    assert "missing.json" in err


@pytest.mark.parametrize("key", [1, None, 1.5, b"x"])
def test_a_key_that_is_not_a_string_is_a_problem_not_a_crash(key):
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules({"tolerated_pain": 1, key: 2})
    assert [p.code for p in caught.value.problems] == ["wrong-type"]


@pytest.mark.parametrize(
    ("value", "said"),
    [(5.0, "not a number (5.0)"), (float("nan"), "not NaN"), (True, "not a boolean (true)"), ("3", "not a string")],
)
def test_a_setting_that_is_not_a_whole_number_is_named_by_its_type(value, said):
    with pytest.raises(ValueError, match="must be a whole number") as caught:
        backext.Rules(tolerated_pain=value)
    assert said in str(caught.value)
    assert "not not" not in str(caught.value)


@pytest.mark.parametrize("as_bytes", [False, True])
def test_each_problem_of_a_rules_file_is_at_its_line_and_column(as_bytes):
    # Found by a black-box attack: a rules file's problems had their pointer but no line and column.
    text = '{\n  "tolerated_pain": 9,\n  "tolerated_painn": 1\n}\n'
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(text.encode() if as_bytes else text, name="rules.json")
    lines = text.splitlines()
    placed = {p.path: (p.line, p.column) for p in caught.value.problems}
    assert placed == {"/tolerated_pain": (2, 21), "/tolerated_painn": (3, 3)}
    for p in caught.value.problems:
        assert p.path.lstrip("/") in lines[p.line - 1] or "9" in lines[p.line - 1][p.column - 1 :]
    assert "rules.json:3:3: error unknown-field" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "where"), [('{\n  "tolerated_pain": 1,\n', (3, 1)), ('{"severe_pain": 6,\n "severe_pain": 7}', (2, 2))]
)
def test_a_rules_file_that_is_no_json_or_has_a_key_twice_says_where(text, where):
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(text)
    ((line, column),) = {(p.line, p.column) for p in caught.value.problems}
    assert (line, column) == where


def test_rules_given_as_a_mapping_have_no_position():
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules({"tolerated_pain": 9})
    assert [(p.line, p.column) for p in caught.value.problems] == [(None, None)]
