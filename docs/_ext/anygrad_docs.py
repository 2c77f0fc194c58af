"""Sphinx extension for the anygrad docs: tables and API pages generated from the code.

Directives
----------
``anygrad-ops-table``
    The table of supported operations, built from ``anygrad.ops.REGISTRY`` (one row per
    :class:`~anygrad.ops.OpSpec`), grouped by category, with first- and second-order
    differentiability. Adding an op to the registry adds it here; nothing is typed twice.
``anygrad-ops-api``
    ``autofunction`` entries for every registered operation of ``anygrad.ops``, grouped
    by category, plus the public operations that have no registry entry yet (the
    registered ``nn.functional.*`` functions are documented on their module's page).
``anygrad-api``
    ``autoclass`` / ``autofunction`` entries for the ``__all__`` of one module. A module
    that cannot be imported yields a note instead of a build error, so a page can be
    written before the code it documents lands.
``anygrad-include-if-exists``
    Include a Markdown file (relative to the repository root) when it exists, otherwise
    show the directive's content.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

ROOT = Path(__file__).resolve().parents[2]


def _registry() -> dict:
    from anygrad.ops import REGISTRY

    return REGISTRY


def _by_category(registry: dict) -> dict[str, list]:
    groups: dict[str, list] = {}
    for spec in sorted(registry.values(), key=lambda s: (s.category, s.name)):
        groups.setdefault(spec.category, []).append(spec)
    return groups


def _title(category: str) -> str:
    if category.startswith("nn_"):  # the registered functions of anygrad.nn.functional
        return "nn.functional: " + category[3:].replace("_", " ")
    return category.replace("_", " ").capitalize()


def _cell(text: str) -> str:
    # A list-table cell is one paragraph; keep notes on one line and escape the bar.
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def ops_table_lines(registry: dict) -> list[str]:
    """The reST source of the operations table (also used by tests)."""
    yes, no = "yes", "--"
    n = len(registry)
    n1 = sum(s.differentiable for s in registry.values())
    n2 = sum(s.differentiable and s.twice_differentiable for s in registry.values())
    lines = [
        f"{n} operations are registered; {n1} are differentiable and {n2} of those are "
        "twice differentiable (gradients of gradients checked by ``gradgradcheck``).",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - category",
        "     - operations",
        "     - grad",
        "     - grad of grad",
    ]
    groups = _by_category(registry)
    for category, specs in groups.items():
        lines += [
            f"   * - {_title(category)}",
            f"     - {len(specs)}",
            f"     - {sum(s.differentiable for s in specs)}",
            f"     - {sum(s.differentiable and s.twice_differentiable for s in specs)}",
        ]
    lines.append("")
    for category, specs in groups.items():
        lines += [
            f".. rubric:: {_title(category)}",
            "",
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 18 14 8 8 52",
            "   :class: anygrad-ops",
            "",
            "   * - operation",
            "     - Tensor method",
            "     - grad",
            "     - grad of grad",
            "     - notes",
        ]
        for s in specs:
            names = (s.method,) if isinstance(s.method, str) else (s.method or ())
            method = ", ".join(f":meth:`Tensor.{m} <anygrad.Tensor.{m}>`" for m in names) or " "
            d1 = yes if s.differentiable else no
            d2 = yes if (s.differentiable and s.twice_differentiable) else no
            notes = s.notes
            if s.skip_backends:
                skipped = ", ".join(f"{b} ({_cell(r)})" for b, r in s.skip_backends.items())
                notes = f"{notes} Not on: {skipped}." if notes else f"Not on: {skipped}."
            lines += [
                f"   * - :func:`~anygrad.{s.name}`",
                f"     - {method}",
                f"     - {d1}",
                f"     - {d2}",
                f"     - {_cell(notes)}",
            ]
        lines.append("")
    return lines


class _Generated(SphinxDirective):
    def _note_generated(self) -> None:
        # Sphinx does not see changes in Python code: re-read pages generated from it
        # on every build (see _outdated).
        if not hasattr(self.env, "anygrad_generated"):
            self.env.anygrad_generated = set()
        self.env.anygrad_generated.add(self.env.docname)

    def _parse(self, lines: list[str]) -> list[nodes.Node]:
        self._note_generated()
        src = self.get_source_info()[0] or "<anygrad_docs>"
        content = StringList()
        for i, line in enumerate(lines):
            content.append(line, src, i)
        node = nodes.section()
        node.document = self.state.document
        nested_parse_with_titles(self.state, content, node)
        return node.children


class OpsTable(_Generated):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(ROOT / "anygrad" / "ops" / "_registry.py"))
        return self._parse(ops_table_lines(_registry()))


def _auto_entry(qualname: str, obj: Any) -> list[str]:
    if inspect.isclass(obj):
        return [f".. autoclass:: {qualname}", "   :members:", ""]
    if not callable(obj) and not inspect.ismodule(obj):
        # Public constants and tables (``anygrad.pi``, ``BACKEND_MATRIX``): their name and
        # docstring comment, not their (possibly long) value.
        return [f".. autodata:: {qualname}", "   :no-value:", ""]
    if callable(obj):
        try:
            inspect.signature(obj)
        except (TypeError, ValueError):
            # Builtins such as a bound ContextVar.get have no signature autodoc can read.
            return [f".. autofunction:: {qualname}(*args, **kwargs)", ""]
        return [f".. autofunction:: {qualname}", ""]
    return []


# The sections of the operations reference, in the order PyTorch's reference uses, and the
# registry categories each one gathers. A category not listed goes to "Other operations".
OPS_SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("Indexing, slicing, joining and reshaping", ("shape", "indexing")),
    ("Pointwise operations", ("arithmetic", "exponential", "trigonometric", "rounding",
                              "complex", "special")),
    ("Activation functions", ("activation",)),
    ("Logical operations", ("logical",)),
    ("Reductions", ("reduction",)),
    ("Comparison, sorting and selection", ("comparison", "sorting", "selection")),
    ("Linear algebra", ("linalg",)),
    ("Conversion between dtypes and backends", ("conversion",)),
]


def ops_api_lines(registry: dict, ops_all: list[str], getobj: Any) -> list[str]:
    """reST for every public operation of ``anygrad.ops``, grouped into OPS_SECTIONS."""
    groups = _by_category(registry)
    placed: set[str] = set()
    sections: list[tuple[str, list[str]]] = []
    for title, categories in OPS_SECTIONS:
        names = sorted(s.name for c in categories for s in groups.get(c, ())
                       if "." not in s.name)
        placed.update(categories)
        sections.append((title, names))
    other = sorted(s.name for c, specs in groups.items() if c not in placed for s in specs
                   if "." not in s.name)
    other += [n for n in ops_all if n not in registry and callable(getobj(n))]
    sections.append(("Other operations", other))
    lines: list[str] = [".. currentmodule:: anygrad", ""]
    for title, names in sections:
        if not names:
            continue
        lines += [title, "-" * len(title), ""]
        for name in names:
            lines += _auto_entry(f"anygrad.{name}", getobj(name))
    return lines


class OpsApi(_Generated):
    has_content = False

    def run(self) -> list[nodes.Node]:
        import anygrad.ops as ops

        registry = _registry()

        def getobj(name: str) -> Any:
            return getattr(ops, name, None) or registry[name].fn

        return self._parse(ops_api_lines(registry, list(ops.__all__), getobj))


# -- the Tensor reference ------------------------------------------------------------------
# Every public member of Tensor is listed, from dir(Tensor) at build time: a new method
# appears without editing any page. Members are grouped as PyTorch's reference groups
# them; a member with no rule below lands in "Other" (and still gets an entry).
TENSOR_GROUPS: list[tuple[str, str]] = [
    ("attributes", "Attributes, size and memory layout"),
    ("autograd", "Autograd"),
    ("conversion", "Conversion, dtype, device and backend"),
    ("shape", "Shape, views, joining and splitting"),
    ("indexing", "Indexing, gathering and scattering"),
    ("pointwise", "Pointwise mathematics"),
    ("activation", "Activations and softmax"),
    ("logical", "Logical operations"),
    ("comparison", "Comparison"),
    ("sorting", "Sorting and selection"),
    ("reduction", "Reductions"),
    ("linalg", "Linear algebra"),
    ("inplace", "In-place operations"),
    ("other", "Other"),
]

# Registry category -> group, for methods that call a registered operation.
_CATEGORY_GROUP = {
    "arithmetic": "pointwise", "exponential": "pointwise", "trigonometric": "pointwise",
    "rounding": "pointwise", "complex": "pointwise", "special": "pointwise",
    "activation": "activation", "logical": "logical", "comparison": "comparison",
    "sorting": "sorting", "selection": "sorting", "reduction": "reduction",
    "linalg": "linalg", "shape": "shape", "indexing": "indexing", "conversion": "conversion",
}

# Members that call no registered operation (or belong elsewhere): their group.
_MEMBER_GROUP = {
    **dict.fromkeys(
        "shape ndim dtype device backend array xp T mT real imag is_cuda size dim ndimension "
        "numel nelement element_size is_complex is_floating_point is_contiguous is_view "
        "storage_offset stride".split(), "attributes"),
    **dict.fromkeys(
        "requires_grad grad grad_fn is_leaf output_nr data backward detach detach_ "
        "requires_grad_ register_hook retain_grad".split(), "autograd"),
    **dict.fromkeys(
        "to cpu cuda numpy tolist item float double half int long bool type type_as astype "
        "clone contiguous".split(), "conversion"),
    **dict.fromkeys(
        "view view_as reshape_as expand_as broadcast_to moveaxis swapaxes swapdims t repeat "
        "narrow select tensor_split".split(),
        "shape"),
    **dict.fromkeys("take masked_fill where".split(), "indexing"),
    **dict.fromkeys("max min logsumexp".split(), "reduction"),
    **dict.fromkeys("nextafter signbit".split(), "pointwise"),
    **dict.fromkeys("bmm mm mv".split(), "linalg"),
    "equal": "comparison",
}

# One line for members whose code has no docstring (yet) and that call no single public
# function. A docstring in the code always wins over these.
_MEMBER_TEXT = {
    "T": "The tensor with its dimensions reversed (the transpose of a matrix).",
    "mT": "The tensor with its last two dimensions swapped (a batch of transposed matrices).",
    "device": "The device the array lives on, as the backend names it.",
    "dtype": "The tensor's data type, one of anygrad's dtypes (``anygrad.float32``...), "
             "the same objects on every backend.",
    "shape": "The size of each dimension, as an :class:`anygrad.Size` (a tuple).",
    "ndim": "The number of dimensions.",
    "real": "The real part (differentiable); for a real tensor, the tensor itself.",
    "imag": "The imaginary part of a complex tensor (differentiable).",
    "is_cuda": "Whether the array is on a CUDA device.",
    "grad": "The accumulated gradient of a leaf tensor after ``backward()`` (``None`` "
            "before); writable.",
    "grad_fn": "The graph node that produced this tensor, or ``None`` for a leaf.",
    "is_leaf": "Whether the tensor was created by the user rather than by a recorded "
               "operation (tensors that do not require grad are leaves too).",
    "output_nr": "Which output of its ``grad_fn`` this tensor is.",
    "requires_grad": "Whether operations on this tensor are recorded for differentiation.",
    "bool": "The tensor converted to ``anygrad.bool``.",
    "float": "The tensor converted to ``anygrad.float32``.",
    "double": "The tensor converted to ``anygrad.float64``.",
    "half": "The tensor converted to ``anygrad.float16``.",
    "int": "The tensor converted to ``anygrad.int32``.",
    "long": "The tensor converted to ``anygrad.int64``.",
    "type": "The tensor converted to ``dtype`` (see :meth:`Tensor.to`).",
    "type_as": "The tensor converted to ``other``'s dtype.",
    "contiguous": "The tensor itself (arrays are laid out by their backend; kept for "
                  "PyTorch code).",
    "cpu": "The tensor itself: kept for PyTorch code. Use :meth:`Tensor.to` to move an "
           "array from a GPU backend to the host.",
    "cuda": "The tensor moved to a CUDA device (``cuda`` or ``cuda:<device>``), "
            "see :meth:`Tensor.to`.",
    "dim": "The number of dimensions (same as :attr:`Tensor.ndim`).",
    "ndimension": "The number of dimensions (same as :attr:`Tensor.ndim`).",
    "numel": "The number of elements.",
    "nelement": "The number of elements (same as :meth:`Tensor.numel`).",
    "element_size": "The size of one element in bytes.",
    "size": "The shape, or the size of dimension ``dim`` when it is given.",
    "is_complex": "Whether the dtype is complex.",
    "is_floating_point": "Whether the dtype is a real floating-point type.",
    "tolist": "The values as nested Python lists (copied to the host from any backend).",
    "t": "The transpose of a tensor of at most two dimensions.",
    "view": "The tensor with a new shape and the same elements (``-1`` infers one size).",
}

_DUNDERS = {
    "__getitem__": "``x[key]``: basic slicing, integers, ``None``/``...``, integer arrays "
                   "and boolean masks (see :func:`anygrad.getitem`); differentiable.",
    "__setitem__": "``x[key] = value``: writes ``value`` into the selected elements (see "
                   ":func:`anygrad.setitem`).",
    "__array_namespace__": "anygrad's differentiable Array API namespace for this tensor's "
                           "backend (what array-API-generic libraries call).",
    "__dlpack__": "Export the array through DLPack (for ``from_dlpack`` in other "
                  "libraries).",
    "__dlpack_device__": "The DLPack device type and id of the array.",
    "__array__": "A NumPy array of the values, for ``numpy.asarray(x)``.",
}

_OPERATORS = [
    ("``x + y``, ``x - y``, ``x * y``, ``x / y``",
     ":func:`~anygrad.add`, :func:`~anygrad.subtract`, :func:`~anygrad.multiply`, "
     ":func:`~anygrad.divide`"),
    ("``x // y``, ``x % y``, ``x ** y``, ``x @ y``",
     ":func:`~anygrad.floor_divide`, :func:`~anygrad.remainder`, :func:`~anygrad.pow`, "
     ":func:`~anygrad.matmul`"),
    ("``-x``, ``+x``, ``abs(x)``",
     ":func:`~anygrad.negative`, :func:`~anygrad.positive`, :func:`~anygrad.abs`"),
    ("``x == y``, ``x != y``, ``x < y``, ``x <= y``, ``x > y``, ``x >= y``",
     "the comparisons (:func:`~anygrad.equal`...); not differentiable"),
    ("``~x``, ``x & y``, ``x | y``, ``x ^ y``, ``x << y``, ``x >> y``",
     "the bitwise operations (:func:`~anygrad.bitwise_and`...)"),
    ("``x += y`` and the other augmented assignments", "the in-place forms below"),
    ("``x[key]``, ``x[key] = value``",
     "indexing: basic, integer-array and boolean indexing (:func:`~anygrad.getitem`, "
     ":func:`~anygrad.setitem`)"),
    ("``float(x)``, ``int(x)``, ``bool(x)``, ``complex(x)``, ``operator.index(x)``",
     "the value of a one-element tensor"),
    ("``len(x)``, ``iter(x)``", "the first dimension"),
    ("``np.asarray(x)``", "``__array__``: a NumPy array (see :meth:`Tensor.numpy`)"),
    ("``x.__array_namespace__()``",
     "anygrad's differentiable Array API namespace for the tensor's backend"),
    ("``x.__dlpack__()``, ``x.__dlpack_device__()``",
     "DLPack export of the array, for ``from_dlpack`` in other libraries"),
]


def _called_function(member: Any) -> str | None:
    """The public anygrad function a Tensor method delegates to (``_ag.<name>(``)."""
    try:
        src = inspect.getsource(member)
    except (OSError, TypeError):
        return None
    m = re.search(r"_ag\.((?:[a-z_0-9]+\.)*[a-z_0-9]+)\(", src)
    return m.group(1) if m else None


def _signature(member: Any) -> str:
    try:
        sig = inspect.signature(member)
    except (TypeError, ValueError):
        return "(*args, **kwargs)"
    params = [p.replace(annotation=inspect.Parameter.empty)
              for name, p in sig.parameters.items() if name != "self"]
    return str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))


def tensor_members() -> dict[str, list[tuple[str, Any, str | None]]]:
    """Public Tensor members by group: ``(name, static attribute, delegate function)``."""
    from anygrad import Tensor
    from anygrad.ops import ALIASES, REGISTRY

    groups: dict[str, list] = {key: [] for key, _ in TENSOR_GROUPS}
    for name in sorted(n for n in dir(Tensor) if not n.startswith("_")):
        attr = inspect.getattr_static(Tensor, name)
        fn = None if isinstance(attr, property) else _called_function(attr)
        if name in _MEMBER_GROUP:
            key = _MEMBER_GROUP[name]
        elif name.endswith("_"):
            key = "inplace"
        else:
            spec = REGISTRY.get(fn or "") or REGISTRY.get(ALIASES.get(fn or "", ""))
            key = _CATEGORY_GROUP.get(spec.category, "other") if spec else "other"
        groups[key].append((name, attr, fn))
    return groups


def _first_line(doc: str | None) -> str:
    return inspect.cleandoc(doc or "").split("\n\n")[0].replace("\n", " ").strip()


def _member_text(name: str, fn: str | None) -> str:
    if name in _MEMBER_TEXT:
        return _MEMBER_TEXT[name]
    if fn is None:
        return "See the PyTorch method of the same name."
    target = f":func:`anygrad.{fn}`"
    if name.endswith("_"):
        from anygrad import Tensor

        base = name[:-1]
        also = f" (:meth:`Tensor.{base}`)" if hasattr(Tensor, base) else ""
        return (f"In-place form of {target}{also}: writes the result into this tensor and "
                "returns it.")
    import anygrad

    summary = _first_line(getattr(getattr(anygrad, fn.split(".")[0], None), "__doc__", None)
                          if "." not in fn else None)
    lead = f"{target} with this tensor as the first argument"
    return f"{lead}: {summary}" if summary else lead + "."


def tensor_api_lines() -> list[str]:
    """reST for every public Tensor member, grouped; also used by the tests."""
    from anygrad import Tensor

    lines = [".. currentmodule:: anygrad", ""]
    groups = tensor_members()
    # An index first: every member by group, on one screen, each linking to its entry.
    lines += [".. rubric:: All members, by group", ""]
    for key, title in TENSOR_GROUPS:
        if groups[key]:
            refs = ", ".join(
                f":attr:`~Tensor.{n}`" if isinstance(a, property) or not inspect.isroutine(a)
                else f":meth:`~Tensor.{n}`" for n, a, _ in groups[key])
            lines += [f"**{title}**: {refs}", ""]
    for key, title in TENSOR_GROUPS:
        members = groups[key]
        if not members:
            continue
        lines += [title, "-" * len(title), ""]
        if key == "inplace":
            lines += [
                "A method whose name ends in ``_`` changes the tensor in place and returns "
                "it; the version without ``_`` returns a new tensor.", "",
            ]
        for name, attr, fn in members:
            has_doc = bool(inspect.cleandoc(getattr(attr, "__doc__", None) or ""))
            if isinstance(attr, property):
                if has_doc and name not in _MEMBER_TEXT:
                    lines += [f".. autoproperty:: Tensor.{name}", ""]
                else:
                    lines += [f".. py:property:: Tensor.{name}", "",
                              f"   {_member_text(name, None)}", ""]
            elif not callable(attr) or not inspect.isroutine(attr):
                lines += [f".. py:attribute:: Tensor.{name}", "",
                          f"   {_member_text(name, None)}", ""]
            elif has_doc:
                lines += [f".. automethod:: Tensor.{name}", ""]
            else:
                lines += [f".. py:method:: Tensor.{name}{_signature(attr)}", "",
                          f"   {_member_text(name, fn)}", ""]
    lines += ["Operators and protocols", "-" * 23, ""]
    for name, text in _DUNDERS.items():
        if hasattr(Tensor, name):
            attr = inspect.getattr_static(Tensor, name)
            lines += [f".. py:method:: Tensor.{name}{_signature(attr)}", "", f"   {text}", ""]
    lines += [
              "Operators call the functions listed; every one of them is differentiable "
              "where the function is.", "",
              ".. list-table::", "   :header-rows: 1", "", "   * - expression",
              "     - meaning"]
    for expr, meaning in _OPERATORS:
        lines += [f"   * - {expr}", f"     - {meaning}"]
    lines.append("")
    return lines


class TensorApi(_Generated):
    has_content = False

    def run(self) -> list[nodes.Node]:
        return self._parse(tensor_api_lines())


class ModuleApi(_Generated):
    """``.. anygrad-api:: module`` with options ``:prefix:`` (documented name prefix,
    default the module), ``:from:`` (only objects defined in these modules, comma
    separated), ``:exclude:`` (names) and ``:names:`` (explicit list instead of __all__)."""

    required_arguments = 1
    has_content = True
    option_spec = {
        "prefix": directives.unchanged,
        "from": directives.unchanged,
        "exclude": directives.unchanged,
        "names": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        modname = self.arguments[0]
        try:
            module = importlib.import_module(modname)
        except ImportError as exc:
            para = nodes.paragraph(
                text=f"{modname} is not part of this build ({exc}); this page is filled "
                "in automatically once it lands."
            )
            return [nodes.note("", para)]
        prefix = self.options.get("prefix", modname)
        if "names" in self.options:
            names = self.options["names"].split()
        else:
            names = list(getattr(module, "__all__", []))
        sources = [s.strip() for s in self.options.get("from", "").split(",") if s.strip()]
        exclude = set(self.options.get("exclude", "").split())
        lines: list[str] = list(self.content) + [""] if self.content else []
        for name in names:
            if name in exclude:
                continue
            obj = getattr(module, name, None)
            if obj is None or inspect.ismodule(obj):
                continue
            if sources:
                where = getattr(obj, "__module__", "") or ""
                if not any(where == s or where.startswith(s + ".") for s in sources):
                    continue
            lines += _auto_entry(f"{prefix}.{name}", obj)
        if not any(line.startswith(".. auto") for line in lines):
            return [nodes.note("", nodes.paragraph(text=f"{modname} exports nothing yet."))]
        return self._parse(lines)


class IncludeIfExists(_Generated):
    """Options: ``:pyobject: Name`` shows one top-level class or function of a Python
    file as code (``:language:`` sets the highlighting); otherwise the file is Markdown,
    and ``:skip-title:`` drops its first ``#`` heading (the page has its own)."""

    required_arguments = 1
    has_content = True
    option_spec = {"pyobject": directives.unchanged, "language": directives.unchanged,
                   "skip-title": directives.flag}

    def run(self) -> list[nodes.Node]:
        self._note_generated()  # the file may appear later
        path = ROOT / self.arguments[0]
        if not path.is_file():
            node = nodes.section()
            node.document = self.state.document
            self.state.nested_parse(self.content, self.content_offset, node)
            return node.children
        self.env.note_dependency(str(path))
        text = path.read_text(encoding="utf-8")
        if "pyobject" in self.options or "language" in self.options:
            if "pyobject" in self.options:
                try:
                    text = _pyobject_source(text, self.options["pyobject"], path)
                except ValueError as exc:
                    return [self.state.document.reporter.warning(str(exc), line=self.lineno)]
            block = nodes.literal_block(text, text)
            block["language"] = self.options.get("language", "python")
            return [block]
        if "skip-title" in self.options:  # the page has its own title
            lines = text.splitlines()
            first = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
            if first is not None:
                text = "\n".join(lines[:first] + lines[first + 1:])
            return self._parse_markdown(text, str(path), demote=False)
        return self._parse_markdown(text, str(path))

    def _parse_markdown(self, text: str, source: str, demote: bool = True) -> list[nodes.Node]:
        # Used from a MyST page, whose nested_parse reads Markdown. Headings are demoted
        # one level so the included file's title does not compete with the page's.
        # Links relative to the included file mean nothing on the site (and would be
        # unresolved references under -W): keep their text and show the path as code.
        text = _LOCAL_IMAGE.sub(r"\1", text)
        text = _ANCHOR_LINK.sub(r"\1", text)
        text = _LOCAL_LINK.sub(r"\1 (`\2`)", text)
        lines = [("#" + line) if demote and line.startswith("#") else line
                 for line in text.splitlines()]
        node = nodes.section()
        node.document = self.state.document
        self.state.nested_parse(StringList(lines, source), 0, node, match_titles=True)
        return node.children


_LOCAL_IMAGE = re.compile(r"!\[([^\]]*)\]\((?![a-z]+://)[^)]*\)")
_ANCHOR_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(#[^)]*\)")
_LOCAL_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?![a-z]+://|mailto:)([^)\s]+)\)")


def _pyobject_source(text: str, name: str, path: Path) -> str:
    import ast

    for node in ast.parse(text).body:
        if getattr(node, "name", None) == name:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            return "\n".join(text.splitlines()[first - 1 : node.end_lineno])
    raise ValueError(f"anygrad-include-if-exists: no top-level {name!r} in {path}")


def _outdated(app: Any, env: Any, added: set, changed: set, removed: set) -> list[str]:
    return sorted(getattr(env, "anygrad_generated", set()) - removed)


def _purge(app: Any, env: Any, docname: str) -> None:
    getattr(env, "anygrad_generated", set()).discard(docname)


def _merge(app: Any, env: Any, docnames: set, other: Any) -> None:
    mine = getattr(env, "anygrad_generated", set())
    env.anygrad_generated = mine | (getattr(other, "anygrad_generated", set()) & set(docnames))


def dtype_lines() -> list[str]:
    """``py:data`` entries for the dtypes ``anygrad`` exports, aliases named together."""
    import anygrad

    canonical: dict[Any, str] = {}
    aliases: dict[str, list[str]] = {}
    for name in anygrad.__all__:
        obj = getattr(anygrad, name, None)
        if not isinstance(obj, anygrad.dtype):
            continue
        first = canonical.setdefault(obj, name)
        aliases.setdefault(first, [])
        if first != name:
            aliases[first].append(name)
    lines: list[str] = []
    for obj, name in canonical.items():
        lines += [f".. py:data:: {name}", ""]
        text = f"The ``{obj.name if hasattr(obj, 'name') else name}`` data type."
        lines += [f"   {text}", ""]
        for alias in aliases[name]:
            lines += [f".. py:data:: {alias}", "", f"   The same object as :data:`{name}`.", ""]
    return lines


class Dtypes(_Generated):
    has_content = False

    def run(self) -> list[nodes.Node]:
        return self._parse(dtype_lines())


# -- cross-references ----------------------------------------------------------------------
_PUBLIC_MODULES = (
    "anygrad", "anygrad.autograd", "anygrad.autograd.functional", "anygrad.nn",
    "anygrad.nn.functional", "anygrad.nn.init", "anygrad.nn.utils", "anygrad.nn.parallel",
    "anygrad.optim", "anygrad.optim.lr_scheduler", "anygrad.data", "anygrad.data.datasets",
    "anygrad.data.transforms", "anygrad.distributed", "anygrad.testing",
)


def _is_public_class(cls: Any) -> bool:
    if cls is object or cls.__name__.startswith("_"):
        return cls is object
    for modname in _PUBLIC_MODULES:
        module = importlib.import_module(modname)
        if getattr(module, cls.__name__, None) is cls and cls.__name__ in getattr(
                module, "__all__", ()):
            return True
    return False


def _public_bases(cls: Any) -> list[Any]:
    out: list[Any] = []
    for base in getattr(cls, "__bases__", ()):
        if not inspect.isclass(base):  # typing.Generic[T_co] and the like
            continue
        for b in ([base] if _is_public_class(base) else _public_bases(base)):
            if b not in out:
                out.append(b)
    return out


def _process_bases(app: Any, name: str, obj: Any, options: Any, bases: list) -> None:
    """Show only documented base classes: a private or internal base (``_Loss``,
    ``TensorMethods``) is replaced by its own public bases, so ``Bases:`` links resolve."""
    if not inspect.isclass(obj):
        return
    bases[:] = _public_bases(obj) or [object]


def _missing_reference(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a docstring's short name (``:func:`parse_idx```, ``:meth:`step```) to the
    documented object that ends with it, preferring the one nearest the referring object
    (same class, then same module). Unresolvable names still warn under ``-n``."""
    if node.get("refdomain") != "py" or "." in node.get("reftarget", "").lstrip("~."):
        return None
    target = node["reftarget"].lstrip("~.")
    domain = env.get_domain("py")
    candidates = [n for n in domain.objects if n.endswith("." + target)]
    if not candidates:
        return None
    context = ".".join(p for p in (node.get("py:module"), node.get("py:class")) if p)

    def closeness(name: str) -> int:
        common = 0
        for a, b in zip(name.split("."), context.split(".")):
            if a != b:
                break
            common += 1
        return common

    best = sorted(candidates, key=lambda n: (-closeness(n), len(n)))
    if len(best) > 1 and closeness(best[0]) == closeness(best[1]) and closeness(best[0]) < 2:
        return None  # ambiguous: let -n report it
    from sphinx.util.nodes import make_refnode

    obj = domain.objects[best[0]]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode,
                        best[0])


def setup(app: Any) -> dict:
    app.connect("autodoc-process-bases", _process_bases)
    app.connect("missing-reference", _missing_reference)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.add_directive("anygrad-ops-table", OpsTable)
    app.add_directive("anygrad-ops-api", OpsApi)
    app.add_directive("anygrad-api", ModuleApi)
    app.add_directive("anygrad-tensor-api", TensorApi)
    app.add_directive("anygrad-dtypes", Dtypes)
    app.add_directive("anygrad-include-if-exists", IncludeIfExists)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
