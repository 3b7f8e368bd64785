"""The library's catalogs: locale tags, the fallback chain, and the committed catalogs kept fresh and complete."""

from __future__ import annotations

import gettext
import importlib.util
import pathlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backext import _i18n


ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogs_tool", ROOT / "tools" / "catalogs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _tool()


@pytest.mark.parametrize(
    ("tag", "normal"),
    [
        ("de", "de"),
        ("de_DE", "de-DE"),
        ("de-de", "de-DE"),
        ("DE-at", "de-AT"),
        ("zh_hant_tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("sl-rozaj-biske", "sl-rozaj-biske"),
    ],
)
def test_parse_locale_normalizes(tag: str, normal: str) -> None:
    assert _i18n.parse_locale(tag) == normal


@pytest.mark.parametrize("tag", ["", "d", "de DE", "de-", "-de", "de--AT", "de.UTF-8", "deutschland-x", "x" * 200, "1"])
def test_parse_locale_refuses_a_malformed_tag(tag: str) -> None:
    with pytest.raises(ValueError, match=r"is not a language tag|is longer than 64 characters") as caught:
        _i18n.parse_locale(tag)
    assert len(str(caught.value)) < 200  # a long tag is cut short in the message


def test_parse_locale_refuses_a_non_string() -> None:
    with pytest.raises(TypeError, match="must be a string"):
        _i18n.parse_locale(1)  # type: ignore[arg-type]


@given(st.text(max_size=30))
def test_parse_locale_either_normalizes_stably_or_refuses(tag: str) -> None:
    try:
        normal = _i18n.parse_locale(tag)
    except ValueError:
        return
    assert _i18n.parse_locale(normal) == normal
    assert normal.lower() == tag.replace("_", "-").lower()


def test_candidates_go_from_longest_to_language() -> None:
    assert _i18n.candidates("de_CH-1996") == ("de-CH-1996", "de-CH", "de")


@pytest.mark.parametrize("language", _i18n.LANGUAGES)
def test_a_region_falls_back_to_its_language(language: str) -> None:
    assert _i18n.translation(f"{language}-XX") is _i18n.translation(language)
    assert isinstance(_i18n.translation(language), gettext.GNUTranslations)


@pytest.mark.parametrize("tag", [None, "en", "en-GB", "ja", "pt-BR"])
def test_english_and_languages_without_a_catalog_get_the_source_text(tag: str | None) -> None:
    translations = _i18n.translation(tag)
    assert type(translations) is gettext.NullTranslations
    assert _i18n.gettext("Steps", tag) == "Steps"
    assert _i18n.ngettext("{n} second", "{n} seconds", 1, tag) == "{n} second"
    assert _i18n.ngettext("{n} second", "{n} seconds", 2, tag) == "{n} seconds"


def test_the_catalogs_are_cached_per_tag() -> None:
    assert _i18n.translation("fr-CA") is _i18n.translation("fr-CA")
    assert _i18n.translation("fr_ca") is _i18n.translation("fr-CA")


def test_translation_refuses_a_malformed_tag() -> None:
    with pytest.raises(ValueError, match="is not a language tag"):
        _i18n.translation("de DE")


def test_n_marks_without_translating() -> None:
    assert _i18n.N_("Steps") == "Steps"


def test_every_shipped_language_has_a_compiled_catalog_and_a_source() -> None:
    assert set(_i18n.LANGUAGES) == set(catalogs.languages())
    for language in _i18n.LANGUAGES:
        assert (pathlib.Path(_i18n.LOCALE_DIR) / language / "LC_MESSAGES" / "backext.mo").is_file()
    assert _i18n.available_languages() == ("de", "en", "es", "fr")


def test_the_committed_catalogs_are_fresh_and_complete() -> None:
    """The .pot is what the sources give, each .po is updated from it and complete, each .mo compiled from its .po."""
    assert catalogs.check() == []


@pytest.mark.parametrize(("language", "rule"), sorted(catalogs.PLURAL_FORMS.items()))
def test_each_catalog_declares_its_language_plural_rule(language: str, rule: str) -> None:
    text = catalogs.po_path(language).read_text(encoding="utf-8")
    assert f'"Plural-Forms: {rule}\\n"' in text
    assert f'"Language: {language}\\n"' in text


def test_importing_and_translating_needs_no_babel_and_compiles_nothing() -> None:
    before = {p: p.stat().st_mtime_ns for p in pathlib.Path(_i18n.LOCALE_DIR).rglob("*")}
    code = (
        "import sys, backext._i18n as i\n"
        "for tag in ('de', 'fr-CA', 'es', 'en'): i.translation(tag).gettext('Steps')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('babel', 'jinja2')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert {p: p.stat().st_mtime_ns for p in pathlib.Path(_i18n.LOCALE_DIR).rglob("*")} == before


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ({"id": "Hold for {seconds} s", "string": "{sekunden} s halten"}, "has the placeholders ['sekunden']"),
        ({"id": "Hold for {seconds} s", "string": "Halten"}, "has the placeholders []"),
        ({"id": "Steps", "string": ""}, "is not translated"),
        ({"id": ("{count} set", "{count} sets"), "string": ("{count} Satz", "")}, "is not translated"),
        ({"id": ("{count} set", "{count} sets"), "string": ("{count} Satz", "Sätze")}, "has the placeholders []"),
        ({"id": "Steps", "string": "Schritte", "flags": ["fuzzy"]}, "is fuzzy"),
    ],
)
def test_the_check_finds_a_bad_translation(message: dict[str, object], problem: str) -> None:
    from babel.messages.catalog import Message  # noqa: PLC0415

    found = list(catalogs._problems("de", Message(**message)))
    assert any(problem in line for line in found), found


def test_a_good_translation_passes_the_check() -> None:
    from babel.messages.catalog import Message  # noqa: PLC0415

    good = Message(("{count} set", "{count} sets"), ("{count} Satz", "{count} Sätze"))
    assert list(catalogs._problems("de", good)) == []


@pytest.fixture
def no_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    """A damaged installation: the catalogs' folder is empty (the caches forget what they read before and after)."""
    _i18n._load.cache_clear()
    _i18n._translation.cache_clear()
    monkeypatch.setattr(_i18n, "LOCALE_DIR", str(tmp_path))
    yield
    monkeypatch.undo()
    _i18n._load.cache_clear()
    _i18n._translation.cache_clear()


@pytest.mark.usefixtures("no_catalogs")
def test_a_missing_catalog_is_a_clear_error_not_english() -> None:
    with pytest.raises(_i18n.CatalogMissingError, match="reinstall backext") as caught:
        _i18n.gettext("Steps", "de")
    assert not isinstance(caught.value, OSError)  # the command line must not take it for its output failing
    assert caught.value.language == "de"
    assert _i18n.gettext("Steps", "en") == "Steps"  # English needs no catalog


@pytest.mark.usefixtures("no_catalogs")
def test_the_command_line_names_the_missing_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    from backext._cli import main  # noqa: PLC0415 - after the fixture has emptied the caches

    assert main(["show", "--locale", "de"]) == 2
    err = capsys.readouterr().err
    assert "message catalog for 'de'" in err
    assert "reinstall backext" in err
    assert "cannot write" not in err
