"""The library's words in the person's language: renderings, doses, cues, reasons, and choosing the locale."""

from __future__ import annotations

import datetime
import doctest
import json
import re
import subprocess
import sys

import pytest

import backext
from backext import _i18n, _locales, _messages, _render
from backext._cli import main


LANGUAGES = _i18n.LANGUAGES

#: Words the English rendering shares, rightly, with a language (the same word in both).
SHARED = {"fr": {"dose", "doses", "sources", "date", "position"}, "de": set(), "es": set()}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _pack_texts(pack: backext.Pack) -> list[str]:
    """Every text of *pack*, in every language, and every id: what is the pack's, not the library's."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, backext.LocalizedText):
            found.extend(text for _, text in value.translations)
        elif isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(type(value), "__attrs_attrs__"):
            for field in type(value).__attrs_attrs__:
                walk(getattr(value, field.name))

    walk(pack)
    return found


def _library_words(output: str, pack: backext.Pack) -> set[str]:
    """The words of *output* once the pack's own texts and ids are taken out, lower case, without numbers."""
    text = " ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", output).split())  # Markdown's escapes taken off
    for piece in sorted((" ".join(p.split()) for p in _pack_texts(pack)), key=len, reverse=True):
        if len(piece) > 1:
            text = text.replace(piece, " ")
    return {word.lower() for word in re.findall(r"[^\W\d_]{2,}", text)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "command",
    [
        ("show",),
        ("show", "--format", "markdown"),
        ("session", "--exercise", "forearm-press-up"),
        ("session", "--exercise", "prone-chest-lift"),
        ("plan", "--start-date", "2026-01-05", "--weeks", "26"),
    ],
    ids=lambda c: "-".join(c[:3]),
)
def test_the_builtin_pack_renders_with_no_english_library_word_left(capsys, language, command):
    pack = backext.builtin_pack()
    status, english, _ = run(capsys, *command)
    assert status == 0
    status, translated, _ = run(capsys, *command, "--locale", language)
    assert status == 0
    english_words = _library_words(english, pack)
    assert len(english_words) > 8  # headings, dose words, cue words: there is something to translate
    left = english_words & _library_words(translated, pack)
    shared = SHARED.get(language, set())
    assert left <= shared, f"English words left in {language}: {sorted(left - shared)}"


@pytest.mark.parametrize(
    ("locale", "heading", "dose"),
    [
        ("de", "Ausgangsposition:", "Dosis: 1 bis 2 Sekunden halten; 10 Wiederholungen, 1 Satz."),
        ("fr", "Position de départ :", "Dose : Tenir 1 à 2 secondes ; 10 répétitions, 1 série."),
        ("es", "Posición inicial:", "Dosis: Mantener de 1 a 2 segundos; 10 repeticiones, 1 serie."),
        ("de-AT", "Ausgangsposition:", "Dosis: 1 bis 2 Sekunden halten; 10 Wiederholungen, 1 Satz."),
    ],
)
def test_show_speaks_the_locale_asked_for(capsys, locale, heading, dose):
    status, out, err = run(capsys, "show", "--exercise", "hand-press-up", "--locale", locale)
    assert (status, err) == (0, "")
    assert heading in out
    assert dose in " ".join(out.split())


def test_the_dose_in_words_has_real_plurals_in_english():
    hold = backext.Hold(start_seconds=1, target_seconds=1)
    assert _render.describe_hold(hold) == "hold for 1 second"
    assert _render.describe_hold(backext.Hold(start_seconds=2, target_seconds=2)) == "hold for 2 seconds"
    assert _render.describe_hold(backext.Hold(start_seconds=1.5, target_seconds=1.5)) == "hold for 1.5 seconds"
    one = backext.Repetitions(minimum=1, maximum=1, sets=1)
    assert _render.describe_repetitions(one) == "1 repetition, 1 set"
    assert _render.describe_repetitions(backext.Repetitions(minimum=2, maximum=2, sets=3)) == "2 repetitions, 3 sets"


