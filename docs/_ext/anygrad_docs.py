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
            "",
            "   * - operation",
            "     - Tensor method",
            "     - grad",
            "     - grad of grad",
            "     - notes",
        ]
        for s in specs:
            method = f"``Tensor.{s.method}``" if s.method else " "
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
    if callable(obj):
        try:
            inspect.signature(obj)
        except (TypeError, ValueError):
            # Builtins such as a bound ContextVar.get have no signature autodoc can read.
            return [f".. autofunction:: {qualname}(*args, **kwargs)", ""]
        return [f".. autofunction:: {qualname}", ""]
    return []


class OpsApi(_Generated):
    has_content = False

    def run(self) -> list[nodes.Node]:
        import anygrad.ops as ops

        registry = _registry()
        lines: list[str] = []
        for category, specs in _by_category(registry).items():
            # nn.functional's entries are documented on their module's page.
            specs = [s for s in specs if "." not in s.name]
            if not specs:
                continue
            lines += [f".. rubric:: {_title(category)}", ""]
            for s in specs:
                lines += _auto_entry(f"anygrad.{s.name}", getattr(ops, s.name, s.fn))
        rest = [n for n in ops.__all__ if n not in registry and callable(getattr(ops, n, None))]
        if rest:
            lines += [".. rubric:: Other operations", ""]
            for n in rest:
                lines += _auto_entry(f"anygrad.{n}", getattr(ops, n))
        return self._parse(lines)


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
    file as code (``:language:`` sets the highlighting); otherwise the file is Markdown."""

    required_arguments = 1
    has_content = True
    option_spec = {"pyobject": directives.unchanged, "language": directives.unchanged}

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
        return self._parse_markdown(text, str(path))

    def _parse_markdown(self, text: str, source: str) -> list[nodes.Node]:
        # Used from a MyST page, whose nested_parse reads Markdown. Headings are demoted
        # one level so the included file's title does not compete with the page's.
        # Links relative to the included file mean nothing on the site (and would be
        # unresolved references under -W): keep their text and show the path as code.
        text = _LOCAL_IMAGE.sub(r"\1", text)
        text = _ANCHOR_LINK.sub(r"\1", text)
        text = _LOCAL_LINK.sub(r"\1 (`\2`)", text)
        lines = [("#" + line) if line.startswith("#") else line for line in text.splitlines()]
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


def setup(app: Any) -> dict:
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.add_directive("anygrad-ops-table", OpsTable)
    app.add_directive("anygrad-ops-api", OpsApi)
    app.add_directive("anygrad-api", ModuleApi)
    app.add_directive("anygrad-include-if-exists", IncludeIfExists)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
