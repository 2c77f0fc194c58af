"""Draw an autograd graph, as torchviz's ``make_dot`` does.

``make_dot(loss, params=dict(model.named_parameters()))`` returns a ``graphviz.Digraph``
when the ``graphviz`` Python package is installed, and otherwise this module's small
:class:`Digraph`, which has the same ``.source`` (Graphviz DOT text), ``.render()`` and
``.pipe()``. Rendering to SVG, PNG or PDF needs Graphviz's ``dot`` program in both cases;
the DOT text needs nothing.

What is drawn, as torchviz: one box per graph node (its ``name()``, e.g.
``AddmmBackward0``), light blue boxes for the leaves reached through ``AccumulateGrad``
nodes (the parameter's name from ``params`` and its shape), green boxes for the outputs, and
an edge from each node of ``next_functions`` to the node that uses it. With
``show_saved=True`` the arrays a node saved for backward hang off it in orange, and with
``show_attrs=True`` its attributes are listed under its name.

Examples
--------
>>> import anygrad
>>> from anygrad.utils.viz import make_dot
>>> w = anygrad.ones(3, requires_grad=True)
>>> dot = make_dot((w * 2).sum(), params={"w": w})
>>> print(dot.source, end="")  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
digraph {
    graph [size="12,12"]
    node [align=left fontname=monospace ... style=filled]
    ... [label="()" fillcolor=darkolivegreen1]
    ... [label=SumBackward0]
    ... -> ...
    ... [label=MulBackward0]
    ... -> ...
    ... [label="w\\n (3)" fillcolor=lightblue]
    ... -> ...
    ... [label=AccumulateGrad]
    ... -> ...
}
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from typing import Any, Iterable, Mapping, Union

from anygrad.autograd.function import FREED
from anygrad.tensor import Tensor

__all__ = ["make_dot", "Digraph", "ExecutableNotFound"]

_NODE_ATTR = dict(style="filled", shape="box", align="left", fontsize="10", ranksep="0.1",
                  height="0.2", fontname="monospace")
_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


class ExecutableNotFound(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on ``PATH``)."""


def _quote(text: str) -> str:
    """A DOT ID, quoted as the ``graphviz`` package quotes it (backslash escapes kept)."""
    if _ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + re.sub(r'(?<!\\)"', r'\\"', text) + '"'


def _attr_list(label: str | None = None, attrs: Mapping[str, Any] | None = None) -> str:
    items = [] if label is None else [f"label={_quote(label)}"]
    items += [f"{_quote(k)}={_quote(str(v))}" for k, v in sorted((attrs or {}).items())
              if v is not None]
    return f" [{' '.join(items)}]" if items else ""


