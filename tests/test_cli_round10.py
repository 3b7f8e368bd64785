"""Command-line finds of the tenth round of black-box attacks: standard output, limits given twice, names."""

from __future__ import annotations

import datetime
import json

import attrs
import pytest

import backext
from backext._cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_handout_to_dash_writes_standard_output_not_a_file_named_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "handout", "--exercise", "forearm-press-up", "-o", "-")
    assert status == 0
    assert out.startswith("<!DOCTYPE html>")
    assert not (tmp_path / "-").exists()


def test_a_calendar_to_dash_writes_standard_output_not_a_file_named_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pytest.importorskip("icalendar")
    status, out, _ = run(
        capsys, "plan", "--exercise", "forearm-press-up", "--format", "ics", "--start-date", "2026-12-01", "-o", "-"
    )
    assert status == 0
    assert "BEGIN:VCALENDAR" in out
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", ["validate", "convert"])
def test_max_bytes_and_a_limit_of_max_bytes_that_disagree_are_refused(capsys, tmp_path, command):
    pack = tmp_path / "pack.json"
    assert run(capsys, "new", str(pack))[0] == 0
    extra = [str(tmp_path / "out.yaml")] if command == "convert" else []
    status, _, err = run(capsys, command, "--max-bytes", "100", "--limit", "max_bytes=99999999", str(pack), *extra)
    assert status == 2
    assert "--max-bytes 100" in err
    assert "max_bytes=99999999" in err
    same = run(capsys, command, "--max-bytes", "99999", "--limit", "max_bytes=99999", str(pack), *extra)
    assert same[0] == 0, same[2]


def test_new_keeps_the_letters_of_an_accented_name_in_the_pack_id(capsys, tmp_path):
    assert run(capsys, "new", str(tmp_path / "Übung für Rücken.yaml"))[0] == 0
    assert "\nid: ubung-fur-rucken\n" in (tmp_path / "Übung für Rücken.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("target", ["out.json", "out.toml"])
def test_convert_says_it_leaves_a_schema_comment_that_disagrees_with_the_schema_key(capsys, tmp_path, target):
    source = tmp_path / "pack.yaml"
    source.write_text(
        "# yaml-language-server: $schema=https://a.example/s.json\n$schema: https://b.example/s.json\nid: x\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / target))
    assert status == 0
    assert "https://a.example/s.json" in err
    assert "https://b.example/s.json" in (tmp_path / target).read_text(encoding="utf-8")
    assert "https://a.example/s.json" not in (tmp_path / target).read_text(encoding="utf-8")


def test_convert_says_nothing_of_a_schema_comment_that_agrees_with_the_key(capsys, tmp_path):
    source = tmp_path / "pack.yaml"
    source.write_text(
        "# yaml-language-server: $schema=https://a.example/s.json\n$schema: https://a.example/s.json\nid: x\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "convert", str(source), str(tmp_path / "out.json"))
    assert status == 0
    assert "not kept" not in err


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("many.json", '{"id": "x", "v": [' + ",".join(["1"] * 1_001) + "]}"),
        ("many.yaml", "id: x\nv: [" + ",".join(["1"] * 1_001) + "]\n"),
        ("many.toml", 'id = "x"\nv = [' + ",".join(["1"] * 1_001) + "]\n"),
    ],
)
def test_too_many_values_speaks_of_aliases_or_shared_parts_only_where_there_are_some(capsys, tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--limit", "values=1000", str(tmp_path / name))
    assert status == 1
    assert "too-many-values" in out
    assert "holds more than 1000 values" in out
    assert "alias" not in out
    assert "shared" not in out


def test_too_many_values_of_yaml_aliases_still_says_they_are_expanded(capsys, tmp_path):
    levels = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 7)]
    (tmp_path / "bomb.yaml").write_text("id: x\n" + "\n".join(levels) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "validate", str(tmp_path / "bomb.yaml"))
    assert status == 1
    assert "aliases are expanded" in out


LONG = "9" * 5000


