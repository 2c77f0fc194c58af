"""Sphinx HTML math renderer that writes MathML at build time (no JavaScript, no network).

``$...$`` and ``$$...$$`` (MyST dollarmath) and the ``:math:`` role are converted from TeX
to MathML by the pure-Python package ``latex2mathml`` when the site is built. Every current
browser renders MathML natively, so the pages need no renderer loaded from anywhere, the
formulas are real text (they scale with the font, reflow on a phone and can be read by
screen readers), and the TeX source is kept as the ``alttext``.

Select it in ``conf.py`` with ``html_math_renderer = "mathml"``.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util.math import get_node_equation_number


def _convert(tex: str, display: str) -> str:
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex.strip(), display=display)
    except Exception as exc:  # latex2mathml raises its own exception types
        raise ExtensionError(f"cannot convert math to MathML: {tex!r}: {exc}") from exc
    alt = tex.strip().replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return mathml.replace("<math ", f'<math alttext="{alt}" ', 1)


def visit_math(self: Any, node: nodes.Element) -> None:
    self.body.append(
        self.starttag(node, "span", "", CLASS="math notranslate")
        + _convert(node.astext(), "inline")
        + "</span>"
    )
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.Element) -> None:
    number = get_node_equation_number(self, node) if node["number"] else None
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if number:
        self.body.append(f'<span class="eqno">({number})</span>')
    parts = [node.astext()] if node["nowrap"] else node.astext().split("\n\n")
    for part in parts:
        if part.strip():
            self.body.append(_convert(part, "block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Any) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