class Digraph:
    """A directed graph that writes Graphviz DOT text: the part of ``graphviz.Digraph``
    that :func:`make_dot` uses, for when the ``graphviz`` package is not installed.

    Parameters
    ----------
    name : str, optional
        The graph's name (also the default file name of :meth:`render`).
    graph_attr, node_attr : dict, optional
        Attributes of the graph and defaults for every node.
    format : str
        The output format of :meth:`render` and :meth:`pipe` (``"pdf"``, ``"svg"``...).

    Examples
    --------
    >>> from anygrad.utils.viz import Digraph
    >>> g = Digraph(node_attr={"shape": "box"})
    >>> g.node("a", "first")
    >>> g.edge("a", "b")
    >>> print(g.source, end="")  # doctest: +NORMALIZE_WHITESPACE
    digraph {
        node [shape=box]
        a [label=first]
        a -> b
    }
    """

    def __init__(self, name: str | None = None, graph_attr: Mapping[str, Any] | None = None,
                 node_attr: Mapping[str, Any] | None = None, format: str = "pdf") -> None:
        self.name = name
        self.graph_attr = dict(graph_attr or {})
        self.node_attr = dict(node_attr or {})
        self.format = format
        self.body: list[str] = []

    def node(self, name: str, label: str | None = None, **attrs: Any) -> None:
        """Add a node (``label`` may use DOT's ``\\n`` for a line break)."""
        self.body.append(f"\t{_quote(name)}{_attr_list(label, attrs)}\n")

    def edge(self, tail_name: str, head_name: str, **attrs: Any) -> None:
        """Add an edge from ``tail_name`` to ``head_name``."""
        self.body.append(f"\t{_quote(tail_name)} -> {_quote(head_name)}{_attr_list(None, attrs)}\n")

    @property
    def source(self) -> str:
        """The graph as DOT text."""
        head = "digraph {\n" if self.name is None else f"digraph {_quote(self.name)} {{\n"
        lines = [head]
        for kind, attrs in (("graph", self.graph_attr), ("node", self.node_attr)):
            if attrs:
                lines.append(f"\t{kind}{_attr_list(None, attrs)}\n")
        return "".join(lines + self.body + ["}\n"])

    def __str__(self) -> str:
        return self.source

    def save(self, filename: str | None = None, directory: str | None = None) -> str:
        """Write the DOT text to a file (default ``<name>.gv``); return its path."""
        path = os.path.join(directory or "", filename or f"{self.name or 'Digraph'}.gv")
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def pipe(self, format: str | None = None) -> bytes:
        """The graph rendered by Graphviz's ``dot``, as bytes (e.g. ``format="svg"``).

        Raises
        ------
        ExecutableNotFound
            When Graphviz's ``dot`` program is not installed.
        """
        proc = subprocess.run([_dot(), f"-T{format or self.format}"],
                              input=self.source.encode(), capture_output=True, check=True)
        return proc.stdout

    def render(self, filename: str | None = None, directory: str | None = None,
               cleanup: bool = False, format: str | None = None) -> str:
        """Save the DOT text and render it with Graphviz's ``dot``; return the output path
        (the DOT file's path plus ``.<format>``, as ``graphviz.Digraph.render``).

        Raises
        ------
        ExecutableNotFound
            When Graphviz's ``dot`` program is not installed (nothing is written then).
        """
        dot, fmt = _dot(), format or self.format
        path = self.save(filename, directory)
        out = f"{path}.{fmt}"
        subprocess.run([dot, f"-T{fmt}", "-o", out, path], capture_output=True, check=True)
        if cleanup:
            os.remove(path)
        return out


def _dot() -> str:
    found = shutil.which("dot")
    if found is None:
        raise ExecutableNotFound(
            "rendering a graph needs Graphviz's 'dot' program, which is not on PATH: install "
            "Graphviz (https://graphviz.org/download/, e.g. apt install graphviz or brew "
            "install graphviz); the DOT text itself is in .source"
        )
    return found


def _new_digraph(**kwargs: Any) -> Any:
    try:
        import graphviz
    except ImportError:
        return Digraph(**kwargs)
    return graphviz.Digraph(**kwargs)


def _escape(text: str) -> str:
    # Backslashes and quotes in names and values are text, not DOT syntax; line breaks
    # become DOT's.
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _size(shape: Iterable[int]) -> str:
    return "(" + ", ".join(str(int(d)) for d in shape) + ")"


def _saved_of(fn: Any) -> tuple:
    saved = getattr(fn, "_saved", None)
    return saved if isinstance(saved, tuple) and saved is not FREED else ()


def _fn_label(fn: Any, show_attrs: bool, max_attr_chars: int) -> str:
    name = fn.name()
    if not show_attrs:
        return name
    attrs = {k: str(v) for k, v in getattr(fn, "__dict__", {}).items() if not k.startswith("_")}
    for i, value in enumerate(_saved_of(fn)):
        attrs[f"saved[{i}]"] = "[saved tensor]" if hasattr(value, "shape") else str(value)
    if not attrs:
        return name
    max_attr_chars = max(max_attr_chars, 3)
    col1 = max(len(k) for k in attrs)
    col2 = min(max(len(v) for v in attrs.values()), max_attr_chars)
    sep = "-" * max(col1 + col2 + 2, len(name))

    def truncate(s: str) -> str:
        return s[:col2 - 3] + "..." if len(s) > col2 else s

    rows = [f"{k:<{col1}}: {truncate(v):>{col2}}" for k, v in attrs.items()]
    return "\\n".join([_escape(name), sep] + [_escape(r) for r in rows])


