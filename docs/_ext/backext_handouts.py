"""The printable handout in the docs: a screenshot of it in every shipped language.

``backext-handout-screenshots`` writes the built-in pack's handout of its
first exercise to ``docs/_generated/handout-LANG.html`` for English and for
each language the package has a message catalog for, takes a screenshot of
the top of each page with headless Chromium (``handout-LANG.png``), and
shows each screenshot with a link to the page itself. A screenshot is taken
again only when its page changed.

Chromium is the distribution's (``/usr/bin/chromium``, or the path in
``BACKEXT_CHROMIUM``). Without it the build says so where the screenshots
would be, and links the pages; with ``BACKEXT_DOCS_SCREENSHOTS=required``
(``nox -s docs`` sets it, after installing Chromium) a missing browser or a
failed screenshot stops the build.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

import backext
from backext._i18n import available_languages


if TYPE_CHECKING:
    from sphinx.application import Sphinx


GENERATED = pathlib.Path(__file__).parent.parent / "_generated"

#: What the screenshots show: the first screen of the page, at a width where it reads as printed.
WINDOW = "900,1300"

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]

#: Names of the languages, in themselves and in English, for the captions.
LANGUAGES = {"en": "English", "de": "German (Deutsch)", "fr": "French (français)", "es": "Spanish (español)"}


def languages() -> list[str]:
    """English, then every language the package ships a message catalog for."""
    return ["en", *(tag for tag in available_languages() if tag != "en")]


def _required() -> bool:
    return os.environ.get("BACKEXT_DOCS_SCREENSHOTS") == "required"


def _chromium() -> str | None:
    path = os.environ.get("BACKEXT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if pathlib.Path(path).is_file() else None


def _screenshot(chromium: str, page: pathlib.Path, picture: pathlib.Path) -> None:
    with tempfile.TemporaryDirectory(prefix="backext-docs-chromium-") as profile:
        done = subprocess.run(  # noqa: S603 - our own arguments
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={WINDOW}",
                f"--screenshot={picture}",
                page.as_uri(),
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0 or not picture.is_file():
        picture.unlink(missing_ok=True)
        raise ExtensionError(f"Chromium could not take a screenshot of {page.name}: {done.stderr[-2000:]}")


def write_handouts(app: Sphinx) -> None:
    """Write each language's handout, and its screenshot where Chromium is at hand."""
    GENERATED.mkdir(exist_ok=True)
    chromium = _chromium()
    if chromium is None and _required():
        raise ExtensionError("the handout screenshots need Chromium: apt-get install chromium, or set BACKEXT_CHROMIUM")
    pack = backext.builtin_pack()
    for tag in languages():
        page = GENERATED / f"handout-{tag}.html"
        picture = page.with_suffix(".png")
        html = backext.handout(pack, pack.exercises[0].id, locale=tag)
        changed = not page.exists() or page.read_text(encoding="utf-8") != html
        if changed:
            page.write_text(html, encoding="utf-8")
        if chromium is not None and (changed or not picture.exists()):
            _screenshot(chromium, page, picture)
    del app


class HandoutScreenshots(SphinxDirective):
    """A screenshot of the handout in each language, each linked to its page."""

    def run(self) -> list[nodes.Node]:
        """Return a figure per language (or a note that the screenshots need Chromium)."""
        out: list[nodes.Node] = []
        pictures = _chromium() is not None
        if not pictures:
            note = nodes.paragraph(
                text="(The screenshots are taken when the docs are built where Chromium is installed.)"
            )
            out.append(note)
        for tag in languages():
            name = LANGUAGES.get(tag, tag)
            caption = nodes.caption()
            caption += nodes.Text(f"{name}: ")
            caption += addnodes.download_reference(
                "",
                "",
                nodes.inline("", "the page to print"),
                reftarget=f"/_generated/handout-{tag}.html",
                refdoc=self.env.docname,
                refexplicit=True,
            )
            figure = nodes.figure(classes=["backext-handout"])
            if pictures:
                figure += nodes.image(
                    uri=f"/_generated/handout-{tag}.png",
                    alt=f"The top of the handout of the forearm press-up in {name}",
                    width="450px",
                )
            figure += caption
            out.append(figure)
        return out


def setup(app: Sphinx) -> dict[str, Any]:
    """Write the handouts when a build starts, and register the directive."""
    app.connect("builder-inited", write_handouts)
    app.add_directive("backext-handout-screenshots", HandoutScreenshots)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
