"""The Array API standard's official conformance suite on ``anygrad.array_api``.

The suite (data-apis/array-api-tests, a snapshot in ``../shared/array-api-tests``, or the
folder named by ``ANYGRAD_ARRAY_API_TESTS``) is copied to a temporary folder (it writes
caches beside itself) and run in a subprocess with a fixed Hypothesis seed, so that a
failure reproduces. Every test of the suite must pass or be skipped by the suite itself
(features of later versions of the standard); an expected failure would be listed in
``XFAILS`` with its reason. Without the folder the test skips, saying so.

Compare with array-api-strict, file by file (the figures of docs/array_api.md)::

    python3 tests/test_array_api_conformance.py anygrad.array_api array_api_strict
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(os.environ.get("ANYGRAD_ARRAY_API_TESTS", ROOT.parent / "shared" / "array-api-tests"))
VERSION = "2024.12"
SEED = 0
# Examples per property test (the suite's own default is 100; its element-by-element
# tests take a tenth). 25 runs in about a minute on one core, a quarter of the CI budget.
MAX_EXAMPLES = int(os.environ.get("ANYGRAD_ARRAY_API_EXAMPLES", "25"))

# Tests of the suite expected to fail on anygrad.array_api: node id -> reason. None today.
XFAILS: dict[str, str] = {}


def run_suite(module: str, workdir: Path, *, max_examples: int = MAX_EXAMPLES,
              extra: tuple = ()) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the suite on ``module`` in a copy under ``workdir``; the process and the
    results per test file: {file: Counter(passed=, failed=, skipped=, xfailed=)}."""
    copy = workdir / "array-api-tests"
    if not copy.exists():
        shutil.copytree(SUITE, copy, ignore=shutil.ignore_patterns(".hypothesis", "__pycache__"))
    xfails = workdir / f"xfails-{module}.txt"
    xfails.write_text("".join(f"# {why}\n{node}\n" for node, why in XFAILS.items())
                      if module.startswith("anygrad") else "")
    report = workdir / f"report-{module}.xml"
    env = dict(os.environ, ARRAY_API_TESTS_MODULE=module, ARRAY_API_TESTS_VERSION=VERSION,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "pytest", "array_api_tests", "-q", "-p", "no:cacheprovider",
           "-n", "0", f"--max-examples={max_examples}", "--disable-deadline",
           f"--hypothesis-seed={SEED}", f"--xfails-file={xfails}", "-rfE",
           f"--junitxml={report}", *extra]
    proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    return proc, _per_file(report)


def _per_file(report: Path) -> dict:
    counts: dict = collections.defaultdict(collections.Counter)
    if not report.exists():
        return counts
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("classname", "").split(".")
        test_file = name[1] if len(name) > 1 else name[0]
        tags = {child.tag: child for child in case}
        if "failure" in tags or "error" in tags:
            counts[test_file]["failed"] += 1
        elif "skipped" in tags:
            xfail = tags["skipped"].get("type") == "pytest.xfail"
            counts[test_file]["xfailed" if xfail else "skipped"] += 1
        else:
            counts[test_file]["passed"] += 1
    return counts


def table(results: dict[str, dict]) -> str:
    """A Markdown table: one row per test file, passed/failed/skipped per module."""
    modules = list(results)
    files = sorted({f for r in results.values() for f in r})
    head = "| test file | " + " | ".join(f"{m} (pass / fail / skip)" for m in modules) + " |"
    rows = [head, "|---" * (len(modules) + 1) + "|"]

    def cell(c: collections.Counter) -> str:
        x = f" / {c['xfailed']} xfail" if c["xfailed"] else ""
        return f"{c['passed']} / {c['failed']} / {c['skipped']}{x}"

    for f in files + ["total"]:
        cells = []
        for m in modules:
            c = (sum(results[m].values(), collections.Counter()) if f == "total"
                 else results[m].get(f, collections.Counter()))
            cells.append(cell(c))
        rows.append(f"| {f} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _requirements_missing() -> str | None:
    if not SUITE.is_dir():
        return (f"the conformance suite is not at {SUITE} (set ANYGRAD_ARRAY_API_TESTS to "
                f"the array-api-tests folder to run it)")
    for module in ("ndindex", "hypothesis"):
        try:
            __import__(module)
        except ImportError:
            return f"the conformance suite needs {module} (pip install -e '.[test]')"
    return None


@pytest.mark.slow
def test_array_api_conformance(tmp_path: Path) -> None:
    missing = _requirements_missing()
    if missing:
        print(f"SKIPPED: {missing}")
        pytest.skip(missing)
    proc, counts = run_suite("anygrad.array_api", tmp_path)
    print(table({"anygrad.array_api": counts}))
    failed = [line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    assert proc.returncode == 0 and not failed, (
        f"the Array API conformance suite fails on anygrad.array_api (seed {SEED}, "
        f"{MAX_EXAMPLES} examples):\n" + "\n".join(failed) + "\n" + proc.stdout[-4000:]
        + proc.stderr[-2000:]
    )
    total = sum(counts.values(), collections.Counter())
    assert total["passed"] > 1000, f"too few conformance tests ran: {dict(total)}"


if __name__ == "__main__":
    missing = _requirements_missing()
    if missing:
        sys.exit(missing)
    modules = sys.argv[1:] or ["anygrad.array_api", "array_api_strict"]
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for module in modules:
            proc, results[module] = run_suite(module, Path(tmp))
            print(f"{module}: {proc.stdout.strip().splitlines()[-1] if proc.stdout else proc.stderr}")
            for line in proc.stdout.splitlines():
                if line.startswith(("FAILED", "ERROR")):
                    print("   ", line[:160])
    print(f"\nseed {SEED}, {MAX_EXAMPLES} examples per property test, standard {VERSION}\n")
    print(table(results))
