"""Languages, round 4 of breaking them: what was found, each kept as a test."""

from __future__ import annotations

import json

import cattrs
import pytest

import backext
from backext._cli import main
from backext._locales import choose_locale


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--weeks", "0"],  # refused as the options are parsed
        ["plan", "--state", "s.json", "--exercise", "prone-chest-lift"],  # refused by the command
        ["handout", "--date", "2026-01-01"],
    ],
)
def test_a_malformed_locale_is_reported_even_when_another_option_is_wrong_first(capsys, argv):
    status, out, err = run(capsys, *argv, "--locale", "x!y")
    assert (status, out) == (2, "")
    lines = [line for line in err.splitlines() if line.startswith("backext: error:")]
    assert len(lines) == 2
    assert "'x!y' is not a language tag" in lines[1]


def test_both_errors_are_in_the_one_json_document(capsys, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "de")
    status, out, _ = run(capsys, "plan", "--weeks", "0", "--locale", "x!y", "--format", "json")
    assert status == 2
    message = json.loads(out)["error"]["message"]
    assert "muss mindestens 1 sein" in message
    assert "'x!y' ist kein Sprachkennzeichen" in message


def test_a_well_formed_locale_is_not_reported_with_another_error(capsys):
    status, _, err = run(capsys, "plan", "--weeks", "0", "--locale", "zz")  # the pack may have texts in zz
    assert status == 2
    assert err.count("backext: error:") == 1


def test_an_author_s_backslash_is_quoted_as_written():
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][0]["steps"][0]["media"] = "C:\\pics\\a.png"
    messages = {p.code: p.render("de") for p in backext.validate_pack(document)}
    assert "'C:\\pics\\a.png'" in messages["media-outside-folder"]
    document["exercises"][0]["hold"]["start_seconds"] = "5\\s\t"
    messages = {p.code: p.render("de") for p in backext.validate_pack(document)}
    assert "'5\\s\\t'" in messages["wrong-type"]  # the tab escaped: one line, and visible


@pytest.mark.parametrize(
    ("argv", "english", "german"),
    [
        (["plan", "--bogus"], "unrecognized arguments: --bogus", "unbekannte Argumente: --bogus"),
        (
            ["plan", "--format", "xml"],
            "argument --format: invalid choice: 'xml'",
            "Argument --format: ungültige Wahl: 'xml' (zur Wahl stehen ",
        ),
        (["plan", "--weeks"], "argument --weeks: expected one argument", "Argument --weeks: erwartet einen Wert"),
        (["validate"], "the following arguments are required: PATH", "diese Argumente fehlen: PATH"),
        (
            ["handout", "--state", "a", "--exercise", "b"],
            "argument --exercise: not allowed with argument --state",
            "Argument --exercise: nicht zusammen mit dem Argument --state erlaubt",
        ),
        (["frob"], "argument COMMAND: invalid choice: 'frob'", "Argument COMMAND: ungültige Wahl: 'frob'"),
    ],
)
def test_argparse_s_own_errors_are_in_the_person_s_language(capsys, monkeypatch, argv, english, german):
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setenv("LANG", "C")
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert f"error: {english}" in err
    assert err.startswith("usage: ")
    status, _, err = run(capsys, *argv, "--locale", "de")
    assert status == 2
    assert f"backext: Fehler: {german}" in err
    assert err.startswith("Aufruf: backext")
    assert "usage" not in err
    assert "error" not in err


@pytest.mark.parametrize(("locale", "prefix"), [("de", "Aufruf: "), ("fr", "usage : "), ("es", "uso: ")])
def test_the_usage_lines_stay_aligned_under_a_translated_prefix(capsys, locale, prefix):
    _, _, err = run(capsys, "plan", "--weeks", "--locale", locale)
    lines = err.splitlines()
    assert lines[0].startswith(prefix + "backext plan [")
    usage = [line for line in lines if not line.startswith("backext")]
    column = len(prefix + "backext plan ")
    assert len(usage) > 1
    for line in usage[1:]:
        assert line[:column].isspace()
        assert line[column] == "["


