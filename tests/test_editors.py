"""What the pack author's how-to says about editors, tried with the language servers it names.

A pack from ``backext new`` names the schema (the YAML language server's
modeline, a ``$schema`` key, Taplo's ``#:schema`` comment); the schema is a
file written by ``backext schema -o``, as for work without a network. Run by
``nox -s editors``, which installs the servers and fails if one is missing;
an ordinary ``pytest`` run skips these tests when they are absent.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
from typing import Any

import pytest

from backext._authoring import starter_pack
from backext._schema import SCHEMA_ID, json_schema
from editors import PATIENCE, LanguageServer, taplo, yaml_language_server


#: What VS Code's YAML extension would send: validation and completion on, no schema store (no network).
SETTINGS = {"yaml": {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}}


def _folder(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "pack.schema.json").write_text(json.dumps(json_schema(), indent=2), encoding="utf-8")
    return tmp_path


def _line(text: str, fragment: str) -> int:
    """The 0-based number of the only line of *text* that contains *fragment*."""
    found = [number for number, line in enumerate(text.splitlines()) if fragment in line]
    assert len(found) == 1, (fragment, found)
    return found[0]


def _yaml_pack(named_by: str) -> str:
    """A starter pack in YAML naming the local schema by the modeline or by a ``$schema`` key."""
    text = starter_pack("yaml", pack_id="clinic")
    header = f"# yaml-language-server: $schema={SCHEMA_ID}\n"
    assert text.startswith(header), "the how-to's modeline, as backext new writes it"
    if named_by == "modeline":
        return header.replace(SCHEMA_ID, "./pack.schema.json") + text[len(header) :]
    return "$schema: ./pack.schema.json\n" + text[len(header) :]


@pytest.fixture
def yaml_server(tmp_path: pathlib.Path) -> Any:
    server = LanguageServer(yaml_language_server(), _folder(tmp_path), SETTINGS)
    yield server
    server.close()


@pytest.mark.parametrize("named_by", ["modeline", "$schema"])
def test_the_yaml_language_server_checks_a_pack_as_it_is_typed(yaml_server, tmp_path, named_by):
    good = tmp_path / "good.yaml"
    good.write_text(_yaml_pack(named_by), encoding="utf-8")
    assert yaml_server.open(good, "yaml") == [], "the starter pack is valid for the editor too"

    text = _yaml_pack(named_by)
    text = text.replace("  level: beginner\n", "  level: beginner\n  colour: blue\n", 1)
    text = text.replace("    start_seconds: 5\n", "    start_seconds: five\n", 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")
    found = {(d["range"]["start"]["line"], d["message"]) for d in yaml_server.open(broken, "yaml")}
    assert found == {
        (_line(text, "colour: blue"), "Property colour is not allowed."),
        (_line(text, "start_seconds: five"), 'Incorrect type. Expected "number".'),
    }


def test_the_yaml_language_server_completes_the_fields_of_an_exercise(yaml_server, tmp_path):
    text = _yaml_pack("modeline")
    first = "- id: forearm-press-up\n"
    text = text.replace(first, "- id: new-exercise\n  n\n" + first, 1)
    path = tmp_path / "typing.yaml"
    path.write_text(text, encoding="utf-8")
    yaml_server.open(path, "yaml")
    offered = set(yaml_server.complete(path, _line(text, "- id: new-exercise") + 1, 3))
    fields = set(json_schema()["$defs"]["Exercise"]["properties"]) - {"id"}
    assert fields <= offered, fields - offered


def _taplo_lint(path: pathlib.Path) -> tuple[int, list[tuple[int, int, str]]]:
    """Taplo's exit status on *path*, and its errors as (1-based line, column, message)."""
    run = subprocess.run(
        [*taplo(), "lint", "--colors", "never", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    report = run.stdout + run.stderr
    errors = re.findall(rf"error: (.*)\n\s*┌─ .*{re.escape(path.name)}:(\d+):(\d+)", report)
    return run.returncode, [(int(line), int(column), message) for message, line, column in errors]


def _toml_pack() -> str:
    text = starter_pack("toml", pack_id="clinic")
    header = f"#:schema {SCHEMA_ID}\n"
    assert text.startswith(header), "the how-to's comment, as backext new writes it"
    return "#:schema ./pack.schema.json\n" + text[len(header) :]


def test_taplo_checks_a_toml_pack_against_the_schema_it_names(tmp_path):
    folder = _folder(tmp_path)
    good = folder / "good.toml"
    good.write_text(_toml_pack(), encoding="utf-8")
    assert _taplo_lint(good) == (0, [])

    text = _toml_pack().replace('version = "1.0.0"', "version = 5", 1)
    text = text.replace("start_seconds = 5\n", "start_secondz = 5\n", 1)
    broken = folder / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    status, errors = _taplo_lint(broken)
    assert status == 1
    lines = text.splitlines()
    wrong_type = _line(text, "version = 5") + 1
    unknown = _line(text, "start_secondz = 5") + 1
    assert (wrong_type, lines[wrong_type - 1].index("5") + 1, '5 is not of type "string"') in errors
    assert (unknown, 1, "Additional properties are not allowed ('start_secondz' was unexpected)") in errors
    assert {line for line, _, _ in errors} <= set(range(unknown - 1, unknown + 3)) | {wrong_type}, errors


def test_the_yaml_language_server_shows_a_fields_description(yaml_server, tmp_path):
    text = _yaml_pack("modeline")
    path = tmp_path / "reading.yaml"
    path.write_text(text, encoding="utf-8")
    yaml_server.open(path, "yaml")
    line = _line(text, "  purpose: Wakes up")
    hover = yaml_server.request(
        "textDocument/hover",
        {"textDocument": {"uri": path.as_uri()}, "position": {"line": line, "character": 4}},
    )
    description = json_schema()["$defs"]["Exercise"]["properties"]["purpose"]["description"]
    assert description in hover["contents"]["value"]
