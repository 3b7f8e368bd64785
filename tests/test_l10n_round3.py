"""Finds of the third break-it round on the library's languages: each a test."""

from __future__ import annotations

import json

import attrs
import pytest

import backext
from backext._cli import main


def _half_second_pack(start: float) -> backext.Pack:
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    exercise = document["exercises"][0]
    exercise["hold"] = {"start_seconds": start, "target_seconds": start + 2, "increment_seconds": 0.5}
    return backext.load_pack(document)


@pytest.mark.parametrize(("start", "word"), [(0.5, "seconde"), (1.5, "seconde"), (2.5, "secondes")])
def test_a_fraction_of_a_second_takes_the_form_of_its_whole_part_in_french_cues(start, word):
    pack = _half_second_pack(start)
    state = backext.start(pack, pack.exercises[0].id)
    cues = backext.timeline(pack, state, rest_seconds=start, locale="fr")
    said = [pack.localize(cue.text, "fr") for cue in cues if cue.kind.value in {"hold", "rest"}]
    assert said
    for text in said:
        assert text.endswith(f" {word}"), text


def test_a_range_of_seconds_takes_the_form_of_its_upper_end_in_french():
    from backext._render import describe_hold  # noqa: PLC0415

    hold = attrs.evolve(_half_second_pack(0.5).exercises[0].hold, target_seconds=1.5, increment_seconds=None)
    text = describe_hold(hold, "fr")
    assert "1,5 seconde" in text
    assert "1,5 secondes" not in text


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANGUAGE": "C", "LANG": "de_DE.UTF-8"}, []),
        ({"LANGUAGE": "POSIX", "LANG": "fr_FR"}, []),
        ({"LANGUAGE": "C.UTF-8", "LANG": "es_ES"}, []),
        ({"LANGUAGE": "de:C:fr"}, ["de"]),
        ({"LANGUAGE": "i-klingon", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_ALL": "x-klingon", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_MESSAGES": "??", "LANG": "de_DE"}, ["de-DE"]),
        ({"LC_ALL": "C", "LANG": "de_DE"}, []),
    ],
)
def test_c_means_no_language_everywhere_and_malformed_values_are_passed_over(environment, expected):
    from backext._locales import environment_locales  # noqa: PLC0415

    assert environment_locales(environment) == expected


@pytest.mark.parametrize("tag", ["de-Latn-Latn", "de-AT-AT", "de-a-bbb-a-ccc", "de-1996-1996"])
def test_a_tag_that_gives_a_subtag_twice_is_malformed(tag):
    with pytest.raises(ValueError, match="gives a subtag twice"):
        backext.localize(backext.builtin_pack().title, tag)


def test_a_tag_too_long_to_read_says_so():
    tag = "de-x-" + "-".join(["abcdefgh"] * 8)
    with pytest.raises(ValueError, match="longer than 64 characters"):
        backext.localize(backext.builtin_pack().title, tag)
    assert backext.localize(backext.builtin_pack().title, "de-x-a-a")  # private use says anything


def test_new_reads_its_tags_as_every_tag_is_read_and_names_packs_by_their_format(capsys, tmp_path):
    assert main(["new", "--locale", "de_AT", str(tmp_path / "p.yaml")]) == 0
    assert "de-AT:" in (tmp_path / "p.yaml").read_text("utf-8")
    assert backext.validate_pack(tmp_path / "p.yaml") == []
    for name in ("p.txt", "noext", ".yaml"):
        assert main(["new", str(tmp_path / name)]) == 2
        assert "name the pack .yaml, .yml, .toml or .json" in capsys.readouterr().err
        assert not (tmp_path / name).exists()


def test_schema_replaces_an_earlier_schema_and_nothing_else(capsys, tmp_path):
    pack = tmp_path / "p.yaml"
    assert main(["new", str(pack)]) == 0
    before = pack.read_bytes()
    assert main(["schema", "-o", str(pack)]) == 2
    assert "is not backext's schema" in capsys.readouterr().err
    assert pack.read_bytes() == before
    schema = tmp_path / "pack.schema.json"
    assert main(["schema", "-o", str(schema)]) == 0
    assert main(["schema", "-o", str(schema)]) == 0  # written again as backext changes
    assert json.loads(schema.read_text("utf-8")) == backext.json_schema()


