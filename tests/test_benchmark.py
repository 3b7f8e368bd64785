"""The benchmark runs (a smoke test at tiny sizes: whether it runs, not how fast)."""

from __future__ import annotations

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
    table = report.read_text(encoding="utf-8")
    for row in (
        "load_pack, 100 exercises",
        "pydantic v2",
        "validate_pack",
        "in 2 locales",
        "one engine step",
        "backext validate",
    ):
        assert row in table
    assert "Slope:" in capsys.readouterr().out
