"""Every public name is documented, with an example, and the built site shows it as users import it."""

from __future__ import annotations

import html
import inspect
import pathlib
import re
import subprocess
import sys
import zlib

import pytest
from filelock import FileLock

import backext


ROOT = pathlib.Path(__file__).parent.parent

DATA = {
    "REASON_CODES",
    "STATE_FORMAT_VERSION",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "PROBLEM_CODES",
    "SCHEMA_VERSION",
    "Format",
    "PackSource",
    "Severity",
    "Text",
    "converter",
    "__version__",
}


@pytest.mark.parametrize("name", sorted(set(backext.__all__) - DATA))
def test_every_public_class_and_function_has_a_docstring_with_an_example(name):
    obj = getattr(backext, name)
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{name} has no docstring"
    assert ">>>" in doc, f"{name}'s docstring has no example"


# -- the built site ------------------------------------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The HTML docs, built once per test session (shared by pytest-xdist's workers)."""
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every worker of one run
    out = shared / "docs-html"
    with FileLock(str(shared / "docs-html.lock")):
        if not (out / "objects.inv").exists():
            build = subprocess.run(
                [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", str(ROOT / "docs"), str(out)],
                check=False,
                capture_output=True,
                text=True,
            )
            assert build.returncode == 0, build.stderr
    return out


def _pages(site: pathlib.Path) -> dict[str, str]:
    """Every HTML page but the highlighted source of the (private) modules."""
    return {
        str(page.relative_to(site)): page.read_text(encoding="utf-8")
        for page in site.rglob("*.html")
        if not page.relative_to(site).parts[0].startswith(("_modules", "_static"))
    }


def _inventory(site: pathlib.Path) -> dict[str, str]:
    """Name → role of every object in the built ``objects.inv``."""
    header, _, body = (site / "objects.inv").read_bytes().partition(b"compressed using zlib.\n")
    assert header.startswith(b"# Sphinx inventory version 2")
    lines = zlib.decompress(body).decode().splitlines()
    return {line.split(" ", 2)[0]: line.split(" ", 2)[1] for line in lines}


def test_no_signature_shows_attrs_internals(site):
    shown = {name: page.count("attr_dict[") for name, page in _pages(site).items()}
    assert {name: count for name, count in shown.items() if count} == {}


def test_no_page_names_a_private_module(site):
    private = re.compile(r"backext\._[a-z]\w*")
    found = {name: sorted(set(private.findall(page))) for name, page in _pages(site).items()}
    assert {name: paths for name, paths in found.items() if paths} == {}


def test_every_public_name_is_in_the_inventory_under_its_public_path(site):
    inventory = _inventory(site)
    assert [name for name in backext.__all__ if f"backext.{name}" not in inventory] == []
    assert "backext.exceptions" in inventory
    assert [name for name in inventory if name.startswith("backext.backext.")] == []


def _first_paragraph(page: str, anchor: str) -> str:
    """The text of the first paragraph of the description of the object with the HTML id ``anchor``."""
    start = page.index(f'id="{anchor}"')
    description = page.index("<dd>", start)
    ends = [index for end in ("<dt", "</dd>") if (index := page.find(end, description)) != -1]
    own = page[description : min(ends)]
    paragraph = re.search(r"<p>(.*?)</p>", own, re.DOTALL)
    assert paragraph is not None, f"{anchor} has no description"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", paragraph[1])).split())


@pytest.mark.parametrize("name", backext.__all__)
def test_every_public_name_has_its_own_description(site, name):
    text = _first_paragraph((site / "api.html").read_text(encoding="utf-8"), f"backext.{name}")
    assert text
    borrowed = inspect.getdoc(type(getattr(backext, name))) or ""
    assert " ".join(borrowed.split("\n\n")[0].split()) != text, f"{name} shows the docstring of its type"


@pytest.mark.parametrize(("page", "codes"), [("problems", backext.PROBLEM_CODES), ("reasons", backext.REASON_CODES)])
def test_every_code_has_an_anchor(site, page, codes):
    text = (site / "reference" / f"{page}.html").read_text(encoding="utf-8")
    assert [code for code in codes if f'id="{code}"' not in text] == []


def _description(page: str, anchor: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start : page.find('<dt class="sig', start + 1)]


def test_functions_show_the_types_of_their_arguments_and_classes_list_their_fields_once(site):
    page = (site / "api.html").read_text(encoding="utf-8")
    assert "Parameters" in _description(page, "backext.start")
    assert "Parameters" not in _description(page, "backext.Rules")
    assert 'id="backext.Rules.tolerated_pain"' in page
