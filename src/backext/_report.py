"""Reports of ``backext validate`` in the forms that people, editors and CI read.

- ``text``: ``FILE:LINE:COLUMN: severity code: message (at "POINTER")``, the
  convention of compilers and linters, which editors and terminals make
  clickable;
- ``json``: one object per problem, with the positions;
- ``sarif``: a SARIF 2.1.0 log with one run, whose rules are the problem-code
  catalogue;
- ``github``: GitHub Actions workflow commands, so that a pull request shows
  each problem on its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ._codes import PROBLEM_CODES
from ._i18n import N_, N_plural
from ._messages import Message
from ._problems import Problem, located, shown_pointer, visible


__all__ = ["DOCS", "REPORT_FORMATS", "github", "json_report", "sarif", "text"]

#: The forms ``backext validate --format`` writes.
REPORT_FORMATS = ("text", "json", "sarif", "github")

#: Where the documentation lives: rules in SARIF link to their code's row of the problem-code page.
DOCS = "https://backext.readthedocs.io/en/latest"

#: The files checked and the problems of each.
Results = Sequence[tuple[str, Sequence[Problem]]]


def _pointer(problem: Problem) -> str:
    """The JSON Pointer, quoted, so that the whole document's empty pointer shows as ``""`` (a long one cut)."""
    return shown_pointer(problem.path)


# Translators: the summary of "backext validate"; each value is one of the three counts below, translated.
_SUMMARY = N_("{files}: {errors}, {warnings}")
_FILES = N_plural("{count} file checked", "{count} files checked")
_ERRORS = N_plural("{count} error", "{count} errors")
_WARNINGS = N_plural("{count} warning", "{count} warnings")


def _counted(words: tuple[str, str], count: int) -> Message:
    return Message(template=words[0], plural=words[1], count=count, values={"count": str(count)})


def text(results: Results, locale: str | None = None) -> Iterator[str]:
    """One line per problem, then a summary line in *locale*'s words (``None``: English).

    The problems are written as they are: render their messages first for
    another language (see :meth:`~backext.Problem.render`).

    Example:
        >>> from backext import Problem
        >>> problem = Problem(path="/id", code="invalid-id", message="not a slug", line=2, column=9)
        >>> print(*text([("pack.yaml", [problem])]), sep="")
        pack.yaml:2:9: error invalid-id: not a slug (at "/id")
        1 file checked: 1 error, 0 warnings
    """
    for name, problems in results:
        for p in problems:
            yield located(name, p) + "\n"
    files = len(results)
    errors = sum(p.severity == "error" for _, problems in results for p in problems)
    warnings = sum(p.severity == "warning" for _, problems in results for p in problems)
    summary = Message(
        template=_SUMMARY,
        values={
            "files": _counted(_FILES, files),
            "errors": _counted(_ERRORS, errors),
            "warnings": _counted(_WARNINGS, warnings),
        },
    )
    yield summary.render(locale) + "\n"


def problem_json(problem: Problem) -> dict[str, object]:
    """*problem* as a JSON object: ``path``, ``code``, ``severity``, ``message`` and the four positions."""
    return {
        "path": problem.path,
        "code": problem.code,
        "severity": problem.severity,
        "message": problem.message,
        "line": problem.line,
        "column": problem.column,
        "end_line": problem.end_line,
        "end_column": problem.end_column,
    }


def json_report(results: Results) -> list[dict[str, object]]:
    """One object per problem: ``file``, then what :func:`problem_json` gives."""
    return [{"file": name, **problem_json(p)} for name, problems in results for p in problems]


