"""The validators' problems in the author's language: every message from the catalogs, codes and places unchanged."""

from __future__ import annotations

import json
import re
import string

import attrs
import pytest

import backext
from backext import Limits, Message, Problem, _i18n
from backext._cli import main
from test_validate import CASES, builtin_document, changed, set_at, validate


LANGUAGES = _i18n.LANGUAGES


def _extra_cases(tmp_path) -> dict[str, list[Problem]]:
    """Problems the table of cases leaves to other tests: files, limits, parsers, fragments of messages."""
    big = tmp_path / "big.json"
    big.write_text(" " * 100)
    many = builtin_document()
    many["exercises"][0].update({f"unknown{i}": 1 for i in range(5)})
    circle = builtin_document()
    exercises = []
    for index in range(15):
        exercise = json.loads(json.dumps(circle["exercises"][0]))
        exercise.update(id=f"step-{index}", progression={"next_exercise": f"step-{(index + 1) % 15}"})
        exercises.append(exercise)
    circle["exercises"] = exercises
    return {
        "long-circle": validate(circle),
        "unreadable": backext.validate_pack(tmp_path / "missing.json"),
        "too-large": backext.validate_pack(big, max_bytes=10),
        "too-many-exercises": backext.validate_pack(builtin_document(), limits=Limits(max_exercises=2)),
        "too-many-problems": backext.validate_pack(many, limits=Limits(max_problems=2)),
        "not-utf8": backext.validate_pack(b'{"id": "\xff"}', format="json"),
        "invalid-json": backext.validate_pack('{"id": ]', format="json"),
        "invalid-toml": backext.validate_pack("id = ", format="toml"),
        "invalid-yaml": backext.validate_pack("id: [\n", format="yaml"),
        "duplicate-key": backext.validate_pack('{"id": "a", "id": "b"}', format="json"),
        "yaml-duplicate-key": backext.validate_pack("id: a\nid: b\n", format="yaml"),
        "yaml-long-integer": backext.validate_pack(f"id: {'9' * 200}\n", format="yaml"),
        "yaml-alias-in-itself": backext.validate_pack("id: &x [*x]\n", format="yaml"),
        "not-finite": backext.validate_pack('{"id": NaN}', format="json"),
        "wrong-types": validate(
            changed(
                lambda d: d.update(
                    id=None,
                    title=True,
                    version=1,
                    default_locale=1.5,
                    disclaimer=[],
                    sources={},
                    avoid="x",
                )
            )
        ),
        "unknown-field-hint": validate(changed(lambda d: d.update(titel="x"))),
        "unknown-field-far": validate(changed(lambda d: d.update(zzzzzzzz="x"))),
        "invalid-choice": validate(changed(set_at("/exercises/0/level", "expert"))),
        "huge-numbers": validate(changed(lambda d: d.update(schema_version=-(10**5000), version=10**5000))),
        "huge-number-in-range": validate(changed(set_at("/exercises/0/repetitions/maximum", 10**5000))),
        "session-one-set": backext.validate_pack(
            changed(
                lambda d: d["exercises"][1].update(
                    repetitions={"minimum": 1, "maximum": 1, "sets": 1},
                    hold={"start_seconds": 80_000, "target_seconds": 80_000},
                )
            ),
            limits=Limits(max_session_cues=1_000),
        ),
    }


def _literal(template: str) -> str:
    """The words of *template* outside its placeholders."""
    return "".join(text for text, *_ in string.Formatter().parse(template))


def _messages(message: Message) -> list[Message]:
    """*message* and every message among its values, at any depth."""
    found = [message]
    for _, value in message.values:
        if isinstance(value, Message):
            found += _messages(value)
    return found


#: Parts spelt the same in a language as in English, by right: French "doses" is the English word.
SAME_WORDS = {("fr", "{count} dose")}


def assert_translated(problem: Problem) -> None:
    """*problem* has a template, and every part of its message with words of its own is translated in each language."""
    assert problem.template is not None, problem
    assert problem.render() == problem.render("en") == problem.message
    for language in LANGUAGES:
        rendered = problem.render(language)
        assert rendered, language
        assert "{" not in rendered.replace(problem.message, ""), (language, rendered)
        for part in _messages(problem.template):
            if re.search(r"[a-z]{2}", _literal(part.template)) and (language, part.template) not in SAME_WORDS:
                assert part.render(language) != part.render("en"), (language, part.template)


