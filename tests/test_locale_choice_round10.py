"""Languages, round 10: a pack written under a regional tag speaks its language; ``--loc``; a rules clash's place."""

from __future__ import annotations

import json
from typing import Any

import pytest

import backext
from backext._cli import _asked_locale, main
from backext._locales import UnknownLocaleError, choose_locale, pack_speaks


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _only(value: Any, keep: dict[str, str]) -> Any:
    """The built-in pack's *value* with each text of every language kept only in *keep*'s (tag it had: tag now)."""
    if isinstance(value, dict) and set(keep) <= set(value) and all(isinstance(v, str) for v in value.values()):
        return {now: value[had] for had, now in keep.items()}
    if isinstance(value, dict):
        return {k: _only(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_only(v, keep) for v in value]
    return value


def _pack_file(tmp_path, keep: dict[str, str], default: str, name: str) -> tuple[str, backext.Pack]:
    document = _only(json.loads(backext.dump_pack(backext.builtin_pack())), keep)
    document["default_locale"] = default
    document["id"] = name
    text = json.dumps(document, ensure_ascii=False)
    assert backext.validate_pack(json.loads(text)) == []  # a pack with nothing wrong
    path = tmp_path / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    return str(path), backext.load_pack(text, format="json")


@pytest.fixture
def en_gb(tmp_path) -> tuple[str, backext.Pack]:
    """Every text under ``en-GB`` (the default locale) and ``de``."""
    return _pack_file(tmp_path, {"en": "en-GB", "de": "de"}, "en-GB", "engb-de")


@pytest.fixture
def de_at(tmp_path) -> tuple[str, backext.Pack]:
    """Every text under ``de-AT`` only, the default locale."""
    return _pack_file(tmp_path, {"de": "de-AT"}, "de-AT", "de-at-only")


# F1: the pack speaks the language its texts come out in.


@pytest.mark.parametrize(("language", "chosen"), [("en:de", "en"), ("en_US:de", "en-US"), ("en_GB:de", "en-GB")])
def test_a_pack_written_in_en_gb_speaks_english_to_who_lists_english_first(en_gb, language, chosen):
    _, pack = en_gb
    assert choose_locale(None, {"LANGUAGE": language}, pack) == chosen
    assert pack_speaks(pack, chosen)


@pytest.mark.parametrize("language", ["en:de", "en_US:de", "en_GB:de"])
@pytest.mark.parametrize("command", ["show", "plan", "handout"])
def test_the_commands_speak_english_throughout_on_an_en_gb_pack(capsys, monkeypatch, en_gb, language, command):
    path, _ = en_gb
    monkeypatch.setenv("LANGUAGE", language)
    status, out, err = run(capsys, command, "--pack", path, *(["--weeks", "1"] if command == "plan" else []))
    assert status == 0
    assert "no texts" not in err  # the pack's texts are English: nothing to note of them
    assert "Hinweis" not in err  # (the handout's note of its pictures left out is in English)
    if command == "show":
        assert out.startswith("Back extension exercises for osteoporosis\n")
        assert "Steps:" in out
        assert "Schritte" not in out
    elif command == "plan":
        assert "Exercise" in out
        assert "Übung" not in out
    else:
        assert f'<html lang="{choose_locale(None, {"LANGUAGE": language}, en_gb[1])}"' in out
        assert "Rückenstreck" not in out


def test_no_note_of_missing_texts_where_the_texts_are_in_the_language(capsys, monkeypatch, en_gb):
    path, _ = en_gb
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    status, out, err = run(capsys, "show", "--pack", path)
    assert status == 0
    assert out.startswith("Back extension exercises for osteoporosis\n")
    assert "no texts" not in err
    assert err == ""


def test_a_pack_written_in_de_at_speaks_german_before_a_french_it_does_not(capsys, monkeypatch, de_at):
    path, pack = de_at
    assert choose_locale(None, {"LANGUAGE": "fr:de"}, pack) == "de"
    monkeypatch.setenv("LANGUAGE", "fr:de")
    status, out, err = run(capsys, "show", "--pack", path)
    assert status == 0
    assert out.startswith("Rückenstreckübungen bei Osteoporose\n")
    assert "Schritte:" in out
    assert "Étapes" not in out
    assert "Avant de commencer" not in out
    assert err == ""


@pytest.mark.parametrize("asked", ["de", "de-CH", "de-AT"])
def test_locale_de_on_a_de_at_pack_shows_its_german_without_a_false_note(capsys, de_at, asked):
    path, pack = de_at
    assert pack_speaks(pack, asked)
    status, out, err = run(capsys, "show", "--pack", path, "--locale", asked)
    assert status == 0
    assert out.startswith("Rückenstreckübungen bei Osteoporose\n")
    assert "Schritte:" in out
    assert err == ""  # no "das Paket hat keine Texte in 'de'"


def test_a_language_the_pack_does_not_speak_is_still_noted(capsys, de_at):
    path, pack = de_at
    assert not pack_speaks(pack, "fr")
    status, out, err = run(capsys, "show", "--pack", path, "--locale", "fr")
    assert status == 0
    assert "Étapes" in out  # the library's words in French, the pack's texts in its German
    assert "de-AT" in err
    assert err.count("\n") == 1


def test_a_regional_text_is_not_reached_by_its_language_when_the_default_is_another(capsys, tmp_path):
    # BCP 47 lookup (RFC 4647) truncates the tag asked for and never widens it: "de" does not reach "de-AT" texts
    # of a pack whose default is English; they come out in English, and the note says so.
    path, pack = _pack_file(tmp_path, {"en": "en", "de": "de-AT"}, "en", "en-deat")
    assert pack.localize(pack.title, "de") == "Back extension exercises for osteoporosis"
    assert not pack_speaks(pack, "de")
    assert pack_speaks(pack, "de-AT")
    assert pack_speaks(pack, "de-AT-1996")
    assert choose_locale(None, {"LANGUAGE": "de:de_AT"}, pack) == "de-AT"  # the first both speak
    status, _, err = run(capsys, "show", "--pack", path, "--locale", "de")
    assert status == 0
    assert "das Paket hat keine Texte in 'de'" in err
    status, _, err = run(capsys, "show", "--pack", path, "--locale", "de-AT")
    assert (status, err) == (0, "")


def test_a_language_only_the_pack_speaks_through_its_default_can_be_asked_for(tmp_path):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document = _only(document, {"en": "ja-JP"})  # stands in for Japanese texts: only the tag matters
    document["default_locale"] = "ja-JP"
    pack = backext.load_pack(json.dumps(document), format="json")
    assert pack_speaks(pack, "ja")
    assert choose_locale("ja", {}, pack) == "ja"  # was refused: "there are no texts in 'ja'"
    with pytest.raises(UnknownLocaleError):
        choose_locale("ko", {}, pack)


def test_the_choice_of_the_builtin_pack_is_unchanged():
    pack = backext.builtin_pack()
    assert choose_locale(None, {"LANGUAGE": "fr:de"}, pack) == "fr"
    assert choose_locale(None, {"LANGUAGE": "ja:de_AT"}, pack) == "de-AT"
    assert choose_locale(None, {"LANGUAGE": "ja"}, pack) == "en"  # neither speaks Japanese: the pack's default
    assert choose_locale(None, {"LANG": "en_US.UTF-8"}, pack) == "en-US"
    assert choose_locale(None, {}, pack) == "en"


# F6: --loc, --lo, --loc=: every spelling argparse reads as --locale chooses the language of its errors.


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--loc", "fr", "--start-date", "2026-99-01"],
        ["plan", "--loc=fr", "--start-date", "2026-99-01"],
        ["plan", "--lo", "fr", "--start-date", "2026-99-01"],
        ["plan", "--locale=fr", "--start-date", "2026-99-01"],
        ["validate", "--loca", "fr", "--max-bytes", "x", "nowhere.json"],
    ],
)
def test_an_abbreviated_locale_chooses_the_language_of_a_parse_error(capsys, monkeypatch, argv):
    monkeypatch.setenv("LANGUAGE", "de")
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.splitlines()[-1].startswith("backext : erreur : argument --")
    assert "Fehler" not in err