def test_a_long_integer_in_a_rules_file_is_placed_at_its_setting(capsys, tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text('{\n  "tolerated_pain": ' + LONG + "\n}\n", encoding="utf-8")
    status, _, err = run(capsys, "plan", "--exercise", "forearm-press-up", "--rules", str(rules))
    assert status != 0
    assert "rules.json:2:21: error out-of-range" in err
    assert '"/tolerated_pain"' in err
    assert "setting of the rules" in err


def test_a_long_integer_in_session_logs_is_placed_at_its_field(capsys, tmp_path):
    logs = tmp_path / "logs.json"
    logs.write_text(
        '[{"date": "2026-01-05", "exercise_id": "forearm-press-up",\n "repetitions_completed": '
        + LONG
        + ', "hold_seconds": 5, "pain": 0}]',
        encoding="utf-8",
    )
    status, _, err = run(capsys, "fhir", "--logs", str(logs))
    assert status == 1
    assert "logs.json:2:27: error out-of-range" in err
    assert '"/0/repetitions_completed"' in err


def _converted(capsys, tmp_path, content: str, *options: str) -> tuple[int, str, str]:
    """``backext fhir --logs`` of a file holding *content*: the status, standard output and standard error."""
    logs = tmp_path / "logs.json"
    logs.write_text(content, encoding="utf-8")
    return run(capsys, "fhir", "--logs", str(logs), "--subject", "Patient/1", *options)


def test_a_key_written_twice_in_session_logs_is_refused_at_its_place(capsys, tmp_path):
    # Found by a black-box attack: the second "date" silently won, and dated the session.
    content = (
        '[{"date": "2026-01-05",\n  "date": "2026-01-07", "exercise_id": "forearm-press-up",'
        ' "repetitions_completed": 10, "hold_seconds": 5, "pain": 0}]'
    )
    status, out, err = _converted(capsys, tmp_path, content)
    assert status == 1
    assert out == ""
    assert "logs.json:2:3: error duplicate-key" in err
    assert '"/0/date"' in err


def test_next_day_pain_after_the_last_day_a_calendar_holds_is_refused_at_its_place(capsys, tmp_path):
    # Found by a black-box attack: it was an English error naming neither the file nor the place, exit status 2.
    content = (
        '[{"date": "9999-12-31", "exercise_id": "forearm-press-up", "repetitions_completed": 10,\n'
        ' "hold_seconds": 5, "pain": 0, "pain_next_day": 0}]'
    )
    status, out, err = _converted(capsys, tmp_path, content, "--locale", "de")
    assert status == 1
    assert out == ""
    assert "logs.json:2:49: error out-of-range: der Tag nach dem 31.12.9999" in err
    assert '"/0/pain_next_day"' in err


def test_fhir_import_refuses_a_key_written_twice_and_a_long_integer_at_their_places():
    from backext.fhir import FhirError, export_logs, import_logs  # noqa: PLC0415

    log = backext.SessionLog(
        date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=0
    )
    text = json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r.model_dump(mode="json")} for r in export_logs([log], subject="Patient/1")],
        }
    )
    assert import_logs(text) == [log]
    twice = text.replace('"effectiveDateTime":', '"effectiveDateTime": "2020-01-01", "effectiveDateTime":', 1)
    with pytest.raises(FhirError) as caught:
        import_logs(twice)
    [found] = caught.value.problems
    assert (found.code, found.path, found.line) == ("duplicate-key", "/entry/0/resource/effectiveDateTime", 1)
    long = text.replace('"valueInteger": 10', '"valueInteger": ' + LONG, 1)
    assert long != text
    with pytest.raises(FhirError) as caught:
        import_logs(long)
    assert [p.code for p in caught.value.problems] == ["number-out-of-range"]
    assert caught.value.problems[0].path.endswith("/valueInteger")
    # Read as a pack's JSON is: a byte-order mark allowed, and every problem of the text at its line and column.
    assert import_logs("\ufeff" + text) == [log]
    assert import_logs(b"\xef\xbb\xbf" + text.encode()) == [log]
    for bad, code in (
        (text.encode().replace(b"2026-01-05", b"2026-01-0\xff", 1), "not-utf8"),
        (text[:-1], "syntax-error"),
        ("[" * 200_000 + "]" * 200_000, "too-deep"),
    ):
        with pytest.raises(FhirError) as caught:
            import_logs(bad)
        assert [(p.code, p.line is not None) for p in caught.value.problems] == [(code, True)]