def _uri(name: str) -> str:
    from pathlib import PurePath  # noqa: PLC0415 - slow to import: SARIF only
    from urllib.parse import quote  # noqa: PLC0415

    path = PurePath(name)
    posix = path.as_posix()
    if path.is_absolute() and not posix.startswith("/"):
        posix = "/" + posix
    try:  # a file name that is not UTF-8 has its own bytes, percent-encoded (RFC 3986)
        written = quote(posix.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:  # a surrogate no byte stands for
        written = quote(posix.encode("utf-8", "backslashreplace"))
    return "file://" + written if path.is_absolute() else written


def _region(p: Problem) -> dict[str, int]:
    region = {"startLine": p.line or 1, "startColumn": p.column or 1}
    if p.end_line is not None and p.end_column is not None:
        region |= {"endLine": p.end_line, "endColumn": p.end_column}
    return region


def _first_sentence(description: str) -> str:
    """The first sentence of a code's *description*, up to its first colon: a rule's short description."""
    first = re.split(r"\s?: |\. ", description, maxsplit=1)[0].strip().rstrip(".")
    return first + "."


def sarif(results: Results, version: str, locale: str | None = None) -> dict[str, object]:
    """A SARIF 2.1.0 log of *results*, written by backext *version*.

    *locale* is the language of the results' messages and of the rules'
    descriptions, given as the run's ``language`` (English, ``en``, by
    default).

    Every code of the catalogue is a rule, with its description and a link to
    its row in the documentation; each problem is a result at its file, line
    and column, with its JSON Pointer among the result's properties.
    """
    codes = list(PROBLEM_CODES)
    rules = [
        {
            "id": code,
            "shortDescription": {"text": _first_sentence(entry.describe(locale))},
            "fullDescription": {"text": entry.describe(locale)},
            "helpUri": f"{DOCS}/reference/problems.html#{code}",
            "defaultConfiguration": {"level": entry.severity},
        }
        for code, entry in PROBLEM_CODES.items()
    ]
    found: list[dict[str, object]] = []
    for name, problems in results:
        for p in problems:
            location: dict[str, object] = {"artifactLocation": {"uri": _uri(name)}}
            if p.line is not None:
                location["region"] = _region(p)
            result: dict[str, object] = {
                "ruleId": p.code,
                "level": p.severity,
                "message": {"text": p.message},
                "locations": [{"physicalLocation": location}],
                "properties": {"pointer": p.path},
            }
            if p.code in PROBLEM_CODES:
                result["ruleIndex"] = codes.index(p.code)
            found.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "backext",
                        "version": version,
                        "informationUri": DOCS,
                        "rules": rules,
                    }
                },
                "language": locale or "en",
                "columnKind": "unicodeCodePoints",
                # The line ends positions are counted with: a carriage return alone ends a line too.
                "newlineSequences": ["\r\n", "\n", "\r"],
                "results": found,
            }
        ],
    }


def sarif_failure(message: str, status: int, version: str) -> dict[str, object]:
    """A SARIF 2.1.0 log of a run that could not check anything: *message* as its error notification."""
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "backext", "version": version, "informationUri": DOCS}},
                "invocations": [
                    {
                        "executionSuccessful": False,
                        "exitCode": status,
                        "toolExecutionNotifications": [{"level": "error", "message": {"text": message}}],
                    }
                ],
                "results": [],
            }
        ],
    }


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _file_property(name: str) -> str:
    """*name* as a workflow command's ``file`` property: breaks and tabs as GitHub reads them back, the rest visible."""
    kept = {"\r": "%0D", "\n": "%0A", "\t": "\t"}  # a tab as it is: a workflow command reads it back so
    return "".join(kept.get(part) or _escape_property(visible(part)) for part in re.split(r"([\r\n\t])", name))


def github(results: Results, locale: str | None = None) -> Iterator[str]:
    """One GitHub Actions workflow command per problem (``::error file=…,line=…::…``), then the summary line.

    The summary is in *locale*'s words (``None``: English); render the
    problems' messages first for another language.

    Example:
        >>> from backext import Problem
        >>> problem = Problem(path="", code="no-sources", message="no sources", severity="warning", line=1, column=1)
        >>> print(next(github([("pack.yaml", [problem])])), end="")
        ::warning file=pack.yaml,line=1,col=1,title=backext no-sources::no sources (at "")
    """
    for name, problems in results:
        for p in problems:
            fields = [f"file={_file_property(name)}"]
            if p.line is not None:
                fields += [f"line={p.line}", f"col={p.column or 1}"]
                if p.end_line is not None and p.end_column is not None:
                    fields += [f"endLine={p.end_line}", f"endColumn={p.end_column}"]
            fields.append(f"title={_escape_property('backext ' + p.code)}")
            yield f"::{p.severity} {','.join(fields)}::{_escape_data(f'{p.message} (at {_pointer(p)})')}\n"
    yield from list(text(results, locale))[-1:]
