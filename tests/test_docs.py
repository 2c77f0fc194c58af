"""The documentation builds offline with warnings as errors, and its examples run.

Runs the two commands the README gives (``-b html`` and ``-b doctest``) in a temporary
folder, plus fast checks of the registry-generated table of operations.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

needs_sphinx = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None
        for m in ("sphinx", "furo", "myst_parser", "numpydoc", "latex2mathml")),
    reason="the docs extra is not installed (pip install -e '.[docs]')",
)


def _sphinx(builder: str, out: Path, fresh: bool) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q",
        *(["-E"] if fresh else []),
        "-b", builder, "-d", str(out / "doctrees"), str(DOCS), str(out / builder),
    ]
    # No network: the build must not need it (no intersphinx, no remote images).
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def docs_out(tmp_path_factory):
    """One output folder: the doctest build reuses the html build's parsed sources."""
    return tmp_path_factory.mktemp("docs")


@needs_sphinx
@pytest.mark.slow
def test_html_build_has_no_warnings(docs_out):
    tmp_path = docs_out
    res = _sphinx("html", tmp_path, fresh=True)
    assert res.returncode == 0, f"sphinx -b html failed:\n{res.stdout}\n{res.stderr}"
    html = tmp_path / "html"
    for page in ("index", "autograd", "autograd_zh", "operations", "backends", "api/ops",
                 "api/tensor", "differences_pytorch", "differences_numpy", "performance",
                 "examples", "contributing", "changelog"):
        assert (html / f"{page}.html").is_file(), page
    table = (html / "operations.html").read_text(encoding="utf-8")
    from anygrad.ops import REGISTRY

    assert REGISTRY, "the operation registry is empty"
    for name in REGISTRY:
        assert f"anygrad.{name}" in table or f">{name}<" in table, f"{name} missing in table"
    _check_api_coverage(html)
    # The Chinese tutorial is reached from the English one, not from the main menu.
    assert "autograd_zh.html" in (html / "autograd.html").read_text(encoding="utf-8")
    assert "autograd_zh.html" not in (html / "index.html").read_text(encoding="utf-8")
    # Maths is MathML in the page itself, and no page loads anything from the network.
    assert "<math " in (html / "autograd.html").read_text(encoding="utf-8")
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'src="http' not in text and "mathjax.js" not in text.lower(), page
        assert not any(f'<link {a}href="http' in text for a in ("", 'rel="stylesheet" ')), page


def _documented(html: Path) -> dict[str, set[str]]:
    """The Python objects the built site documents, by role (from its objects.inv)."""
    import posixpath

    from sphinx.util.inventory import InventoryFile

    with open(html / "objects.inv", "rb") as f:
        inv = InventoryFile.load(f, "", posixpath.join)
    return {role: set(entries) for role, entries in inv.items() if role.startswith("py:")}


