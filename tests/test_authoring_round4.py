"""Pack authoring, round 4 of breaking it: what was found, each kept as a test."""

from __future__ import annotations

import pytest

import backext
from backext import _yaml
from backext._cli import main


LOADERS = {"libyaml": _yaml.CStrictLoader or _yaml.StrictLoader, "pure Python": _yaml.StrictLoader}

PACK_HEAD = 'schema_version: 1\nid: x\ntitle: Dr. Smith\u2019s {char} routine\nversion: "1"\n'


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def problems_of(text: str, format: str = "yaml") -> list[backext.Problem]:  # noqa: A002
    return backext.validate_pack(text.encode("utf-8"), format=format)


# F5: a control character in YAML: the place, and one line naming the character.
@pytest.mark.parametrize("loader", LOADERS.values(), ids=LOADERS.keys())
@pytest.mark.parametrize("char", ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x84", "\x9d", "\ufffe", "\uffff"])
def test_a_control_character_in_yaml_is_placed_and_named(monkeypatch, loader, char):
    monkeypatch.setattr(_yaml, "Loader", loader)
    text = "\U0001f600: 1\n" + PACK_HEAD.replace("{char}", char)
    found = problems_of(text)
    assert [(p.code, p.line, p.column) for p in found] == [("syntax-error", 4, 20)]
    message = found[0].render()
    assert "\n" not in message
    assert f"U+{ord(char):04X}" in message
    assert "position" not in message
