"""Extract, update, compile and check backext's message catalogs (``nox -s catalogs`` runs it).

    python tools/catalogs.py            # extract the template, update every .po, compile every .mo
    python tools/catalogs.py --check    # fail if any committed .pot, .po or .mo is stale or incomplete
    python tools/catalogs.py --init LANG  # start a catalog for a new language

The template ``src/backext/locale/backext.pot`` is extracted from the Python
sources and the Jinja2 templates as ``babel.cfg`` maps them; each language's
``backext.po`` is updated from it (new messages empty, vanished ones dropped,
never any fuzzy guess) and compiled to the ``backext.mo`` beside it. The
output is deterministic (sorted, file names without line numbers, the template's
date kept while its messages do not change), so ``--check`` can rebuild every
file in memory and compare it with the one committed.

Babel is a tool here, never a run-time dependency: the library reads the
``.mo`` files with the standard library's :mod:`gettext`.
"""

from __future__ import annotations

import argparse
import io
import re
import string
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.core import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po


ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "backext" / "locale"
TEMPLATE = LOCALE_DIR / "backext.pot"
DOMAIN = "backext"

#: The plural rule of each language, as GNU gettext writes it (CLDR's rarer "many" form, for millions, is left
#: out on purpose: a session never counts a million of anything, and two forms are what translators know).
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
}

_HEADER = {
    "project": "backext",
    "version": "1",
    "msgid_bugs_address": "https://github.com/backext/backext/issues",
    "copyright_holder": "The backext developers",
    "last_translator": "The backext developers",
    "language_team": "The backext developers",
}
_COMMENT = """\
# {language} messages of backext, the library's own words (headings, doses, cues, reasons).
# Distributed under the same license as backext (MIT). Made with tools/catalogs.py: see docs/languages.md.
#"""

_WIDTH = 100

#: Babel's keywords, and backext._i18n's markers: N_plural (a singular and plural pair, as ngettext) and NC_ (a
#: message in a context, as pgettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_plural": (1, 2), "NC_": ((1, "c"), 2)}


def languages() -> list[str]:
    """The languages with a catalog: each folder of ``locale`` that holds a ``backext.po``."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extract() -> Catalog:
    """The template, extracted afresh from the sources."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    catalog = Catalog(header_comment=_COMMENT.format(language="The template of the"), fuzzy=False, **_HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _po_text(catalog: Catalog, *, template: bool) -> str:
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=_WIDTH,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
        omit_header=False,
        include_previous=False,
    )
    # Babel names its version: leave it out, so that another Babel release does not make every file stale.
    text = re.sub(r'^"Generated-By: [^"]*"\n', "", out.getvalue().decode("utf-8"), flags=re.MULTILINE)
    if template:  # the creation date changes on every run: keep it out of the comparison
        text = re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", text, flags=re.MULTILINE)
    return text


def _same_messages(old: str, new: str) -> bool:
    return re.sub(r'^"POT-Creation-Date: [^"]*"\n', "", old, flags=re.MULTILINE) == new


def template_text() -> str:
    """The template's text as it should be committed (its creation date kept if only that would change)."""
    catalog = extract()
    fresh = _po_text(catalog, template=False)
    if TEMPLATE.exists():
        old = TEMPLATE.read_text(encoding="utf-8")
        if _same_messages(old, _po_text(catalog, template=True)):
            return old
    return fresh


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def updated_po_text(language: str, template: Catalog) -> str:
    """The language's catalog updated from *template*: new messages empty, vanished ones gone, no fuzzy guesses."""
    catalog = _read(po_path(language), language)
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, keep_user_comments=True)
    catalog.obsolete.clear()
    _set_plural_forms(catalog, language)
    return _po_text(catalog, template=False)


def _set_plural_forms(catalog: Catalog, language: str) -> None:
    headers = [(k, v) for k, v in catalog.mime_headers if k != "Plural-Forms"]
    catalog.mime_headers = [*headers, ("Plural-Forms", PLURAL_FORMS.get(language, catalog.plural_forms))]


def mo_bytes(language: str) -> bytes:
    """The compiled catalog of *language*, from its ``.po`` (fuzzy entries, if any, left out)."""
    out = io.BytesIO()
    write_mo(out, _read(po_path(language), language), use_fuzzy=False)
    return out.getvalue()


def fields(text: str) -> set[str]:
    """The names of the ``{placeholders}`` in *text*."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def incomplete(language: str) -> Iterator[str]:
    """Each message of *language*'s catalog that is fuzzy, untranslated, or unlike its source's placeholders."""
    catalog = _read(po_path(language), language)
    if catalog.plural_forms != PLURAL_FORMS.get(language, catalog.plural_forms):
        yield f"{language}: Plural-Forms is {catalog.plural_forms!r}, not {PLURAL_FORMS[language]!r}"
    for message in catalog:
        if not message.id:
            continue
        yield from _problems(language, message)


def _problems(language: str, message: Message) -> Iterable[str]:
    where = f"{language}: {message.id if isinstance(message.id, str) else message.id[0]!r}"
    if message.fuzzy:
        yield f"{where} is fuzzy"
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    translations = [message.string] if isinstance(message.string, str) else list(message.string or ())
    if not all(translations):
        yield f"{where} is not translated"
        return
    wanted = set().union(*(fields(s) for s in sources))
    for translation in translations:
        if fields(translation) != wanted:
            yield f"{where}: the translation {translation!r} has the placeholders {sorted(fields(translation))}"


def build() -> None:
    """Extract the template, update every language's catalog and compile it."""
    text = template_text()
    TEMPLATE.write_text(text, encoding="utf-8")
    template = _read(TEMPLATE)
    for language in languages():
        po_path(language).write_text(updated_po_text(language, template), encoding="utf-8")
        mo_path(language).write_bytes(mo_bytes(language))
        for problem in incomplete(language):
            print(f"to do: {problem}")  # noqa: T201


def check() -> list[str]:
    """Every way the committed catalogs differ from what ``build`` would write, or are incomplete."""
    problems: list[str] = []
    text = template_text()
    if not TEMPLATE.exists() or TEMPLATE.read_text(encoding="utf-8") != text:
        problems.append(f"{TEMPLATE.relative_to(ROOT)} is stale: run 'nox -s catalogs'")
    template = read_po(io.BytesIO(text.encode("utf-8")), domain=DOMAIN)
    for language in languages():
        po = po_path(language)
        if po.read_text(encoding="utf-8") != updated_po_text(language, template):
            problems.append(f"{po.relative_to(ROOT)} is stale: run 'nox -s catalogs'")
        mo = mo_path(language)
        if not mo.exists() or mo.read_bytes() != mo_bytes(language):
            problems.append(f"{mo.relative_to(ROOT)} is stale: run 'nox -s catalogs'")
        problems.extend(incomplete(language))
    return problems


def init(language: str) -> None:
    """Start the catalog of a new *language* from the template."""
    path = po_path(language)
    if path.exists():
        raise SystemExit(f"{path.relative_to(ROOT)} exists already")
    template = _read(TEMPLATE)
    name = Locale.parse(language).english_name
    catalog = Catalog(locale=language, header_comment=_COMMENT.format(language=name), fuzzy=False, **_HEADER)
    catalog.update(template, no_fuzzy_matching=True)
    _set_plural_forms(catalog, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_po_text(catalog, template=False), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}: translate it, then run 'nox -s catalogs'")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a catalog is stale")
    parser.add_argument("--init", metavar="LANG", help="start the catalog of a new language")
    args = parser.parse_args(argv)
    if args.init:
        init(args.init)
        return 0
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)  # noqa: T201
        return 1 if problems else 0
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