def _err(capsys, monkeypatch, environment: dict[str, str], *argv: str) -> tuple[int, str]:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    status = main(list(argv))
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "german"),
    [
        (["plan", "--format", "ics", "--time", "10:00", "--timezone", "Mars/Base"], "ist keine Zeitzone"),
        (["plan", "--format", "ics", "--time", "10:00"], "eine Uhrzeit braucht eine Zeitzone"),
        (
            ["plan", "--format", "ics", "--start-date", "9998-12-20", "--weeks", "3"],
            "ein Kalender enthält Einheiten bis",
        ),
        (
            ["plan", "--format", "ics", "--time", "08:00", "--timezone", "UTC", "--reminder", "09:00"],
            "käme nach dem Beginn der Einheit",
        ),
        (["plan", "--days-per-week", "9"], "Trainingstage pro Woche sind 1 bis 7: '9'"),
        (["show", "--locale", "ja"], "es gibt keine Texte in 'ja': wählen Sie eine von de, en, es, fr"),
        (["show", "--locale", "de DE"], "ist kein Sprachkennzeichen, das mit einem Sprachcode beginnt"),
        (["plan", "--state", "/"], "es ist ein Ordner"),
    ],
)
def test_the_command_lines_own_errors_are_said_in_the_environments_language(capsys, monkeypatch, argv, german):
    status, err = _err(capsys, monkeypatch, {"LANG": "de_DE.UTF-8"}, *argv)
    assert status == 2
    assert "backext: Fehler: " in err  # after argparse's usage line, for a value an option refuses
    assert german in err


def test_a_previous_calendar_that_cannot_be_revised_is_said_in_the_chosen_language(capsys, monkeypatch, tmp_path):
    calendar = tmp_path / "cal.ics"
    base = ["plan", "--format", "ics", "--weeks", "1", "--start-date", "2026-01-05"]
    assert main([*base, "-o", str(calendar)]) == 0
    text = calendar.read_text("utf-8")
    calendar.write_text(text.replace("SEQUENCE:0", "SEQUENCE:2147483647", 1), "utf-8")
    status, err = _err(capsys, monkeypatch, {}, *base, "--locale", "fr", "--previous", str(calendar))
    assert status == 1
    assert "a la SEQUENCE la plus haute possible" in err


def test_the_pictures_left_out_are_said_in_the_handouts_language(capsys, monkeypatch, tmp_path):
    pack = tmp_path / "pack.json"
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    document["exercises"][0]["steps"][0]["media"] = "missing.png"
    pack.write_text(json.dumps(document), "utf-8")
    status, err = _err(
        capsys, monkeypatch, {}, "handout", "--pack", str(pack), "--locale", "de", "-o", str(tmp_path / "h.html")
    )
    assert status == 0
    assert "backext: Hinweis: Bild 'missing.png' weggelassen: diese Datei gibt es im Paketordner nicht" in err
    found = backext.handout_omissions(backext.load_pack(pack), "forearm-press-up", media_folder=tmp_path, locale="fr")
    assert "image 'missing.png' laissée de côté : ce fichier n'existe pas dans le dossier du pack" in found