@pytest.mark.parametrize(
    "tag", ["de-AT-AT", "de-DE-AT", "de-Latn-Cyrl", "de-x", "de-a", "de-u", "de-12", "de-DE-x", "de-abc-abd-abe-abf"]
)
def test_a_tag_bcp_47_does_not_allow_is_refused_in_a_pack_and_on_the_command_line(capsys, tag):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"][tag] = "Rücken"
    problems = [(p.code, p.path) for p in backext.validate_pack(document) if p.severity == "error"]
    assert problems == [("invalid-locale", f"/title/{tag}")]
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["default_locale"] = tag
    assert ("invalid-locale", "/default_locale") in [(p.code, p.path) for p in backext.validate_pack(document)]
    status, _, err = run(capsys, "show", "--locale", tag)
    assert status == 2
    assert "is not a language tag" in err or "gives a subtag twice" in err


@pytest.mark.parametrize("tag", ["de-AT", "zh-Hant-TW", "es-419", "de-CH-1996", "sl-rozaj-biske", "de-DE-u-co-phonebk"])
def test_a_well_formed_tag_is_taken(tag):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"][tag] = "Rücken"
    assert not [p for p in backext.validate_pack(document) if p.code == "invalid-locale"]


def test_a_report_does_not_grow_with_the_number_of_languages(capsys, tmp_path):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    tags = [f"a{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(600)]
    document["title"] = {"en": "Back", **dict.fromkeys(tags, "x")}
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    status, out, _ = run(capsys, "validate", "--locale", "fr", str(path))
    assert status == 0
    lines = [line for line in out.splitlines() if "incomplete-translation" in line]
    assert len(lines) > 50
    assert max(len(line) for line in lines) < 400  # five tags named, then how many more
    assert "'aaa', 'aab', 'aac', 'aad', 'aae' et 595 autres" in out
    status, _, err = run(capsys, "show", "--pack", str(path), "--locale", "ja")
    assert status == 2
    assert len(err) < 1000


def test_fhir_resources_are_labelled_with_the_language_they_are_written_in(capsys):
    fhir = pytest.importorskip("backext.fhir")
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    for asked, written in (("ja", "en"), ("de-AT", "de-AT"), ("fr", "fr")):
        resources = fhir.export_state(pack, state, subject="Patient/1", locale=asked)
        request = next(r for r in resources if type(r).__name__ == "ServiceRequest")
        assert request.language == written
        if written == "en":
            assert "Hold for" in request.model_dump_json()  # all English: no Japanese label over English text


def test_a_language_both_the_library_and_the_pack_speak_is_preferred_from_the_environment():
    document = json.loads(backext.dump_pack(backext.builtin_pack()))

    def only(value):
        if isinstance(value, dict) and "de" in value and "en" in value:
            return {"en": value["en"], "de": value["de"]}
        if isinstance(value, dict):
            return {k: only(v) for k, v in value.items()}
        if isinstance(value, list):
            return [only(v) for v in value]
        return value

    pack = backext.load_pack(json.dumps(only(document)), format="json")
    assert choose_locale(None, {"LANGUAGE": "fr:de"}, pack) == "de"  # German throughout, not French around English
    assert choose_locale(None, {"LANGUAGE": "fr:ja"}, pack) == "fr"  # none both speak: the first either speaks
    assert choose_locale("fr", {"LANGUAGE": "de"}, pack) == "fr"  # asked for: as asked


def test_a_session_of_a_pack_s_hold_over_an_hour_is_coached(capsys):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    first = document["exercises"][0]
    first["hold"] = {"start_seconds": 3601, "target_seconds": 3601}
    first["repetitions"] = {"minimum": 1, "maximum": 1}
    pack = backext.load_pack(json.dumps(document), format="json", limits=backext.Limits(max_session_cues=10_000))
    cues = backext.timeline(pack, backext.start(pack, first["id"]))  # the rest is as long as the hold
    assert cues[-1].kind is backext.CueKind.FINISH


def test_the_session_s_refusals_are_worded_in_any_language():
    pack = backext.builtin_pack()
    with pytest.raises(ValueError, match="may not be shorter than the hold") as caught:
        backext.timeline(pack, backext.start(pack, "forearm-press-up"), rest_seconds=1)
    assert "darf nicht kürzer sein" in caught.value.template.render("de")  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="from 0 to 3600") as caught:
        backext.timeline(pack, backext.start(pack, "forearm-press-up"), set_rest_seconds=5000)
    assert "0 à 3600" in caught.value.template.render("fr")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["plan", "--time", "18:30"], "backext : erreur : --time : seulement avec --format ics"),
        (["handout", "--date", "2026-01-01"], "backext : erreur : --date : seulement avec --state"),
    ],
)
def test_options_that_do_not_go_together_are_said_in_the_pack_s_language(capsys, monkeypatch, tmp_path, argv, said):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["default_locale"] = "fr"
    pack = tmp_path / "fr.json"
    pack.write_text(json.dumps(document), encoding="utf-8")
    status, _, err = run(capsys, *argv, "--pack", str(pack))
    assert status == 2
    assert said in err


