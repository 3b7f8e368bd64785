"""Development tasks: ``nox`` runs them all, ``nox -s NAME`` one of them.

Sessions: ``tests`` (every supported Python that is present), ``lint``,
``mypy``, ``tests_lowest`` (the lowest versions of the dependencies that
``pyproject.toml`` declares, extras included, on the oldest Python, which
they must support), ``browser`` (the handout in headless Chromium, which it
installs when absent), ``editors`` (what the how-to says about editors, tried
with yaml-language-server and Taplo, which it installs from npm) and ``docs`` run by default; ``catalogs`` (the message
catalogs: extract, update, compile; ``-- --check`` fails if a committed one
is stale) and ``bench`` run when named. Python versions come from ``pyproject.toml``'s
classifiers. Where pyenv manages the interpreters (as on our machines), the
newest installed patch release of each supported version is put on ``PATH``,
so that nox finds ``python3.10`` … ``python3.13`` without any set-up.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil

import nox


nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "mypy", "tests", "tests_lowest", "browser", "editors", "docs"]

ROOT = pathlib.Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)


def _expose_pyenv_interpreters() -> None:
    """Put each supported pyenv Python's ``bin`` on ``PATH`` (newest patch first)."""
    root = pathlib.Path(os.environ.get("PYENV_ROOT", pathlib.Path.home() / ".pyenv")) / "versions"
    if not root.is_dir():
        return
    found: list[str] = []
    for version in PYTHONS:
        pattern = re.compile(rf"^{re.escape(version)}\.(\d+)$")
        patches = [(int(m[1]), d) for d in root.iterdir() if (m := pattern.match(d.name))]
        if patches:
            found.append(str(max(patches)[1] / "bin"))
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_expose_pyenv_interpreters()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite (the ``ci`` hypothesis profile when ``CI`` is set).

    ``nox -s tests -- ARGS`` passes ARGS to pytest instead of the defaults.
    """
    session.install(".[yaml,fhir,calendar]", *nox.project.dependency_groups(PYPROJECT, "tests"))
    env = {}
    if os.environ.get("CI"):
        env["BACKEXT_HYPOTHESIS_PROFILE"] = os.environ.get("BACKEXT_HYPOTHESIS_PROFILE", "ci")
    args = ["-n", "2"]
    if session.python == PYTHONS[-1]:  # coverage slows the suite down: measure it once, on the newest Python
        args += ["--cov", "--cov-report=term-missing:skip-covered", "--cov-fail-under=95"]
    session.run("pytest", *(session.posargs or args), env=env)


def _lowest(requirements: list[str]) -> list[str]:
    """*requirements* pinned to the lowest version each declares (``name>=1.2; marker`` -> ``name==1.2; marker``)."""
    return [re.sub(r">=", "==", requirement, count=1) for requirement in requirements if ">=" in requirement]


@nox.session(python=PYTHONS[0])
def tests_lowest(session: nox.Session) -> None:
    """Run the tests against the lowest versions of the runtime dependencies that we declare.

    The declared lower bounds are a promise: this session keeps it. The test
    tools come in their usual versions; then the runtime dependencies are
    pinned to their lowest declared versions, and backext installed without
    letting pip upgrade them again.
    """
    project = PYPROJECT["project"]
    runtime = [
        *project["dependencies"],
        *project["optional-dependencies"]["yaml"],
        *project["optional-dependencies"]["fhir"],
        *project["optional-dependencies"]["calendar"],
    ]
    session.install(*nox.project.dependency_groups(PYPROJECT, "tests"))
    session.install(*_lowest(runtime))
    session.install("--no-deps", ".")
    session.run("python", "-m", "pip", "check")
    session.run("pytest", *(session.posargs or ["-n", "2"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def mypy(session: nox.Session) -> None:
    """Type-check the package, the typing tests and this file, strictly."""
    session.install(".[yaml,fhir,calendar]", *nox.project.dependency_groups(PYPROJECT, "typing"))
    session.run("mypy", *session.posargs)


#: The distribution's Chromium, which the browser tests and the docs' screenshots use.
CHROMIUM = "/usr/bin/chromium"

#: The axe-core release the browser tests run, installed from npm into BROWSER_CACHE.
AXE_CORE = "4.14.1"
BROWSER_CACHE = ROOT / ".nox" / "_browser"


def _chromium(session: nox.Session) -> str:
    """The path of Chromium, installed with apt-get first when it is absent."""
    if not pathlib.Path(CHROMIUM).is_file():
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        session.run(*sudo, "apt-get", "update", external=True, env=env)
        session.run(*sudo, "apt-get", "install", "-y", "--no-install-recommends", "chromium", external=True, env=env)
    if not pathlib.Path(CHROMIUM).is_file():
        session.error(f"Chromium is still missing at {CHROMIUM} after apt-get install chromium")
    return CHROMIUM


def _npm_packages(session: nox.Session, folder: pathlib.Path, packages: dict[str, str]) -> None:
    """Install *packages* (name: release) from npm into *folder*, unless each is there in that release."""
    installed = [folder / "node_modules" / name / "package.json" for name in packages]
    if all(
        path.is_file() and json.loads(path.read_text(encoding="utf-8")).get("version") == version
        for path, version in zip(installed, packages.values(), strict=True)
    ):
        return
    if shutil.which("npm") is None:
        session.error(f"npm is needed to install {', '.join(packages)}")
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [f"{name}@{version}" for name, version in packages.items()]
    session.run("npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", *wanted, external=True)


def _axe_core(session: nox.Session) -> pathlib.Path:
    """The path of axe-core's script, installed from npm into the cache folder first when absent or another release."""
    _npm_packages(session, BROWSER_CACHE, {"axe-core": AXE_CORE})
    script = BROWSER_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        session.error(f"axe-core is missing at {script} after npm install")
    return script