def test_a_long_gap_at_the_start_says_the_dose_stays_not_steps_back():
    import datetime  # noqa: PLC0415

    from handouts import after_one_session  # noqa: PLC0415

    pack = backext.builtin_pack()
    state = after_one_session(pack, "forearm-press-up", datetime.date(2026, 1, 5))
    decision = backext.step(
        pack, state, backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 3, 5))
    )
    (reason,) = [r for r in decision.reasons if r.code == "long-gap"]
    assert reason.message == "59 days since the last session: the dose stays at the start of the exercise"
    assert "steps back" not in reason.message
    assert reason.render("de") == "59 Tage seit der letzten Einheit: die Dosis bleibt am Anfang der Übung"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["plan", "--start-date", "2026-13-45"], "Argument --start-date: kein Datum der Form JJJJ-MM-TT: '2026-13-45'"),
        (["plan", "--weeks", "0"], "Argument --weeks: muss mindestens 1 sein: '0'"),
        (["plan", "--format", "ics", "--time", "25:00"], "Argument --time: keine Uhrzeit (00:00 bis 23:59): '25:00'"),
        (["show", "--limit", "foo=1"], "Argument --limit: unbekannte Grenze 'foo=1'"),
        (["new", "--locale", "de-AT-AT", "x.yaml"], "Argument --locale: 'de-AT-AT' nennt einen Teil zweimal"),
    ],
)
def test_what_our_checks_say_of_an_options_value_is_in_the_persons_language(capsys, monkeypatch, tmp_path, argv, said):
    monkeypatch.chdir(tmp_path)
    status, err = _err(capsys, monkeypatch, {"LANG": "de_DE.UTF-8"}, *argv)
    assert status == 2
    assert f"backext: Fehler: {said}" in err
    status, err = _err(capsys, monkeypatch, {}, *argv, "--locale", "fr") if argv[0] != "new" else (2, "")
    assert status == 2
    assert "erreur" in err or argv[0] == "new"


def test_a_json_error_document_gives_its_problems_in_the_chosen_language(capsys, tmp_path):
    pack = tmp_path / "pack.json"
    pack.write_text('{"schema_version": 1, "id": "x"}', "utf-8")
    assert main(["show", "--pack", str(pack), "--format", "json", "--locale", "de"]) == 1
    document = json.loads(capsys.readouterr().out)
    messages = [p["message"] for p in document["error"]["problems"]]
    assert "das Pflichtfeld 'title' fehlt" in messages
    assert not any("required field" in m for m in messages)


def test_a_lower_max_session_cues_applies_to_a_clean_pack():
    text = backext.dump_pack(backext.builtin_pack(), "json")
    assert backext.validate_pack(text, format="json") == []
    found = backext.validate_pack(text, format="json", limits=backext.Limits(max_session_cues=3))
    assert {p.code for p in found} == {"session-too-long"}


@pytest.mark.parametrize(
    ("argv", "german"),
    [
        (["plan", "--days-per-week", "0"], "Argument --days-per-week: Trainingstage pro Woche sind 1 bis 7: '0'"),
        (
            ["plan", "--start-date", "9999-12-30", "--weeks", "2"],
            "ein Plan ab dem 30.12.9999 hat höchstens für 0 Wochen Platz vor dem 31.12.9999",
        ),
        (["plan", "--format", "ics", "--series", ""], "eine Serie darf nicht leer sein"),
        (
            ["plan", "--format", "ics", "--time", "08:00", "--timezone", "UTC", "--duration", "100000"],
            "nicht 100000 Minuten",
        ),
    ],
)
def test_usage_errors_say_the_options_words_not_pythons(capsys, argv, german):
    assert main([*argv, "--locale", "de"]) == 2
    err = capsys.readouterr().err
    assert german in err
    assert "days_per_week" not in err
    assert "None" not in err
    assert "day," not in err


def test_errors_after_the_pack_is_loaded_end_the_chain_with_its_default_language(capsys, monkeypatch, tmp_path):
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    document["default_locale"] = "fr"

    # The built-in pack has every text in French too: with French as its default, that is the pack's language.
    pack = tmp_path / "fr.json"
    pack.write_text(json.dumps(document), "utf-8")
    status, err = _err(capsys, monkeypatch, {}, "show", "--pack", str(pack), "--exercise", "nope")
    assert status == 2
    assert "backext : erreur : aucun exercice" in err


def test_a_decimal_in_a_message_is_written_in_the_languages_digits():
    pack = backext.builtin_pack()
    document = backext.converter.unstructure(backext.start(pack, "forearm-press-up"))
    for value, spanish in ((86400.5, "no 86400,5"), (1e300, "no un número de unas 301 cifras")):
        document["dose"]["hold_seconds"] = value
        with pytest.raises(backext.StateError) as caught:
            backext.load_state(document, pack)
        rendered = caught.value.render("es")
        assert spanish in rendered
        assert "e+" not in rendered


# --- Round 3 ---------------------------------------------------------------------------------------------------------


