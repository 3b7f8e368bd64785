"""Sphinx directives that render reference pages from the code itself.

- ``backext-problem-codes``: the catalogue of problem codes.
- ``backext-reason-codes``: the catalogue of the engine's reason codes.
- ``backext-rules``: the table of the rules of a pack's content.
- ``backext-schema``: every object and field of the pack schema.
- ``backext-cli``: the help of every ``backext`` command.
- ``backext-cli-run``: a ``backext`` command line, run when the docs are
  built, with what it printed and its exit status.

Generating these pages from the code keeps them from drifting from it.
"""

from __future__ import annotations

import abc
import contextlib
import io
import json
import os
import pathlib
import shlex
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from backext import PROBLEM_CODES, REASON_CODES, json_schema
from backext._cli import build_parser, main
from backext._constraints import RULES


if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class _RstDirective(SphinxDirective):
    @abc.abstractmethod
    def lines(self) -> list[str]:
        """The reStructuredText the directive stands for."""

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        nested_parse_with_titles(self.state, StringList(self.lines(), source="<backext-docs>"), container)
        return container.children


class _CodeTable(_RstDirective):
    """A table with a row per code, each row an anchor named for its code.

    A row of ``problems.html`` is ``problems.html#wrong-type``, and a label
    for ``:ref:`` (``problem-wrong-type``); the first cell links to the row.
    """

    label_prefix: ClassVar[str]

    @abc.abstractmethod
    def codes(self) -> list[str]:
        """The codes, in the order of the table's rows."""

    def run(self) -> list[nodes.Node]:
        """Build the table, then give each row its anchor."""
        result = super().run()
        rows = [row for table in result for body in table.findall(nodes.tbody) for row in body.children]
        std = self.env.get_domain("std")
        for row, code in zip(rows, self.codes(), strict=True):
            anchor = nodes.make_id(code)
            row["ids"].append(anchor)
            std.anonlabels[f"{self.label_prefix}-{code}"] = (self.env.docname, anchor)
            std.labels[f"{self.label_prefix}-{code}"] = (self.env.docname, anchor, code)
            cell = row.children[0].children[0]
            cell.replace_self(nodes.paragraph("", "", nodes.reference("", "", *cell.children, refid=anchor)))
        return result


class ProblemCodes(_CodeTable):
    """A table of every problem code, its severity, meaning and an example."""

    label_prefix = "problem"

    def codes(self) -> list[str]:
        """Every problem code."""
        return list(PROBLEM_CODES)

    def lines(self) -> list[str]:
        out = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 20 10 45 25",
            "   :class: backext-codes",
            "",
        ]
        out += ["   * - Code", "     - Severity", "     - Meaning", "     - Example"]
        for entry in PROBLEM_CODES.values():
            out += [
                f"   * - ``{entry.code}``",
                f"     - {entry.severity}",
                f"     - {_cell(entry.description)}",
                f"     - ``{_cell(entry.example)}``",
            ]
        return out


def _where(rule: Any) -> str:
    model = "text" if rule.model.__name__ == "LocalizedText" else rule.model.__name__
    below = "/".join(part for part in (f"{rule.each}/N" if rule.each else "", rule.field) if part)
    return f"{model} ``{below}``" if below else model


class Rules(_RstDirective):
    """A table of every rule of the table of rules, grouped under its problem code's row order."""

    def lines(self) -> list[str]:
        out = [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 18 14 18 25 25",
            "   :class: backext-rules",
            "",
        ]
        out += ["   * - Rule", "     - Code", "     - Where", "     - Met when", "     - Message"]
        order = list(PROBLEM_CODES)
        for rule in sorted(RULES, key=lambda r: order.index(r.code)):
            met = f"``{_cell(rule.condition)}``" if rule.condition is not None else _cell(rule.note)
            out += [
                f"   * - ``{rule.name}``",
                f"     - :ref:`{rule.code} <problem-{rule.code}>`",
                f"     - {_where(rule)}",
                f"     - {met}",
                f"     - ``{_cell(rule.message)}``",
            ]
        return out


class ReasonCodes(_CodeTable):
    """A table of every reason code the engine gives, with the actions it comes with."""

    label_prefix = "reason"

    def codes(self) -> list[str]:
        """Every reason code."""
        return list(REASON_CODES)

    def lines(self) -> list[str]:
        out = [".. list-table::", "   :header-rows: 1", "   :widths: 25 20 55", "   :class: backext-codes", ""]
        out += ["   * - Code", "     - Actions", "     - Meaning"]
        for entry in REASON_CODES.values():
            out += [
                f"   * - ``{entry.code}``",
                f"     - {', '.join(action.value for action in entry.actions)}",
                f"     - {_cell(entry.description)}",
            ]
        return out


