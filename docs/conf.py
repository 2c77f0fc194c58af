"""Sphinx configuration for the anygrad documentation.

Build (offline, warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python -m sphinx -W --keep-going -b doctest docs docs/_build/doctest
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
    "sphinx.ext.mathjax",
    "numpydoc",
    "anygrad_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]
language = "en"

# -- MyST ---------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
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
html_static_path: list[str] = []
html_show_sourcelink = False
# Offline build: no intersphinx, no remote images, no analytics.
