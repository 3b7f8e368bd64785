"""The benchmark runs (a smoke test at tiny sizes: whether it runs, not how fast)."""

from __future__ import annotations

import gc
import importlib.util
import pathlib


def test_the_benchmark_runs_at_a_small_size(tmp_path, capsys):
    path = pathlib.Path(__file__).parent.parent / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("backext_benchmark", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = tmp_path / "results.md"
    assert module.main(["--quick", "--markdown", str(report)]) == 0
    assert gc.isenabled()  # the benchmark gives the collector back as it found it
    table = report.read_text(encoding="utf-8")
    for row in (
        "collector enabled",
        "collector disabled",
        "load_pack, JSON, 100 exercises | json.loads",
        "| pydantic v2, same checks |",
        "in 2 locales",
        "load_pack, TOML",
        "load_pack, YAML",
        "pure-Python fallback",
        "one engine step",
        "backext show",
        "backext validate",
        "Peak memory",
        "Growth, collector disabled",
    ):
        assert row in table
    assert "msgspec, constrained (the floor)" in table  # msgspec is in the tests group: the floor runs too
    assert "Growth, collector enabled" in capsys.readouterr().out