def test_a_hold_longer_than_a_day_is_an_error_not_a_pack_that_cannot_be_started():
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    document["exercises"][0]["hold"] = {"start_seconds": 90_000, "target_seconds": 90_000}
    found = [p for p in backext.validate_pack(document) if p.severity == "error"]
    assert {(p.code, p.path) for p in found} >= {("number-out-of-range", "/exercises/0/hold/start_seconds")}


def test_a_state_that_skips_a_level_is_refused_or_brought_down_whatever_version_it_was_stored_against():
    import datetime  # noqa: PLC0415

    from handouts import after_one_session  # noqa: PLC0415

    pack = backext.builtin_pack()
    document = backext.converter.unstructure(after_one_session(pack, "forearm-press-up", datetime.date(2026, 1, 5)))
    document["tolerated"] = [{"exercise_id": "forearm-press-up", "hold_seconds": 5, "repetitions": 10}]
    advanced = backext.start(pack, "prone-chest-lift")
    document["dose"] = backext.converter.unstructure(advanced.dose)
    document["prescription"] = backext.converter.unstructure(advanced.prescription)
    for refresh in (True, False):  # stored against this very version: edited
        with pytest.raises(backext.StateError, match="no level is skipped"):
            backext.load_state(document, pack, refresh=refresh)
    for version in ("0.9.0", None, ""):  # another version, which may have moved the levels: brought down
        document["pack_version"] = version
        state = backext.load_state(document, pack)
        assert state.prescription.level is not backext.Level.ADVANCED
        assert backext.plan(pack, state, start_date=datetime.date(2026, 1, 7)).sessions[0].prescription.level in {
            backext.Level.BEGINNER,
            backext.Level.INTERMEDIATE,
        }
        unrefreshed = backext.load_state(document, pack, refresh=False)
        cues = backext.timeline(pack, unrefreshed)  # the next call to the engine brings it down
        assert cues


@pytest.mark.parametrize(("days", "sessions"), [(0, None), ("3", None), (3, ())])
def test_a_plan_without_sessions_or_with_odd_days_is_planned_again(days, sessions):
    import datetime  # noqa: PLC0415

    pack = backext.builtin_pack()
    made = backext.plan(pack, backext.start(pack, "forearm-press-up"), start_date=datetime.date(2026, 1, 5), weeks=1)
    edited = attrs.evolve(made, days_per_week=days, sessions=made.sessions if sessions is None else sessions)
    with pytest.raises(backext.SessionError, match="plan again"):
        backext.plan_calendar(pack, edited)


def test_more_command_line_errors_in_the_persons_language(capsys, monkeypatch, tmp_path):
    logs = tmp_path / "logs.json"
    logs.write_bytes(b"\xff[]")
    status, err = _err(capsys, monkeypatch, {}, "fhir", "--logs", str(logs), "--locale", "fr")
    assert status == 1
    assert "le fichier n'est pas en UTF-8 : l'octet 0 (0xff)" in err
    status, err = _err(capsys, monkeypatch, {}, "fhir", "--subject", "", "--locale", "de")
    assert status == 2
    assert "backext: Fehler: das Subjekt muss ein Verweis" in err
    status, err = _err(capsys, monkeypatch, {}, "plan", "--start-date", "9999-12-30", "--weeks", "1", "--locale", "de")
    assert "hat höchstens für 0 Wochen Platz" in err


def test_a_number_too_large_for_a_float_and_a_whole_float_are_said_in_words():
    from backext._wrong import json_type  # noqa: PLC0415

    assert json_type(float("inf")).render("fr") == "un nombre trop grand pour être représenté"
    assert json_type(1500.0).render("de") == "eine Zahl (1500,0)"
    assert "e+" not in json_type(1.2345678901234568e16).render("de")


def test_lower_limits_hold_for_the_built_in_pack_too(capsys):
    assert main(["show", "--limit", "exercises=1"]) == 1
    assert "too-many-exercises" in capsys.readouterr().err
    assert main(["session", "--exercise", "forearm-press-up", "--limit", "session_cues=5"]) == 1
    assert main(["show"]) == 0
