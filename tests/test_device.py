"""``anygrad.device``, ``anygrad.cuda`` and ``anygrad.accelerator``: PyTorch's device API,
answering truthfully (CUDA means CuPy seeing a GPU)."""

from __future__ import annotations

import importlib.util

import pytest

import anygrad

SPELLINGS = [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 2)]


@pytest.mark.parametrize("args", SPELLINGS, ids=str)
def test_device_parses_as_pytorch(args):
    d = anygrad.device(*args)
    kind, _, index = str(d).partition(":")
    assert (d.type, d.index) == (kind, int(index) if index else None)
    assert anygrad.device(d) == d and anygrad.device(str(d)) == d and hash(d) == hash(anygrad.device(str(d)))
    torch = pytest.importorskip("torch") if importlib.util.find_spec("torch") else None
    if torch is not None:
        t = torch.device(*args)
        assert (d.type, d.index, str(d), repr(d)) == (t.type, t.index, str(t), repr(t))


@pytest.mark.parametrize("bad, error", [("tpu", ValueError), ("cuda:x", ValueError),
                                        (3, TypeError), ("cpu:-1", ValueError)])
def test_bad_device_is_named(bad, error):
    with pytest.raises(error, match="device"):
        anygrad.device(bad)


# "cpu" is a device of NumPy and PyTorch (array-api-strict and JAX name theirs otherwise).
@pytest.mark.parametrize("name", ["numpy", "torch"])
def test_device_objects_place_tensors(name):
    if name == "torch":
        pytest.importorskip("torch")
    x = anygrad.zeros(2, device=anygrad.device("cpu"), backend=name)
    assert x.to(anygrad.device("cpu")).device == x.device
    m = anygrad.nn.Linear(2, 2).to(anygrad.device("cpu"))
    assert str(m.weight.device) == "cpu"


def _cupy_usable() -> bool:
    try:
        anygrad._backend.get_backend("cupy")
        return True
    except Exception:
        return False


def test_cuda_and_accelerator_answer_truthfully():
    usable = _cupy_usable()
    assert anygrad.cuda.is_available() is usable
    assert anygrad.accelerator.is_available() is usable
    assert (anygrad.cuda.device_count() > 0) is usable
    assert anygrad.accelerator.current_accelerator() == (anygrad.device("cuda") if usable else None)
    anygrad.cuda.manual_seed(0)  # nothing to seed: random tensors are drawn on the host
    anygrad.cuda.synchronize()


def test_set_default_device():
    before = anygrad.get_default_backend()
    try:
        anygrad.set_default_device("cpu")
        assert anygrad.get_default_device() == anygrad.device("cpu")
        if not _cupy_usable():
            with pytest.raises(RuntimeError, match="set_default_device: 'cuda' needs a CUDA GPU"):
                anygrad.set_default_device("cuda")
        else:
            anygrad.set_default_device(anygrad.device("cuda"))
            assert anygrad.zeros(1).backend == "cupy"
    finally:
        anygrad.set_default_backend(before.name if hasattr(before, "name") else before)


def test_device_block_sets_the_default_inside_only():
    """``with anygrad.device(...)``, as PyTorch's device context: the default inside the
    block (nested blocks included), the previous default after it, even after an error."""
    before = anygrad.get_default_backend().name
    with anygrad.default_backend("array_api_strict"):
        with anygrad.device("cpu") as dev:
            assert dev == anygrad.device("cpu") and anygrad.zeros(1).backend == "array_api_strict"
            with anygrad.device("cpu"):
                assert anygrad.get_default_device() == anygrad.device("cpu")
        assert anygrad.get_default_backend().name == "array_api_strict"
    if not _cupy_usable():
        with pytest.raises(RuntimeError, match="needs a CUDA GPU"):
            with anygrad.device("cuda"):
                pass  # pragma: no cover - entering raises
    else:
        with anygrad.device("cuda"):
            assert anygrad.zeros(1).backend == "cupy"
        with pytest.raises(ZeroDivisionError):
            with anygrad.device("cuda"):
                1 / 0
    assert anygrad.get_default_backend().name == before
