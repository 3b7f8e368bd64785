"""The handout in a real browser: printed on A4 and Letter, checked by axe-core, attacked by a hostile pack.

Run by ``nox -s browser`` (which installs Chromium and axe-core, and fails
if either is missing); an ordinary ``pytest`` run skips these tests when
Chromium, Playwright or axe-core is absent.
"""

from __future__ import annotations

import json
import pathlib
import re
from typing import Any

import attrs
import pytest

import backext
from backext._i18n import available_languages
from backext._media import builtin_folder
from browser import WCAG_TAGS, axe_script, browser
from handouts import PWNED, arabic_pack, hostile_pack, stopped_state


__all__ = ["browser"]  # the fixture, used by name

#: Paper sizes, and the width inside the handout's margins (14 mm each side, see handout.css), in CSS pixels.
PAPER = {"A4": (210 - 28) * 96 / 25.4, "Letter": (215.9 - 28) * 96 / 25.4}

#: Pages each built-in handout prints on, in each language, on A4 and on Letter (which is shorter), as the Debian
#: build of Chromium prints them with DejaVu Sans (the first of the page's fonts installed there). German and French
#: words are longer: their pages run one or two pages longer. docs/howto/handout.md states the same counts.
PAGES = {
    "forearm-press-up": {"en": (4, 5), "de": (5, 5), "fr": (5, 5), "es": (4, 5)},
    "hand-press-up": {"en": (4, 5), "de": (5, 5), "fr": (5, 5), "es": (4, 5)},
    "prone-chest-lift": {"en": (5, 5), "de": (6, 6), "fr": (6, 6), "es": (5, 6)},
    "stopped": {"en": (4, 4), "de": (4, 4), "fr": (4, 4), "es": (4, 4)},
}

#: The smallest text allowed in print: 14 points, in CSS pixels.
SMALLEST_TEXT = 14 * 96 / 72

_OVERFLOWS = """limit => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > Math.ceil(limit)) found.push(`the page is ${root.scrollWidth}px wide`);
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    const name = `${element.tagName.toLowerCase()} "${(element.textContent || "").trim().slice(0, 40)}"`;
    const outside = box.right > limit + 0.5 || box.left < -0.5;
    if (box.width && outside) found.push(`${name} reaches ${box.left}..${box.right}`);
    if (element.clientWidth && element.scrollWidth > element.clientWidth + 1) found.push(`${name} overflows itself`);
  }
  return found;
}"""

_SMALL_TEXT = """smallest => {
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const text = [...element.childNodes].some(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (text && size < smallest - 0.01) found.push(`${element.tagName.toLowerCase()}: ${size}px`);
  }
  return found;
}"""


def handouts(language: str = "en") -> dict[str, str]:
    pack = backext.builtin_pack()
    pages = {exercise.id: backext.handout(pack, exercise.id, locale=language) for exercise in pack.exercises}
    pages["stopped"] = backext.handout(pack, stopped_state(), locale=language)
    return pages


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return handouts()


@pytest.fixture(scope="module")
def every_language() -> dict[str, dict[str, str]]:
    return {language: handouts(language) for language in available_languages()}


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context()
    opened = context.new_page()
    requests: list[str] = []
    opened.on("request", lambda request: requests.append(request.url))
    opened.requests = requests
    yield opened
    context.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("paper", sorted(PAPER))
@pytest.mark.parametrize("language", available_languages())
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_handout_prints_on_its_pages_with_nothing_past_the_margins(page, every_language, name, language, paper):
    page.set_viewport_size({"width": int(PAPER[paper]), "height": 1000})
    page.emulate_media(media="print")
    page.set_content(every_language[language][name], wait_until="load")
    assert page.evaluate(_OVERFLOWS, PAPER[paper]) == []
    assert page.evaluate(_SMALL_TEXT, SMALLEST_TEXT) == []
    printed = pdf_pages(page.pdf(format=paper))
    assert printed == PAGES[name][language][sorted(PAPER).index(paper)]
    assert [url for url in page.requests if not url.startswith(("data:", "about:"))] == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_axe_core_finds_no_wcag_violation(page, pages, name):
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        page.set_content(pages[name], wait_until="load")
        violations = run_axe(page)
        assert violations == [], f"{media}: {violations}"


@pytest.mark.parametrize("language", available_languages())
def test_every_language_fits_the_page_and_passes_axe_core(page, language):
    pack = backext.builtin_pack()
    for paper, width in PAPER.items():
        page.set_viewport_size({"width": int(width), "height": 1000})
        page.emulate_media(media="print")
        page.set_content(backext.handout(pack, "prone-chest-lift", locale=language), wait_until="load")
        assert page.evaluate(_OVERFLOWS, width) == [], paper
        assert page.evaluate(_SMALL_TEXT, SMALLEST_TEXT) == [], paper
        assert pdf_pages(page.pdf(format=paper)) == PAGES["prone-chest-lift"][language][sorted(PAPER).index(paper)]
    assert page.evaluate("() => document.documentElement.lang") == language
    assert run_axe(page) == []


def run_axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(axe_script()))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    assert result["testEngine"]["name"] == "axe-core"
    return [
        f"{violation['id']}: {violation['help']} at {[node['target'] for node in violation['nodes']]}"
        for violation in result["violations"]
    ]