@pytest.mark.parametrize("digits", [101, 5000])
def test_a_long_integer_in_a_stored_state_is_placed_at_its_field(digits):
    pack = backext.builtin_pack()
    document = {**backext.converter.unstructure(backext.start(pack, "forearm-press-up")), "painful_streak": 0}
    text = json.dumps(document, indent=2).replace('"painful_streak": 0', '"painful_streak": ' + "9" * digits)
    with pytest.raises(backext.StateError) as raised:
        backext.load_state(text, pack)
    (problem,) = raised.value.problems
    assert (problem.path, problem.code) == ("/painful_streak", "out-of-range")
    assert problem.line is not None
    assert "painful_streak" in text.splitlines()[problem.line - 1]


@pytest.mark.parametrize(("command", "option"), [("plan", "--start-date"), ("session", "--date")])
def test_a_day_before_the_last_session_is_a_usage_error_even_when_sessions_resume_later(
    capsys, tmp_path, command, option
):
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    day = datetime.date(2026, 1, 5)
    log = backext.SessionLog.as_prescribed(state.prescription, day)
    state = backext.step(pack, state, attrs.evolve(log, red_flags={backext.RedFlag.LEG_WEAKNESS})).state
    state = backext.record_clearance(state, date=day + datetime.timedelta(days=20), pack=pack)
    stored = tmp_path / "state.json"
    stored.write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    status, _, err = run(capsys, command, "--state", str(stored), option, "2026-01-01")
    assert status == 2
    assert "before the last session" in err or "before the state's last session" in err
    assert "resume" not in err


@pytest.mark.parametrize(
    ("code", "exercise"),
    [
        ("ladder-too-long", {"hold": {"start_seconds": 5, "target_seconds": 300, "increment_seconds": 0.1}}),
        (
            "session-too-long",
            {
                "hold": {"start_seconds": 600, "target_seconds": 600},
                "repetitions": {"minimum": 100, "maximum": 100, "sets": 5},
            },
        ),
    ],
)
def test_the_catalogue_example_of_a_code_gives_that_code(code, exercise):
    # Found by a black-box attack (round 10): the examples gave too-precise and number-out-of-range instead.
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][0].update(exercise)
    assert code in {p.code for p in backext.validate_pack(json.dumps(document), format="json")}
    example = backext.PROBLEM_CODES[code].example
    for key, value in exercise.items():
        assert json.dumps({key: value})[1:-1].replace(" ", "") in example.replace(" ", "")


