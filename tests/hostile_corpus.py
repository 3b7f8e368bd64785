"""A corpus of hostile and unusual pack files, generated rather than committed.

Each :class:`Case` is a file (or something that stands where a file should:
a FIFO, a directory, a dangling link) with the outcome that reading it must
have: the problem codes :func:`backext.validate_pack` reports and the exit
status of ``backext validate``. ``tests/test_hostile.py`` runs every case,
each within a time limit enforced by pytest-timeout.

To look at the files themselves, write them out::

    python tests/hostile_corpus.py OUTDIR
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
from collections.abc import Callable, Iterator

import attrs

import backext


@attrs.frozen
class Case:
    """One hostile input and what reading it must give.

    Attributes:
        name: The file name (its suffix tells the format).
        content: The bytes of the file; for other kinds, unused.
        kind: ``"file"``, ``"fifo"``, ``"directory"``, ``"loop"`` (a link to
            itself) or ``"missing"``.
        codes: Problem codes that must be reported (a pack with none of its
            own must report no error at all).
        status: The exit status of ``backext validate``.
    """

    name: str
    content: bytes = b""
    kind: str = "file"
    codes: frozenset[str] = frozenset()
    status: int = 1

    def create(self, directory: pathlib.Path) -> pathlib.Path:
        """Make the case in *directory*; return its path."""
        path = directory / self.name
        if self.kind == "file":
            path.write_bytes(self.content)
        elif self.kind == "fifo":
            os.mkfifo(path)
        elif self.kind == "directory":
            path.mkdir()
        elif self.kind == "loop":
            path.symlink_to(path)
        return path


def _builtin() -> dict:
    document: dict = json.loads(backext.dump_pack(backext.builtin_pack(), "json"))
    return document


def _json(change: Callable[[dict], object]) -> bytes:
    document = _builtin()
    change(document)
    return json.dumps(document).encode()


def _hold(**values: object) -> Callable[[dict], object]:
    return lambda d: d["exercises"][0]["hold"].update(values)


def _laughs(levels: int, width: int) -> bytes:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines).encode()


def _chain(count: int, *, backwards: bool = False) -> bytes:
    """*count* copies of the first exercise, each leading to the next: a ladder of ``6 * count`` doses."""
    document = _builtin()
    template = document["exercises"][0]
    exercises = []
    for index in range(count):
        exercise = json.loads(json.dumps(template))
        exercise["id"] = f"step-{index}"
        exercise["progression"] = {"next_exercise": f"step-{index + 1}"} if index + 1 < count else {}
        exercises.append(exercise)
    document["exercises"] = exercises[::-1] if backwards else exercises
    return json.dumps(document).encode()


def _many_unknown_keys(count: int) -> bytes:
    document = _builtin()
    for index in range(count):
        document[f"unknown-{index:06d}"] = index
    return json.dumps(document).encode()


def cases() -> Iterator[Case]:
    """Every case of the corpus."""
    error = frozenset
    # YAML graphs: aliases that make a small text stand for a huge tree, or one that contains itself.
    yield Case("self-alias.yaml", b"a: &a [*a]\n", codes=error({"too-deep"}))
    yield Case("self-alias-mapping.yaml", b"a: &a {b: *a}\n", codes=error({"too-deep"}))
    yield Case("alias-inside-anchor.yaml", b"x: &x\n  - 1\n  - y: *x\n", codes=error({"too-deep"}))
    yield Case("billion-laughs.yaml", _laughs(9, 9), codes=error({"too-many-values"}))
    yield Case(
        "many-aliases.yaml",
        b"a: &a [x]\n" + b"".join(b"b%d: *a\n" % i for i in range(150)),
        codes=error({"too-many-aliases"}),
    )
    yield Case("merge-keys.yaml", b"base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", codes=error({"missing-field"}))
    # Nesting.
    yield Case("deep.json", b"[" * 100_000 + b"]" * 100_000, codes=error({"too-deep"}))
    yield Case("deep-shallow.json", b"[" * 200 + b"]" * 200, codes=error({"too-deep"}))
    yield Case("deep.yaml", b"[" * 50_000, codes=error({"too-deep"}))
    yield Case("deep.toml", b"a = " + b"[" * 50_000 + b"]" * 50_000 + b"\n", codes=error({"too-deep"}))
    yield Case("long-dotted-key.toml", b"a" + b".a" * 30_000 + b" = 1\n", codes=error({"too-deep"}))
    yield Case("long-quoted-dotted-key.toml", b"k = 1\n" + b'"a,".' * 15_000 + b"x\n", codes=error({"too-deep"}))
    # Numbers.
    yield Case("huge-integer.json", b'{"schema_version": ' + b"9" * 5000 + b"}", codes=error({"number-out-of-range"}))
    yield Case("huge-integer.yaml", b"schema_version: " + b"9" * 5000 + b"\n", codes=error({"number-out-of-range"}))
    yield Case("huge-integer.toml", b"schema_version = " + b"9" * 5000 + b"\n", codes=error({"number-out-of-range"}))
    # YAML 1.1's base-60 integers: a string in YAML 1.2, read in linear time.
    yield Case("long-base-60.yaml", b"x: " + b":".join([b"59"] * 2000) + b"\n", codes=error({"unknown-field"}))
    yield Case(
        "huge-target.json",
        _json(_hold(target_seconds=10**40, start_seconds=0.5)),
        codes=error({"number-out-of-range"}),
    )
    yield Case("target-1e12.json", _json(_hold(target_seconds=1e12)), codes=error({"number-out-of-range"}))
    # Holds are exact to a tenth: a finer increment is an error of its own, and never a ladder without end.
    yield Case("tiny-increment.json", _json(_hold(increment_seconds=1e-9)), codes=error({"too-precise"}))
    yield Case("subnormal-increment.json", _json(_hold(increment_seconds=5e-324)), codes=error({"too-precise"}))
    yield Case(
        "fine-increment.json",
        _json(_hold(target_seconds=200, increment_seconds=0.1)),
        codes=error({"ladder-too-long"}),
    )
    yield Case(
        "long-hold-ladder.json",
        _json(_hold(target_seconds=86_000, increment_seconds=5)),  # within a day, 17,200 doses
        codes=error({"ladder-too-long"}),
    )
    yield Case(
        "wide-repetitions.json",
        _json(lambda d: d["exercises"][2]["repetitions"].update(maximum=5_000)),
        codes=error({"ladder-too-long"}),
    )
    yield Case(
        "nan.json",
        _json(_hold(start_seconds=0)).replace(b'"start_seconds": 0', b'"start_seconds": NaN'),
        codes=error({"not-finite"}),
    )
    yield Case(
        "endless-session.json",
        _json(lambda d: d["exercises"][1]["hold"].update(start_seconds=86_000, target_seconds=86_000)),
        codes=error({"session-too-long"}),
    )
    yield Case(
        "many-steps.json",
        _json(lambda d: d["exercises"][0].update(steps=[{"text": "a"}] * 120_000)),
        codes=error({"session-too-long"}),
    )
    yield Case("long-chain.json", _chain(200), codes=error({"ladder-too-long"}))
    yield Case("long-chain-backwards.json", _chain(200, backwards=True), codes=error({"ladder-too-long"}))
    yield Case("overflowing-float.json", b'{"schema_version": 1e400}', codes=error({"wrong-type"}))
    yield Case("infinite.yaml", b"schema_version: .inf\n", codes=error({"wrong-type"}))
    # YAML values that PyYAML cannot build, or cannot use as keys.
    yield Case("bad-timestamp.yaml", b"title: 2024-13-45\n", codes=error({"syntax-error"}))
    yield Case("set-as-key.yaml", b"? !!set {a: null}\n: x\n", codes=error({"syntax-error"}))
    yield Case("list-as-key.yaml", b"? [a, b]\n: x\n", codes=error({"wrong-type"}))
    yield Case("number-key.yaml", b"id: x\n1: y\n", codes=error({"wrong-type"}))
    yield Case("python-tag.yaml", b"!!python/object/apply:os.system ['echo hi']\n", codes=error({"syntax-error"}))
    yield Case("binary.yaml", b"id: !!binary aGVsbG8=\n", codes=error({"wrong-type"}))
    # Text: encodings, byte-order marks, surrogates, control characters, lengths.
    yield Case("latin-1.json", b'{"id": "caf\xe9"}', codes=error({"not-utf8"}))
    yield Case("utf-16.json", '{"id": "x"}'.encode("utf-16"), codes=error({"not-utf8"}))
    yield Case("bom.json", b"\xef\xbb\xbf" + backext.dump_pack(backext.builtin_pack()).encode(), status=0)
    yield Case("two-boms.json", b"\xef\xbb\xbf\xef\xbb\xbf{}", codes=error({"syntax-error"}))
    # A lone surrogate: JSON can write it, UTF-8 (and so every other format, and the pack's file) cannot hold it.
    yield Case("surrogate-key.json", b'{"\\ud800": 1}', codes=error({"not-utf8"}))
    yield Case(
        "surrogate-title.json", _json(lambda d: d.update(title="Back \ud800 exercises")), codes=error({"not-utf8"})
    )
    yield Case("control-characters.json", _json(lambda d: d.update(title="Back\x1b[2J\x07\x00")), status=0)
    yield Case("long-title.json", _json(lambda d: d.update(title="x" * 200_000)), codes=error({"too-long"}))
    yield Case("long-word.yaml", b"title: " + b"y" * 200_000 + b"\n", codes=error({"too-long"}))
    yield Case("long-key.json", b'{"' + b"k" * 200_000 + b'": 1}', codes=error({"too-long"}))
    yield Case(
        "long-locale.json", _json(lambda d: d.update(title={"en": "x", "e" * 150_000: "y"})), codes=error({"too-long"})
    )
    yield Case(
        "many-unknown-keys.json", _many_unknown_keys(60_000), codes=error({"unknown-field", "too-many-problems"})
    )
    # Many wrong values: explaining each one must not take minutes and gigabytes.
    yield Case(
        "exercises-of-numbers.json",
        b'{"exercises": [' + b",".join([b"0"] * 200_000) + b"]}",
        codes=error({"too-many-exercises"}),
    )
    yield Case(
        "many-wrong-items.json",
        json.dumps({"exercises": [{"id": "a", "steps": [0] * 100}] * 10_000}).encode(),
        codes=error({"too-many-values"}),  # 1,020,002 values: counted before they are explained one by one
    )
    yield Case(
        "many-wrong-items-below-the-count.json",
        json.dumps({"exercises": [{"id": "a", "steps": [0] * 90}] * 10_000}).encode(),
        codes=error({"wrong-type", "too-many-problems"}),
    )
    yield Case("flat-list.json", b'{"title": [' + b"1," * 2_000_000 + b"1]}", codes=error({"too-many-values"}))
    # Empty and truncated files.
    yield Case("empty.json", b"", codes=error({"syntax-error"}))
    yield Case("empty.yaml", b"", codes=error({"wrong-type"}))
    yield Case("empty.toml", b"", codes=error({"missing-field"}))
    yield Case("null-bytes.json", b"\x00" * 1000, codes=error({"syntax-error"}))
    yield Case("not-an-object.yaml", b"just a string\n", codes=error({"wrong-type"}))
    # Things that are not regular files.
    yield Case("fifo.json", kind="fifo", codes=error({"unreadable"}), status=2)
    yield Case("directory.json", kind="directory", codes=error({"unreadable"}), status=2)
    yield Case("directory", kind="directory", codes=error({"unreadable"}), status=2)
    yield Case("loop.json", kind="loop", codes=error({"unreadable"}), status=2)
    yield Case("missing.json", kind="missing", codes=error({"unreadable"}), status=2)


def main(argv: list[str]) -> int:
    """Write every file case into the directory named by ``argv[0]``."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)  # noqa: T201 - a script's usage
        return 2
    directory = pathlib.Path(argv[0])
    directory.mkdir(parents=True, exist_ok=True)
    for case in cases():
        if case.kind in {"file", "directory"} and not (directory / case.name).exists():
            case.create(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