def _type_of(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f":ref:`{name} <schema-{name.lower()}>`"
    if "anyOf" in schema:
        return " or ".join(_type_of(option) for option in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(f"``{json.dumps(v)}``" for v in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema['items'])}"
    if schema.get("type") == "object":
        return "object of locale tag to string"
    return str(schema.get("type", "any"))


_CONSTRAINTS = {
    "minimum": "at least {}",
    "maximum": "at most {}",
    "exclusiveMinimum": "more than {}",
    "minItems": "at least {} item(s)",
    "uniqueItems": "no repeats",
    "pattern": "matches ``{}``",
}


class Schema(_RstDirective):
    """Every object of the pack schema with its fields."""

    def lines(self) -> list[str]:
        schema = json_schema()
        objects = [("Pack", schema), *schema["$defs"].items()]
        out: list[str] = []
        for name, definition in objects:
            out += [f".. _schema-{name.lower()}:", "", name, "-" * len(name), "", _cell(definition["description"]), ""]
            if "properties" not in definition:
                out += [f"Type: {_type_of(definition)}", ""]
                continue
            out += [".. list-table::", "   :header-rows: 1", "   :widths: 20 25 10 45", ""]
            out += ["   * - Field", "     - Type", "     - Required", "     - Description"]
            for field, prop in definition["properties"].items():
                rules = [text.format(prop[key]) for key, text in _CONSTRAINTS.items() if key in prop]
                if "default" in prop:
                    rules.append(f"default ``{json.dumps(prop['default'])}``")
                described = _cell(prop.get("description", ""))
                if rules:
                    described += " (" + "; ".join(rules) + ")"
                out += [
                    f"   * - ``{field}``",
                    f"     - {_type_of(prop)}",
                    f"     - {'yes' if field in definition['required'] else 'no'}",
                    f"     - {described}",
                ]
            out.append("")
        return out


class CommandLine(_RstDirective):
    """The ``--help`` of ``backext`` and of each of its commands."""

    def lines(self) -> list[str]:
        parser = build_parser()
        out: list[str] = []
        helps = [("backext", parser.format_help())]
        for action in parser._subparsers._group_actions:  # noqa: SLF001 - argparse has no public API for this
            for name, sub in action.choices.items():
                helps.append((f"backext {name}", sub.format_help()))
        for title, text in helps:
            out += [title, "~" * len(title), "", ".. code-block:: text", ""]
            out += ["   " + line for line in text.splitlines()]
            out.append("")
        return out


#: The environment variables the command line takes the language from.
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class CommandLineRun(SphinxDirective):
    """``.. backext-cli-run:: ARGS``: run ``backext ARGS`` and show what it printed.

    The command runs in the docs folder, when the docs are built, so the page
    cannot drift from what the command does, and with no language in the
    environment, so that it speaks English unless ``--locale`` says
    otherwise. ``:lines: N`` shows the first N lines of the output.
    """

    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {"lines": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        """Run the command and return a console block."""
        argv = shlex.split(self.arguments[0])
        output = io.StringIO()
        here = pathlib.Path.cwd()
        languages = {name: os.environ.pop(name) for name in _LANGUAGE_VARIABLES if name in os.environ}
        try:
            os.chdir(self.env.srcdir)
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                status = main(argv)
        finally:
            os.chdir(here)
            os.environ.update(languages)
        printed = output.getvalue().rstrip("\n").splitlines()
        if "lines" in self.options and len(printed) > self.options["lines"]:
            printed = [*printed[: self.options["lines"]], "…"]
        command = "$ " + shlex.join(["backext", *argv])
        text = "\n".join([command, *printed, "$ echo $?  # the exit status", str(status)])
        block = nodes.literal_block(text, text, language="console", classes=["backext-cli-run"])
        self.set_source_info(block)
        return [block]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives."""
    app.add_directive("backext-problem-codes", ProblemCodes)
    app.add_directive("backext-reason-codes", ReasonCodes)
    app.add_directive("backext-rules", Rules)
    app.add_directive("backext-schema", Schema)
    app.add_directive("backext-cli", CommandLine)
    app.add_directive("backext-cli-run", CommandLineRun)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
