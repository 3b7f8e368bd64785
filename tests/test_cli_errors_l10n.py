"""The command line's errors in the person's language: the reports of invalid packs and states, unknown ids, a stop."""

from __future__ import annotations

import datetime
import json

import attrs
import pytest

import backext
from backext._cli import main


PACK = backext.builtin_pack()
MONDAY = datetime.date(2026, 1, 5)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def broken_pack(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"id": 5}', encoding="utf-8")
    return str(path)


@pytest.fixture
def broken_state(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{}", encoding="utf-8")
    return str(path)


@pytest.fixture
def stopped_state(tmp_path):
    state = backext.start(PACK, "hand-press-up")
    log = attrs.evolve(backext.SessionLog.as_prescribed(state.prescription, MONDAY), red_flags={"new-leg-weakness"})
    path = tmp_path / "stopped.json"
    path.write_text(json.dumps(backext.converter.unstructure(backext.step(PACK, state, log).state)), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "said",
    [
        ("de", ": ungültiges Paket, 4 Probleme:", "das Pflichtfeld 'title' fehlt"),
        ("fr", " : pack non valide, 4 problèmes :", "le champ obligatoire 'title' est absent"),
        ("es-MX", ": paquete no válido, 4 problemas:", "falta el campo obligatorio 'title'"),
    ],
)
@pytest.mark.parametrize("command", ["show", "plan", "handout"])
def test_an_invalid_pack_is_reported_in_the_language_asked(capsys, broken_pack, command, said):
    locale, heading, message = said
    status, _, err = run(capsys, command, "--pack", broken_pack, "--locale", locale)
    assert status == 1
    first, *problems = err.splitlines()
    assert first == f"{broken_pack}{heading}"
    assert any(message in line for line in problems)
    # The codes and the pointers do not change with the language.
    assert f'  {broken_pack}:1:1: error missing-field: {message} (at "")' in problems


def test_an_invalid_pack_is_reported_in_the_environments_language(capsys, broken_pack, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    status, _, err = run(capsys, "show", "--pack", broken_pack)
    assert status == 1
    assert err.startswith(f"{broken_pack} : pack non valide, 4 problèmes :")


def test_without_a_language_the_report_is_the_exceptions_own(capsys, broken_pack):
    status, _, err = run(capsys, "show", "--pack", broken_pack)
    with pytest.raises(backext.PackError) as caught:
        backext.load_pack(broken_pack)
    assert (status, err) == (1, f"{caught.value}\n")
    assert caught.value.render() == str(caught.value)
    assert caught.value.render("de").startswith(f"{broken_pack}: ungültiges Paket, 4 Probleme:")


@pytest.mark.parametrize(("locale", "heading"), [("de", "ungültiger Stand, 3 Probleme:"), ("fr", "état non valide")])
@pytest.mark.parametrize("command", ["plan", "handout"])
def test_an_invalid_state_is_reported_in_the_language_asked(capsys, broken_state, command, locale, heading):
    status, _, err = run(capsys, command, "--state", broken_state, "--locale", locale)
    assert status == 1
    assert err.startswith(f"{broken_state}: {heading}" if locale == "de" else f"{broken_state} : {heading}")
    assert "required field" not in err


def test_a_state_error_renders_in_any_language():
    with pytest.raises(backext.StateError) as caught:
        backext.load_state({}, PACK, name="mine.json")
    assert caught.value.render() == str(caught.value)
    assert caught.value.render(None).startswith("mine.json: invalid state, 3 problems:")
    assert "das Pflichtfeld 'pack_id' fehlt" in caught.value.render("de-AT")
    with pytest.raises(ValueError, match="language tag"):
        caught.value.render("not a tag")


@pytest.mark.parametrize("command", ["show", "plan", "session", "handout"])
def test_an_unknown_exercise_is_said_in_the_language_asked(capsys, command):
    status, _, err = run(capsys, command, "--exercise", "forearm-pressup", "--locale", "fr")
    assert status == 2
    said = "aucun exercice avec l'identifiant 'forearm-pressup' ; vouliez-vous dire 'forearm-press-up' ?"
    assert err == f"backext : erreur : {said}\n"


def test_a_stopped_plan_is_said_in_the_language_asked(capsys, stopped_state):
    status, out, err = run(capsys, "plan", "--state", stopped_state, "--locale", "de")
    assert (status, out) == (1, "")
    assert err.startswith("backext: das Training ist seit dem 05.01.2026 gestoppt: ")
    assert "clearance" not in err


def test_a_language_the_library_does_not_speak_reports_in_english(capsys, broken_pack):
    status, _, err = run(capsys, "show", "--pack", broken_pack, "--locale", "ja")
    assert status == 1
    assert err.startswith(f"{broken_pack}: invalid pack, 4 problems:")


@pytest.mark.parametrize(
    ("locale", "day"), [("en", "2026-01-05"), ("de", "05.01.2026"), ("fr", "05/01/2026"), ("es", "05/01/2026")]
)
def test_dates_are_written_as_the_language_writes_them(capsys, locale, day):
    status, out, _ = run(capsys, "plan", "--start-date", "2026-01-05", "--weeks", "1", "--locale", locale)
    assert status == 0
    assert out.splitlines()[1].startswith(f"{day}  ")
    message = backext.Message(template="{day}", values={"day": MONDAY})
    assert message.render(locale) == day
    assert message.render() == "2026-01-05"


@pytest.mark.parametrize("tag", ["x-klingon", "", "ja"])
def test_fhir_checks_its_locale_as_every_command_does(capsys, tag):
    pytest.importorskip("fhir.resources")
    status, out, err = run(capsys, "fhir", "--locale", tag)
    assert (status, out) == (2, "")
    assert "choose one of de, en, es, fr" in err


@pytest.mark.parametrize("command", ["show", "plan", "session", "handout"])
def test_a_language_the_pack_lacks_is_said_once_not_mixed_in_silence(capsys, tmp_path, command):
    document = json.loads(backext.dump_pack(PACK, "json"))

    def english(node):
        if isinstance(node, dict) and "en" in node and "de" in node:
            return node["en"]
        if isinstance(node, dict):
            return {key: english(value) for key, value in node.items()}
        if isinstance(node, list):
            return [english(item) for item in node]
        return node

    path = tmp_path / "english.json"
    path.write_text(json.dumps(english(document)), encoding="utf-8")
    argv = [command, "--pack", str(path), "--locale", "de", "--exercise", "forearm-press-up"]
    status, _, err = run(capsys, *argv)
    assert status == 0
    note = "backext: Hinweis: das Paket hat keine Texte in 'de': sie werden in seiner Standardsprache 'en' gezeigt\n"
    assert err.count(note) == 1
    status, _, err = run(capsys, command, "--locale", "de", "--exercise", "forearm-press-up")
    assert (status, err) == (0, "")


def test_validates_github_summary_and_sarif_language_follow_the_locale(capsys, broken_pack):
    status, out, _ = run(capsys, "validate", "--format", "github", "--locale", "de", broken_pack)
    assert status == 1
    assert out.splitlines()[-1] == "1 Datei geprüft: 4 Fehler, 0 Warnungen"
    status, out, _ = run(capsys, "validate", "--format", "sarif", "--locale", "fr", broken_pack)
    (run_,) = json.loads(out)["runs"]
    assert run_["language"] == "fr"
    assert "le champ obligatoire 'title' est absent" in {r["message"]["text"] for r in run_["results"]}
    status, out, _ = run(capsys, "validate", "--format", "sarif", broken_pack)
    assert json.loads(out)["runs"][0]["language"] == "en"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["plan", "--state", "/nonexistent/state.json"],
            "impossible de lire '/nonexistent/state.json' (un état enregistré)",
        ),
        (["plan", "--time", "10:00"], "--time : seulement avec --format ics"),
        (["plan", "--state", "x.json", "--exercise", "forearm-press-up"], "choisissez l'un des deux"),
    ],
)
def test_usage_errors_are_said_in_the_language_asked(capsys, argv, said):
    status, _, err = run(capsys, *argv, "--locale", "fr")
    assert status == 2
    assert err.startswith("backext : erreur : ")
    assert said in err


def test_usage_errors_follow_the_environments_language(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LANGUAGE", "de")
    path = tmp_path / "a.json"
    path.write_text("{}", encoding="utf-8")
    status, _, err = run(capsys, "convert", str(path), str(path))
    assert (status, err) == (2, "backext: Fehler: IN und OUT sind dieselbe Datei\n")
