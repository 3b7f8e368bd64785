"""The handout in a real browser: printed on A4 and Letter, checked by axe-core, attacked by a hostile pack.

Run by ``nox -s browser`` (which installs Chromium and axe-core, and fails
if either is missing); an ordinary ``pytest`` run skips these tests when
Chromium, Playwright or axe-core is absent.
"""

from __future__ import annotations

import pathlib
import re
from typing import Any

import pytest

import backext
from backext._i18n import available_languages
from browser import WCAG_TAGS, axe_script, browser
from handouts import PWNED, hostile_pack, stopped_state


__all__ = ["browser"]  # the fixture, used by name

#: Paper sizes, and the width inside the handout's margins (14 mm each side, see handout.css), in CSS pixels.
PAPER = {"A4": (210 - 28) * 96 / 25.4, "Letter": (215.9 - 28) * 96 / 25.4}

#: Pages each built-in handout prints on, in English, on A4 and on Letter (which is shorter).
PAGES = {"forearm-press-up": (4, 5), "hand-press-up": (4, 5), "prone-chest-lift": (5, 5), "stopped": (4, 4)}

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


def handouts() -> dict[str, str]:
    pack = backext.builtin_pack()
    pages = {exercise.id: backext.handout(pack, exercise.id) for exercise in pack.exercises}
    pages["stopped"] = backext.handout(pack, stopped_state())
    return pages


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return handouts()


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
@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_handout_prints_on_its_pages_with_nothing_past_the_margins(page, pages, name, paper):
    page.set_viewport_size({"width": int(PAPER[paper]), "height": 1000})
    page.emulate_media(media="print")
    page.set_content(pages[name], wait_until="load")
    assert page.evaluate(_OVERFLOWS, PAPER[paper]) == []
    assert page.evaluate(_SMALL_TEXT, SMALLEST_TEXT) == []
    printed = pdf_pages(page.pdf(format=paper))
    assert printed == PAGES[name][sorted(PAPER).index(paper)]
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
        assert 4 <= pdf_pages(page.pdf(format=paper)) <= 7, paper
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
