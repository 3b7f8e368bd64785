"""Development tasks: ``nox`` runs them all, ``nox -s NAME`` one of them.

Sessions: ``tests`` (every supported Python that is present), ``lint``,
``mypy``, ``tests_lowest`` (the lowest versions of the dependencies that
``pyproject.toml`` declares, extras included, on the oldest Python, which
they must support) and ``docs`` run by default; ``bench`` runs when
named. Python versions come from ``pyproject.toml``'s
classifiers. Where pyenv manages the interpreters (as on our machines), the
newest installed patch release of each supported version is put on ``PATH``,
so that nox finds ``python3.10`` … ``python3.13`` without any set-up.
"""

from __future__ import annotations

import os
import pathlib
import re

import nox


nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "mypy", "tests", "tests_lowest", "docs"]

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
    session.install(".[yaml,fhir]", *nox.project.dependency_groups(PYPROJECT, "tests"))
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
    session.install(".[yaml,fhir]", *nox.project.dependency_groups(PYPROJECT, "typing"))
    session.run("mypy", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML docs and run every doctest, treating warnings as errors."""
    session.install(".[yaml,fhir]", *nox.project.dependency_groups(PYPROJECT, "docs"))
    common = ["-T", "-E", "-W", "--keep-going", "-n", "docs"]
    session.run("sphinx-build", "-b", "doctest", *common, "docs/_build/doctest")
    session.run("sphinx-build", "-b", "html", *common, "docs/_build/html", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks: ratios against baselines measured in the same run.

    ``nox -s bench -- --quick`` runs tiny sizes once, as a smoke test.
    """
    session.install(".[yaml]", *nox.project.dependency_groups(PYPROJECT, "bench"))
    session.run("python", "benchmarks/run.py", *session.posargs)
