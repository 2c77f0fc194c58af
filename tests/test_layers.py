"""The core in layers: a module imports only from its own layer or the layers below.

Every import of an anygrad module counts, at module level or inside a function (a "lazy"
import is still a dependency: it only hides the cycle from Python). Layers, lowest first:

=====  ==========================================================================
layer  modules
=====  ==========================================================================
0      dtypes and backends: ``_dtype``, ``_backend``, ``random``, ``_settings``
1      the Tensor: ``tensor``, ``_printing``, ``creation``
2      autograd core: ``autograd.function``, ``autograd.engine``,
       ``autograd.grad_mode``
3      operations: ``ops.*``, ``fastpaths.*``
4      the faces: ``_tensor_methods``, ``_namespace``, ``array_api``, ``linalg``, the
       ``autograd`` package ``__init__``, ``autograd.gradcheck``,
       ``autograd.functional``
5      the library: ``nn.*``, ``optim.*``, ``data.*``, ``distributed.*``,
       ``serialization``, ``utils.*`` (``utils.viz`` included), ``vision.*``,
       ``testing.*``, and the package ``anygrad`` itself
=====  ==========================================================================

The package ``anygrad`` (its ``__init__``) sits in the top layer, not with the faces:
like ``torch/__init__.py`` it gathers everything, ``nn``, ``optim``, ``data`` and
``serialization`` included, so it is a peer of the sub-packages that write
``import anygrad`` for the PyTorch-style functions, and above every other layer.

How an import resolves: relative imports against the importing module's package;
``from X import y`` names the submodule ``X.y`` when ``y`` is a module, ``X`` otherwise
(``from .. import something`` that is not a module imports the package ``anygrad``);
``import anygrad.a.b`` names ``anygrad.a.b``; ``importlib.import_module`` with a literal
name counts too. Importing a submodule also runs its parents' ``__init__``; that edge is not
counted (Python's package machinery, not a dependency the code chose).

When a lower layer needs something only a higher one can give, the higher layer hands
it down at import: ``anygrad.autograd.engine`` attaches ``Tensor.backward``, and
``anygrad._namespace`` registers the factory behind ``Backend.namespace`` (the engine
reduces gradients with that namespace under ``create_graph``, never through ``ops``).
The faces (``_faces``, ``_tensor_methods``) attach the registry's operations and the
hand-written methods to the Tensor class the same way. There are no exceptions.
"""

from __future__ import annotations

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent / "anygrad"

# A key ending in ".*" covers that package and everything under it; others match exactly.
LAYERS: dict[str, int] = {
    "anygrad._dtype": 0,
    "anygrad._backend": 0,
    "anygrad._device": 0,
    "anygrad.random": 0,
    "anygrad._settings": 0,
    "anygrad.tensor": 1,
    "anygrad._printing": 1,
    "anygrad.creation": 1,
    "anygrad.autograd.function": 2,
    "anygrad.autograd.engine": 2,
    "anygrad.autograd.grad_mode": 2,
    "anygrad.ops.*": 3,
    "anygrad.fastpaths.*": 3,
    "anygrad._tensor_methods": 4,
    "anygrad._faces": 4,
    "anygrad.fft": 4,
    "anygrad._namespace": 4,
    "anygrad.array_api": 4,
    "anygrad.linalg": 4,
    "anygrad.autograd": 4,
    "anygrad.autograd.gradcheck": 4,
    "anygrad.autograd.functional": 4,
    "anygrad": 5,
    "anygrad.nn.*": 5,
    "anygrad.optim.*": 5,
    "anygrad.data.*": 5,
    "anygrad.distributed.*": 5,
    "anygrad.serialization": 5,
    "anygrad.cuda": 5,
    "anygrad.onnx": 5,
    "anygrad.accelerator": 5,
    "anygrad.cpu": 5,
    "anygrad.func": 5,
    "anygrad._torch_misc": 5,
    "anygrad.utils.*": 5,
    "anygrad.vision.*": 5,
    "anygrad.testing.*": 5,
}

LAYER_NAMES = ("dtypes/backends", "tensor", "autograd core", "ops", "faces", "library")

def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
PACKAGES = {name for name, p in MODULES.items() if p.name == "__init__.py"}


def layer_of(module: str) -> int | None:
    if module in LAYERS:
        return LAYERS[module]
    name = module
    while name:
        if name + ".*" in LAYERS:
            return LAYERS[name + ".*"]
        name = name.rpartition(".")[0]
    return None


def _resolve(base: str | None, level: int, importer: str) -> str | None:
    if level == 0:
        return base
    package = importer if importer in PACKAGES else importer.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{base}" if base else package


def _literal_import_module(node: ast.Call, importer: str) -> str | None:
    """The module an ``importlib.import_module("...")`` call with a literal name loads."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    target = first.value
    if not target.startswith("."):
        return target
    level = len(target) - len(target.lstrip("."))
    # The anchor is the second argument: "a.b", __name__, or __package__.
    package = node.args[1] if len(node.args) > 1 else None
    if isinstance(package, ast.Constant) and isinstance(package.value, str):
        anchor = package.value
    elif importer in PACKAGES or getattr(package, "id", "") == "__name__":
        anchor = importer
    else:
        anchor = importer.rpartition(".")[0]
    for _ in range(level - 1):
        anchor = anchor.rpartition(".")[0]
    rest = target[level:]
    return f"{anchor}.{rest}" if rest else anchor


def imports_of(importer: str) -> list[tuple[int, str]]:
    """Every (line, anygrad module) that ``importer`` imports, anywhere in its body."""
    tree = ast.parse(MODULES[importer].read_text(), filename=str(MODULES[importer]))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node.module, node.level, importer)
            if base is None:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if sub in MODULES else base))
        elif isinstance(node, ast.Call):
            target = _literal_import_module(node, importer)
            if target is not None:
                found.append((node.lineno, target))
    return [(line, m) for line, m in found if m == "anygrad" or m.startswith("anygrad.")]


EDGES = [
    (importer, line, target)
    for importer in MODULES
    for line, target in imports_of(importer)
]


def _where(importer: str, line: int) -> str:
    return f"{MODULES[importer].relative_to(ROOT.parent)}:{line}"


def test_every_module_has_a_layer():
    missing = sorted(m for m in MODULES if layer_of(m) is None)
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def test_every_layer_entry_names_a_module():
    stale = sorted(key for key in LAYERS if key.removesuffix(".*") not in MODULES)
    assert not stale, f"LAYERS entries that name no module (remove them): {stale}"


def test_every_import_resolves_to_a_module():
    unknown = [
        f"{_where(importer, line)} imports {target}"
        for importer, line, target in EDGES
        if target not in MODULES
    ]
    assert not unknown, "imports of modules that do not exist:\n" + "\n".join(unknown)


def test_imports_go_down_only():
    upward = []
    for importer, line, target in EDGES:
        low, high = layer_of(importer), layer_of(target)
        if low is None or high is None or high <= low:
            continue
        upward.append(
            f"{_where(importer, line)}: {importer} (layer {low}, {LAYER_NAMES[low]}) imports "
            f"{target} (layer {high}, {LAYER_NAMES[high]})"
        )
    assert not upward, f"{len(upward)} upward import(s):\n" + "\n".join(upward)
