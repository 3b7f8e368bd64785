"""A headless Chromium for the tests that need a real browser, and axe-core to run in its pages.

``nox -s browser`` installs both (Chromium from the distribution's packages,
axe-core from the npm registry into ``.nox/_browser``) and sets
``BACKEXT_BROWSER_TESTS=required``: then anything missing fails the tests.
In an ordinary ``pytest`` run, the tests that need them are skipped when
they are missing, with the reason.
"""

from __future__ import annotations

import os
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


ROOT = pathlib.Path(__file__).parent.parent

#: The axe-core release the tests run (``nox -s browser`` installs this one).
AXE_VERSION = "4.14.1"

#: Where ``nox -s browser`` installs axe-core, unless ``BACKEXT_AXE`` names the script.
AXE_FOLDER = ROOT / ".nox" / "_browser"

#: Flags for a headless Chromium in a sandboxed machine with no network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: The rules axe-core checks: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def required() -> bool:
    """Whether a missing browser is a failure (in ``nox -s browser``) rather than a reason to skip."""
    return os.environ.get("BACKEXT_BROWSER_TESTS") == "required"


def missing(why: str) -> None:
    """Skip, or fail where the browser tests are required."""
    if required():
        pytest.fail(f"the browser tests need {why}", pytrace=False)
    pytest.skip(f"needs {why}")


def chromium_path() -> str:
    """The Chromium to run: ``BACKEXT_CHROMIUM``, else the distribution's."""
    path = os.environ.get("BACKEXT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not pathlib.Path(path).is_file():
        missing(f"Chromium ({path} is absent; apt-get install chromium, or set BACKEXT_CHROMIUM)")
    return path


def axe_script() -> pathlib.Path:
    """The axe-core script to inject into pages."""
    path = pathlib.Path(os.environ.get("BACKEXT_AXE") or AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js")
    if not path.is_file():
        missing(f"axe-core {AXE_VERSION} ({path} is absent; nox -s browser installs it)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a module's tests, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only where a browser is wanted
    except ImportError:
        missing("Playwright (pip install playwright, or the browser dependency group)")
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS[1:])
        try:
            yield launched
        finally:
            launched.close()
