"""anygrad.utils.viz.make_dot: the DOT text of a graph has every node once and its edges.

The expectations are computed from the graph itself (a walk over ``next_functions``), then
compared with what the DOT text declares: node ids, labels, colours and edges.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter

import numpy as np
import pytest

import anygrad
import anygrad.nn as nn
import anygrad.nn.functional as F
from anygrad.utils import viz
from anygrad.utils.viz import make_dot

_VALUE = r'("(?:[^"\\]|\\.)*"|[^\s\]]+)'
NODE = re.compile(rf"^\t(\d+) \[label={_VALUE}(.*)\]$")
EDGE = re.compile(r"^\t(\d+) -> (\d+)(?: \[(.*)\])?$")


def _unquote(v: str) -> str:
    return v[1:-1] if v.startswith('"') else v


def parse(source: str):
    """(nodes: id -> (label, attributes), edges: Counter of (tail, head, attributes))."""
    nodes: dict[int, tuple[str, str]] = {}
    edges: Counter = Counter()
    lines = source.splitlines()
    assert lines[0] == "digraph {" and lines[-1] == "}", source
    for line in lines[1:-1]:
        if m := NODE.match(line):
            key = int(m.group(1))
            assert key not in nodes, f"node {key} declared twice:\n{source}"
            nodes[key] = (_unquote(m.group(2)), m.group(3).strip())
        elif m := EDGE.match(line):
            edges[(int(m.group(1)), int(m.group(2)), m.group(3) or "")] += 1
        else:
            assert re.match(r"^\t(graph|node) \[", line), f"unexpected line {line!r}"
    return nodes, edges


def expected_graph(outputs, names):
    """What make_dot must draw, from a walk over next_functions."""
    nodes: dict[int, tuple[str, str]] = {}
    edges: Counter = Counter()
    stack = []
    for out in outputs:
        nodes[id(out)] = (f"({', '.join(map(str, out.shape))})", "fillcolor=darkolivegreen1")
        edges[(id(out.grad_fn), id(out), "")] += 1
        stack.append(out.grad_fn)
    while stack:
        fn = stack.pop()
        if id(fn) in nodes:
            continue
        nodes[id(fn)] = (fn.name(), "")
        if fn.name() == "AccumulateGrad":
            leaf = fn.variable
            label = f"{names[id(leaf)]}\\n ({', '.join(map(str, leaf.shape))})"
            nodes[id(leaf)] = (label, "fillcolor=lightblue")
            edges[(id(leaf), id(fn), "")] += 1
        for child, _ in fn.next_functions:
            if child is not None:
                edges[(id(child), id(fn), "")] += 1
                stack.append(child)
    return nodes, edges


def mlp_loss():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x, y = anygrad.randn(5, 3), anygrad.randn(5, 1)
    return model, F.mse_loss(model(x), y)


def test_mlp_loss_graph_matches_next_functions(backend):
    model, loss = mlp_loss()
    params = dict(model.named_parameters())
    dot = make_dot(loss, params=params)
    nodes, edges = parse(dot.source)
    want_nodes, want_edges = expected_graph([loss], {id(p): n for n, p in params.items()})
    assert nodes == want_nodes
    assert edges == want_edges
    names = Counter(label for label, _ in nodes.values())
    assert names["MseLossBackward0"] == 1 and names["AccumulateGrad"] == 4
    assert names["0.weight\\n (4, 3)"] == names["2.bias\\n (1)"] == 1


def test_a_node_used_twice_appears_once_with_both_edges(backend):
    w = anygrad.ones(3, requires_grad=True)
    h = w.exp()
    out = (h * h).sum()
    nodes, edges = parse(make_dot(out, params={"w": w}).source)
    assert list(label for label, _ in nodes.values()).count("ExpBackward0") == 1
    mul = out.grad_fn.next_functions[0][0]
    assert edges[(id(h.grad_fn), id(mul), "")] == 2  # h enters the product twice


def test_unnamed_leaves_show_their_shape(backend):
    w = anygrad.ones(2, 3, requires_grad=True)
    nodes, _ = parse(make_dot(w.sum()).source)
    assert nodes[id(w)] == ("(2, 3)", "fillcolor=lightblue")


def test_several_outputs_and_a_view(backend):
    w = anygrad.ones(2, 3, requires_grad=True)
    a, b = (w * 2).sum(), (w + 1).sum()
    nodes, edges = parse(make_dot((a, b)).source)
    assert nodes[id(a)][1] == nodes[id(b)][1] == "fillcolor=darkolivegreen1"
    assert nodes[id(w)][1] == "fillcolor=lightblue"  # shared leaf, declared once
    h = w * 2
    v = h.view(6)
    nodes, edges = parse(make_dot(v).source)
    assert nodes[id(h)] == ("(2, 3)", "fillcolor=darkolivegreen3")
    assert edges[(id(h), id(v), "style=dotted")] == 1


def test_show_saved_draws_each_saved_array_once(backend):
    _, loss = mlp_loss()
    nodes, edges = parse(make_dot(loss, show_saved=True).source)
    saved_ids = {}
    stack, seen = [loss.grad_fn], set()
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        for i, s in enumerate(getattr(fn, "_saved", None) or ()):
            if hasattr(s, "shape"):
                saved_ids.setdefault(id(s), (fn, i, s))
                assert edges[(id(fn), id(s), "dir=none")] == 1
        stack += [c for c, _ in fn.next_functions]
    assert saved_ids, "the MLP's nodes save arrays"
    orange = {k for k, (_, attrs) in nodes.items() if attrs == "fillcolor=orange"}
    assert orange == set(saved_ids)
    for key, (fn, i, s) in saved_ids.items():
        assert nodes[key][0].endswith(f"\\n ({', '.join(map(str, s.shape))})")
    # After backward the saved arrays are freed: nothing to draw, and no error.
    loss.backward()
    nodes, _ = parse(make_dot(loss, show_saved=True).source)
    assert not any(attrs == "fillcolor=orange" for _, attrs in nodes.values())


def test_show_attrs_lists_attributes_and_truncates(backend):
    x = anygrad.ones(5, 3, requires_grad=True)
    y = x.sum(1, keepdim=True)
    label = parse(make_dot(y, show_attrs=True).source)[0][id(y.grad_fn)][0]
    rows = label.split("\\n")
    assert rows[0] == "SumBackward1" and set(rows[1]) == {"-"}  # PyTorch: sum over dims
    assert any(re.fullmatch(r"keepdims: +True", r) for r in rows), rows
    short = parse(make_dot(y, show_attrs=True, max_attr_chars=4).source)[0][id(y.grad_fn)][0]
    assert short.split("\\n")[2:] == ["shape   : (...", "axes    : (1,)", "keepdims: True"]
    plain = parse(make_dot(y).source)[0][id(y.grad_fn)][0]
    assert plain == "SumBackward1"


def test_names_are_escaped():
    w = anygrad.ones(1, requires_grad=True)
    source = make_dot(w.sum(), params={'a"b\\c': w}).source
    assert '[label="a\\"b\\\\c\\n (1)" fillcolor=lightblue]' in source


def test_bad_arguments():
    with pytest.raises(TypeError, match="not a Tensor"):
        make_dot(anygrad.ones(1), params={"w": np.ones(1)})
    with pytest.raises(TypeError, match="Tensor or a tuple"):
        make_dot(np.ones(1))


def test_builtin_digraph_source_and_render_without_dot(tmp_path, monkeypatch):
    g = viz.Digraph(graph_attr={"size": "12,12"}, node_attr={"shape": "box"})
    g.node("1", "a b", fillcolor="orange")
    g.edge("1", "2", dir="none")
    assert g.source == ('digraph {\n\tgraph [size="12,12"]\n\tnode [shape=box]\n'
                        '\t1 [label="a b" fillcolor=orange]\n\t1 -> 2 [dir=none]\n}\n')
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(viz.ExecutableNotFound, match="Graphviz"):
        g.render(str(tmp_path / "g"), format="svg")
    with pytest.raises(RuntimeError, match="Graphviz's 'dot'"):
        g.pipe("svg")
    assert list(tmp_path.iterdir()) == [], "nothing is written when dot is missing"


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for dot")
def test_builtin_digraph_render_calls_dot(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dot"
    # Writes "<format> <source text>" to the -o file, as a check of the command line.
    fake.write_text('#!/bin/sh\nfmt=${1#-T}; out=$3; { echo "$fmt"; cat "$4"; } > "$out"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    g = viz.Digraph()
    g.edge("a", "b")
    out = g.render("graph.gv", directory=str(tmp_path / "out"), format="svg", cleanup=True)
    assert out == str(tmp_path / "out" / "graph.gv.svg")
    assert open(out).read() == "svg\n" + g.source
    assert not (tmp_path / "out" / "graph.gv").exists()


def test_make_dot_uses_graphviz_when_installed():
    graphviz = pytest.importorskip("graphviz")
    _, loss = mlp_loss()
    dot = make_dot(loss)
    assert isinstance(dot, graphviz.Digraph)
    assert parse(dot.source)[0]  # the same text format as the built-in Digraph