def make_dot(var: Union[Tensor, Iterable[Tensor]],
             params: Union[Mapping[str, Tensor], Iterable[tuple[str, Tensor]], None] = None,
             show_attrs: bool = False, show_saved: bool = False,
             max_attr_chars: int = 50) -> Any:
    """The autograd graph that produced ``var``, as a Graphviz digraph (torchviz's
    ``make_dot``).

    Parameters
    ----------
    var : Tensor or tuple of Tensor
        The output(s) whose graph is drawn (e.g. a loss).
    params : dict of str to Tensor, optional
        Names for the leaves, typically ``dict(model.named_parameters())``.
    show_attrs : bool
        List each node's attributes (and what it saved) under its name.
    show_saved : bool
        Draw the arrays each node saved for backward (none once ``backward`` freed them).
    max_attr_chars : int
        Longest attribute value shown with ``show_attrs``; longer ones end in ``...``.

    Returns
    -------
    graphviz.Digraph or Digraph
        ``.source`` is the DOT text; ``.render(format="svg")`` draws it with Graphviz.

    Raises
    ------
    TypeError
        When ``var`` or a value of ``params`` is not a Tensor.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn as nn
    >>> from anygrad.utils.viz import make_dot
    >>> model = nn.Linear(3, 1)
    >>> dot = make_dot(model(anygrad.ones(2, 3)).sum(), params=dict(model.named_parameters()))
    >>> "AddmmBackward0" in dot.source and "weight\\\\n (1, 3)" in dot.source
    True
    """
    param_map: dict[int, str] = {}
    for name, p in dict(params or {}).items():
        if not isinstance(p, Tensor):
            raise TypeError(f"make_dot: params[{name!r}] is a {type(p).__name__}, not a Tensor")
        param_map[id(p)] = name
    outputs = tuple(var) if isinstance(var, (tuple, list)) else (var,)
    for v in outputs:
        if not isinstance(v, Tensor):
            raise TypeError(f"make_dot: expected a Tensor or a tuple of Tensors, got {type(v)}")

    dot = _new_digraph(node_attr=dict(_NODE_ATTR), graph_attr=dict(size="12,12"))
    seen: set[int] = set()

    def var_label(t: Any, name: str | None = None) -> str:
        name = param_map.get(id(t), "") if name is None else name
        size = _size(t.shape)
        return f"{_escape(name)}\\n {size}" if name else size

    def add_nodes(root: Any) -> None:
        # An explicit stack rather than recursion: unrolled graphs can be thousands deep.
        stack = [root]
        while stack:
            fn = stack.pop()
            if id(fn) in seen:
                continue
            seen.add(id(fn))
            if show_saved:
                for i, value in enumerate(_saved_of(fn)):
                    if not hasattr(value, "shape"):
                        continue
                    dot.edge(str(id(fn)), str(id(value)), dir="none")
                    if id(value) not in seen:
                        seen.add(id(value))
                        dot.node(str(id(value)), var_label(value, f"saved[{i}]"),
                                 fillcolor="orange")
            leaf = getattr(fn, "variable", None)
            if leaf is not None:
                if id(leaf) not in seen:
                    seen.add(id(leaf))
                    dot.node(str(id(leaf)), var_label(leaf), fillcolor="lightblue")
                dot.edge(str(id(leaf)), str(id(fn)))
            dot.node(str(id(fn)), _fn_label(fn, show_attrs, max_attr_chars))
            for child, _ in reversed(getattr(fn, "next_functions", ())):
                if child is not None:
                    stack.append(child)
            for child, _ in getattr(fn, "next_functions", ()):
                if child is not None:
                    dot.edge(str(id(child)), str(id(fn)))

    def add_base_tensor(t: Tensor, color: str = "darkolivegreen1") -> None:
        if id(t) in seen:
            return
        seen.add(id(t))
        dot.node(str(id(t)), var_label(t), fillcolor=color)
        if t.grad_fn is not None:
            add_nodes(t.grad_fn)
            dot.edge(str(id(t.grad_fn)), str(id(t)))
        base = getattr(t, "_base", None)
        if base is not None:
            add_base_tensor(base, color="darkolivegreen3")
            dot.edge(str(id(base)), str(id(t)), style="dotted")

    for v in outputs:
        add_base_tensor(v)
    # As torchviz: a larger canvas for larger graphs.
    size = max(12, len(dot.body) * 0.15)
    dot.graph_attr.update(size=f"{size},{size}")
    return dot
