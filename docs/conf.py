"""Sphinx configuration for the anygrad documentation.

Build (offline, warnings are errors, every cross-reference must resolve)::

    python -m sphinx -W -n --keep-going -b html docs docs/_build/html
    python -m sphinx -W -n --keep-going -b doctest docs docs/_build/doctest
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Document the working tree, not whatever anygrad happens to be installed.
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE / "_ext"))
# Doctests and examples must not depend on the environment of whoever builds the docs.
os.environ.pop("ANYGRAD_BACKEND", None)

import anygrad  # noqa: E402

project = "anygrad"
author = "the anygrad developers"
copyright = "2026, the anygrad developers"
release = anygrad.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "numpydoc",
    "anygrad_docs",
    "anygrad_mathml",
]

# Maths is converted to MathML when the site is built (docs/_ext/anygrad_mathml.py):
# browsers render it natively, so no script is loaded from the network or bundled.
html_math_renderer = "mathml"

# Nitpicky mode (-n): every cross-reference must resolve. Type names that appear in
# signatures and docstrings but are not documented objects are listed here, with why.
nitpicky = True
nitpick_ignore: list[tuple[str, str]] = [
    # Names that docstrings mention but that are internal (not exported by a public module,
    # so without an entry of their own): anygrad.testing._registry_check.SCANNED_MODULES,
    # anygrad.data.datasets._idx.parse_idx and the class attribute MNIST.mirrors.
    ("py:data", "SCANNED_MODULES"),
    ("py:func", "parse_idx"),
    ("py:attr", "mirrors"),
]
nitpick_ignore_regex: list[tuple[str, str]] = []

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]
language = "en"

# -- MyST ---------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath", "substitution"]
myst_substitutions = {"release": release}
myst_heading_anchors = 3

# -- autodoc / numpydoc ------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # numpydoc "Parameters" already give the types
autodoc_default_options = {"show-inheritance": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# numpydoc's own validation is run by linters, not by the docs build.
numpydoc_validation_checks: set[str] = set()

# -- doctest ------------------------------------------------------------------------------
# Every ``>>>`` block (guides and API docstrings) is executed by ``-b doctest``.
doctest_test_doctest_blocks = "default"
# Blocks that need an optional dependency carry ``:skipif: not HAS_<NAME>``.
doctest_global_setup = """
import importlib.util
import numpy as np
import anygrad
anygrad.set_default_backend("numpy")
anygrad.manual_seed(0)

HAS_TORCH = "torch" in anygrad._backend.backends()
HAS_JAX = "jax" in anygrad._backend.backends()
HAS_CUPY = "cupy" in anygrad._backend.backends()
HAS_HYPOTHESIS = importlib.util.find_spec("hypothesis") is not None
"""
doctest_default_flags = (
    __import__("doctest").ELLIPSIS
    | __import__("doctest").NORMALIZE_WHITESPACE
    | __import__("doctest").DONT_ACCEPT_TRUE_FOR_1
)

# -- HTML ---------------------------------------------------------------------------------
add_function_parentheses = False

html_theme = "furo"
html_title = f"anygrad {release}"
html_static_path = ["_static"]
html_css_files = ["anygrad.css"]
html_show_sourcelink = False
# Offline build: no intersphinx, no remote images, no analytics.