@nox.session
def browser(session: nox.Session) -> None:
    """Test the handout in headless Chromium: printed on A4 and Letter, checked by axe-core, attacked by a pack.

    It installs Chromium (apt-get) and axe-core (npm) when they are absent,
    and fails, never skips, when anything is missing.
    """
    env = {
        "BACKEXT_BROWSER_TESTS": "required",
        "BACKEXT_CHROMIUM": _chromium(session),
        "BACKEXT_AXE": str(_axe_core(session)),
    }
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "browser"))
    session.run("pytest", *(session.posargs or ["-n", "2", "tests/test_handout_browser.py"]), env=env)


#: The language servers the editor tests run, installed from npm into EDITORS_CACHE: yaml-language-server
#: (VS Code's YAML extension) and Taplo's command line (the engine of VS Code's Even Better TOML). The 1.x
#: line of yaml-language-server still runs on Node.js 20; 2.0 needs 22.
EDITOR_PACKAGES = {"yaml-language-server": "1.25.0", "@taplo/cli": "0.7.0"}
EDITORS_CACHE = ROOT / ".nox" / "_editors"


@nox.session
def editors(session: nox.Session) -> None:
    """Try what the pack author's how-to says about editors, with the language servers it names.

    It installs yaml-language-server and Taplo from npm when they are absent
    (Node.js must be there), and fails, never skips, when anything is missing.
    """
    if shutil.which("node") is None:
        session.error("Node.js (node) is needed to run the language servers")
    _npm_packages(session, EDITORS_CACHE, EDITOR_PACKAGES)
    env = {"BACKEXT_EDITOR_TESTS": "required", "BACKEXT_EDITORS": str(EDITORS_CACHE)}
    # Only what these few tests need: the whole test group would take longer to install than they take to run.
    wanted = [
        r for r in nox.project.dependency_groups(PYPROJECT, "tests") if re.match(r"(pytest|hypothesis)[<>=~!; ]", r)
    ]
    session.install(".[yaml]", *wanted)
    session.run("pytest", *(session.posargs or ["tests/test_editors.py"]), env=env)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML docs and run every doctest, treating warnings as errors.

    The handout's screenshots need Chromium: it is installed when absent, and
    the build fails without it.
    """
    env = {"BACKEXT_DOCS_SCREENSHOTS": "required", "BACKEXT_CHROMIUM": _chromium(session)}
    session.install(".[yaml,fhir,calendar]", *nox.project.dependency_groups(PYPROJECT, "docs"))
    common = ["-T", "-E", "-W", "--keep-going", "-n", "docs"]
    session.run("sphinx-build", "-b", "doctest", *common, "docs/_build/doctest", env=env)
    session.run("sphinx-build", "-b", "html", *common, "docs/_build/html", *session.posargs, env=env)


@nox.session
def catalogs(session: nox.Session) -> None:
    """Extract the messages, update each language's catalog and compile it (``-- --check``: only check).

    ``nox -s catalogs`` rewrites ``src/backext/locale/backext.pot`` from the
    sources and templates (``babel.cfg``), updates every ``backext.po`` from
    it and compiles each ``backext.mo``; it lists the messages still to
    translate. ``nox -s catalogs -- --check`` changes nothing and fails if a
    committed file is stale or a catalog is incomplete;
    ``nox -s catalogs -- --init LANG`` starts a new language.
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "i18n"))
    session.run("python", "tools/catalogs.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks: ratios against baselines measured in the same run.

    ``nox -s bench -- --quick`` runs tiny sizes once, as a smoke test.
    """
    session.install(".[yaml]", *nox.project.dependency_groups(PYPROJECT, "bench"))
    session.run("python", "benchmarks/run.py", *session.posargs)
