"""Tensors print as PyTorch prints them: ``repr`` equals torch's for the same values.

Hand-written strings pin the key cases without PyTorch; where PyTorch is installed, many
more cases (random shapes and values, every dtype, summarised tensors, every print option)
are compared with torch's own text, ``torch.`` read as ``anygrad.``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import anygrad
from anygrad._printing import get_printoptions, printoptions, set_printoptions

try:
    import torch
except ImportError:  # pragma: no cover - the comparisons below skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None,
                                 reason="PyTorch is not installed (pip install torch)")


@pytest.fixture(autouse=True)
def _default_options():
    set_printoptions(profile="default")
    yield
    set_printoptions(profile="default")
    if torch is not None:
        torch.set_printoptions(profile="default")


# -- without PyTorch: the strings themselves --------------------------------------------

EXPECTED = [
    (0.007, "tensor(0.0070)"),
    (3.0, "tensor(3.)"),
    (7, "tensor(7)"),
    (True, "tensor(True)"),
    ([0.007, 1.5], "tensor([0.0070, 1.5000])"),
    ([1.0, 2.0], "tensor([1., 2.])"),
    ([1e-5, 1e5], "tensor([1.0000e-05, 1.0000e+05])"),
    ([1e9], "tensor([1.0000e+09])"),
    ([True, False], "tensor([ True, False])"),
    ([1, -20, 300], "tensor([  1, -20, 300])"),
    ([-1.5, 2.25, 3.0], "tensor([-1.5000,  2.2500,  3.0000])"),
    ([[1.0, -2.0], [3.5, 4.0]], "tensor([[ 1.0000, -2.0000],\n        [ 3.5000,  4.0000]])"),
    ([[[1, 2]], [[3, 4]]], "tensor([[[1, 2]],\n\n        [[3, 4]]])"),
    ([float("nan"), float("inf"), -float("inf"), 1.0], "tensor([nan, inf, -inf, 1.])"),
    ([float("nan"), 0.5], "tensor([   nan, 0.5000])"),
    ([0.0, -0.0], "tensor([0., -0.])"),
    ([1 + 2j, -3.5 - 1j], "tensor([ 1.0000+2.j, -3.5000-1.j])"),
    (1 - 0.5j, "tensor(1.-0.5000j)"),
]


@pytest.mark.parametrize("value, text", EXPECTED, ids=[t for _, t in EXPECTED])
def test_repr_of_key_cases(value, text):
    assert repr(anygrad.tensor(value)) == text
    assert str(anygrad.tensor(value)) == text


def test_repr_of_empty_tensors():
    assert repr(anygrad.zeros(0)) == "tensor([])"
    assert repr(anygrad.zeros(0, 3)) == "tensor([], size=(0, 3))"
    # No value shows the dtype, so anything but the default float says it.
    assert repr(anygrad.zeros(0, dtype=anygrad.int64)) == "tensor([], dtype=anygrad.int64)"
    assert repr(anygrad.zeros(2, 0, dtype=anygrad.bool)) == (
        "tensor([], size=(2, 0), dtype=anygrad.bool)")


def test_repr_names_dtypes_that_are_not_default():
    assert repr(anygrad.tensor([1.0, 2.0], dtype=anygrad.float64)) == (
        "tensor([1., 2.], dtype=anygrad.float64)")
    assert repr(anygrad.tensor([1, 2], dtype=anygrad.int32)) == (
        "tensor([1, 2], dtype=anygrad.int32)")
    assert repr(anygrad.tensor([1j], dtype=anygrad.complex64)) == "tensor([0.+1.j])"
    assert repr(anygrad.tensor([1j], dtype=anygrad.complex128)) == (
        "tensor([0.+1.j], dtype=anygrad.complex128)")
    assert repr(anygrad.tensor([0.5], dtype=anygrad.float16)) == (
        "tensor([0.5000], dtype=anygrad.float16)")


def test_repr_follows_the_default_dtype():
    old = anygrad.get_default_dtype()
    anygrad.set_default_dtype(anygrad.float64)
    try:
        assert repr(anygrad.tensor([1.5], dtype=anygrad.float64)) == "tensor([1.5000])"
        assert repr(anygrad.tensor([1.5], dtype=anygrad.float32)) == (
            "tensor([1.5000], dtype=anygrad.float32)")
        assert repr(anygrad.tensor([1j], dtype=anygrad.complex128)) == "tensor([0.+1.j])"
        assert repr(anygrad.zeros(0, dtype=anygrad.float64)) == "tensor([])"
    finally:
        anygrad.set_default_dtype(old)


def test_repr_of_autograd_state():
    x = anygrad.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr((x * 2).detach()) == "tensor([2., 4.])"


def test_long_rows_wrap_at_the_line_width():
    x = anygrad.arange(30, dtype=anygrad.float32) / 7
    assert repr(x) == (
        "tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n"
        "        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n"
        "        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n"
        "        3.8571, 4.0000, 4.1429])")


def test_suffixes_wrap_at_the_line_width():
    x = anygrad.arange(16, dtype=anygrad.float64).reshape(2, 8) / 4
    x.requires_grad_(True)
    assert repr(x) == (
        "tensor([[0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500],\n"
        "        [2.0000, 2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500]],\n"
        "       dtype=anygrad.float64, requires_grad=True)")


def test_dtype_suffix_wraps_where_torch_wraps():
    # "anygrad.int32" is two characters longer than "torch.int32"; the line wraps (or not)
    # where PyTorch's does, so the two texts differ only by the name.
    x = anygrad.tensor([38091253, -811988598, -1683701759, -1651658981], dtype=anygrad.int32)
    assert repr(x) == (
        "tensor([   38091253,  -811988598, -1683701759, -1651658981], dtype=anygrad.int32)")


def test_large_tensors_print_summarised():
    assert repr(anygrad.arange(1001)) == "tensor([   0,    1,    2,  ...,  998,  999, 1000])"
    assert "..." not in repr(anygrad.arange(1000))
    x = anygrad.arange(2000, dtype=anygrad.float32).reshape(40, 50)
    assert repr(x) == (
        "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 4.7000e+01, 4.8000e+01,\n"
        "         4.9000e+01],\n"
        "        [5.0000e+01, 5.1000e+01, 5.2000e+01,  ..., 9.7000e+01, 9.8000e+01,\n"
        "         9.9000e+01],\n"
        "        [1.0000e+02, 1.0100e+02, 1.0200e+02,  ..., 1.4700e+02, 1.4800e+02,\n"
        "         1.4900e+02],\n"
        "        ...,\n"
        "        [1.8500e+03, 1.8510e+03, 1.8520e+03,  ..., 1.8970e+03, 1.8980e+03,\n"
        "         1.8990e+03],\n"
        "        [1.9000e+03, 1.9010e+03, 1.9020e+03,  ..., 1.9470e+03, 1.9480e+03,\n"
        "         1.9490e+03],\n"
        "        [1.9500e+03, 1.9510e+03, 1.9520e+03,  ..., 1.9970e+03, 1.9980e+03,\n"
        "         1.9990e+03]])")


def test_set_printoptions():
    set_printoptions(precision=2)
    assert repr(anygrad.tensor([1.12345])) == "tensor([1.12])"
    set_printoptions(threshold=5)
    assert repr(anygrad.arange(10)) == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    set_printoptions(profile="default")
    assert repr(anygrad.tensor([1.12345])) == "tensor([1.1235])"
    assert repr(anygrad.arange(10)) == "tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])"
    set_printoptions(sci_mode=True)
    assert repr(anygrad.tensor([1.5])) == "tensor([1.5000e+00])"
    set_printoptions(sci_mode=False)
    assert repr(anygrad.tensor([1e-5, 1e5])) == "tensor([     0.0000, 100000.0000])"
    set_printoptions(profile="short")
    assert get_printoptions() == dict(precision=2, threshold=1000, edgeitems=2, linewidth=80,
                                      sci_mode=None)
    with pytest.raises(ValueError, match="profile"):
        set_printoptions(profile="long")


def test_set_printoptions_is_public_as_in_torch():
    assert anygrad.set_printoptions is set_printoptions
    assert "set_printoptions" in anygrad.__all__


def test_printoptions_context_restores():
    with printoptions(precision=1, linewidth=20):
        assert repr(anygrad.tensor([0.25])) == "tensor([0.2])"
    assert get_printoptions()["precision"] == 4 and get_printoptions()["linewidth"] == 80


def test_other_backends_print_the_same_values_and_say_which(backend):
    values = [[0.007, -1.5], [2.0, 1e-3]]
    want = repr(anygrad.tensor(values, backend="numpy"))
    got = repr(anygrad.tensor(values))
    if backend.name == "numpy":
        assert got == want
    else:
        assert f"backend='{backend.name}'" in got
        assert re.sub(r", (backend|device)='[^']*'", "", got) == want


@pytest.mark.parametrize("name", ["torch", "jax"])
def test_bfloat16_prints_its_exact_values(name):
    pytest.importorskip(name)
    x = anygrad.tensor([1.5, 2.25, 1e-3], dtype=anygrad.bfloat16, backend=name)
    # 1e-3 is 9.9945e-04 in bfloat16: the value held is the value printed.
    assert repr(x) == (f"tensor([1.5000e+00, 2.2500e+00, 9.9945e-04], backend='{name}',\n"
                       "       dtype=anygrad.bfloat16)")


# -- with PyTorch: the same text as torch's ----------------------------------------------

_TORCH_DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                 "bool", "complex64", "complex128"]


def _both(array: np.ndarray) -> tuple[str, str]:
    ours = repr(anygrad.tensor(array))
    theirs = repr(torch.from_numpy(array.copy())).replace("torch.", "anygrad.")
    return ours, theirs


def _values(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    kind = rng.integers(6)
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype in ("int64", "int32", "int16", "int8", "uint8"):
        info = np.iinfo(dtype)
        hi = [10, 1000, int(info.max)][rng.integers(3)]
        lo = max(-hi, int(info.min))
        return np.asarray(rng.integers(lo, hi, shape, endpoint=True)).astype(dtype)
    scale = [1.0, 1e-6, 1e9, 1e3, 1.0, 1.0][kind]
    x = rng.standard_normal(shape) * scale
    if kind == 4:
        x = np.round(x * 10)  # integer-valued floats
    if kind == 5 and x.size:
        flat = x.reshape(-1)
        flat[rng.integers(flat.size, size=min(3, flat.size))] = rng.choice(
            [np.nan, np.inf, -np.inf, 0.0, -0.0], size=min(3, flat.size))
    if dtype.startswith("complex"):
        x = x + 1j * rng.standard_normal(shape) * [1.0, 1e-5, 1e4][rng.integers(3)]
    with np.errstate(over="ignore"):  # float16 overflows to inf, a case worth printing too
        return np.asarray(x).astype(dtype)


def _random_cases(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for i in range(n):
        ndim = int(rng.integers(0, 5))
        shape = tuple(int(s) for s in rng.integers(1, 7 if ndim > 2 else 12, ndim))
        dtype = _TORCH_DTYPES[i % len(_TORCH_DTYPES)]
        size = "x".join(map(str, shape)) or "0d"
        yield pytest.param(_values(rng, shape, dtype), id=f"{i}-{dtype}-{size}")


@needs_torch
@pytest.mark.parametrize("array", list(_random_cases(120)))
def test_random_tensors_print_as_torch(array):
    ours, theirs = _both(array)
    assert ours == theirs


SPECIAL = {
    "small": np.array([0.007, 0.5], np.float32),
    "ints-as-floats": np.array([1.0, -2.0, 300.0], np.float32),
    "sci-range": np.array([1e-5, 1e5], np.float32),
    "sci-large": np.array([1e9, 2.0], np.float64),
    "sci-tiny": np.array([1e-7], np.float32),
    "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
    "nan-only": np.array([np.nan, np.nan], np.float32),
    "zeros": np.zeros((2, 3), np.float32),
    "neg-zero": np.array([-0.0, 1.0], np.float32),
    "bool": np.array([[True, False], [False, True]]),
    "bool-0d": np.array(False),
    "float-0d": np.array(-0.0070, np.float32),
    "int-0d": np.array(-12, np.int64),
    "complex-0d": np.array(1.5 - 2j, np.complex64),
    "complex-nan": np.array([complex(np.nan, 1), 1e6 + 1e-6j], np.complex128),
    "uint8": np.array([0, 255], np.uint8),
    "int-big": np.array([-(2**62), 2**62], np.int64),
    "float16": np.array([65504.0, 1e-3], np.float16),
    "empty-1d-int": np.zeros((0,), np.int64),
    "empty-2d": np.zeros((3, 0), np.float32),
    "empty-float64": np.zeros((0, 2, 1), np.float64),
    "wrap-1d": np.linspace(-3, 3, 41).astype(np.float32),
    "wrap-complex": (np.arange(20) * (1 + 1j) / 3).astype(np.complex64),
    "wrap-3d": np.arange(120, dtype=np.float32).reshape(2, 3, 20) / 3,
    "wrap-4d": np.arange(2 * 2 * 2 * 30).reshape(2, 2, 2, 30),
    "wrap-suffix": np.array([38091253, -811988598, -1683701759, -1651658981], np.int32),
    "big-1d": np.arange(1001, dtype=np.float32) / 10,
    "big-2d": np.random.default_rng(1).standard_normal((40, 50)).astype(np.float32),
    "big-3d": np.random.default_rng(2).standard_normal((11, 10, 10)),
    "big-4d-int": np.arange(4 * 8 * 8 * 8).reshape(4, 8, 8, 8),
    "big-short-rows": np.random.default_rng(3).standard_normal((1001, 1)).astype(np.float32),
    "big-bool": np.random.default_rng(4).random((50, 50)) < 0.5,
    "big-complex": (np.random.default_rng(5).standard_normal((30, 40)) * 1j).astype(np.complex64),
    "big-summarised-values-decide-width": np.concatenate(
        [np.ones(3), np.full(1000, 1e-9), np.ones(3)]).astype(np.float32),
}


@needs_torch
@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_tensors_print_as_torch(name):
    ours, theirs = _both(SPECIAL[name])
    assert ours == theirs


OPTIONS = [
    dict(precision=2),
    dict(precision=8),
    dict(precision=0),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(linewidth=30),
    dict(linewidth=200),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", precision=6),
]


@needs_torch
@pytest.mark.parametrize("options", OPTIONS, ids=[",".join(f"{k}={v}" for k, v in o.items())
                                                 for o in OPTIONS])
def test_print_options_act_as_torch(options):
    set_printoptions(**options)
    torch.set_printoptions(**options)
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    rng = np.random.default_rng(7)
    cases = [np.arange(12, dtype=np.float32) / 7, rng.standard_normal((4, 5, 6)),
             np.arange(40).reshape(5, 8), rng.standard_normal((6, 7)).astype(np.complex64) * 1e5,
             np.array([1e-5, 1.0, 3.0], np.float32), np.zeros((2, 0)), np.array(3.25),
             np.arange(1200, dtype=np.float32).reshape(30, 40) / 3]
    for array in cases:
        ours, theirs = _both(array)
        assert ours == theirs, f"{options} {array.dtype} {array.shape}"


@needs_torch
def test_autograd_suffixes_as_torch():
    values = np.arange(24, dtype=np.float64).reshape(3, 8) / 3
    x = anygrad.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    assert repr(x) == repr(tx).replace("torch.", "anygrad.")
    assert repr(x * 2) == repr(tx * 2).replace("torch.", "anygrad.")
    y = anygrad.tensor(values.astype(np.float32), requires_grad=True)
    ty = torch.tensor(values.astype(np.float32), requires_grad=True)
    assert repr(y) == repr(ty)
    assert repr(y * 2) == repr(ty * 2)


@needs_torch
def test_default_dtype_float64_as_torch():
    old, told = anygrad.get_default_dtype(), torch.get_default_dtype()
    anygrad.set_default_dtype(anygrad.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for array in (np.array([1.5]), np.array([1.5], np.float32), np.array([1j]),
                      np.array([1j], np.complex64), np.zeros(0), np.zeros(0, np.float32),
                      np.array([1, 2])):
            ours, theirs = _both(array)
            assert ours == theirs
    finally:
        anygrad.set_default_dtype(old)
        torch.set_default_dtype(told)