@pytest.mark.parametrize(
    ("language", "zero", "one", "two", "fraction"),
    [
        ("en", "0 seconds", "1 second", "2 seconds", "1.5 seconds"),
        ("de", "0 Sekunden", "1 Sekunde", "2 Sekunden", "1,5 Sekunden"),
        ("es", "0 segundos", "1 segundo", "2 segundos", "1,5 segundos"),
        ("fr", "0 seconde", "1 seconde", "2 secondes", "1,5 seconde"),
    ],
)
def test_each_language_chooses_its_plural_form(language, zero, one, two, fraction):
    assert [_render.seconds(n, language) for n in (0, 1, 2, 1.5)] == [zero, one, two, fraction]


def test_the_session_cues_are_spoken_in_the_locale_with_plurals():
    pack = backext.builtin_pack()
    state = backext.start(pack, "hand-press-up")
    english = [cue.text for cue in backext.timeline(pack, state)]
    assert "Hold for 1 second" in english
    assert "Rest for 3 seconds" in english
    german = backext.timeline(pack, state, locale="de-CH")
    assert [c.offset_seconds for c in german] == [c.offset_seconds for c in backext.timeline(pack, state)]
    texts = [pack.localize(cue.text, "de") for cue in german]
    assert {"Satz 1 von 1", "Anheben", "1 Sekunde halten", "Langsam absenken", "3 Sekunden Pause"} <= set(texts)
    assert texts[-1] == "Gut gemacht, die Einheit ist geschafft"


def test_the_apps_own_phrases_are_used_as_they_are_in_any_locale():
    pack = backext.builtin_pack()
    state = backext.start(pack, "hand-press-up")
    phrases = backext.Phrases(lift="Hoch", hold="Halte {seconds}")
    texts = [cue.text for cue in backext.timeline(pack, state, phrases=phrases, locale="fr")]
    assert "Hoch" in texts
    assert "Halte 1" in texts
    assert "Redescendez lentement" in texts  # a default phrase: spoken in the locale


def test_timeline_refuses_a_malformed_locale():
    pack = backext.builtin_pack()
    with pytest.raises(ValueError, match="is not a language tag"):
        backext.timeline(pack, backext.start(pack, "hand-press-up"), locale="de DE")


def test_a_pack_in_german_speaks_german_by_default():
    pack = backext.load_pack(
        {**json.loads(backext.dump_pack(backext.builtin_pack())), "default_locale": "de"}, format="json"
    )
    state = backext.start(pack, "hand-press-up")
    texts = [cue.text for cue in backext.timeline(pack, state)]
    assert "Anheben" in texts
    assert "Lift" in [cue.text for cue in backext.timeline(pack, state, locale="en")]
    assert "Anheben" in [cue.text for cue in backext.timeline(pack, state, locale="ja")]  # ja -> the pack's de
    log = backext.SessionLog.as_prescribed(state.prescription, datetime.date(2026, 1, 5))
    (reason,) = backext.step(pack, state, log).reasons
    assert reason.message == "well tolerated: 1 of 3 sessions before a step up"  # the message stays English
    assert reason.render() == reason.render("ja") == "gut vertragen: 1 von 3 Einheiten vor einem Schritt nach oben"
    assert reason.render("en-GB") == reason.message


def _decisions() -> list[backext.Decision]:
    """Decisions with most reasons: counting, steps up and back, a long gap, pain, a red flag, a stop."""
    pack = backext.builtin_pack()
    state = backext.start(pack, "forearm-press-up")
    decisions = []
    day = datetime.date(2026, 1, 5)

    def log(**how: object) -> backext.SessionLog:
        p = state.prescription
        fields = {
            "date": day,
            "exercise_id": p.exercise_id,
            "repetitions_completed": p.repetitions,
            "hold_seconds": p.hold_seconds,
            "pain": 0,
            "pain_next_day": 0,
        }
        return backext.SessionLog(**{**fields, **how})

    for how in [{}, {}, {}, {"pain": 3}, {"pain": 3}, {}, {"pain_next_day": None}, "report", {"pain": 5}, {"pain": 1}]:
        if how == "report":
            decisions.append(backext.report_next_day(pack, state, 1))
        else:
            decisions.append(backext.step(pack, state, log(**how)))
            day += datetime.timedelta(days=2)
        state = decisions[-1].state
    day += datetime.timedelta(days=40)
    decisions.append(backext.step(pack, state, log()))
    state = decisions[-1].state
    day += datetime.timedelta(days=2)
    decisions.append(backext.step(pack, state, log(pain=8, red_flags={"numbness-or-tingling"})))
    state = decisions[-1].state
    day += datetime.timedelta(days=2)
    decisions.append(backext.step(pack, state, log()))
    return decisions