@pytest.mark.parametrize(
    ("argv", "asked"),
    [
        (["plan", "--loc", "fr"], "fr"),
        (["plan", "--lo", "fr"], "fr"),  # plan has --limit, not --logs: --lo is --locale
        (["fhir", "--lo", "fr"], None),  # fhir has --logs too: ambiguous, argparse refuses it
        (["fhir", "--loc", "fr"], "fr"),
        (["plan", "--l", "fr"], None),  # --limit too
        (["plan", "--locales", "fr"], None),  # no option of that name
        (["plan", "--", "--locale", "fr"], None),  # after --, no option
        (["plan", "--loc="], ""),
        (["plan", "--loc", "--weeks", "1"], None),
        (["nothing", "--loc", "fr"], None),  # no such command: no option to abbreviate
    ],
)
def test_the_spellings_of_locale_are_those_argparse_accepts(argv, asked):
    assert _asked_locale(argv) == asked


def test_a_malformed_abbreviated_locale_is_reported_with_another_error(capsys):
    status, _, err = run(capsys, "plan", "--weeks", "0", "--loc", "x!y")
    assert status == 2
    lines = [line for line in err.splitlines() if line.startswith("backext: error:")]
    assert len(lines) == 2
    assert "'x!y' is not a language tag" in lines[1]


# F7: a clash of two settings is reported at the one the file gives.


@pytest.mark.parametrize(
    ("text", "path", "column"),
    [
        ('{"severe_pain": 3}', "/severe_pain", 17),  # clashes with regress_pain's default, 5
        ('{"tolerated_pain": 5}', "/tolerated_pain", 20),  # regress_pain's default, 5, is not above it
        ('{"next_day_pain": 1, "severe_pain": 4}', "/severe_pain", 37),
        ('{"regress_pain": 7, "severe_pain": 6}', "/regress_pain", 18),  # both given: where the rules say it
        ('{"tolerated_pain": 4, "regress_pain": 4}', "/regress_pain", 39),
    ],
)
def test_a_clash_of_settings_is_placed_at_a_setting_the_file_gives(text, path, column):
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(text, name="rules.json")
    (found,) = caught.value.problems
    assert (found.code, found.path, found.line, found.column) == ("invalid-value", path, 1, column)
    with pytest.raises(backext.RulesError) as caught:
        backext.load_rules(json.loads(text))  # a mapping: the pointer alike
    assert caught.value.problems[0].path == path


def test_the_command_line_points_into_the_rules_file(capsys, tmp_path):
    rules = tmp_path / "rules_sev.json"
    rules.write_text('{"severe_pain": 3}\n', encoding="utf-8")
    status, _, err = run(capsys, "plan", "--rules", str(rules), "--locale", "fr")
    assert status == 1
    assert f"{rules}:1:17: error invalid-value: regress_pain (5) ne peut pas être supérieur à severe_pain (3)" in err
    assert '(at "/severe_pain")' in err
    assert "/regress_pain" not in err