def test_no_script_from_a_hostile_pack_runs_and_its_text_wraps(page, tmp_path: pathlib.Path):
    path = hostile_pack(tmp_path)
    pack = backext.load_pack(path)
    html = backext.handout(pack, pack.exercises[0], media_folder=path.parent)
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size({"width": int(PAPER["A4"]), "height": 1000})
    page.emulate_media(media="print")
    written = tmp_path / "handout.html"
    written.write_text(html, encoding="utf-8")
    page.goto(written.as_uri(), wait_until="load")
    assert page.evaluate(f"() => [window.{PWNED}, document.querySelectorAll('script').length]") == [None, 0]
    # The pictures are there, as images: the SVG's script and onload did not run inside them either.
    assert page.evaluate("() => [...document.images].map(image => image.complete && image.naturalWidth > 0)") == [
        True,
        True,
    ]
    assert page.evaluate("() => document.querySelector('h1').textContent").startswith("<script>")
    assert page.evaluate(_OVERFLOWS, PAPER["A4"]) == []
    assert (errors, dialogs) == ([], [])
    assert [url for url in page.requests if not url.startswith(("data:", "file:"))] == []
    assert run_axe(page) == []


# -- what a black-box test found (attack15, session 2) ----------------------------------------------------------

#: Where each number of an ordered list starts, measured as Chromium lays out an outside marker: the text "12. "
#: ends where the item's box starts (list markers are no elements, so the element check above cannot see them).
_MARKERS = """limit => {
  const found = [];
  const context = document.createElement("canvas").getContext("2d");
  for (const list of document.querySelectorAll("ol")) {
    [...list.children].forEach((item, index) => {
      const style = getComputedStyle(item);
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      const width = context.measureText(`${index + 1}. `).width;
      const box = item.getBoundingClientRect();
      const start = style.direction === "rtl" ? box.right + width : box.left - width;
      if (start < -0.5 || start > limit + 0.5) found.push(`${index + 1}. starts at ${start}`);
    });
  }
  return found;
}"""


def _long_lists(tmp: pathlib.Path, count: int) -> backext.Pack:
    """The built-in pack with *count* steps in its first exercise, and *count* sources cited by it."""
    document = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    exercise = document["exercises"][0]
    exercise["steps"] = [{"text": {"en": f"Step {n}: breathe out and hold still."}} for n in range(1, count + 1)]
    document["sources"] = [
        {"id": f"source-{n}", "citation": f"Author {n}. A study. 2020.", "url": f"https://doi.org/10.1/{n}"}
        for n in range(1, count + 1)
    ]
    for other in [*document["exercises"], *document["avoid"]]:
        other["sources"] = [document["sources"][0]["id"]]
    exercise["sources"] = [source["id"] for source in document["sources"]]
    path = tmp / "long.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return backext.load_pack(path)


@pytest.mark.parametrize("count", [12, 120])
@pytest.mark.parametrize("locale", ["en", "he"])
def test_list_numbers_stay_inside_the_margins(page, tmp_path, count, locale):
    pack = _long_lists(tmp_path, count)
    html = backext.handout(pack, pack.exercises[0].id, locale=locale)
    page.emulate_media(media="print")
    for paper, width in PAPER.items():
        page.set_viewport_size({"width": int(width), "height": 1000})
        page.set_content(html, wait_until="load")
        assert page.evaluate("() => document.querySelectorAll('ol > li').length") == 2 * count
        assert page.evaluate(_MARKERS, width) == [], paper
        assert page.evaluate(_OVERFLOWS, width) == [], paper


@pytest.mark.parametrize("length", [1_900, 70_000, 100_000])
def test_a_very_long_source_address_prints(page, length):
    pack = backext.builtin_pack()
    url = "https://e.org/" + "a" * length
    changed = attrs.evolve(pack, sources=(attrs.evolve(pack.sources[0], url=url), *pack.sources[1:]))
    page.emulate_media(media="print")
    page.set_content(backext.handout(changed, "forearm-press-up"), wait_until="load")
    for paper, width in PAPER.items():
        page.set_viewport_size({"width": int(width), "height": 1000})
        assert page.evaluate(_OVERFLOWS, width) == [], paper
        assert pdf_pages(page.pdf(format=paper)) == PAGES["forearm-press-up"]["en"][sorted(PAPER).index(paper)]


#: Whether the dose's first number is drawn to the left of the word after it ("5 seconds", not "seconds 5").
_NUMBER_BEFORE_WORDS = """() => {
  const phrase = document.querySelector(".dose dd span[lang='en']");
  const number = phrase.querySelector("bdi").getBoundingClientRect();
  const words = [...phrase.childNodes].find(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(words);
  return number.right <= range.getBoundingClientRect().left + 0.5;
}"""


def test_an_arabic_page_fits_and_passes_axe_core(page):
    pack = arabic_pack(backext.builtin_pack())
    state = backext.start(pack, "forearm-press-up")
    for chosen in ("forearm-press-up", state):
        html = backext.handout(pack, chosen, locale="ar", media_folder=builtin_folder())
        for paper, width in PAPER.items():
            page.set_viewport_size({"width": int(width), "height": 1000})
            page.emulate_media(media="print")
            page.set_content(html, wait_until="load")
            assert page.evaluate(_OVERFLOWS, width) == [], paper
            assert page.evaluate(_MARKERS, width) == [], paper
            assert page.evaluate(_SMALL_TEXT, SMALLEST_TEXT) == [], paper
            assert pdf_pages(page.pdf(format=paper)) <= 6, paper
        # The English words of the dose read left to right, the number first, as in English.
        assert page.evaluate(_NUMBER_BEFORE_WORDS) is True
        assert run_axe(page) == []