def test_every_reason_renders_in_each_language_and_keeps_its_code_and_english_message():
    decisions = _decisions()
    codes = {reason.code for decision in decisions for reason in decision.reasons}
    assert {"tolerated", "hold-up", "pain-moderate", "pain-high", "long-gap", "red-flag", "pain-severe"} <= codes
    for decision in decisions:
        for reason in decision.reasons:
            assert reason.render("en") == reason.render() == reason.message
            assert reason.template is not None
            for language in LANGUAGES:
                rendered = reason.render(language)
                assert rendered != reason.message, (language, reason.code, rendered)
                assert reason.render(f"{language}-XX") == rendered
        assert decision.messages("de") == tuple(reason.render("de") for reason in decision.reasons)


def test_rendering_is_afterwards_and_changes_nothing_in_the_decision():
    first, second = _decisions(), _decisions()
    assert first == second
    for decision in first:
        decision.messages("fr")
    assert first == second


def test_a_reason_names_the_exercise_in_the_locale_asked_for():
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][1]["name"] = {"en": "Press-up on the hands", "de": "Liegestütz auf den Händen"}
    pack = backext.load_pack(document, format="json")
    state = backext.start(pack, "forearm-press-up")
    decision = _to_next_exercise(pack, state)
    (level_up,) = [r for r in decision.reasons if r.code == "level-up"]
    assert level_up.message.startswith("on to Press-up on the hands (intermediate), ")
    assert level_up.render("de").startswith("weiter zu Liegestütz auf den Händen (Mittelstufe), 1 s Haltezeit")


def _to_next_exercise(pack: backext.Pack, state: backext.State) -> backext.Decision:
    """The decision that moves *state* on to the next exercise, after perfect sessions."""
    day = datetime.date(2025, 1, 1)
    while True:
        decision = backext.step(pack, state, backext.SessionLog.as_prescribed(state.prescription, day))
        day += datetime.timedelta(days=2)
        if decision.prescription is not None and decision.prescription.exercise_id != state.prescription.exercise_id:
            return decision
        state = decision.state


def test_a_reason_made_by_hand_renders_its_message():
    reason = backext.Reason(code="pain-moderate", message="pain of 3/10")
    assert reason.render("de") == "pain of 3/10"
    with pytest.raises(ValueError, match="is not a language tag"):
        reason.render("no good")


def test_a_message_renders_its_values_in_the_locale():
    message = backext.Message(
        template="on to {exercise} ({level}), {dose}",
        values={
            "exercise": backext.LocalizedText({"en": "Rest", "fr": "Repos"}),
            "level": backext.Message(template="advanced", context="level"),
            "dose": backext.Message(
                template="{hold} s hold, {count} repetition",
                plural="{hold} s hold, {count} repetitions",
                count=1,
                values={"hold": 1.5, "count": 1},
            ),
        },
    )
    assert message.render() == "on to Rest (advanced), 1.5 s hold, 1 repetition"
    assert message.render("fr") == "passage à Repos (avancé), maintien de 1,5 s, 1 répétition"
    with pytest.raises(ValueError, match="is not a language tag"):
        message.render("x")


def test_red_flags_are_described_in_each_language():
    for flag in backext.RedFlag:
        assert flag.describe() == flag.describe("en") == flag.description
        for language in LANGUAGES:
            assert flag.describe(language) != flag.description