def _check_api_coverage(html: Path) -> None:
    """Every public Tensor member and every name a public module exports has an entry."""
    import importlib
    import inspect

    import anygrad

    documented = _documented(html)
    names = set().union(*documented.values())
    missing = [f"Tensor.{n}" for n in dir(anygrad.Tensor)
               if not n.startswith("_") and f"anygrad.Tensor.{n}" not in names]
    assert not missing, f"Tensor members without an API entry: {missing}"

    # A name may be documented under another public path (anygrad.no_grad is
    # anygrad.autograd.no_grad): compare the objects themselves.
    def resolve(qualname: str):
        parts = qualname.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attr in parts[i:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                return None
            return obj
        return None

    objects = {id(o) for o in map(resolve, names) if o is not None}
    missing = []
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        missing += [
            f"{modname}.{n}" for n in getattr(module, "__all__", ())
            if f"{modname}.{n}" not in names
            and not inspect.ismodule(getattr(module, n, None))
            and id(getattr(module, n, None)) not in objects
        ]
    assert not missing, f"public names without an API entry: {missing}"


# Every name in the __all__ of these modules must have an entry in the API reference.
PUBLIC_MODULES = (
    "anygrad", "anygrad.autograd", "anygrad.autograd.functional", "anygrad.linalg",
    "anygrad.nn", "anygrad.nn.functional", "anygrad.nn.init", "anygrad.nn.utils",
    "anygrad.nn.parallel", "anygrad.optim", "anygrad.optim.lr_scheduler", "anygrad.data",
    "anygrad.data.datasets", "anygrad.data.transforms", "anygrad.distributed",
    "anygrad.testing", "anygrad.testing.strategies", "anygrad.serialization",
)


@needs_sphinx
@pytest.mark.slow
def test_doctests_pass(docs_out):
    tmp_path = docs_out
    res = _sphinx("doctest", tmp_path, fresh=not (tmp_path / "doctrees").is_dir())
    output = res.stdout + res.stderr
    assert res.returncode == 0, f"sphinx -b doctest failed:\n{output}"
    report = (tmp_path / "doctest" / "output.txt").read_text(encoding="utf-8")
    assert "0 failures in tests" in report
    # The guides' examples really ran (a broken directive would silently test nothing).
    for page in ("index", "getting_started", "autograd", "autograd_zh", "backends",
                 "custom_function", "guides/nn", "guides/optim", "guides/data", "lenet",
                 "serialization", "api/ops", "differences_pytorch", "differences_numpy"):
        assert f"Document: {page}\n" in report, f"no example of {page} was executed"


def _ops_table_lines():
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        pytest.importorskip("sphinx")
        from anygrad_docs import ops_table_lines
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return ops_table_lines


def test_ops_table_lists_every_registered_op_once():
    from anygrad.ops import REGISTRY

    lines = _ops_table_lines()(REGISTRY)
    rows = [line for line in lines if line.startswith("   * - :func:")]
    assert len(rows) == len(REGISTRY)
    names = sorted(r.split("`~anygrad.")[1].rstrip("`") for r in rows)
    assert names == sorted(REGISTRY)


def test_ops_table_reports_differentiability():
    from anygrad.ops import REGISTRY, OpSpec

    fake = {
        "a": OpSpec(name="a", fn=abs, category="x", notes="kinks | at 0"),
        "b": OpSpec(name="b", fn=abs, category="x", twice_differentiable=False, method="b"),
        "c": OpSpec(name="c", fn=abs, category="y", differentiable=False),
    }
    lines = _ops_table_lines()(fake)
    assert lines[0].startswith("3 operations are registered; 2 are differentiable and 1 of")
    rows: dict[str, list[str]] = {}
    current: list[str] = []  # header cells land here and are dropped
    for line in lines:
        if line.startswith("   * - :func:`~anygrad."):
            current = rows.setdefault(line.split("`~anygrad.")[1].rstrip("`"), [])
        elif line.startswith("   * - "):
            current = []
        elif line.startswith("     - "):
            current.append(line[len("     - "):].strip())
    assert rows["a"] == ["", "yes", "yes", "kinks \\| at 0"]
    assert rows["b"] == [":meth:`Tensor.b <anygrad.Tensor.b>`", "yes", "--", ""]
    assert rows["c"] == ["", "--", "--", ""]
    text = "\n".join(lines)
    assert text.index("rubric:: X") < text.index("rubric:: Y")
    summary = text.split(".. rubric::")[0]
    assert "   * - X\n     - 2\n     - 2\n     - 1" in summary
    assert "   * - Y\n     - 1\n     - 0\n     - 0" in summary


def test_included_markdown_keeps_link_text_and_drops_local_targets():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        import anygrad_docs as ext
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    text = "[run.py](run.py), [how](#how), [site](https://x.org/a), ![plot](p.png)"
    text = ext._LOCAL_IMAGE.sub(r"\1", text)
    text = ext._ANCHOR_LINK.sub(r"\1", text)
    text = ext._LOCAL_LINK.sub(r"\1 (`\2`)", text)
    assert text == "run.py (`run.py`), how, [site](https://x.org/a), plot"


def test_docs_extra_installs_what_the_build_needs():
    """``pip install -e '.[docs]'`` alone must be enough for both documented builds: the
    API pages import anygrad.testing (Hypothesis), the examples run array-api-strict, and
    maths is converted by latex2mathml."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["docs"]
    names = {req.split(">")[0].split("=")[0].split("[")[0].strip().lower() for req in extra}
    needed = {"sphinx", "furo", "myst-parser", "numpydoc", "latex2mathml", "hypothesis",
              "array-api-strict"}
    assert needed <= names, f"the docs extra lacks {sorted(needed - names)}"
    conf = (DOCS / "conf.py").read_text(encoding="utf-8")
    for ext in ("myst_parser", "numpydoc", "anygrad_mathml"):
        assert f'"{ext}"' in conf


# -- cross-references ---------------------------------------------------------------------
# Where prose (docstrings, comments, the docs, the READMEs) names a Markdown file or a section
# of docs/design.md, the target must exist: renamed files and sections must not leave stale
# pointers behind, and the design is cited by section name, never by a number.
DESIGN = DOCS / "design.md"
_SCANNED = ("anygrad", "docs", "examples", "benchmarks", "tests")
# Named in prose but deliberately not in the repository.
_NOT_IN_REPO = {
    "SNAPSHOT.md",                # beside the official test suite in shared/array-api-tests
    "benchmarks/gpu_results.md",  # the report benchmarks/gpu.sh writes
}
_MD_PATH = re.compile(r"(?<![\w./])((?:(?:\.\.?|\w[\w.-]*)/)*\w[\w-]*\.md)(?![\w/])")
_URL = re.compile(r"https?://\S+")
_Q = "[\"'\u2018\u201c]"
_UNQ = "[\"'\u2019\u201d]"
_NAME = "([^\"'\u2019\u201d]{3,80})"
_DESIGN_CITES = (
    re.compile(rf"design\.md`?\)?[,:]?\s*\(?(?:section\s+)?{_Q}{_NAME}{_UNQ}"),
    re.compile(rf"section\s+{_Q}{_NAME}{_UNQ}\s+(?:of|in)\s+`?(?:docs/)?design\.md"),
    re.compile(rf"{_Q}{_NAME}{_UNQ}\s+section\s+(?:of|in)\s+`?(?:docs/)?design\.md"),
)
# "decision 7", also wrapped onto the next line of a comment (not a heading over a list).
_NUMBERED = re.compile(r"\bdecisions?[ \t]*(?:\n[ \t]*#*)?[ \t]+(?:no\.[ \t]*)?\d+",
                       re.IGNORECASE)


def _prose_files() -> list[Path]:
    files = [p for p in ROOT.glob("*.md")]
    for top in _SCANNED:
        for p in sorted((ROOT / top).rglob("*")):
            rel = p.relative_to(ROOT).parts
            if any(part.startswith((".", "_build")) or part == "__pycache__" for part in rel):
                continue
            if p.suffix in (".py", ".md", ".rst", ".sh") and p.is_file() and p != Path(__file__):
                files.append(p)
    return files


def _exists_exactly(base: Path, rel: str) -> bool:
    """``base / rel`` exists with every component spelt as given (also on macOS/Windows)."""
    here = base
    for part in Path(rel).parts:
        if part in (".", ".."):
            here = here / part
            continue
        if not here.is_dir() or part not in os.listdir(here):
            return False
        here = here / part
    return True


def _flat(text: str) -> str:
    """Text with line breaks (and the comment marks that continue a sentence) as spaces."""
    return re.sub(r"\s*\n\s*(?:#+\s+)?", " ", text)


def _design_titles() -> list[str]:
    """docs/design.md's headings and the bold titles of its numbered items, lower case."""
    titles, fenced = [], False
    for line in DESIGN.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            titles.append(line.lstrip("#").strip())
        elif not fenced:
            titles += re.findall(r"^\s*\d+\.\s+\*\*(.+?)\*\*", line)
    return [t.lower() for t in titles]


def _names_a_title(name: str, titles: list[str]) -> bool:
    name = name.strip().rstrip(".,;:").lower()
    return any(t == name or (t.startswith(name) and not t[len(name)].isalnum()) for t in titles)


def test_markdown_files_named_in_prose_exist():
    missing = []
    for path in _prose_files():
        text = _URL.sub("", path.read_text(encoding="utf-8", errors="replace"))
        for ref in set(_MD_PATH.findall(text)):
            if ref in _NOT_IN_REPO:
                continue
            bases = (ROOT, path.parent, DOCS)
            if not any(_exists_exactly(base, ref) for base in bases):
                missing.append(f"{path.relative_to(ROOT)}: {ref}")
    assert not missing, f"Markdown files named but not in the repository: {sorted(missing)}"


def test_design_citations_name_existing_sections():
    titles = _design_titles()
    assert "decisions" in titles and any(t.startswith("views and in-place") for t in titles)
    cited, stale = 0, []
    for path in _prose_files():
        text = _flat(path.read_text(encoding="utf-8", errors="replace"))
        for pattern in _DESIGN_CITES:
            for name in pattern.findall(text):
                cited += 1
                if not _names_a_title(name, titles):
                    stale.append(f"{path.relative_to(ROOT)}: {name!r}")
    assert not stale, f"citations of docs/design.md naming no heading or item: {stale}"
    assert cited >= 6, f"only {cited} citations of docs/design.md found: is the pattern broken?"


def test_design_is_cited_by_name_not_by_number():
    numbered = []
    for path in _prose_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        numbered += [f"{path.relative_to(ROOT)}: {m}" for m in _NUMBERED.findall(text)]
    assert not numbered, (
        f"cite docs/design.md by section name ('docs/design.md, \"Decisions\"'): {numbered}"
    )


def test_cross_reference_patterns():
    titles = ["decisions", "views and in-place operations behave as in pytorch."]
    assert _names_a_title("Views and in-place operations", titles)
    assert _names_a_title("Decisions", titles)
    assert not _names_a_title("Views and in", titles[:1])
    assert not _names_a_title("Decision", titles)
    found = [p.findall(_flat(t)) for p, t in zip(_DESIGN_CITES, (
        "see docs/design.md, 'Decisions' for why",
        "the\n# section 'Decisions' of docs/design.md",
        "(the \u201cDecisions\u201d section in design.md)",
    ))]
    assert found == [["Decisions"]] * 3
    assert _MD_PATH.findall("[x](docs/a_b.md), see ../README.md or design.md.") == [
        "docs/a_b.md", "../README.md", "design.md"]
    assert _MD_PATH.findall("${OUT:-benchmarks/x.md}") == ["benchmarks/x.md"]
    assert _NUMBERED.findall("as decision 7 says, # see\n# Decision\n#  8") == [
        "decision 7", "Decision\n#  8"]
    assert not _NUMBERED.findall("## Decisions\n\n1. **Views**")
