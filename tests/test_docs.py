"""Every public name is documented, with an example."""

from __future__ import annotations

import inspect

import pytest

import backext


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


def test_every_public_name_is_in_the_api_reference():
    import pathlib  # noqa: PLC0415

    api = (pathlib.Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in backext.__all__ if name != "__version__" and f"backext.{name}" not in api]
    assert missing == []