def _all_problems(tmp_path) -> list[Problem]:
    problems = [p for source, _ in CASES.values() for p in validate(source)]
    problems += [p for found in _extra_cases(tmp_path).values() for p in found]
    return problems


def test_every_problem_of_the_corpus_renders_in_each_language(tmp_path):
    problems = _all_problems(tmp_path)
    codes = {p.code for p in problems}
    assert codes >= set(CASES) | {"unreadable", "too-large", "too-many-exercises", "too-many-problems"}
    for problem in problems:
        assert_translated(problem)


def test_a_hint_and_a_count_are_messages_of_their_own(tmp_path):
    cases = _extra_cases(tmp_path)
    (unknown,) = [p for p in cases["unknown-field-hint"] if p.code == "unknown-field"]
    assert unknown.message == "unknown field 'titel'; did you mean 'title'?"
    assert unknown.render("de") == "unbekanntes Feld 'titel'; meinten Sie 'title'?"
    assert unknown.render("fr") == "champ inconnu 'titel' ; vouliez-vous dire 'title' ?"
    (long,) = [p for p in cases["session-one-set"] if p.code == "session-too-long"]
    assert "1 set of 1 repetition," in long.message
    assert "1 Satz" in long.render("de")
    assert "1 Wiederholung" in long.render("de")
    (circle,) = [p for p in cases["long-circle"] if p.code == "progression-cycle"]
    assert "step-0 -> step-1 -> step-2 -> step-3 -> step-4 -> ... (6 more) -> step-11" in circle.message
    assert "(6 weitere)" in circle.render("de")
    (twice,) = cases["yaml-duplicate-key"]
    assert twice.render("es") == "YAML no válido: la clave 'id' aparece dos veces en un mismo objeto"
    huge = [p for p in cases["huge-numbers"] + cases["huge-number-in-range"] if "digits" in p.message]
    assert len(huge) >= 2
    assert any("Ziffern" in p.render("de") for p in huge)
    (left_out,) = [p for p in cases["too-many-problems"] if p.code == "too-many-problems"]
    assert left_out.render("es").startswith(f"{left_out.message.split()[0]} problemas más no notificados")


def test_the_template_takes_no_part_in_equality_and_hashing():
    made = validate(changed(set_at("/id", "Not An Id")))
    (found,) = [p for p in made if p.code == "invalid-id"]
    plain = attrs.evolve(found, template=None)
    assert found == plain
    assert hash(found) == hash(plain)
    assert plain.render("de") == plain.message != found.render("de")
    with pytest.raises(ValueError, match="tag"):
        plain.render("not a tag")
    with pytest.raises(ValueError, match="tag"):
        found.render("not a tag")


def test_a_regional_variant_falls_back_to_its_language():
    (found,) = [p for p in validate(changed(set_at("/id", "Not An Id"))) if p.code == "invalid-id"]
    assert found.render("de-AT") == found.render("de") != found.message
    assert found.render("pt") == found.message  # no Portuguese catalog: English


