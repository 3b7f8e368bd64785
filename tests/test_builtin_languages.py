"""The built-in pack in German, French and Spanish: every text, consistent, with the English's facts.

The texts are found by walking the model from its type hints, so a text
field added to the model later is checked here as soon as the built-in pack
uses it.
"""

from __future__ import annotations

import json
import re
import typing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import backext
from backext import LocalizedText


LANGUAGES = ("de", "fr", "es")

#: Translations allowed to be the same as the English: proper names and numbers only, as (language, pointer).
#: There are none today; a text that is only a name or a number would be listed here, with its reason.
SAME_AS_ENGLISH: frozenset[tuple[str, str]] = frozenset()

#: The docs' page that holds the glossary the translations follow.
PAGE = Path(__file__).parent.parent / "docs" / "builtin-languages.md"


def _holds_text(hint: object) -> bool:
    return "LocalizedText" in str(hint)


def texts(node: object, at: str = "") -> Iterator[tuple[str, object]]:
    """Every value of a text field below *node*, with its JSON Pointer, from the model's type hints alone."""
    hints = typing.get_type_hints(type(node))
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        where = f"{at}/{field.name}"
        items = list(enumerate(value)) if isinstance(value, tuple) else None
        if _holds_text(hints[field.name]):
            if items is not None:
                yield from ((f"{where}/{index}", item) for index, item in items)
            elif value is not None:
                yield where, value
        elif items is not None:
            for index, item in items:
                if attrs.has(type(item)):
                    yield from texts(item, f"{where}/{index}")
        elif attrs.has(type(value)):
            yield from texts(value, where)


