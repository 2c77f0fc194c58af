"""Third-party Array API code runs on anygrad tensors and becomes differentiable.

Real functions of array-api-extra, SciPy (``SCIPY_ARRAY_API=1``, set in this folder's
conftest.py), scikit-learn (``array_api_dispatch=True``) and ``einops.array_api`` are called
on anygrad tensors of the NumPy, array-api-strict and PyTorch backends. Each case says what
must happen, and the test checks it against the same call on NumPy float64 arrays:

- ``grad``: the value equals NumPy's, and the gradient of ``sum(out * w)`` (``w`` fixed and
  random) with respect to the input that requires grad equals central finite differences
  of the NumPy call;
- ``value``: the value equals NumPy's; the result is not differentiable (integers,
  booleans, sets), as in PyTorch;
- ``numpy``: the library converts to NumPy internally; with an input that requires grad
  anygrad raises, naming ``detach()``, rather than dropping the gradient silently, and on
  detached inputs the value is still NumPy's;
- ``inplace``: the library modifies, in place, a result that the backward pass needs
  (scikit-learn's ``scale[scale == 0] = 1``, ``svd_flip``); backward raises, as PyTorch
  raises on the same call with torch tensors;
- ``leaf``: the library writes into the input itself (``xpx.at(x)[i].set(v)`` without
  ``copy=True``); refused at once, as PyTorch refuses it;
- ``float``: the library returns a Python float (scikit-learn's scalar metrics), so there
  is nothing to differentiate; the value equals NumPy's.

docs/guides/array_api_libraries.md shows :func:`interop_table` and the test at the end of
this file keeps the two in step.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import array_api_compat
import array_api_extra as xpx
import einops.array_api as ein
import numpy as np
import pytest
import scipy
import scipy.fft
import scipy.integrate
import scipy.signal
import scipy.special
import scipy.stats
import sklearn
from scipy._lib._array_api import SCIPY_ARRAY_API  # the flag SciPy read when imported
from sklearn import metrics, preprocessing
from sklearn.decomposition import PCA
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import pairwise
from sklearn.naive_bayes import GaussianNB

import anygrad
from anygrad.testing import BACKEND_MATRIX

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/guides/array_api_libraries.md"
SCIPY_IN_PROCESS = bool(SCIPY_ARRAY_API)
BACKENDS = [c for c in BACKEND_MATRIX if c.device is None
            and c.name in ("numpy", "array_api_strict", "torch")]
EPS = 1e-6


# -- inputs: small, fixed, float64 ----------------------------------------------------------
def _data() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4))
    with_nan = a.copy()
    with_nan[0, 1] = np.nan
    y2 = rng.standard_normal((6, 2))
    return {
        "A": a, "A_nan": with_nan, "B": rng.standard_normal((2, 2)),
        "P": rng.uniform(0.1, 1.0, (3, 4)), "Q": rng.uniform(0.1, 1.0, (3, 4)),
        "v": rng.standard_normal(8), "k": rng.standard_normal(3),
        "t": np.sort(rng.uniform(0.0, 2.0, 4)),
        "X": rng.standard_normal((6, 3)), "Y": rng.standard_normal((4, 3)),
        "y": rng.standard_normal(6), "y2": y2, "p2": y2 + 0.3 * rng.standard_normal((6, 2)),
        "labels": np.array([0, 1, 0, 1, 1, 0]), "prob": rng.uniform(0.1, 0.9, 6),
        "idx": np.array([0, 3, 1]),
    }


DATA = _data()


@dataclass(frozen=True)
class Case:
    """One call of a library function; ``fn`` takes the arrays named by ``inputs``."""

    name: str
    fn: Callable[..., Any]
    inputs: tuple[str, ...]
    expect: str = "grad"
    wrt: int | None = 0  # the input that requires grad (None: none does)
    rtol: float = 1e-8  # of the value against NumPy's

    @property
    def lib(self) -> str:
        return self.name.split(".")[0]

    def call(self, *arrays: Any) -> Any:
        dispatch = (sklearn.config_context(array_api_dispatch=True) if self.lib == "sklearn"
                    else contextlib.nullcontext())
        with dispatch, warnings.catch_warnings():
            # xpx.expand_dims is deprecated (the standard's expand_dims takes tuples now);
            # SciPy warns about small samples in skew/kurtosis.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            return self.fn(*arrays)


def _ns(x: Any) -> Any:
    return array_api_compat.array_namespace(x)


sp, st, sg, si, sf = scipy.special, scipy.stats, scipy.signal, scipy.integrate, scipy.fft

XPX = [
    Case("xpx.cov", lambda x: xpx.cov(x), ("A",)),
    Case("xpx.sinc", lambda x: xpx.sinc(x), ("A",)),
    Case("xpx.pad", lambda x: xpx.pad(x, ((1, 0), (0, 2)), constant_values=2.0), ("A",)),
    Case("xpx.atleast_nd", lambda x: xpx.atleast_nd(x, ndim=3), ("v",)),
    Case("xpx.kron", lambda x, y: xpx.kron(x, y), ("A", "B"), wrt=1),
    Case("xpx.expand_dims", lambda x: xpx.expand_dims(x, axis=(0, 2)), ("A",)),
    Case("xpx.create_diagonal", lambda x: xpx.create_diagonal(x, offset=1), ("v",)),
    Case("xpx.at(x)[i].set(copy=True)", lambda x: xpx.at(x)[1:, 2].set(0.0, copy=True), ("A",)),
    Case("xpx.at(x)[i].add(y, copy=True)",
         lambda x, y: xpx.at(x)[:, 0].add(y[:3], copy=True), ("A", "v"), wrt=1),
    Case("xpx.at(x)[i].set", lambda x: xpx.at(x)[1:, 2].set(0.0), ("A",), "leaf"),
    Case("xpx.apply_where", lambda x: xpx.apply_where(x > 0, x, lambda a: a**2, lambda a: -a),
         ("A",)),
    Case("xpx.nan_to_num", lambda x: xpx.nan_to_num(x), ("A_nan",)),
    Case("xpx.nansum", lambda x: xpx.nansum(x, axis=1), ("A_nan",)),
    Case("xpx.nanmean", lambda x: xpx.nanmean(x, axis=1), ("A_nan",)),
    Case("xpx.nanmax", lambda x: xpx.nanmax(x, axis=1), ("A_nan",)),
    Case("xpx.partition", lambda x: xpx.partition(x, 2, axis=1), ("A",)),
    Case("xpx.deg2rad", lambda x: xpx.deg2rad(x), ("A",)),
    Case("xpx.nunique", lambda x: xpx.nunique(x), ("A",), "value", None),
    Case("xpx.isclose", lambda x, y: xpx.isclose(x, y), ("P", "Q"), "value", None),
    Case("xpx.setdiff1d", lambda x, y: xpx.setdiff1d(x, y[:2]), ("v", "v"), "value", None),
    Case("xpx.isin", lambda x, y: xpx.isin(x, y[:3]), ("v", "v"), "value", None),
    Case("xpx.one_hot", lambda i: xpx.one_hot(i, 4), ("idx",), "value", None),
]

SCIPY = [
    Case("scipy.special.logsumexp", lambda x: sp.logsumexp(x, axis=1), ("A",)),
    Case("scipy.special.logsumexp(b=)", lambda x, b: sp.logsumexp(x, b=b), ("A", "P")),
    Case("scipy.special.softmax", lambda x: sp.softmax(x, axis=1), ("A",)),
    Case("scipy.special.log_softmax", lambda x: sp.log_softmax(x, axis=1), ("A",)),
    Case("scipy.special.xlogy", lambda x, y: sp.xlogy(x, y), ("P", "Q"), wrt=1),
    Case("scipy.special.rel_entr", lambda x, y: sp.rel_entr(x, y), ("P", "Q")),
    Case("scipy.special.entr", lambda x: sp.entr(x), ("P",), "numpy"),
    Case("scipy.special.expit", lambda x: sp.expit(x), ("A",), "numpy"),
    Case("scipy.special.erf", lambda x: sp.erf(x), ("A",), "numpy"),
    Case("scipy.special.gammaln", lambda x: sp.gammaln(x), ("P",), "numpy"),
    Case("scipy.stats.zscore", lambda x: st.zscore(x, axis=1), ("A",)),
    Case("scipy.stats.moment", lambda x: st.moment(x, order=3, axis=1), ("A",)),
    Case("scipy.stats.skew", lambda x: st.skew(x, axis=1), ("A",)),
    Case("scipy.stats.kurtosis", lambda x: st.kurtosis(x, axis=1), ("A",)),
    Case("scipy.stats.variation", lambda x: st.variation(x, axis=1), ("P",)),
    Case("scipy.stats.gmean", lambda x: st.gmean(x, axis=1), ("P",)),
    Case("scipy.stats.hmean", lambda x: st.hmean(x, axis=1), ("P",)),
    Case("scipy.stats.pmean", lambda x: st.pmean(x, 2.0, axis=1), ("P",)),
    Case("scipy.stats.sem", lambda x: st.sem(x, axis=1), ("A",)),
    Case("scipy.stats.zmap", lambda x, y: st.zmap(x, y), ("A", "P"), wrt=1),
    Case("scipy.stats.iqr", lambda x: st.iqr(x, axis=1), ("A",)),
    Case("scipy.stats.trim_mean", lambda x: st.trim_mean(x, 0.25, axis=1), ("A",)),
    Case("scipy.stats.entropy", lambda x: st.entropy(x, axis=1), ("P",), "numpy"),
    Case("scipy.integrate.trapezoid", lambda x: si.trapezoid(x, axis=1), ("A",)),
    Case("scipy.integrate.trapezoid(y, x)", lambda y, x: si.trapezoid(y, x), ("A", "t"), wrt=1),
    Case("scipy.integrate.cumulative_trapezoid",
         lambda x: si.cumulative_trapezoid(x, axis=1), ("A",)),
    # SciPy makes dx=1.0 with xp.asarray(dx): a float32 scalar under anygrad's default dtype
    # (PyTorch's, as with torch tensors), so d/3 is rounded to float32.
    Case("scipy.integrate.cumulative_simpson",
         lambda x: si.cumulative_simpson(x, axis=1), ("A",), rtol=1e-6),
    Case("scipy.integrate.simpson", lambda x: si.simpson(x, axis=1), ("A",), "numpy"),
    Case("scipy.fft.fft", lambda x: sf.fft(x).real, ("v",)),
    Case("scipy.fft.irfft", lambda x: sf.irfft(sf.rfft(x) * 2.0), ("v",)),
    Case("scipy.fft.fftshift", lambda x: sf.fftshift(x), ("v",)),
    Case("scipy.fft.fftfreq(xp=)", lambda x: sf.fftfreq(8, d=0.5, xp=_ns(x)), ("v",),
         "value", None),
    Case("scipy.fft.dct", lambda x: sf.dct(x), ("v",), "numpy"),
    Case("scipy.signal.fftconvolve", lambda x, k: sg.fftconvolve(x, k), ("v", "k")),
    Case("scipy.signal.oaconvolve", lambda x, k: sg.oaconvolve(x, k), ("v", "k"), wrt=1),
    Case("scipy.signal.hilbert", lambda x: sg.hilbert(x).imag, ("v",)),
    Case("scipy.signal.resample", lambda x: sg.resample(x, 6), ("v",)),
    Case("scipy.signal.windows.hann(xp=)", lambda x: sg.windows.hann(8, xp=_ns(x)) * x, ("v",)),
    Case("scipy.signal.convolve", lambda x, k: sg.convolve(x, k), ("v", "k"), "numpy"),
    Case("scipy.signal.detrend", lambda x: sg.detrend(x), ("v",), "numpy"),
    Case("scipy.signal.welch", lambda x: sg.welch(x, nperseg=4)[1], ("v",), "numpy"),
]


def _pca_reconstruction(solver: str) -> Callable[..., Any]:
    def fn(x: Any) -> Any:
        pca = PCA(n_components=2, svd_solver=solver).fit(x)
        return pca.inverse_transform(pca.transform(x))

    return fn


SKLEARN = [
    Case("sklearn.metrics.r2_score(raw_values)",
         lambda t, p: metrics.r2_score(t, p, multioutput="raw_values"), ("y2", "p2"), wrt=1),
    Case("sklearn.metrics.mean_squared_error(raw_values)",
         lambda t, p: metrics.mean_squared_error(t, p, multioutput="raw_values"),
         ("y2", "p2"), wrt=1),
    Case("sklearn.metrics.mean_absolute_error(raw_values)",
         lambda t, p: metrics.mean_absolute_error(t, p, multioutput="raw_values"),
         ("y2", "p2"), wrt=1),
    Case("sklearn.metrics.explained_variance_score(raw_values)",
         lambda t, p: metrics.explained_variance_score(t, p, multioutput="raw_values"),
         ("y2", "p2"), wrt=1),
    Case("sklearn.metrics.r2_score", lambda t, p: metrics.r2_score(t, p), ("y2", "p2"),
         "float", 1),
    Case("sklearn.metrics.mean_squared_error", lambda t, p: metrics.mean_squared_error(t, p),
         ("y2", "p2"), "float", 1),
    Case("sklearn.metrics.log_loss", lambda t, p: metrics.log_loss(t, p), ("labels", "prob"),
         "float", 1),
    Case("sklearn.preprocessing.MinMaxScaler",
         lambda x: preprocessing.MinMaxScaler().fit_transform(x), ("X",)),
    Case("sklearn.preprocessing.MaxAbsScaler",
         lambda x: preprocessing.MaxAbsScaler().fit_transform(x), ("X",)),
    Case("sklearn.preprocessing.StandardScaler(with_std=False)",
         lambda x: preprocessing.StandardScaler(with_std=False).fit_transform(x), ("X",)),
    Case("sklearn.preprocessing.KernelCenterer",
         lambda x: preprocessing.KernelCenterer().fit_transform(x @ x.T), ("X",)),
    Case("sklearn.preprocessing.StandardScaler",
         lambda x: preprocessing.StandardScaler().fit_transform(x), ("X",), "inplace"),
    Case("sklearn.preprocessing.normalize", lambda x: preprocessing.normalize(x), ("X",),
         "inplace"),
    Case("sklearn.decomposition.PCA(covariance_eigh)", _pca_reconstruction("covariance_eigh"),
         ("X",)),
    Case("sklearn.decomposition.PCA(full)", _pca_reconstruction("full"), ("X",), "inplace"),
    Case("sklearn.linear_model.Ridge(svd).predict",
         lambda x, y: Ridge(alpha=1.0, solver="svd").fit(x, y).predict(x), ("X", "y")),
    Case("sklearn.linear_model.Ridge(svd).coef_",
         lambda x, y: Ridge(alpha=1.0, solver="svd").fit(x, y).coef_, ("X", "y"), wrt=1),
    Case("sklearn.naive_bayes.GaussianNB",
         lambda x, c: GaussianNB().fit(x, c).predict_proba(x), ("X", "labels")),
    Case("sklearn.discriminant_analysis.LinearDiscriminantAnalysis(svd)",
         lambda x, c: LinearDiscriminantAnalysis(solver="svd").fit(x, c).predict_proba(x),
         ("X", "labels"), "inplace"),
    Case("sklearn.linear_model.LinearRegression",
         lambda x, y: LinearRegression().fit(x, y).predict(x), ("X", "y"), "numpy"),
    Case("sklearn.metrics.pairwise.rbf_kernel",
         lambda x, y: pairwise.rbf_kernel(x, y, gamma=0.5), ("X", "Y")),
    Case("sklearn.metrics.pairwise.polynomial_kernel",
         lambda x, y: pairwise.polynomial_kernel(x, y, degree=2), ("X", "Y"), wrt=1),
    Case("sklearn.metrics.pairwise.sigmoid_kernel",
         lambda x, y: pairwise.sigmoid_kernel(x, y), ("X", "Y")),
    Case("sklearn.metrics.pairwise.euclidean_distances",
         lambda x, y: pairwise.euclidean_distances(x, y), ("X", "Y")),
    Case("sklearn.metrics.pairwise.pairwise_distances(manhattan)",
         lambda x, y: pairwise.pairwise_distances(x, y, metric="manhattan"), ("X", "Y")),
    Case("sklearn.metrics.pairwise.cosine_similarity",
         lambda x, y: pairwise.cosine_similarity(x, y), ("X", "Y"), "inplace"),
    Case("sklearn.metrics.pairwise.additive_chi2_kernel",
         lambda x, y: pairwise.additive_chi2_kernel(x, y), ("P", "Q")),
]

EINOPS = [
    Case("einops.rearrange", lambda x: ein.rearrange(x, "(a b) c -> a (c b)", a=2), ("X",)),
    Case("einops.reduce(mean)", lambda x: ein.reduce(x, "(a b) c -> a c", "mean", a=2), ("X",)),
    Case("einops.reduce(max)", lambda x: ein.reduce(x, "a c -> c", "max"), ("X",)),
    Case("einops.repeat", lambda x: ein.repeat(x, "a c -> a c r", r=2), ("X",)),
    Case("einops.pack", lambda x, y: ein.pack([x, y], "* c")[0], ("X", "Y"), wrt=1),
]

ALL_CASES = XPX + SCIPY + SKLEARN + EINOPS
# Where SciPy was imported before SCIPY_ARRAY_API was set, its cases (and scikit-learn's,
# which need it too) run in a fresh process: test_scipy_and_sklearn_in_a_fresh_process.
CASES = [c for c in ALL_CASES if SCIPY_IN_PROCESS or c.lib not in ("scipy", "sklearn")]


# The backend is parametrised after the case, so that ids read "scipy.stats.skew-torch".
on_each_backend = pytest.mark.parametrize("backend", BACKENDS, ids=[c.id for c in BACKENDS],
                                          indirect=True)


def _of(kind: str) -> list:
    cases = [pytest.param(c, id=c.name) for c in CASES if c.expect == kind]
    if not cases:  # only SciPy and scikit-learn have such cases, and they run elsewhere
        reason = ("SciPy was imported before SCIPY_ARRAY_API was set: these cases run in "
                  "test_scipy_and_sklearn_in_a_fresh_process")
        cases = [pytest.param(None, id="in-a-fresh-process", marks=pytest.mark.skip(reason))]
    return cases


@pytest.fixture
def backend(request):
    """NumPy, array-api-strict and PyTorch (skipped with its reason where not installed)."""
    case = request.param
    case.require()
    with anygrad.default_backend(case.name):
        yield case


# -- helpers ---------------------------------------------------------------------------------
def _arrays(case: Case) -> list[np.ndarray]:
    return [DATA[name].copy() for name in case.inputs]


def _tensors(case: Case, backend: Any, *, grad: bool = True) -> list:
    return [anygrad.tensor(a, backend=backend.name,
                           requires_grad=grad and i == case.wrt)
            for i, a in enumerate(_arrays(case))]


def _host(out: Any) -> np.ndarray:
    if isinstance(out, anygrad.Tensor):
        return out.detach().numpy()
    return np.asarray(out)


@functools.cache
def _expected(case: Case) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """NumPy's value; for ``grad`` cases also the weights ``w`` and the central finite
    differences of ``sum(fn(...) * w)`` with respect to input ``wrt``."""
    value = np.asarray(case.call(*_arrays(case)))
    if case.expect != "grad":
        return value, None, None
    w = np.random.default_rng(1).standard_normal(value.shape)
    base = _arrays(case)
    numeric = np.zeros_like(base[case.wrt])
    for i in np.ndindex(numeric.shape):
        sides = []
        for step in (EPS, -EPS):
            args = [a.copy() for a in base]
            args[case.wrt][i] += step
            sides.append(np.sum(np.asarray(case.call(*args)) * w))
        numeric[i] = (sides[0] - sides[1]) / (2 * EPS)
    return value, w, numeric


def _assert_value(out: Any, case: Case) -> None:
    value = _expected(case)[0]
    np.testing.assert_allclose(_host(out), value, rtol=case.rtol, atol=1e-10,
                               err_msg=f"{case.name}: value differs from NumPy's")


# -- the five behaviours -----------------------------------------------------------------------
@on_each_backend
@pytest.mark.parametrize("case", _of("grad"))
def test_value_and_gradient(case, backend):
    args = _tensors(case, backend)
    out = case.call(*args)
    assert isinstance(out, anygrad.Tensor) and out.backend == backend.name, type(out)
    _assert_value(out, case)
    _, w, numeric = _expected(case)
    assert out.requires_grad, f"{case.name}: the output lost the graph"
    (out * anygrad.tensor(w, backend=backend.name)).sum().backward()
    grad = args[case.wrt].grad
    assert grad is not None, f"{case.name}: no gradient reached the input"
    np.testing.assert_allclose(grad.numpy(), numeric, rtol=1e-5, atol=1e-6,
                               err_msg=f"{case.name}: gradient differs from finite differences")


@on_each_backend
@pytest.mark.parametrize("case", _of("value"))
def test_value_of_non_differentiable_result(case, backend):
    out = case.call(*_tensors(case, backend))
    assert isinstance(out, anygrad.Tensor) and out.backend == backend.name, type(out)
    assert not out.requires_grad
    _assert_value(out, case)


@on_each_backend
@pytest.mark.parametrize("case", _of("numpy"))
def test_numpy_fallback_raises_instead_of_losing_the_gradient(case, backend):
    with pytest.raises(RuntimeError, match=r"requires grad.*detach\(\)"):
        case.call(*_tensors(case, backend))
    # Detached, the fallback computes NumPy's values (it returns what NumPy returns).
    _assert_value(case.call(*_tensors(case, backend, grad=False)), case)


@on_each_backend
@pytest.mark.parametrize("case", _of("inplace"))
def test_inplace_change_of_a_saved_result_raises(case, backend):
    out = case.call(*_tensors(case, backend))
    _assert_value(out, case)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


@on_each_backend
@pytest.mark.parametrize("case", _of("leaf"))
def test_inplace_change_of_a_leaf_raises(case, backend):
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*in-place"):
        case.call(*_tensors(case, backend))
    _assert_value(case.call(*_tensors(case, backend, grad=False)), case)


@on_each_backend
@pytest.mark.parametrize("case", _of("float"))
def test_python_float_result(case, backend):
    out = case.call(*_tensors(case, backend))
    assert type(out) is float, type(out)
    _assert_value(out, case)


# -- SciPy imported too early: the same cases in a fresh process ------------------------------
if not SCIPY_IN_PROCESS:

    def test_scipy_and_sklearn_in_a_fresh_process():
        env = {**os.environ, "SCIPY_ARRAY_API": "1"}
        res = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
             str(Path(__file__)), "-k", "scipy or sklearn"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


# -- the table in the documentation -------------------------------------------------------------
# value / gradient, as each test above checks them (on detached inputs where the call with
# an input that requires grad raises).
_CELLS = {
    "grad": "✓ / ✓",
    "value": "✓ / none",
    "numpy": "✓ / error: NumPy",
    "inplace": "✓ / error: in-place",
    "leaf": "✓ / error: leaf",
    "float": "✓ / float",
}
_BACKEND_NAMES = ("numpy", "array_api_strict", "torch")


def interop_table() -> str:
    """The interop table of docs/guides/array_api_libraries.md, from the cases above."""
    lines = ["| function | " + " | ".join(_BACKEND_NAMES) + " |",
             "|---" * (1 + len(_BACKEND_NAMES)) + "|"]
    for c in ALL_CASES:
        lines.append(f"| `{c.name}` | " + " | ".join([_CELLS[c.expect]] * len(_BACKEND_NAMES))
                     + " |")
    return "\n".join(lines)


def test_documentation_table_matches_the_cases():
    text = DOC.read_text(encoding="utf-8")
    assert interop_table() in text, (
        "the interop table in docs/guides/array_api_libraries.md is out of date; paste:\n"
        + interop_table())


if __name__ == "__main__":
    print(interop_table())