def test_a_line_break_in_a_file_name_is_escaped_as_github_reads_it_back(capsys, tmp_path):
    # Found by a black-box attack (round 10): "\n" was written "\u000a", naming a file that does not exist.
    broken = tmp_path / "nl\nname.json"
    broken.write_text("{}", encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--format", "github", str(broken))
    assert status == 1
    first = out.splitlines()[0]
    assert "nl%0Aname.json," in first
    assert "\\u000a" not in first


def test_too_many_values_agrees_with_a_limit_of_one(capsys, tmp_path):
    # Found by a black-box attack (round 10): "more than 1 values", in every language.
    (tmp_path / "pack.json").write_text('{"id": "x"}', encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--limit", "values=1", str(tmp_path / "pack.json"))
    assert status == 1
    assert "more than 1 value " in out or "more than 1 value (" in out


def test_a_tab_in_a_file_name_is_kept_as_github_reads_it_back(capsys, tmp_path):
    broken = tmp_path / "tab\tname.json"
    broken.write_text("{}", encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--format", "github", str(broken))
    assert status == 1
    assert "tab\tname.json," in out.splitlines()[0]


def test_two_values_of_one_limit_are_refused(capsys, tmp_path):
    # Found by a black-box attack (round 12): the last of them silently won.
    pack = tmp_path / "pack.json"
    assert run(capsys, "new", str(pack))[0] == 0
    status, _, err = run(capsys, "validate", "--limit", "depth=3", "--limit", "max_depth=40", str(pack))
    assert status == 2
    assert "max_depth=3" in err
    assert "max_depth=40" in err
    assert run(capsys, "validate", "--limit", "depth=40", "--limit", "max_depth=40", str(pack))[0] == 0


def test_a_pack_whose_path_is_longer_than_the_name_shown_is_read_by_its_suffix(capsys, tmp_path):
    # Found by a black-box attack (round 12): past ~1,000 characters the suffix was read from the name cut short.
    folder = tmp_path.joinpath(*["d" * 200] * 5)
    folder.mkdir(parents=True)
    pack = folder / "p.yaml"
    assert run(capsys, "new", str(pack))[0] == 0
    assert len(str(pack)) > 1000
    assert backext.validate_pack(pack) == []
    assert backext.validate_pack(str(pack)) == []
    status, _, err = run(capsys, "validate", str(pack))
    assert (status, err) == (0, "")


@pytest.mark.parametrize("kind", ["state", "rules", "logs"])
def test_a_byte_that_is_not_utf8_in_a_state_rules_or_logs_file_is_at_its_line_and_column(capsys, tmp_path, kind):
    # Found by a black-box attack: a pack's bad byte had its place, a state's or a rules file's did not.
    path = tmp_path / f"{kind}.json"
    path.write_bytes(b'{\n  "tolerated_pain": "\xff"\n}\n' if kind != "logs" else b'[\n  {"date": "\xff"}\n]\n')
    options = {"state": ["--state"], "rules": ["--exercise", "forearm-press-up", "--rules"], "logs": []}[kind]
    if kind == "logs":
        status, _, err = run(capsys, "fhir", "--logs", str(path), "--subject", "Patient/1")
    else:
        status, _, err = run(capsys, "plan", *options, str(path))
    assert status == 1
    line = err.splitlines()[1].strip()
    column = 22 if kind != "logs" else 13
    assert line.startswith(f"{path}:2:{column}: error not-utf8:"), line


def test_session_logs_are_converted_at_most_a_thousand_to_a_file(capsys, tmp_path):
    # Found by a black-box attack: a 16 MiB file of logs took minutes and gigabytes, and ended in a MemoryError.
    day = datetime.date(2020, 1, 1)
    logs = [
        {
            "date": (day + datetime.timedelta(days=n)).isoformat(),
            "exercise_id": "forearm-press-up",
            "repetitions_completed": 10,
            "hold_seconds": 5,
            "pain": 0,
        }
        for n in range(1_001)
    ]
    status, out, err = _converted(capsys, tmp_path, json.dumps(logs))
    assert status == 1
    assert out == ""
    assert "more than 1000 session logs in one file" in err
    assert '"/1000"' in err


@pytest.mark.parametrize(
    ("content", "code", "place"),
    [
        ("[" + ",".join(["{}"] * 60_000) + "]", "too-many-values", ":1:1:"),
        ("[" * 5_000 + "]" * 5_000, "too-deep", ":1:33:"),
    ],
)
def test_a_logs_file_too_big_or_too_deep_to_read_is_refused_before_it_is_built(capsys, tmp_path, content, code, place):
    # Found by a black-box attack: 16 MiB of {} took 850 MB before the limit on logs; 5,000 levels were an
    # unplaced sentence with no code.
    status, out, err = _converted(capsys, tmp_path, content)
    assert status == 1
    assert out == ""
    assert f"logs.json{place} error {code}" in err


def test_import_logs_names_json_types_and_places_each_problem_in_the_text():
    # Found by a black-box attack: "found NoneType", "gefunden: int", and no line for a text given.
    from backext.fhir import FhirError, import_logs  # noqa: PLC0415

    for text, found in (("null", "found null"), ("5", "found an integer (5)"), ('"a"', "found a string ('a')")):
        with pytest.raises(FhirError) as caught:
            import_logs(text)
        [problem] = caught.value.problems
        assert (problem.code, problem.line, problem.column) == ("not-a-bundle", 1, 1)
        assert problem.message.endswith(found)


@pytest.mark.parametrize("as_text", [True, False])
def test_import_logs_refuses_a_document_too_deep_for_the_fhir_models(as_text):
    # Found by a black-box attack: 150 nested extensions (valid FHIR, 300 levels of JSON) ended in a RecursionError
    # traceback inside the FHIR models.
    from backext.fhir import FhirError, export_bundle, import_logs  # noqa: PLC0415

    log = backext.SessionLog(
        date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=0
    )
    document = export_bundle(logs=[log]).model_dump(mode="json")
    extension: dict[str, object] = {"url": "https://example.org/x", "valueString": "leaf"}
    for _ in range(150):
        extension = {"url": "https://example.org/x", "extension": [extension]}
    document["entry"][0]["resource"]["extension"] = [extension]
    with pytest.raises(FhirError) as caught:
        import_logs(json.dumps(document) if as_text else document)
    [problem] = caught.value.problems
    assert problem.code == "too-deep"
    assert problem.path.startswith("/entry/0/resource/extension/0/extension/0/")
    assert (problem.line is not None) is as_text


def test_the_english_plan_says_its_changes_in_words_as_the_translations_do(capsys):
    # Found by a black-box attack: English showed the action codes (repeat, progress) where German said
    # "gleiche Dosis" and "Schritt nach oben".
    status, out, _ = run(capsys, "plan", "--exercise", "forearm-press-up", "--weeks", "2")
    assert status == 0
    changes = [line.split("  ")[-1].strip() for line in out.splitlines()[1:] if line[:4].isdigit() and "  " in line]
    assert set(changes) == {"start", "same dose", "step up"}


def test_import_logs_refuses_numbers_beyond_a_float_in_its_own_words_and_reads_a_bytearray():
    # Found by a black-box attack: 1e400 came back in the FHIR models' own English, at a "/root" pointer, with
    # follow-on errors; a bytearray was read as a list of integers.
    from backext.fhir import FhirError, export_bundle, import_logs  # noqa: PLC0415

    log = backext.SessionLog(
        date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=0
    )
    text = json.dumps(export_bundle(logs=[log]).model_dump(mode="json"))
    assert import_logs(bytearray(text.encode())) == [log]
    huge = text.replace('"value": 5', '"value": 1e400', 1)
    assert huge != text
    for source in (huge, json.loads(huge)):
        with pytest.raises(FhirError) as caught:
            import_logs(source)
        [problem] = caught.value.problems
        assert (problem.code, problem.path) == ("not-finite", "/entry/0/resource/component/2/valueQuantity/value")
        assert problem.render("de").startswith("erwartet: eine endliche Zahl")


@pytest.mark.parametrize(
    ("field", "written"),
    [("valueInteger", "true"), ("valueInteger", '"3"'), ("value", "false"), ("effectiveDateTime", "20260105")],
)
def test_import_logs_never_reads_true_or_a_string_as_a_number(field, written):
    # Found by a black-box attack: the FHIR models read a pain of true as 1, "3" as 3 and a number as a date in
    # seconds since 1970, silently: pain and the day decide what the engine does next.
    from backext.fhir import FhirError, export_bundle, import_logs  # noqa: PLC0415

    log = backext.SessionLog(
        date=datetime.date(2026, 1, 5), exercise_id="forearm-press-up", repetitions_completed=10, hold_seconds=5, pain=3
    )
    text = json.dumps(export_bundle(logs=[log]).model_dump(mode="json"))
    before = {
        "valueInteger": '"valueInteger": 3',
        "value": '"value": 5',
        "effectiveDateTime": '"effectiveDateTime": "2026-01-05"',
    }[field]
    assert before in text
    with pytest.raises(FhirError) as caught:
        import_logs(text.replace(before, before.split(":", maxsplit=1)[0] + ": " + written, 1))
    wrong = [p for p in caught.value.problems if p.code == "invalid-value"]
    assert len(wrong) == 1
    assert wrong[0].path.endswith(f"/{field}")
    assert wrong[0].line is not None


def test_a_structural_problem_of_one_session_log_hides_no_problem_of_another(capsys, tmp_path):
    # Found by a black-box attack (round 18): one log with a wrong type stopped the reading, and the other logs'
    # unknown exercises were said only once that one was fixed.
    logs = [
        {
            "date": "2026-01-05",
            "exercise_id": "forearm-press-up",
            "repetitions_completed": "many",
            "hold_seconds": 5,
            "pain": 0,
        },
        {
            "date": "2026-01-07",
            "exercise_id": "forearm-press-upp",
            "repetitions_completed": 8,
            "hold_seconds": 5,
            "pain": 0,
        },
    ]
    path = tmp_path / "logs.json"
    path.write_text(json.dumps(logs, indent=1), encoding="utf-8")
    status, _, err = run(capsys, "fhir", "--logs", str(path), "--subject", "Patient/1")
    assert status == 1
    assert "/0/repetitions_completed" in err, err
    assert "unknown-exercise" in err, err
    assert "'forearm-press-up'?" in err  # the nearest id, as a pack's references get