def _run(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    out, _ = capsys.readouterr()
    return status, out


BROKEN = "docs/examples/broken-pack.toml"


@pytest.mark.parametrize("language", LANGUAGES)
def test_validate_in_a_language_keeps_codes_pointers_and_positions(capsys, language):
    english_status, english = _run(capsys, "validate", "--format", "json", BROKEN)
    status, translated = _run(capsys, "validate", "--format", "json", "--locale", language, BROKEN)
    assert status == english_status == 1
    before, after = json.loads(english), json.loads(translated)
    assert [{**p, "message": None} for p in before] == [{**p, "message": None} for p in after]
    assert all(a["message"] != b["message"] for a, b in zip(after, before, strict=True))


def test_validate_in_german_on_the_command_line(capsys):
    status, out = _run(capsys, "validate", "--locale", "de", BROKEN)
    assert status == 1
    assert "ist eine Bewegung, von der die Empfehlungen bei Osteoporose abraten" in out
    assert "error contraindicated-movement:" in out  # codes and severities are not translated
    assert out.endswith("1 Datei geprüft: 2 Fehler, 2 Warnungen\n")
    _, sarif = _run(capsys, "validate", "--format", "sarif", "--locale", "de", BROKEN)
    texts = [r["message"]["text"] for run in json.loads(sarif)["runs"] for r in run["results"]]
    assert any("Osteoporose" in text for text in texts)
    _, github = _run(capsys, "validate", "--format", "github", "--locale", "de", BROKEN)
    assert "Osteoporose" in github


def test_validate_takes_the_language_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    _, out = _run(capsys, "validate", BROKEN)
    assert "ostéoporose" in out
    monkeypatch.setenv("LANG", "C")
    _, out = _run(capsys, "validate", BROKEN)
    assert "osteoporosis guidance advises against" in out


def test_validate_refuses_a_malformed_or_unknown_locale(capsys):
    for tag in ("not a tag", "xx"):
        status = main(["validate", "--locale", tag, BROKEN])
        _, err = capsys.readouterr()
        assert status == 2
        assert "choose one of de, en, es, fr" in err


STATE_EDITS = [
    lambda d: d.update(format_version=99),
    lambda d: d.update(pack_id="another"),
    lambda d: d["dose"].update(exercise_id="prone-chest-lif"),
    lambda d: d["dose"].update(hold_seconds=999),
    lambda d: d["dose"].update(repetitions=1),
    lambda d: d["prescription"].update(hold_seconds=20),
    lambda d: d["prescription"].update(exercise_id="hand-press-up"),
    lambda d: d["prescription"].update(modifications=["leg-lifts"]),
    lambda d: d.update(clearances=[]),
    lambda d: d.update(tolerated_streak=10**40),
    lambda d: d.update(pending={"date": "2026-01-01", "counts": True}),
    lambda d: d["dose"].update(hold_seconds=-5),
    lambda d: d.update(last_session="2026-02-30"),
    lambda d: d.update(stop={"date": "2026-01-05", "pain": 11}),
]


@pytest.mark.parametrize("edit", STATE_EDITS)
def test_the_problems_of_a_stored_state_render_in_each_language(edit):
    from test_state import stored, with_leg_lift  # noqa: PLC0415

    document = stored(with_leg_lift())
    edit(document)
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(document, backext.builtin_pack())
    for problem in caught.value.problems:
        assert_translated(problem)


@pytest.mark.parametrize("text", ["{", "[]", '{"a": 1, "a": 2}', "x" * (2**20 + 1)])
def test_the_problems_of_state_text_render_in_each_language(text):
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(text, backext.builtin_pack())
    for problem in caught.value.problems:
        assert_translated(problem)


def test_a_suggested_variation_is_a_message_of_its_own():
    from test_state import stored, with_leg_lift  # noqa: PLC0415

    document = stored(with_leg_lift())
    document["prescription"]["modifications"] = ["leg-lifts"]
    with pytest.raises(backext.StateError) as caught:
        backext.load_state(document, backext.builtin_pack())
    (unknown,) = [p for p in caught.value.problems if p.code == "unknown-variation"]
    assert unknown.render("es") == "'prone-chest-lift' no tiene la variante 'leg-lifts'; ¿quería decir 'leg-lift'?"


@pytest.mark.parametrize("locale", ["de", "fr", "es"])
def test_sarif_rules_are_described_in_the_language_of_the_results(capsys, locale):
    _, sarif = _run(capsys, "validate", "--format", "sarif", "--locale", locale, BROKEN)
    run = json.loads(sarif)["runs"][0]
    assert run["language"] == locale
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(backext.PROBLEM_CODES)  # the ids never change
    for rule in rules:
        entry = backext.PROBLEM_CODES[rule["id"]]
        assert rule["fullDescription"]["text"] == entry.describe(locale) != entry.description
        short = rule["shortDescription"]["text"]
        assert short.endswith(".")
        assert rule["fullDescription"]["text"].startswith(short[:-1].rstrip())


def test_every_code_s_description_is_translated_in_every_language():
    for entry in backext.PROBLEM_CODES.values():
        said = {entry.describe(locale) for locale in ("de", "fr", "es")}
        assert entry.description not in said
        assert len(said) == 3
        assert entry.describe(None) == entry.describe("en") == entry.description
