"""``backext validate --format text|json|sarif|github`` on the broken copies of the example pack."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

import backext
from backext._cli import main
from backext._report import github


DATA = Path(__file__).parent / "data"
BROKEN = sorted((DATA / "broken").iterdir())

#: The official SARIF 2.1.0 schema (sarif-2.1.0-rtm.5, from the npm package @microsoft/jest-sarif, MIT).
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    return status, capsys.readouterr().out


def line_of(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_text_is_file_line_column_severity_code_message_pointer(capsys, path):
    status, out = run(capsys, "validate", str(path))
    assert status == 1
    *lines, summary = out.splitlines()
    assert summary.startswith("1 file checked: ")
    for line in lines:
        found = re.fullmatch(r"(.+):(\d+):(\d+): (error|warning) ([a-z-]+): (.+) \(at (\".*\")\)", line)
        assert found is not None, line
        assert found[1] == str(path)
        pointer = json.loads(found[7])
        assert pointer != "/"
        token = pointer.rsplit("/", 1)[-1]
        assert token in line_of(path, int(found[2])) or found[5] == "missing-field"


def test_the_whole_documents_pointer_is_empty(capsys, tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("id: my-pack\n", encoding="utf-8")
    _, out = run(capsys, "validate", str(path))
    assert out.splitlines()[0] == f"{path}:1:1: error missing-field: the required field 'title' is missing (at \"\")"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_json_gives_the_positions(capsys, path):
    status, out = run(capsys, "validate", "--format", "json", str(path))
    assert status == 1
    for entry in json.loads(out):
        assert set(entry) == {
            "file",
            "path",
            "code",
            "severity",
            "message",
            "line",
            "column",
            "end_line",
            "end_column",
        }
        assert (entry["line"], entry["column"]) <= (entry["end_line"], entry["end_column"])


def test_sarif_follows_the_official_schema(capsys):
    status, out = run(capsys, "validate", "--format", "sarif", *map(str, BROKEN))
    assert status == 1
    log = json.loads(out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(backext.PROBLEM_CODES)
    assert all(rule["helpUri"].endswith(f"/reference/problems.html#{rule['id']}") for rule in rules)
    results = run_["results"]
    assert len(results) == sum(len(backext.validate_pack(path)) for path in BROKEN)
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        path = Path(unquote(urlparse(location["artifactLocation"]["uri"]).path))
        token = result["properties"]["pointer"].rsplit("/", 1)[-1]
        line = line_of(path, location["region"]["startLine"])
        assert token in line or result["ruleId"] == "missing-field"


def test_sarif_of_a_clean_file_and_of_an_unreadable_one_follow_the_schema(capsys, tmp_path):
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):  # the schema does refuse what is not SARIF
        validator.validate({"version": "2.1.0", "runs": [{"results": []}]})
    clean = Path(__file__).parent.parent / "docs" / "examples" / "clinic-pack.yaml"
    status, out = run(capsys, "validate", "--format", "sarif", str(clean))
    validator.validate(json.loads(out))
    assert (status, json.loads(out)["runs"][0]["results"]) == (0, [])
    status, out = run(capsys, "validate", "--format", "sarif", str(tmp_path / "missing pack.json"))
    assert status == 2
    log = json.loads(out)
    validator.validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "unreadable"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///")
    assert "%20" in result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_github_annotates_each_problem_on_its_line(capsys, path):
    status, out = run(capsys, "validate", "--format", "github", str(path))
    assert status == 1
    *commands, summary = out.splitlines()
    assert summary.startswith("1 file checked: ")
    problems = backext.validate_pack(path)
    assert len(commands) == len(problems)
    for command, problem in zip(commands, problems, strict=True):
        assert command.startswith(
            f"::{problem.severity} file={path},line={problem.line},col={problem.column},"
            f"endLine={problem.end_line},endColumn={problem.end_column},title=backext {problem.code}::"
        )


def test_github_escapes_what_workflow_commands_read():
    problem = backext.Problem(path="/a", code="wrong-type", message="50%\nor: more, less")
    (command, _) = github([("dir,x:y.json", [problem])])
    assert command == '::error file=dir%2Cx%3Ay.json,title=backext wrong-type::50%25%0Aor: more, less (at "/a")\n'


@pytest.mark.parametrize(
    "argv", [["--locale", "xx", "pack.json"], ["--limit", "max_depth=0", "pack.json"], ["--no-such-option"]]
)
def test_a_usage_error_with_sarif_asked_for_gives_a_valid_log_of_a_failed_run(capsys, argv):
    status, out = run(capsys, "validate", "--format", "sarif", *argv)
    assert status == 2
    log = json.loads(out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert (invocation["executionSuccessful"], invocation["exitCode"]) == (False, 2)
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("backext")


def test_new_s_format_is_the_packs_not_the_output_s(capsys, tmp_path):
    status, out = run(capsys, "new", "--format", "json", str(tmp_path / "x.yaml"))
    assert (status, out) == (2, "")


def test_standard_input_is_read_once(capsys):
    assert main(["validate", "-", "-"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "backext: error: standard input (-) can be read once: give it once\n")


def test_a_file_name_with_a_line_break_keeps_one_line_per_problem(capsys, tmp_path):
    path = tmp_path / "two\nlines.json"
    path.write_text('{"id": "x"}', encoding="utf-8")
    status, out = run(capsys, "validate", str(path))
    assert status == 1
    problem_lines = out.splitlines()[:-1]
    assert problem_lines
    assert all(line.startswith(str(tmp_path) + "/two\\nlines.json") for line in problem_lines)


def test_sarif_writes_a_file_name_that_is_not_utf8_as_its_own_bytes(capsys, tmp_path):
    # Found by a black-box attack: the URI of bad\xffname.json was bad%5Cxffname.json (the escape shown in text
    # reports, percent-encoded), a file that does not exist; RFC 3986 percent-encodes the byte itself.
    import os  # noqa: PLC0415

    bad = os.fsdecode(os.fsencode(str(tmp_path)) + b"/bad\xffname.json")
    Path(bad).write_text("{}")
    status, out = run(capsys, "validate", "--format", "sarif", bad)
    log = json.loads(out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {Path(bad).as_uri()}
    assert uris.pop().endswith("/bad%FFname.json")
    assert status == 1


@pytest.mark.parametrize("output", ["text", "github"])
def test_characters_that_reorder_or_split_a_line_are_escaped_in_pointers_and_file_names(capsys, tmp_path, output):
    # Found by a black-box attack: a key or a file name with U+202E (right-to-left override) or U+2028 reached the
    # terminal and the CI log as it is, in the pointer and the file name, where it can reorder the line
    # (Trojan Source); the message escaped them already.
    name = tmp_path / "evil\u202egnp.json"
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["exercises"][0]["name"] = {"en": "Name", "e\u202en\u2028": "x"}
    name.write_text(json.dumps(document), encoding="utf-8")
    status, out = run(capsys, "validate", "--format", output, str(name))
    assert status == 1
    assert "\u202e" not in out
    assert "\u2028" not in out
    assert "evil\\u202egnp.json" in out
    assert "/exercises/0/name/e\\u202en\\u2028" in out


def test_sarif_declares_the_line_ends_its_lines_are_counted_by(capsys, tmp_path):
    # Found by a black-box attack: a problem in a file whose lines end with a lone CR was at line 123, but the run
    # did not say that CR ends a line (SARIF's default is CR LF and LF), so a consumer read the file as one line.
    path = tmp_path / "cr.json"
    document = json.loads(backext.dump_pack(backext.builtin_pack()))
    document["id"] = "Bad Id"
    path.write_text(json.dumps(document, indent=1).replace("\n", "\r"), encoding="utf-8", newline="")
    status, out = run(capsys, "validate", "--format", "sarif", str(path))
    log = json.loads(out)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    assert "\r" in log["runs"][0]["newlineSequences"]
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "invalid-id"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert status == 1


def test_new_and_convert_name_a_file_with_control_or_direction_characters_escaped(capsys, tmp_path, monkeypatch):
    # Found by a black-box attack: "wrote ..." and "cannot convert ..." printed a file name's ESC sequences and
    # U+202E to the terminal as they were.
    monkeypatch.chdir(tmp_path)
    assert main(["new", "x\x1b]0;pwned\x07y.yaml"]) == 0
    said = capsys.readouterr().err
    evil = tmp_path / "ne\x1b[31mvil\u202e.json"
    evil.write_text('{"id": null}', encoding="utf-8")
    assert main(["convert", str(evil), str(tmp_path / "out.toml")]) == 1
    said += capsys.readouterr().err
    assert "\x1b" not in said
    assert "\u202e" not in said
    assert "x\\u001b]0;pwned\\u0007y.yaml" in said