@pytest.mark.parametrize(
    ("value", "words"), [(float("inf"), "zu groß"), (float("-inf"), "zu groß"), (float("nan"), "keine Zahl")]
)
def test_an_infinite_number_is_said_in_words_not_as_python_writes_it(value, words):
    with pytest.raises(cattrs.errors.BaseValidationError) as caught:
        backext.converter.structure({"date": "2026-01-05", "exercise_id": "x", "repetitions_completed": 1,
                                     "hold_seconds": value, "pain": 0}, backext.SessionLog)  # fmt: skip
    from backext._converter import problems_from_exception  # noqa: PLC0415

    [problem] = problems_from_exception(caught.value)
    assert words in problem.render("de")
    assert "inf" not in problem.render("de")
    assert "nan" not in problem.render("de")


def test_fhir_resources_some_of_whose_texts_fall_back_are_written_in_the_pack_s_language(capsys, tmp_path):
    fhir = pytest.importorskip("backext.fhir")
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    first = document["exercises"][0]
    del first["name"]["de"]  # one text of the request without German
    pack = backext.load_pack(json.dumps(document), format="json")
    state = backext.start(pack, first["id"])
    request = next(r for r in fhir.export_state(pack, state, subject="Patient/1", locale="de")
                   if type(r).__name__ == "ServiceRequest")  # fmt: skip
    assert request.language == "en"
    assert "Hold for" in request.model_dump_json()  # English throughout, not German around an English name
    other = next(e for e in document["exercises"] if e is not first)
    complete = next(r for r in fhir.export_state(pack, backext.start(pack, other["id"]), subject="Patient/1",
                                                 locale="de") if type(r).__name__ == "ServiceRequest")  # fmt: skip
    assert complete.language == "de"
    path, stored = tmp_path / "pack.json", tmp_path / "state.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    stored.write_text(json.dumps(backext.converter.unstructure(state)), encoding="utf-8")
    status, _, err = run(
        capsys, "fhir", "--pack", str(path), "--state", str(stored), "--subject", "Patient/1", "--locale", "de"
    )
    assert status == 0
    assert "für alles, was die Ressourcen sagen" in err


def test_fhir_reads_its_rules_file_without_a_state_too(capsys, tmp_path):
    pytest.importorskip("backext.fhir")
    status, _, err = run(capsys, "fhir", "--rules", str(tmp_path / "missing.json"))
    assert status == 2
    assert "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"tolerated_pain": 9}', encoding="utf-8")
    status, _, err = run(capsys, "fhir", "--rules", str(bad))
    assert status == 1
    assert "/tolerated_pain" in err


def test_a_locale_option_without_its_value_is_one_error(capsys):
    for argv in (["show", "--locale", "--format", "json"], ["show", "--locale"]):
        status, _, err = run(capsys, *argv)
        assert status == 2
        assert err.count("error:") == 1
        assert "--locale: expected one argument" in err


@pytest.mark.parametrize("tag", ["x-klingon", "i-default", "de-DE-AT", "a" * 65])
def test_a_malformed_default_locale_is_one_problem(tag):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["default_locale"] = tag
    errors = [(p.code, p.path) for p in backext.validate_pack(document) if p.severity == "error"]
    assert errors == [("invalid-locale", "/default_locale")]
