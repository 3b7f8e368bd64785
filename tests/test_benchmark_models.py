"""The benchmark's baselines refuse what backext refuses, so the comparison is between equals.

The pydantic model and the msgspec floor in ``benchmarks/`` are written as their
users would write them; these tests make sure they really make the checks the
benchmark says they make, on the same documents, and that the msgspec floor runs
clean under Python's debug allocator (a heap corruption was seen in msgspec
0.22.0 with one kind of union, which the floor avoids).
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

import backext


BENCHMARKS = pathlib.Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import msgspec_model  # noqa: E402
import pydantic_model  # noqa: E402


LOADERS = {"pydantic": pydantic_model.load, "msgspec": msgspec_model.load}


def _builtin() -> dict:
    return json.loads(backext.dump_pack(backext.builtin_pack(), "json"))


def _broken(change: str) -> bytes:
    document = _builtin()
    exercise = document["exercises"][0]
    if change == "unknown key":
        exercise["colour"] = "red"
    elif change == "number as text":
        exercise["hold"]["start_seconds"] = "5"
    elif change == "bad id":
        exercise["id"] = "Not A Slug"
    elif change == "no steps":
        exercise["steps"] = []
    return json.dumps(document).encode()


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_baseline_reads_the_builtin_pack(name):
    pack = LOADERS[name](json.dumps(_builtin()).encode())
    assert len(pack.exercises) == len(backext.builtin_pack().exercises)


@pytest.mark.parametrize("change", ["unknown key", "number as text", "bad id", "no steps"])
@pytest.mark.parametrize("name", sorted(LOADERS))
def test_a_baseline_refuses_what_backext_refuses(name, change):
    data = _broken(change)
    with pytest.raises(backext.PackError):
        backext.load_pack(json.loads(data))
    with pytest.raises(Exception) as caught:  # each library's own error type
        LOADERS[name](data)
    assert not isinstance(caught.value, (AttributeError, KeyError, TypeError))


def test_the_msgspec_floor_runs_under_the_debug_allocator(tmp_path):
    document = tmp_path / "pack.json"
    document.write_bytes(json.dumps(_builtin()).encode())
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import msgspec_model, pathlib\n"
        "data = pathlib.Path(sys.argv[2]).read_bytes()\n"
        "for _ in range(200): msgspec_model.load(data)\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONMALLOC": "debug"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(BENCHMARKS), str(document)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
