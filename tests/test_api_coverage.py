"""docs/api_coverage.md is current: tools/api_coverage.py, rerun here, writes the same page.

Where PyTorch is installed (the version the page was measured against), the whole page is
recomputed and compared; adding or removing a public name without rerunning the script
fails here. Without PyTorch, every name the page lists as present must exist in anygrad,
and the table's figures must agree with the page's own lists.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api_coverage.md"
REFRESH = "run `python3 tools/api_coverage.py` where PyTorch is installed"


def _tool():
    path = ROOT / "tools" / "api_coverage.py"
    spec = importlib.util.spec_from_file_location("api_coverage", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return _tool()


@pytest.fixture(scope="module")
def page():
    return PAGE.read_text(encoding="utf-8")


def test_every_name_listed_as_present_exists(tool, page):
    listed = tool.listed_present(page)
    assert set(listed) == {target for _, target, _ in tool.MODULES}, "a module's list is missing"
    absent = [f"{target}.{name}" for target, names in listed.items()
              for name in names if not hasattr(tool._resolve(target), name)]
    assert not absent, f"docs/api_coverage.md lists as present what anygrad lacks: {absent}; {REFRESH}"


def test_table_agrees_with_the_lists(tool, page):
    listed = tool.listed_present(page)
    missing = {m.group(1): len(re.findall(r"`([^`]+)`", m.group(2)))
               for m in re.finditer(r"^Missing from `([\w.]+)` \(\d+\): (.*)$", page, re.M)}
    rows = re.findall(r"^\| `([\w.]+)` \| `([\w.]+)` \| [^|]+ \| (\d+) \| (\d+) \| ([\d.]+)% \|$",
                      page, re.M)
    assert len(rows) == len(tool.MODULES)
    for _, target, in_scope, present, pct in rows:
        assert int(present) == len(listed[target]), target
        assert int(in_scope) == len(listed[target]) + missing[target], target
        assert float(pct) == pytest.approx(100 * int(present) / int(in_scope), abs=0.05), target


def test_page_is_current(tool, page):
    torch = pytest.importorskip("torch", reason="the coverage is measured against PyTorch")
    measured = tool.page_torch_version(page)
    if measured != torch.__version__:
        pytest.skip(f"the page was measured against PyTorch {measured}, {torch.__version__} "
                    "is installed")
    # Measured in a fresh interpreter, as the page was written: what this test process has
    # imported before (torch's lazily loaded submodules) adds private names to torch's
    # namespace and would change the exclusion counts.
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "api_coverage.py"), "--check"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        pytest.fail(f"docs/api_coverage.md is not current: {REFRESH}.\n"
                    f"{run.stdout[-4000:]}{run.stderr[-2000:]}")


def test_rules_keep_everyday_names_in_scope(tool):
    # The exclusion rules are for what anygrad cannot or should not have; the names real
    # programs use must stay in scope however they are spelled.
    pytest.importorskip("torch", reason="the rules classify PyTorch's objects")
    coverage = {c.module: c for c in tool.compute()}
    in_scope = {m: set(c.present) | set(c.missing) for m, c in coverage.items()}
    for module, names in {
        "torch": ("cat", "tensor", "zeros", "float32", "no_grad", "manual_seed", "LongTensor",
                  "norm", "Tensor", "device", "pi"),
        "torch.Tensor": ("__add__", "__radd__", "__iadd__", "__getitem__", "__float__", "cuda",
                         "is_cuda", "backward", "new_zeros", "grad", "shape", "T"),
        "torch.nn": ("Linear", "LSTM", "Module", "Parameter", "Sequential"),
        "torch.nn.functional": ("relu", "cross_entropy", "conv2d"),
        "torch.optim": ("SGD", "Adam", "Optimizer"),
        "torch.optim.lr_scheduler": ("StepLR", "LRScheduler"),
    }.items():
        assert set(names) <= in_scope[module], (module, set(names) - in_scope[module])
    excluded = {(m, n): rule for m, c in coverage.items() for rule, ns in c.excluded.items()
                for n in ns}
    assert excluded[("torch", "cudnn_convolution")] == "device-specific"
    assert excluded[("torch", "sparse_coo_tensor")] == "sparse"
    assert excluded[("torch", "quantize_per_tensor")] == "quantized"
    assert excluded[("torch", "compile")] == "compiler"
    assert excluded[("torch.Tensor", "_version")] == "private"
    assert excluded[("torch.Tensor", "__torch_function__")] == "object-protocol"
    assert excluded[("torch.nn.functional", "Tensor")] == "not-api"
