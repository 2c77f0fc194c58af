"""PyTorch's everyday names that are not operations of the registry: ``new_*`` creation
methods, legacy constructors (``LongTensor([1, 2])``, ``Tensor(2, 3)``), memory and
metadata methods, module-level spellings (``anygrad.numel``), and the faces of the
PyTorch-only operations of ``anygrad/ops/torch_extras.py`` (their values and gradients are
the registry suite's: tests/ops/test_registry.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.ops import ALIASES, REGISTRY
from anygrad.ops.torch_extras import TORCH_SPELLINGS


# -- new_* ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method, fill", [("new_zeros", 0.0), ("new_ones", 1.0)])
def test_new_filled_keeps_dtype_device_backend(backend, device, method, fill):
    x = anygrad.ones(2, dtype=anygrad.float64, device=device)
    for y in (getattr(x, method)(2, 3), getattr(x, method)((2, 3))):
        assert (y.shape, y.dtype) == ((2, 3), anygrad.float64)
        assert (y.backend, y.device) == (backend.name, x.device)
        np.testing.assert_array_equal(y.numpy(), np.full((2, 3), fill))
    y = getattr(x, method)(4, dtype=anygrad.int64, requires_grad=False)
    assert y.dtype == anygrad.int64 and not y.requires_grad


def test_new_full_empty_tensor(backend, device):
    x = anygrad.zeros(3, dtype=anygrad.float32, device=device)
    f = x.new_full((2, 2), 7)
    assert (f.dtype, f.backend, f.device) == (anygrad.float32, backend.name, x.device)
    np.testing.assert_array_equal(f.numpy(), np.full((2, 2), 7.0))
    e = x.new_empty(5)
    assert (tuple(e.shape), e.dtype, e.backend) == ((5,), anygrad.float32, backend.name)
    t = x.new_tensor([1, 2])
    assert t.dtype == anygrad.float32 and t.tolist() == [1.0, 2.0] and t.backend == backend.name
    w = x.new_full((1,), 2.0, requires_grad=True)
    assert w.requires_grad and w.is_leaf


def test_new_tensor_copies_and_detaches():
    src = anygrad.tensor([1.0, 2.0], requires_grad=True)
    t = src.new_tensor(src)
    assert not t.requires_grad and t.is_leaf
    t.add_(1.0)
    assert src.tolist() == [1.0, 2.0]


# -- legacy constructors ---------------------------------------------------------------------
@pytest.mark.parametrize("name, dtype", [
    ("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("LongTensor", "int64"),
    ("IntTensor", "int32"), ("ShortTensor", "int16"), ("CharTensor", "int8"),
    ("ByteTensor", "uint8"), ("BoolTensor", "bool"), ("HalfTensor", "float16"),
])
def test_legacy_constructor(name, dtype):
    make = getattr(anygrad, name)
    data = make([1, 0, 1])
    assert data.dtype == getattr(anygrad, dtype) and tuple(data.shape) == (3,)
    np.testing.assert_array_equal(data.numpy(), np.array([1, 0, 1]).astype(dtype))
    sized = make(2, 3)
    assert sized.dtype == getattr(anygrad, dtype) and tuple(sized.shape) == (2, 3)
    assert not sized.numpy().any()
    assert tuple(make(anygrad.Size([4])).shape) == (4,)
    assert tuple(make().shape) == (0,)
    assert anygrad.ones(2).type(make).dtype == getattr(anygrad, dtype)
    assert anygrad.ones(2).type(f"torch.{name}").dtype == getattr(anygrad, dtype)


def test_legacy_constructor_backend_and_errors():
    t = anygrad.LongTensor([1, 2], backend="array_api_strict")
    assert t.backend == "array_api_strict" and t.dtype == anygrad.int64
    with pytest.raises(TypeError, match="FloatTensor: expected sizes"):
        anygrad.FloatTensor([1.0], 2)
    with pytest.raises(ValueError, match="negative dimension"):
        anygrad.FloatTensor(-1)


def test_tensor_constructor_as_pytorch():
    x = anygrad.Tensor(2, 3)
    assert tuple(x.shape) == (2, 3) and x.dtype == anygrad.float32 and not x.numpy().any()
    y = anygrad.Tensor([1, 2])
    assert y.dtype == anygrad.get_default_dtype() and y.tolist() == [1.0, 2.0]
    assert anygrad.Tensor([1, 2], dtype=anygrad.int64).dtype == anygrad.int64
    assert tuple(anygrad.Tensor().shape) == (0,)
    z = anygrad.Tensor([1.0, 2.0], requires_grad=True)
    assert z.requires_grad and z.is_leaf
    (z * z).sum().backward()
    assert z.grad.tolist() == [2.0, 4.0]
    with anygrad.default_backend("array_api_strict"):
        assert anygrad.Tensor(3).backend == "array_api_strict"


def test_legacy_constructors_match_pytorch():
    torch = pytest.importorskip("torch", reason="compares with PyTorch's legacy constructors")
    for name in anygrad.creation.LEGACY_CONSTRUCTORS:
        if name in ("BFloat16Tensor",):
            continue
        ours, theirs = getattr(anygrad, name)([1, 0, 3]), getattr(torch, name)([1, 0, 3])
        assert str(theirs.dtype) == f"torch.{ours.dtype.name}", name
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert str(torch.Tensor([1, 2]).dtype) == f"torch.{anygrad.Tensor([1, 2]).dtype.name}"


# -- memory and metadata ---------------------------------------------------------------------
def test_memory_metadata():
    x = anygrad.zeros(3, 4, dtype=anygrad.float64)
    assert (x.itemsize, x.element_size(), x.nbytes) == (8, 8, 96)
    assert (x.numel(), x.nelement(), x.dim(), x.ndimension()) == (12, 12, 2, 2)
    assert x.is_cpu and not x.is_cuda and x.get_device() == -1
    assert x.is_signed() and not anygrad.zeros(2, dtype=anygrad.uint8).is_signed()
    assert not anygrad.zeros(2, dtype=anygrad.bool).is_signed()
    assert x.is_same_size(anygrad.ones(3, 4)) and not x.is_same_size(anygrad.ones(4, 3))
    assert not x.is_conj() and not x.is_neg() and x.resolve_conj() is x and x.resolve_neg() is x


def test_data_ptr_follows_views():
    x = anygrad.zeros(3, 4, dtype=anygrad.float32)
    assert x.data_ptr() == x.numpy().ctypes.data
    assert x[1].data_ptr() == x.data_ptr() + 4 * 4
    assert x.view(12).data_ptr() == x.data_ptr()
    s = anygrad.zeros(2, backend="array_api_strict")
    assert isinstance(s.data_ptr(), int)


def test_is_nonzero():
    assert anygrad.tensor([1.5]).is_nonzero() and not anygrad.tensor(0).is_nonzero()
    with pytest.raises(RuntimeError, match="one element"):
        anygrad.ones(2).is_nonzero()


def test_conversions_and_conjugate_transpose():
    x = anygrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.byte().dtype == anygrad.uint8 and x.char().dtype == anygrad.int8
    assert x.short().dtype == anygrad.int16
    assert (x.cfloat().dtype, x.cdouble().dtype) == (anygrad.complex64, anygrad.complex128)
    np.testing.assert_array_equal(x.H.numpy(), x.numpy().T)
    z = anygrad.tensor([[1 + 2j, 3j], [0j, 1 - 1j]])
    np.testing.assert_array_equal(z.H.numpy(), z.numpy().conj().T)
    np.testing.assert_array_equal(z.mH.numpy(), z.numpy().conj().T)


# -- module-level spellings --------------------------------------------------------------------
def test_module_functions():
    x = anygrad.arange(6.0).reshape(2, 3)
    assert anygrad.is_tensor(x) and not anygrad.is_tensor(x.numpy())
    assert anygrad.is_tensor(anygrad.nn.Parameter(anygrad.ones(1)))
    assert anygrad.is_floating_point(x) and not anygrad.is_complex(x)
    assert anygrad.numel(x) == 6 and anygrad.is_nonzero(anygrad.ones(1))
    assert tuple(anygrad.t(x).shape) == (3, 2)
    assert anygrad.select(x, 1, 2).tolist() == [2.0, 5.0]
    pieces = [p.tolist() for p in anygrad.tensor_split(x, 3, dim=1)]
    assert pieces == [[[0.0], [3.0]], [[1.0], [4.0]], [[2.0], [5.0]]]
    idx = anygrad.tensor([[0], [2]])
    assert anygrad.take_along_dim(x, idx, dim=1).tolist() == [[0.0], [5.0]]
    w = anygrad.ones(2, requires_grad=True)
    c = anygrad.clone(w)
    c.sum().backward()
    assert w.grad.tolist() == [1.0, 1.0] and c is not w


@pytest.mark.parametrize("name", sorted(TORCH_SPELLINGS))
def test_torch_spelling_is_the_entrys_face(name):
    # anygrad.sub is the same function as anygrad.subtract (and x.sub its method).
    for alias in TORCH_SPELLINGS[name]:
        assert ALIASES[alias] == name and alias in REGISTRY[name].aliases
        assert getattr(anygrad, alias) is getattr(anygrad, name)
        assert alias == "concatenate" or callable(getattr(anygrad.Tensor, alias, None)), alias


def test_torch_spellings_compute():
    x, y = anygrad.tensor([4.0, -1.0]), anygrad.tensor([2.0, 2.0])
    assert anygrad.sub(x, y).tolist() == [2.0, -3.0]
    assert anygrad.mul(x, y).tolist() == [8.0, -2.0]
    assert anygrad.div(x, y).tolist() == [2.0, -0.5]
    assert anygrad.neg(x).tolist() == [-4.0, 1.0]
    assert anygrad.gt(x, y).tolist() == [True, False]
    assert anygrad.fix(anygrad.tensor([-1.5])).tolist() == [-1.0]
    assert tuple(anygrad.concatenate([x, y], 0).shape) == (4,)
    assert tuple(anygrad.swapdims(anygrad.ones(2, 3), 0, 1).shape) == (3, 2)


def test_narrow_is_a_view_and_checks_its_range():
    x = anygrad.arange(12.0).reshape(3, 4)
    v = anygrad.narrow(x, 1, 1, 2)
    v.fill_(-1.0)
    assert x[:, 1:3].tolist() == [[-1.0, -1.0]] * 3
    assert x.narrow(0, -1, 1).tolist() == [[8.0, -1.0, -1.0, 11.0]]
    with pytest.raises(IndexError, match="narrow: start 3 and length 2"):
        x.narrow(1, 3, 2)


def test_in_place_variants_of_the_new_operations():
    x = anygrad.tensor([1.0, 2.0])
    x.lerp_(anygrad.tensor([3.0, 4.0]), 0.5)
    assert x.tolist() == [2.0, 3.0]
    x.addcmul_(x, x, value=0.5)
    assert x.tolist() == [4.0, 7.5]
    x.addcdiv_(anygrad.tensor([1.0, 1.0]), anygrad.tensor([2.0, 4.0]))
    assert x.tolist() == [4.5, 7.75]
    x.frac_()
    assert x.tolist() == [0.5, 0.75]
    x.clamp_min_(0.6).clamp_max_(0.7)
    assert x.tolist() == pytest.approx([0.6, 0.7])


def test_lstm_flatten_parameters_is_a_no_op():
    lstm = anygrad.nn.LSTM(3, 4)
    before = {k: v.numpy().copy() for k, v in lstm.state_dict().items()}
    assert lstm.flatten_parameters() is None
    after = lstm.state_dict()
    assert before.keys() == after.keys()
    for k in before:
        np.testing.assert_array_equal(before[k], after[k].numpy())
    out, _ = lstm(anygrad.ones(2, 1, 3))
    assert tuple(out.shape) == (2, 1, 4)