PACK = backext.builtin_pack()
TEXTS = list(texts(PACK))


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_walk_finds_every_kind_of_text():
    kinds = {re.sub(r"/\d+", "", pointer) for pointer, _ in TEXTS}
    assert kinds >= {
        "/title",
        "/disclaimer",
        "/avoid/name",
        "/avoid/description",
        "/avoid/why",
        "/exercises/name",
        "/exercises/purpose",
        "/exercises/starting_position",
        "/exercises/steps/text",
        "/exercises/steps/cue",
        "/exercises/equipment",
        "/exercises/modifications/name",
        "/exercises/modifications/description",
        "/exercises/safety_notes",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_given_in_the_language(language):
    for pointer, text in TEXTS:
        assert isinstance(text, LocalizedText), pointer
        assert list(text) == ["en", *LANGUAGES], pointer
        assert text[language].strip() == text[language], pointer
        assert "  " not in text[language], pointer
        for tag in (language, f"{language}-XY", language.upper()):
            assert PACK.localize(text, tag) == text[language], (pointer, tag)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_left_in_english(language):
    for pointer, text in TEXTS:
        assert isinstance(text, LocalizedText)
        if (language, pointer) not in SAME_AS_ENGLISH:
            assert text[language] != text["en"], pointer
    english = re.compile(r"\b(the|and|your|you|with|for|of|to|is|at|from)\b", re.IGNORECASE)
    found = {pointer: english.findall(text[language]) for pointer, text in TEXTS if isinstance(text, LocalizedText)}
    assert {pointer: words for pointer, words in found.items() if words} == {}


def test_the_exceptions_are_real_texts():
    pointers = {pointer for pointer, _ in TEXTS}
    assert all(language in LANGUAGES and pointer in pointers for language, pointer in SAME_AS_ENGLISH)


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_and_placeholders_agree_with_the_english(language):
    facts = re.compile(r"\d+|\{[^{}]*\}|%")
    for pointer, text in TEXTS:
        assert isinstance(text, LocalizedText)
        assert Counter(facts.findall(text[language])) == Counter(facts.findall(text["en"])), pointer
    assert any("89" in str(text) for _, text in TEXTS)  # the check has numbers to compare


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_address_is_formal(language):
    informal = {
        "de": r"\b(du|dich|dir|dein\w*)\b",
        "fr": r"\b(tu|toi|ton|ta|tes)\b|-toi\b",
        "es": r"\b(tú|tu|tus|ti|te)\b",
    }[language]
    for pointer, text in TEXTS:
        assert isinstance(text, LocalizedText)
        assert not re.search(informal, text[language], re.IGNORECASE), pointer


def glossary() -> list[dict[str, list[str]]]:
    """The rows of the glossary table on the docs' page: each language's forms of one term."""
    lines = PAGE.read_text(encoding="utf-8").split("## Glossary", 1)[1].splitlines()
    table = [line for line in lines if line.startswith("|")]
    header, _, *rows = table
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["English", "Deutsch", "Français", "Español"]
    out = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        forms = [[form.strip() for form in cell.split(" / ")] for cell in cells]
        out.append(dict(zip(("en", *LANGUAGES), forms, strict=True)))
    return out


GLOSSARY = glossary()


def _uses_english(text: str, forms: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(form)}(s|es|e|ed|ing)?(?!\w)", text, re.IGNORECASE) for form in forms)


def _uses(text: str, forms: list[str]) -> bool:
    return any(form.removesuffix("-").lower() in text.lower() for form in forms)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_term_of_the_glossary_is_translated_the_same_way_everywhere(language):
    assert len(GLOSSARY) > 30
    unused = []
    for term in GLOSSARY:
        uses = [(pointer, text) for pointer, text in TEXTS if _uses_english(str(PACK.localize(text, "en")), term["en"])]
        if not uses:
            unused.append(term["en"])
        for pointer, text in uses:
            assert isinstance(text, LocalizedText)
            assert _uses(text[language], term[language]), (term["en"], pointer, text[language])
    assert unused == []  # every row of the glossary is about a word the pack uses


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_routine_shows_each_text_in_the_language(language, capsys):
    """``backext show`` prints every text but the spoken cues; a session's timeline speaks the cues."""
    from backext._cli import main  # noqa: PLC0415

    assert main(["show", "--locale", f"{language}-XY"]) == 0
    shown = _flat(capsys.readouterr().out)
    spoken = [
        PACK.localize(cue.text, f"{language}-XY")
        for exercise in PACK.exercises
        for cue in backext.timeline(PACK, backext.start(PACK, exercise.id))
    ]
    for pointer, text in TEXTS:
        assert isinstance(text, LocalizedText)
        if pointer.endswith("/cue"):
            assert text[language] in spoken, pointer
        else:
            assert _flat(text[language]) in shown, pointer
            assert _flat(text["en"]) not in shown, pointer


def _translations(element: dict) -> dict[str, str]:
    """The translations of a FHIR element's ``_element`` extension, by language."""
    out = {}
    for extension in element["extension"]:
        assert extension["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
        parts = {part["url"]: part for part in extension["extension"]}
        out[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
    return out


@pytest.mark.parametrize("version", ["R4B", "R5"])
def test_the_fhir_export_carries_every_language(version):
    from backext import fhir  # noqa: PLC0415

    plan, *activities = (json.loads(r.model_dump_json()) for r in fhir.export_pack(PACK, fhir_version=version))
    assert plan["language"] == "en"
    assert _translations(plan["_title"]) == {language: PACK.title[language] for language in LANGUAGES}
    for activity, exercise in zip(activities, PACK.exercises, strict=True):
        assert activity["language"] == "en"
        assert activity["title"] == exercise.name["en"]
        assert _translations(activity["_title"]) == {language: exercise.name[language] for language in LANGUAGES}
        translated = [key for key in activity if key.startswith("_")]
        assert translated  # every element with text: title, purpose, description, usage
        for key in translated:
            assert list(_translations(activity[key])) == list(LANGUAGES), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fhir_prescription_is_in_the_persons_language(language):
    from backext import fhir  # noqa: PLC0415

    state = backext.start(PACK, "prone-chest-lift")
    exercise = PACK.exercise("prone-chest-lift")
    request, care_plan = (
        json.loads(r.model_dump_json())
        for r in fhir.export_state(PACK, state, subject="Patient/1", locale=language, fhir_version="R4B")
    )
    assert request["language"] == care_plan["language"] == language
    assert care_plan["title"] == PACK.title[language]
    for text in (exercise.name, exercise.starting_position, *(step.text for step in exercise.steps)):
        assert text[language] in request["patientInstruction"]


#: Words that are English and also words of the language, which the library's own catalog uses (the pack's texts do
#: not): the French headings "Dose :" and "Sources :", and the plan's column "Date".
SHARED_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(),
    "fr": frozenset({"dose", "doses", "sources", "date"}),
    "es": frozenset(),
}

#: Unit symbols, the same in every language.
UNITS = frozenset({"s"})


#: The pack's ids (slugs such as ``forearm-press-up``, which ``backext plan`` shows): codes, the same in every language.
IDS = [
    PACK.id,
    *(item.id for item in (*PACK.exercises, *PACK.sources, *PACK.avoid)),
    *(modification.id for exercise in PACK.exercises for modification in exercise.modifications),
]


def _words(text: str) -> set[str]:
    """The words of *text* in lower case, without the pack's ids and citations (sources are cited as published)."""
    flat = _flat(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))  # Markdown's escapes taken off
    for source in PACK.sources:
        flat = flat.replace(_flat(source.citation), " ")
    for slug in IDS:
        flat = re.sub(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", " ", flat)
    return set(re.findall(r"[^\W\d_]+", flat.lower()))


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    from backext._cli import main  # noqa: PLC0415

    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_command_line_leaves_no_english_word_in_the_language(language, capsys):
    """The routine, the plan and a session of each exercise: the library's words and the pack's, all in the language.

    A word of the English output counts as left over unless the language's own texts in the pack use it too
    (German "in", French "extension", Spanish "control"), it is a unit symbol, or it is listed in SHARED_WORDS.
    """
    own = set().union(*(_words(text[language]) for _, text in TEXTS if isinstance(text, LocalizedText)))
    commands = [
        ["show"],
        ["show", "--format", "markdown"],
        ["plan", "--start-date", "2026-01-05", "--weeks", "26"],
        *(["session", "--exercise", exercise.id] for exercise in PACK.exercises),
    ]
    for command in commands:
        english = _words(_printed(capsys, *command, "--locale", "en"))
        shown = _words(_printed(capsys, *command, "--locale", language))
        assert english - own  # there are English words to find
        assert shown & english - own - UNITS - SHARED_WORDS[language] == set(), command
