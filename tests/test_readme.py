"""The README's Python examples run as written."""

from __future__ import annotations

import pathlib
import re

import pytest


README = pathlib.Path(__file__).parent.parent / "README.md"


def test_readme_python_examples_run(capsys, tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) >= 2
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "Forearm press-up (beginner)" in out
    assert "Action.REPEAT" in out


@pytest.mark.parametrize(
    "command", ['python -m pip install ".[yaml]" && backext show', "python -m pip install nox && python -m nox"]
)
def test_readme_gives_the_two_commands(command):
    assert command in README.read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pip install nox && python -m nox" in ci
