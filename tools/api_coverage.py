"""Measure how much of PyTorch's public API anygrad has, and write docs/api_coverage.md.

Run where PyTorch is installed::

    python3 tools/api_coverage.py            # rewrite docs/api_coverage.md
    python3 tools/api_coverage.py --check    # exit 1 if the page is not current

For each PyTorch module in :data:`MODULES` it lists the public names (``dir()``), drops
those an exclusion rule of :data:`RULES` matches (each rule says why: CUDA-only, sparse,
quantized, compiler machinery...), and looks for every remaining name at the
corresponding place of anygrad (``torch.nn.X`` -> ``anygrad.nn.X``). A name counts as
present when anygrad has an attribute of that name there; whether it behaves as PyTorch's
is for the test suite to say, not this count. tests/test_api_coverage.py reruns the
computation and fails when the page differs.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import inspect
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "api_coverage.md"

# (PyTorch module, the anygrad object where the same names belong, what is listed)
MODULES: tuple[tuple[str, str, str], ...] = (
    ("torch", "anygrad", "functions, classes, dtypes and constants"),
    ("torch.Tensor", "anygrad.Tensor", "methods, attributes and operators"),
    ("torch.nn", "anygrad.nn", "modules, parameters and containers"),
    ("torch.nn.functional", "anygrad.nn.functional", "functions"),
    ("torch.optim", "anygrad.optim", "optimizers"),
    ("torch.optim.lr_scheduler", "anygrad.optim.lr_scheduler", "schedulers"),
)

# The dunders that are API: Python's operators and conversions, which programs use
# through syntax (``a + b``, ``x[i]``, ``float(x)``, ``np.asarray(x)``).
OPERATOR_DUNDERS = frozenset(
    f"__{op}__" for base in (
        "add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "pow", "lshift",
        "rshift", "and", "or", "xor",
    ) for op in (base, "r" + base, "i" + base)
) | frozenset(f"__{n}__" for n in (
    "eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert", "getitem", "setitem",
    "delitem", "len", "iter", "reversed", "contains", "bool", "int", "float", "complex",
    "index", "array", "dlpack", "dlpack_device", "repr", "format", "hash", "deepcopy",
))


def _names(*groups: str) -> frozenset:
    return frozenset(n for g in groups for n in g.split())


@dataclass(frozen=True)
class Rule:
    """One reason to leave names out of scope. ``match(module, name, obj)`` says whether
    it applies; the first rule that applies to a name is the one reported."""

    key: str
    reason: str
    match: Callable[[str, str, Any], bool]


def _prefix(*prefixes: str) -> Callable[[str], bool]:
    return lambda name: name.startswith(prefixes)


# -- the explicit lists the rules use ------------------------------------------------------
_DEVICE = _names(
    # Tensor: one accelerator or vendor library each; pinned host memory and CUDA streams.
    "is_mps is_xpu is_ipu is_mtia is_maia is_xla is_vulkan is_mkldnn is_hpu ipu xpu mtia"
    " mps hpu to_mkldnn pin_memory is_pinned record_stream __cuda_array_interface__",
    # torch
    "is_vulkan_available profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 Stream Event"
    " GradScaler AcceleratorError OutOfMemoryError",
    # torch.nn: single-process multi-GPU and CUDA-only synchronised batch norm
    "DataParallel SyncBatchNorm",
    # torch.nn.functional: CUDA-only grouped and float8 matrix products
    "grouped_mm scaled_mm scaled_grouped_mm ScalingType SwizzleType",
)
_DEVICE_PREFIX = ("cudnn_", "miopen_", "mkldnn_", "fbgemm_")
_SPARSE = _names(
    "smm hsmm dsmm spmm saddmm sspaddmm hspmm coalesce is_coalesced indices values"
    " crow_indices col_indices ccol_indices row_indices dense_dim sparse_dim to_dense"
    " ccol_indices_copy col_indices_copy crow_indices_copy row_indices_copy indices_copy"
    " values_copy SparseAdam"
)
_QUANTIZED = _names(
    "int_repr dequantize qscheme is_quantized fake_quantize_per_channel_affine"
    " fake_quantize_per_tensor_affine choose_qparams_optimized fused_moving_avg_obs_fake_quant"
    " empty_quantized"
)
# Operations whose names merely end in "_copy" (documented, and not a functionalised view).
_NOT_VIEW_COPIES = {"index_copy", "narrow_copy"}

_JIT = _names(
    "compile fork wait cond while_loop parse_ir parse_schema parse_type_comment"
    " import_ir_module import_ir_module_from_buffer merge_type_from_type_comment"
    " unify_type_list AliasDb Argument ArgumentSpec Block CallStack Capsule Code"
    " CompilationUnit CompleteArgumentSpec ConcreteModuleType ConcreteModuleTypeBuilder"
    " DeepCopyMemoTable DeserializationStorageContext ErrorReport ExecutionPlan FileCheck"
    " FunctionSchema Future Gradient Graph GraphExecutorState IODescriptor InferredType"
    " JITException LiteScriptModule Node SerializationStorageContext StaticModule"
    " TracingState Type Use Value BufferDict ModuleDict ParameterDict BroadcastingList1"
    " BroadcastingList2 BroadcastingList3 slice_inverse"
)
_INTERNAL = _names(
    "DispatchKey DispatchKeySet DisableTorchFunction DisableTorchFunctionSubclass"
    " ExcludeDispatchKeyGuard Tag OperatorInfo BenchmarkConfig BenchmarkExecutionStats"
    " ThroughputBenchmark LoggerBase NoopLogger LockingLogger AggregationType classproperty"
    " PRIVATE_OPS PyTorchFileReader PyTorchFileWriter ScriptModuleSerializer FatalError"
    " handle_torch_function has_torch_function has_torch_function_unary"
    " has_torch_function_variadic boolean_dispatch assert_int_or_pair factory_kwargs"
    " as_subclass module_load is_distributed map2_ split_with_sizes unsafe_split_with_sizes"
    " unsafe_split unsafe_chunk"
)
_STORAGE = _names(
    "storage untyped_storage storage_type set_ share_memory_ is_shared is_set_to is_storage"
    " from_file Storage StorageBase TypedStorage UntypedStorage layout memory_format strided"
    " channels_last channels_last_3d contiguous_format legacy_contiguous_format"
    " preserve_format"
)
_PROTOTYPE = _names(
    "names rename rename_ refine_names align_as align_to has_names is_nested jagged"
)
# Deprecated or removed, by PyTorch's own documentation, which names the replacement.
_DEPRECATED = _names(
    # removed in PyTorch 2 (calling them raises), and legacy Tensor attributes
    "symeig eig lstsq solve matrix_rank volatile reinforce new resize",
    # deprecated in favour of torch.linalg or another name
    "chain_matmul set_default_tensor_type ger lu triangular_solve cholesky qr",
    # torch.nn / torch.nn.functional: deprecated in favour of Upsample/interpolate, torch.*
    "Container NLLLoss2d UpsamplingBilinear2d UpsamplingNearest2d upsample"
    " upsample_bilinear upsample_nearest",
)
_DEPRECATED_F = _names("sigmoid tanh")  # F.sigmoid and F.tanh warn: use torch.sigmoid/tanh
_EXOTIC_DTYPES = re.compile(r"^(bits?\w*|u?int[1-7]|float8_\w+|float4_\w+|complex32|chalf)$")
# Python 2's operator spellings, which Python 3 never calls.
_PY2 = _names("__div__ __rdiv__ __idiv__ __long__ __nonzero__")


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _kind(obj: Any) -> str:
    import torch

    if isinstance(obj, types.ModuleType):
        return "module"
    if isinstance(obj, torch.dtype):
        return "dtype"
    if isinstance(obj, type):
        return "class"
    if callable(obj):
        return "function"
    if obj is None or isinstance(obj, (float, torch.Generator)):
        return "constant"
    return "other"


def _not_api(module: str, name: str, obj: Any) -> bool:
    if module == "torch.Tensor":  # methods, properties and descriptors: all API
        return False
    kind = _kind(obj)
    if kind in ("module", "other") or (kind == "constant" and module != "torch"):
        return True
    own = getattr(obj, "__module__", None) or ""
    if not isinstance(own, str) or not own.startswith("torch"):
        return kind in ("class", "function") and module != "torch.Tensor"
    if kind == "class" and module in ("torch.nn.functional", "torch.optim.lr_scheduler"):
        # torch.Tensor and torch.optim.Optimizer re-exported; counted where they belong.
        return not own.startswith(module)
    return False


def _undocumented_aten(module: str, name: str, obj: Any) -> bool:
    return (module == "torch" and _kind(obj) == "function"
            and not (getattr(obj, "__doc__", None) or "").strip())


RULES: tuple[Rule, ...] = (
    Rule("private", "`_`-prefixed names: private by Python's convention.",
         lambda m, n, o: n.startswith("_") and not _is_dunder(n)),
    Rule("python-2", "Python 2's operator spellings (`__div__`, `__idiv__`, `__rdiv__`, "
         "`__long__`, `__nonzero__`): Python 3 never calls them.",
         lambda m, n, o: n in _PY2),
    Rule("object-protocol", "dunders other than operators and conversions "
         "(`__init_subclass__`, `__reduce_ex__`, `__torch_function__`, `__torch_dispatch__`, "
         "`__array_wrap__`...): Python's object machinery and PyTorch's dispatch hooks, not "
         "API a program calls. The operators (`__add__`, `__radd__`, `__iadd__`, "
         "`__getitem__`...) and conversions (`__float__`, `__array__`, `__dlpack__`...) "
         "stay in scope.",
         lambda m, n, o: _is_dunder(n) and n not in OPERATOR_DUNDERS),
    Rule("not-api", "not a function, class, dtype or constant of the module: submodules "
         "(scored under their own name where in scope), re-exports from the standard "
         "library, `typing` or another torch module (`torch.Tensor` in "
         "`torch.nn.functional`), build flags and documentation strings.",
         _not_api),
    Rule("device-specific", "specific to one accelerator or vendor library that anygrad "
         "does not reach (cuDNN, MIOpen, oneDNN, FBGEMM, MPS, XPU, IPU, XLA, MTIA, HPU, "
         "Vulkan), mixed precision (`autocast*`, `GradScaler`), streams and events, pinned "
         "host memory, single-process multi-GPU (`DataParallel`, `SyncBatchNorm`) and "
         "CUDA-only float8/grouped matrix products. The generic CUDA spellings that "
         "tutorials use (`Tensor.cuda()`, `is_cuda`, `torch.cuda`) stay in scope.",
         lambda m, n, o: n in _DEVICE or n.startswith(_DEVICE_PREFIX) or "autocast" in n),
    Rule("sparse", "sparse layouts and their operations (COO, CSR, CSC, BSR, BSC): anygrad "
         "tensors are dense, as Array API arrays are.",
         lambda m, n, o: n in _SPARSE or "sparse" in n.lower()),
    Rule("quantized", "quantized dtypes, schemes and kernels: anygrad has no quantisation.",
         lambda m, n, o: n in _QUANTIZED or n.startswith(("q_", "quantize", "qint", "quint"))
         or n.endswith("Storage") and n.startswith("Q")
         or type(o).__name__ == "qscheme"),
    Rule("compiler", "TorchScript, `torch.compile`, FX, export and symbolic shapes: JIT "
         "classes (`Script*`, `*Type`, `Graph`), `sym_*`, `cond`/`while_loop`, `fork`/"
         "`wait`, and the functionalised `*_copy` variants of views that compilers use.",
         lambda m, n, o: n in _JIT or n.startswith(("Script", "sym_", "Sym"))
         or (m == "torch" and n.endswith("Type") and _kind(o) == "class")
         or (m == "torch" and n.endswith("_copy") and n not in _NOT_VIEW_COPIES)),
    Rule("internals", "dispatcher and C++ internals exposed in Python (`DispatchKey`, "
         "`Tag`, `DisableTorchFunction`, the `__torch_function__` helpers of "
         "`torch.nn.functional`, loggers, benchmarks, `as_subclass`, `unsafe_split`...).",
         lambda m, n, o: n in _INTERNAL),
    Rule("storage-layout", "storages, memory formats and layouts (`storage()`, "
         "`untyped_storage()`, `set_`, `share_memory_`, `*Storage`, `channels_last`, "
         "`strided`): an anygrad tensor wraps a backend array and has no storage object "
         "or layout tag of PyTorch's kind.",
         lambda m, n, o: n in _STORAGE or (n.endswith("Storage") and m == "torch")),
    Rule("prototype", "prototype tensor kinds: named tensors (`names`, `rename`, "
         "`refine_names`, `align_to`...) and nested (jagged) tensors.",
         lambda m, n, o: n in _PROTOTYPE),
    Rule("exotic-dtype", "sub-byte, bit and 8-bit float dtypes (`int1`...`int7`, `bits8`, "
         "`float8_e4m3fn`, `float4_e2m1fn_x2`, `complex32`): no Array API backend has them.",
         lambda m, n, o: (m == "torch" and _kind(o) == "dtype" and bool(_EXOTIC_DTYPES.match(n)))
         or (m == "torch.Tensor" and n == "chalf")),
    Rule("deprecated", "deprecated or removed by PyTorch, whose documentation names the "
         "replacement: `torch.symeig`, `eig`, `lstsq`, `solve`, `matrix_rank` (removed), "
         "`chain_matmul`, `ger`, `lu`, `triangular_solve`, `cholesky`, `qr` (use "
         "`torch.linalg`), `set_default_tensor_type`, `Tensor.volatile`/`reinforce`/`new`/"
         "`resize`, `nn.Container`, `NLLLoss2d`, `UpsamplingNearest2d`/`Bilinear2d`, "
         "`F.upsample*` (use `interpolate`), `F.sigmoid`/`F.tanh` (use `torch.*`). "
         "(`torch.norm` is documented as deprecated too but stays in scope: programs use it "
         "everywhere.)",
         lambda m, n, o: n in _DEPRECATED or (m == "torch.nn.functional" and n in _DEPRECATED_F)),
    Rule("undocumented", "functions on `torch` without documentation: ATen kernels that "
         "PyTorch re-exports at the top level but documents elsewhere, where they are "
         "counted (`torch.conv2d` is `F.conv2d`, `torch.relu_`, `torch.native_layer_norm`, "
         "`torch.batch_norm_elemt`), and other undocumented helpers.",
         _undocumented_aten),
)


@dataclass
class ModuleCoverage:
    module: str
    target: str
    what: str
    present: list
    missing: list
    excluded: dict  # rule key -> names

    @property
    def in_scope(self) -> int:
        return len(self.present) + len(self.missing)

    @property
    def percent(self) -> float:
        return 100.0 * len(self.present) / self.in_scope if self.in_scope else 100.0


def _resolve(path: str) -> Any:
    head, *rest = path.split(".")
    obj = importlib.import_module(head)
    for i, part in enumerate(rest):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join([head, *rest[:i + 1]]))
    return obj


def _public(obj: Any) -> list[str]:
    if isinstance(obj, type):  # the class's own dict and its bases', as dir() gives
        return sorted(set(dir(obj)))
    return sorted(dir(obj))


def _present(target: Any, name: str) -> bool:
    if target is None:
        return False
    try:
        return hasattr(target, name)
    except Exception:  # a property that needs an instance, or similar
        return name in dir(target)


def compute() -> list[ModuleCoverage]:
    """The coverage of each module of :data:`MODULES` (imports torch and anygrad)."""
    out = []
    for module, target_path, what in MODULES:
        source = _resolve(module)
        try:
            target = _resolve(target_path)
        except (ImportError, AttributeError):
            target = None
        present, missing, excluded = [], [], {}
        for name in _public(source):
            try:
                obj = (inspect.getattr_static(source, name) if isinstance(source, type)
                       else getattr(source, name))
            except AttributeError:
                continue
            if isinstance(source, type) and isinstance(obj, (staticmethod, classmethod)):
                obj = getattr(source, name)
            rule = next((r for r in RULES if r.match(module, name, obj)), None)
            if rule is not None:
                excluded.setdefault(rule.key, []).append(name)
            elif _present(target, name):
                present.append(name)
            else:
                missing.append(name)
        out.append(ModuleCoverage(module, target_path, what, present, missing, excluded))
    return out


def _codes(names: list) -> str:
    return ", ".join(f"`{n}`" for n in names) if names else "(none)"


def render(coverage: list[ModuleCoverage]) -> str:
    """The page docs/api_coverage.md for ``coverage``."""
    import torch

    total_in = sum(c.in_scope for c in coverage)
    total_present = sum(len(c.present) for c in coverage)
    lines = [
        "# PyTorch API coverage",
        "",
        "<!-- Generated by tools/api_coverage.py; do not edit by hand. "
        "tests/test_api_coverage.py fails when this page is not current. -->",
        "",
        f"How many of PyTorch's public names anygrad has, measured against PyTorch "
        f"{torch.__version__} by `tools/api_coverage.py`. A name counts as present when "
        "anygrad has an attribute of that name at the corresponding place (`torch.nn.X` "
        "-> `anygrad.nn.X`, `torch.Tensor.X` -> `anygrad.Tensor.X`); what each one does "
        "differently is in {doc}`differences_pytorch`. Names outside the scope, and why, "
        "are listed under [Exclusions](#exclusions).",
        "",
        "| PyTorch | anygrad | what is listed | in scope | present | coverage |",
        "|---|---|---|---:|---:|---:|",
    ]
    for c in coverage:
        lines.append(f"| `{c.module}` | `{c.target}` | {c.what} | {c.in_scope} | "
                     f"{len(c.present)} | {c.percent:.1f}% |")
    pct = 100.0 * total_present / total_in if total_in else 100.0
    lines += [f"| **all** | | | **{total_in}** | **{total_present}** | **{pct:.1f}%** |", ""]
    lines += [
        "To refresh this page after adding names, run `python3 tools/api_coverage.py` "
        "where PyTorch is installed.",
        "",
        "## Exclusions",
        "",
        "A public name is left out of scope when the first of these rules that applies to "
        "it says so.",
        "",
        "| rule | why | " + " | ".join(f"`{c.module}`" for c in coverage) + " |",
        "|---|---|" + "---:|" * len(coverage),
    ]
    for r in RULES:
        counts = " | ".join(str(len(c.excluded.get(r.key, ()))) for c in coverage)
        lines.append(f"| {r.key} | {r.reason} | {counts} |")
    lines.append("")
    lines += ["## Missing names", ""]
    for c in coverage:
        lines += [
            f"### `{c.module}`",
            "",
            f"Missing from `{c.target}` ({len(c.missing)}): {_codes(c.missing)}",
            "",
            "<details><summary>Present (" + str(len(c.present)) + ")</summary>",
            "",
            f"Present in `{c.target}`: {_codes(c.present)}",
            "",
            "</details>",
            "",
            "<details><summary>Excluded (" + str(sum(map(len, c.excluded.values())))
            + ")</summary>",
            "",
        ]
        for r in RULES:
            if c.excluded.get(r.key):
                lines += [f"- {r.key}: {_codes(c.excluded[r.key])}"]
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


_PRESENT_LINE = re.compile(r"^Present in `([\w.]+)`: (.*)$", re.M)
_TORCH_VERSION = re.compile(r"measured against PyTorch (\S+) by")


def listed_present(text: str) -> dict[str, list[str]]:
    """The names the page lists as present, by anygrad target (``"anygrad.nn"``)."""
    return {m.group(1): re.findall(r"`([^`]+)`", m.group(2)) for m in _PRESENT_LINE.finditer(text)}


def page_torch_version(text: str) -> str | None:
    m = _TORCH_VERSION.search(text)
    return m.group(1) if m else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare with the page instead of writing it; exit 1 if it differs")
    parser.add_argument("--output", type=Path, default=PAGE)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    coverage = compute()
    text = render(coverage)
    for c in coverage:
        print(f"{c.module:26} {len(c.present):4d} / {c.in_scope:4d}  {c.percent:5.1f}%")
    if args.check:
        old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), str(args.output), "computed"))
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
