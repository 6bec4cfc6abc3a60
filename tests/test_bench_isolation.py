"""The benchmarks in bench/ never run inside the test suite: pytest collects tests/ only,
and no file in bench/ looks like a test module, so ``pytest bench`` (or a wider
``testpaths``) would not pick one up either. Speed is measured there, never here."""

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pytest_collects_only_tests():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]

    assert config["testpaths"] == ["tests"]
    assert config["python_files"] == ["test_*.py"]


def test_no_benchmark_looks_like_a_test_module():
    scripts = sorted(path.name for path in (ROOT / "bench").glob("*.py"))

    assert "load.py" in scripts and "common.py" in scripts
    assert not [name for name in scripts if name.startswith("test_") or name.endswith("_test.py")]
    assert not (ROOT / "bench" / "conftest.py").exists()


def test_the_suite_never_imports_the_benchmark_harness():
    # bench/common.py sets up Django with production settings on import.
    assert "common" not in sys.modules
    assert "bench_settings" not in sys.modules