# --- Choosing the locale on the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "Ausgangsposition"),
        ({"LC_MESSAGES": "fr_CA.UTF-8", "LANG": "de_DE.UTF-8"}, "Position de départ"),
        ({"LC_ALL": "es_ES@euro", "LC_MESSAGES": "fr_FR", "LANG": "de_DE"}, "Posición inicial"),
        ({"LANGUAGE": "ja:fr", "LANG": "de_DE.UTF-8"}, "Position de départ"),
        ({"LANGUAGE": "fr", "LC_ALL": "C"}, "Position de départ"),  # LANGUAGE first, as Python's gettext reads it
        ({"LANG": "C.UTF-8"}, "Starting position"),
        ({"LANG": "POSIX"}, "Starting position"),
        ({"LANG": "ja_JP.UTF-8"}, "Starting position"),  # no texts in Japanese: the pack's default
        ({"LANG": "not a locale"}, "Starting position"),
        # Found by a black-box attack: gettext's aliases were taken as unknown languages.
        ({"LANG": "german"}, "Ausgangsposition"),
        ({"LANGUAGE": "french:de"}, "Position de départ"),
        ({"LANG": "german_germany.UTF-8"}, "Ausgangsposition"),
        ({"LANGUAGE": "spanish_spain:de"}, "Posición inicial"),
        ({"LANG": "c-french"}, "Position de départ"),
    ],
)
def test_the_environment_chooses_the_language(capsys, monkeypatch, environment, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    status, out, _ = run(capsys, "show", "--exercise", "hand-press-up")
    assert status == 0
    assert f"{expected}" in out


def test_locale_on_the_command_line_wins_over_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    status, out, _ = run(capsys, "show", "--exercise", "hand-press-up", "--locale", "es_MX")
    assert status == 0
    assert "Posición inicial" in out


@pytest.mark.parametrize("command", [("show",), ("session", "--exercise", "hand-press-up"), ("plan",)])
@pytest.mark.parametrize(("tag", "says"), [("ja", "there are no texts in 'ja'"), ("de DE", "'de DE' is not a lang")])
def test_an_unknown_or_malformed_locale_is_a_usage_error(capsys, command, tag, says):
    status, out, err = run(capsys, *command, "--locale", tag)
    assert (status, out) == (2, "")
    assert says in err
    assert "de, en, es, fr" in err


def test_an_unknown_locale_is_a_usage_error_in_json_too(capsys):
    status, out, _ = run(capsys, "show", "--format", "json", "--locale", "xx")
    assert status == 2
    assert "there are no texts in 'xx'" in json.loads(out)["error"]["message"]


def test_a_language_of_the_pack_alone_is_accepted(capsys, tmp_path):
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["title"] = {"en": "Back", "it": "Schiena"}
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    status, out, err = run(capsys, "show", "--pack", str(path), "--locale", "it-CH", "--exercise", "hand-press-up")
    assert (status, err) == (0, "")
    assert out.startswith("Schiena\n")
    assert "Starting position:" in out  # no Italian catalog: the pack's default, English
    status, _, err = run(capsys, "show", "--pack", str(path), "--locale", "pt")
    assert status == 2
    assert "de, en, es, fr, it" in err


def test_environment_locales_reads_like_gettext():
    assert _locales.environment_locales({}) == []
    assert _locales.environment_locales({"LANGUAGE": "", "LANG": "de_AT.UTF-8"}) == ["de-AT"]
    assert _locales.environment_locales({"LANGUAGE": "C:POSIX", "LANG": "es"}) == []  # C: no language, as gettext
    assert _locales.environment_locales({"LANGUAGE": "fr:de DE:es", "LANG": "C.UTF-8"}) == ["fr", "es"]
    assert _locales.environment_locales({"LANGUAGE": "fr:bad tag:es", "LANG": "de"}) == ["fr", "es"]


def test_nothing_changes_the_process_locale(capsys):
    import locale  # noqa: PLC0415

    before = locale.setlocale(locale.LC_ALL)
    run(capsys, "show", "--locale", "de")
    assert locale.setlocale(locale.LC_ALL) == before


def test_validate_and_import_need_neither_babel_nor_a_catalog(tmp_path):
    path = tmp_path / "pack.json"
    path.write_text(backext.dump_pack(backext.builtin_pack()), encoding="utf-8")
    code = (
        "import sys\n"
        "from backext._cli import main\n"
        f"status = main(['validate', {str(path)!r}])\n"
        "print(status, sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 []"


@pytest.mark.parametrize("module", [_i18n, _messages, _render, _locales])
def test_the_examples_in_the_private_modules_hold(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
