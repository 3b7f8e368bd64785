"""Checked by mypy (``nox -s mypy``), never run: the public API types as documented."""

from __future__ import annotations

import pathlib

import attrs

import backext


pack: backext.Pack = backext.builtin_pack()
same: backext.Pack = backext.load_pack(pathlib.Path("pack.toml"))
from_text: backext.Pack = backext.load_pack("{}", format="json")
from_mapping: backext.Pack = backext.load_pack({"id": "x"})
text: str = backext.dump_pack(pack, "yaml")
schema: dict[str, object] = backext.json_schema()

exercise: backext.Exercise = pack.exercise("forearm-press-up")
seconds: float = exercise.hold.start_seconds
level_is_ordered: bool = exercise.level < backext.Level.ADVANCED
words: str = pack.localize(exercise.name, "de")
variation: backext.Modification = exercise.modifications[0]
harder: bool = variation.direction is backext.Direction.HARDER
longer = attrs.evolve(exercise.hold, target_seconds=40)

try:
    backext.load_pack("pack.json")
except backext.PackError as error:
    problems: tuple[backext.Problem, ...] = error.problems
    where: str = problems[0].path
    line: int | None = problems[0].line
