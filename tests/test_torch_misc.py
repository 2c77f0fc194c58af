"""PyTorch's process settings, Tensor protocol methods, random fills, autograd extras, the
top-level helpers (typename, promote_types, range, frombuffer, empty_strided...) and vmap,
each against PyTorch itself (or a NumPy/statistical reference where values are random)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import anygrad

torch = pytest.importorskip("torch")

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64", "complex128"]


# -- process settings ------------------------------------------------------------------------
def test_deterministic_settings_follow_torch():
    for lib in (anygrad, torch):
        try:
            lib.use_deterministic_algorithms(True, warn_only=True)
            a = (lib.get_deterministic_debug_mode(), lib.are_deterministic_algorithms_enabled(),
                 lib.is_deterministic_algorithms_warn_only_enabled())
            lib.set_deterministic_debug_mode("error")
            b = (lib.get_deterministic_debug_mode(),
                 lib.is_deterministic_algorithms_warn_only_enabled())
            lib.set_deterministic_debug_mode(0)
            c = (lib.get_deterministic_debug_mode(), lib.are_deterministic_algorithms_enabled())
        finally:
            lib.use_deterministic_algorithms(False)
        if lib is anygrad:
            got = (a, b, c)
    assert got == (a, b, c) == ((1, True, True), (2, False), (0, False))
    with pytest.raises(RuntimeError, match="set_deterministic_debug_mode: expected one of"):
        anygrad.set_deterministic_debug_mode("x")
    with pytest.raises(RuntimeError, match="expected 0, 1 or 2, got 3"):
        anygrad.set_deterministic_debug_mode(3)
    with pytest.raises(TypeError, match="expected a str or an int, got float"):
        anygrad.set_deterministic_debug_mode(1.0)
    with pytest.raises(TypeError, match="use_deterministic_algorithms: expected a bool"):
        anygrad.use_deterministic_algorithms(1)


def test_other_settings():
    assert anygrad.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    anygrad.set_float32_matmul_precision("medium")
    assert anygrad.get_float32_matmul_precision() == "medium"
    with pytest.warns(UserWarning, match="'low' is not one of"):
        anygrad.set_float32_matmul_precision("low")
    assert anygrad.get_float32_matmul_precision() == "medium"
    anygrad.set_float32_matmul_precision("highest")
    assert anygrad.is_warn_always_enabled() is False
    anygrad.set_warn_always(True)
    assert anygrad.is_warn_always_enabled() is True
    anygrad.set_warn_always(False)
    assert anygrad.set_flush_denormal(True) is False and anygrad.set_flush_denormal(False) is False
    assert anygrad.init_num_threads() is None
    anygrad.set_num_interop_threads(3)
    assert anygrad.get_num_interop_threads() == 3


def test_num_threads_limit_the_process_pools():
    from threadpoolctl import threadpool_info

    before, before_torch = anygrad.get_num_threads(), torch.get_num_threads()
    try:
        anygrad.set_num_threads(1)
        assert anygrad.get_num_threads() == 1 and torch.get_num_threads() == 1
        assert all(lib["num_threads"] == 1 for lib in threadpool_info())
    finally:
        anygrad.set_num_threads(before)
        torch.set_num_threads(before_torch)
    with pytest.raises(RuntimeError, match="set_num_threads: expected a positive number"):
        anygrad.set_num_threads(0)
    with pytest.raises(TypeError, match="set_num_threads: expected a positive int, got float"):
        anygrad.set_num_threads(1.5)


# -- top-level helpers -------------------------------------------------------------------------
def test_promote_types_and_typename_match_torch():
    for a in DTYPES:
        for b in DTYPES:
            got = anygrad.promote_types(getattr(anygrad, a), getattr(anygrad, b))
            expected = torch.promote_types(getattr(torch, a), getattr(torch, b))
            assert got.name == str(expected).split(".")[1]
        t = torch.zeros(1, dtype=getattr(torch, a))
        x = anygrad.zeros(1, dtype=getattr(anygrad, a), backend="torch")  # every dtype there
        assert anygrad.typename(x) == x.type() == torch.typename(t).replace("torch.", "anygrad.")
    for obj in (3, "s", None, [1], torch.nn.Linear, anygrad.ones):
        assert anygrad.typename(obj) == torch.typename(obj)
    with pytest.raises(TypeError, match="promote_types: expected an anygrad dtype for type2"):
        anygrad.promote_types(anygrad.int8, int)


@pytest.mark.parametrize("args, kw", [((1, 4), {}), ((0, 1, 0.3), {}), ((3, 1, -1), {}),
                                      ((0, 10, 3), {"dtype": "int32"}), ((0.5, 2.5, 0.5), {}),
                                      ((0, 1, 0.1), {"dtype": "float64"})])
def test_range_matches_torch(args, kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = torch.range(*args, **{k: getattr(torch, v) for k, v in kw.items()})
    with pytest.warns(UserWarning, match="anygrad.range is deprecated"):
        g = anygrad.range(*args, **{k: getattr(anygrad, v) for k, v in kw.items()})
    assert g.dtype.name == str(e.dtype).split(".")[1]
    np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-6)


def test_range_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="range: expected a non-zero step"):
            anygrad.range(0, 1, 0)
        with pytest.raises(RuntimeError, match="inconsistent with the sign of step"):
            anygrad.range(1, 4, -1)
        with pytest.raises(TypeError, match="range: missing the required argument 'end'"):
            anygrad.range(4)


def test_empty_strided_and_permuted_strides_match_torch(backend, device):
    for size, stride in [((2, 3), (1, 2)), ((2, 3, 5), (15, 1, 3)), ((4,), (1,)),
                         ((2, 1, 3), (3, 3, 1))]:
        x = anygrad.empty_strided(size, stride, dtype=anygrad.float64, device=device)
        assert (tuple(x.shape), x.backend) == (size, backend.name)
        assert x.stride() == torch.empty_strided(size, stride).stride()
    for size, layout in [((2, 3, 5), (0, 2, 1)), ((2, 3, 5), (2, 0, 1)), ((4, 2), (0, 1))]:
        x = anygrad.empty_permuted(size, layout, device=device)
        assert x.stride() == torch.empty_permuted(size, layout).stride()
    y = anygrad.ones(2, dtype=anygrad.int32, device=device).new_empty_strided((3, 2), (1, 3))
    assert (y.stride(), y.dtype, y.backend) == ((1, 3), anygrad.int32, backend.name)
    with pytest.raises(RuntimeError, match="empty_permuted: expected physical_layout to be a"):
        anygrad.empty_permuted((2, 3), (0, 0))
    with pytest.raises(RuntimeError, match="empty_strided: expected as many strides"):
        anygrad.empty_strided((2, 3), (1,))


def test_frombuffer_shares_memory_as_torch():
    buf = bytearray(np.arange(6, dtype=np.int16).tobytes())
    x = anygrad.frombuffer(buf, dtype=anygrad.int16, count=3, offset=2)
    assert x.tolist() == torch.frombuffer(buf, dtype=torch.int16, count=3, offset=2).tolist()
    x[0] = 100
    assert np.frombuffer(buf, dtype=np.int16)[1] == 100
    assert anygrad.frombuffer(buf, dtype=anygrad.float32).tolist() == \
        torch.frombuffer(buf, dtype=torch.float32).tolist()
    with pytest.raises(ValueError, match="not a multiple of the element size \\(4\\)"):
        anygrad.frombuffer(bytearray(6), dtype=anygrad.int32)
    with pytest.raises(ValueError, match="3 elements of 4 bytes after offset 0 need more"):
        anygrad.frombuffer(bytearray(8), dtype=anygrad.int32, count=3)


def test_dlpack_device_module_default_generator():
    x = anygrad.arange(4.0)
    assert np.from_dlpack(x).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert type(anygrad.to_dlpack(x)).__name__ == type(torch.to_dlpack(torch.ones(1))).__name__
    assert anygrad.get_device_module("cpu") is anygrad.cpu and anygrad.cpu.device_count() == 1
    assert anygrad.get_device_module("cuda:0") is anygrad.cuda
    assert anygrad.get_device_module(anygrad.device("cpu")) is anygrad.cpu
    with pytest.raises(RuntimeError, match="get_device_module: expected a device type"):
        anygrad.get_device_module("tpu")
    anygrad.default_generator.manual_seed(3)
    a = anygrad.rand(3)
    anygrad.manual_seed(3)
    assert anygrad.rand(3).tolist() == a.tolist()
    assert anygrad.manual_seed(1) is anygrad.default_generator


def test_inference_questions():
    assert not anygrad.is_inference_mode_enabled()
    with anygrad.inference_mode():
        assert anygrad.is_inference_mode_enabled() and not anygrad.is_grad_enabled()
        with anygrad.inference_mode(False):
            assert not anygrad.is_inference_mode_enabled()
        x = anygrad.ones(2)
    assert not anygrad.is_inference_mode_enabled()
    assert anygrad.is_inference(x) is False and x.is_inference() is False
    assert x.is_meta is False and x.const_data_ptr() == x.data_ptr()


def test_poisson(backend, device):
    rates = anygrad.tensor([0.0, 1.0, 4.0, 30.0], dtype=anygrad.float64, device=device)
    anygrad.manual_seed(0)
    s = anygrad.poisson(anygrad.broadcast_to(rates, (2000, 4)))
    assert (s.dtype, s.backend) == (anygrad.float64, backend.name)
    draws = s.numpy()
    assert (draws == np.round(draws)).all() and (draws[:, 0] == 0).all()
    np.testing.assert_allclose(draws.mean(0), [0, 1, 4, 30], atol=0.5)  # about 4 std errors
    np.testing.assert_allclose(draws.var(0), [0, 1, 4, 30], rtol=0.2, atol=0.1)
    x = anygrad.tensor([2.0, 3.0], device=device, requires_grad=True)
    y = anygrad.poisson(x)
    assert y.grad_fn.name() == torch.poisson(torch.ones(1, requires_grad=True)).grad_fn.name()
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="poisson: expected non-negative rates, got -1.0"):
        anygrad.poisson(anygrad.tensor([-1.0], device=device))
    with pytest.raises(TypeError, match="poisson: expected a floating-point tensor"):
        anygrad.poisson(anygrad.tensor([1], device=device))


# -- Tensor protocol ----------------------------------------------------------------------------
def test_protocol_methods_match_torch(backend, device):
    x, t = anygrad.tensor([1, 5, 6], device=device), torch.tensor([1, 5, 6])
    for v in (5, 7, 5.0, 2.5):
        assert (v in x) == (v in t)
    assert (anygrad.tensor(6, device=device) in x) is True
    with pytest.raises(RuntimeError, match="__contains__: expected a Tensor or a Python number"):
        "a" in x  # noqa: B015
    with pytest.raises(TypeError, match="Tensor does not support deleting items"):
        del x[0]
    assert [int(v) for v in reversed(x)] == [int(v) for v in reversed(t)]
    assert reversed(anygrad.tensor(2.0, device=device)).item() == 2.0
    assert (2 << x).tolist() == (2 << t).tolist() and (1024 >> x).tolist() == (1024 >> t).tolist()
    for op in ("__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__"):
        a, b = anygrad.tensor([3, 12, 7], device=device), torch.tensor([3, 12, 7])
        a0 = a
        a = getattr(a, op)(anygrad.tensor([1, 2, 1], device=device))
        b = getattr(b, op)(torch.tensor([1, 2, 1]))
        assert a is a0 and a.tolist() == b.tolist(), op
    m, n = anygrad.tensor([True, False, True], device=device), torch.tensor([True, False, True])
    for op in ("__iand__", "__ior__", "__ixor__"):
        assert getattr(m, op)(anygrad.tensor([True, True, False], device=device)).tolist() == \
            getattr(n, op)(torch.tensor([True, True, False])).tolist()


def test_apply_map_multinomial(backend, device):
    x = anygrad.arange(4.0, device=device)
    assert x.apply_(lambda v: v * v + 1) is x
    t = torch.arange(4.0).apply_(lambda v: v * v + 1)
    assert x.tolist() == t.tolist()
    y = anygrad.tensor([[1.0], [2.0]], device=device).expand(2, 3).contiguous()
    got = y.map_(anygrad.tensor([10.0, 20.0, 30.0], device=device), lambda a, b: a * b)
    expected = torch.tensor([[1.0], [2.0]]).expand(2, 3).contiguous().map_(
        torch.tensor([10.0, 20.0, 30.0]), lambda a, b: a * b)
    assert got.tolist() == expected.tolist()
    with pytest.raises(RuntimeError, match="map_: the shape of tensor \\(2,\\) does not broadcast"):
        y.map_(anygrad.ones(2, device=device), lambda a, b: a)
    w = anygrad.ones(1, requires_grad=True, device=device)
    with pytest.raises(RuntimeError, match="apply_"):
        w.apply_(lambda v: v)
    p = anygrad.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 5.0]], device=device)
    assert p.multinomial(1).tolist() == [[1], [2]]
    assert sorted(p[0:1].multinomial(3, replacement=True).tolist()[0]) == [1, 1, 1]


# -- random fills ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, lo, hi", [
    ("uint8", 0, 255), ("int8", 0, 127), ("int16", 0, 32767), ("bool", 0, 1),
    ("float16", 0, 2048), ("float32", 0, 2**24), ("int64", 0, 2**63 - 1), ("float64", 0, 2**53)])
def test_random_bounds_follow_torch(backend, device, dtype, lo, hi):
    if backend.name == "array_api_strict" and dtype == "float16":
        # The standard has no float16: a clear error, not a silent other dtype.
        with pytest.raises(TypeError, match="has no dtype anygrad.float16"):
            anygrad.zeros(4, dtype=anygrad.float16, device=device).random_()
        return
    anygrad.manual_seed(0)
    x = anygrad.zeros(4000, dtype=getattr(anygrad, dtype), device=device).random_()
    v = x.numpy().astype(np.float64)
    assert v.min() >= lo and v.max() <= hi and (v == np.round(v)).all()
    assert v.max() > lo + 0.9 * (hi - lo)  # the whole range is drawn from
    if dtype == "bool":
        return
    for args, kw, (a, b) in [((7,), {}, (0, 6)), ((3, 6), {}, (3, 5)), ((), {"to": 3}, (0, 2))]:
        v = anygrad.zeros(500, dtype=getattr(anygrad, dtype), device=device).random_(*args, **kw)
        e = torch.zeros(500, dtype=getattr(torch, dtype)).random_(*args, **kw)
        v = v.numpy().astype(np.float64)
        assert v.min() == a == e.min().item() and v.max() == b == e.max().item()
    # random_(from) with no upper bound: from .. the dtype's bound
    v = anygrad.zeros(2000, dtype=anygrad.int8, device=device).random_(**{"from": 100}).numpy()
    assert v.min() >= 100 and v.max() == 127


def test_random_fill_errors_match_torch():
    x = anygrad.zeros(3)
    cases = [("exponential_", (-1.0,)), ("geometric_", (1.5,)), ("log_normal_", (1.0, 0.0)),
             ("cauchy_", (0.0, 0.0)), ("bernoulli_", (2.0,)), ("random_", (5, 5))]
    for name, args in cases:
        with pytest.raises(RuntimeError) as e:
            getattr(torch.zeros(3), name)(*args)
        with pytest.raises(type(e.value), match=f"^{name}: expected"):
            getattr(x, name)(*args)
    for name in ("exponential_", "cauchy_", "log_normal_"):
        with pytest.raises(RuntimeError, match=f"{name}: expected a floating-point tensor"):
            getattr(anygrad.zeros(2, dtype=anygrad.int64), name)()
    with pytest.raises(RuntimeError, match="random_: to - 1 = 299 is out of the bounds of uint8"):
        anygrad.zeros(2, dtype=anygrad.uint8).random_(0, 300)
    with pytest.raises(TypeError, match="random_: expected an int for 'to', got float"):
        x.random_(3.5)
    w = anygrad.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf"):
        w.random_()


def test_random_fills_distributions(backend, device):
    n = 20000
    anygrad.manual_seed(1)

    def draw(name, *args, dtype=anygrad.float64):
        x = anygrad.zeros(n, dtype=dtype, device=device)
        assert getattr(x, name)(*args) is x and x.backend == backend.name
        return x.numpy().astype(np.float64)

    e = draw("exponential_", 2.0)
    assert e.min() > 0 and abs(e.mean() - 0.5) < 0.02
    c = draw("cauchy_", 3.0, 0.5)
    assert abs(np.median(c) - 3.0) < 0.05 and abs(np.median(np.abs(c - 3.0)) - 0.5) < 0.05
    g = draw("geometric_", 0.25, dtype=anygrad.int64)
    assert g.min() >= 1 and abs(g.mean() - 4.0) < 0.15
    ln = draw("log_normal_", 1.0, 0.5)
    assert abs(np.log(ln).mean() - 1.0) < 0.02 and abs(np.log(ln).std() - 0.5) < 0.02
    b = draw("bernoulli_", 0.3)
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.02
    p = anygrad.tensor([0.0, 1.0, 0.5], device=device)
    assert anygrad.zeros(3, device=device).bernoulli_(p).tolist()[:2] == [0.0, 1.0]
    assert p.bernoulli().tolist()[:2] == [0.0, 1.0] and p.bernoulli().dtype == p.dtype
    ints = anygrad.zeros(100, dtype=anygrad.int32, device=device).bernoulli_()
    assert set(ints.tolist()) == {0, 1}
    # one seed, one sequence: the same values on every backend
    anygrad.manual_seed(5)
    a = anygrad.zeros(4, device=device).exponential_()
    anygrad.manual_seed(5)
    assert anygrad.zeros(4, backend="numpy").exponential_().tolist() == a.tolist()


# -- autograd extras -----------------------------------------------------------------------------
def test_retains_grad_and_post_accumulate_hook_follow_torch():
    log = {}
    for lib in (torch, anygrad):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        y = w * 3
        seen = []
        h = w.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.tolist()))
        r = (w.retains_grad, y.retains_grad)
        y.retain_grad()
        y.retain_grad()  # twice: the gradient is still stored once
        (y * y).sum().backward()
        z = (w * w).sum()
        z.backward()
        h.remove()
        (w * 1).sum().backward()
        log[lib.__name__] = (r, y.retains_grad, y.grad.tolist(), seen, w.grad.tolist())
    assert log["anygrad"] == log["torch"]
    with pytest.raises(RuntimeError, match="register_post_accumulate_grad_hook: expected a leaf"):
        (anygrad.ones(1, requires_grad=True) * 2).register_post_accumulate_grad_hook(print)
    with pytest.raises(RuntimeError, match="does not require grad"):
        anygrad.ones(1).register_post_accumulate_grad_hook(print)


def test_grad_dtype():
    w = anygrad.tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert w.grad_dtype == anygrad.float32 and t.grad_dtype == torch.float32
    w.grad_dtype, t.grad_dtype = anygrad.float64, torch.float64
    (w * w).sum().backward()
    (t * t).sum().backward()
    assert w.grad.dtype == anygrad.float64 and t.grad.dtype == torch.float64
    assert w.grad.tolist() == t.grad.tolist()
    with pytest.raises(RuntimeError, match="dtype \\(grad_dtype\\) anygrad.float64, got "
                       "anygrad.float32"):
        w.grad = anygrad.zeros(2)
    w.grad_dtype = None  # any dtype may be assigned, as in PyTorch
    assert w.grad_dtype is None
    w.grad = anygrad.zeros(2, dtype=anygrad.float16)
    assert w.grad.dtype == anygrad.float16
    with pytest.raises(RuntimeError, match="grad_dtype: only leaf tensors"):
        (w * 2).grad_dtype  # noqa: B018


def test_dim_order_matches_torch(backend, device):
    for shape, perm in [((2, 3, 5, 7), (0, 1, 2, 3)), ((2, 3, 5, 7), (0, 2, 1, 3)),
                        ((2, 3, 5), (2, 0, 1)), ((1, 2, 3, 4), (0, 1, 2, 3))]:
        x = anygrad.zeros(*shape, device=device).permute(*perm)
        assert x.dim_order() == torch.zeros(*shape).permute(*perm).dim_order()
    with pytest.raises(RuntimeError, match="does not have a unique dim order"):
        anygrad.zeros(1, 2, device=device).dim_order(ambiguity_check=True)
    assert anygrad.zeros(2, 3, device=device).dim_order(ambiguity_check=True) == (0, 1)


# -- vmap ------------------------------------------------------------------------------------------
def _to(lib, a):
    if isinstance(a, np.ndarray):
        return lib.tensor(a)
    return type(a)(_to(lib, v) for v in a) if isinstance(a, (tuple, list)) else a


def _both(fn_pair, args, **kw):
    got = anygrad.vmap(fn_pair[0], **kw)(*_to(anygrad, args))
    expected = torch.vmap(fn_pair[1], **kw)(*_to(torch, args))
    return got, expected


def _close(got, expected):
    if isinstance(got, (tuple, list)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _close(g, e)
        return
    assert tuple(got.shape) == tuple(expected.shape)
    np.testing.assert_allclose(np.asarray(got), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_vmap_matches_torch(backend):
    rng = np.random.default_rng(0)
    x, y, z = rng.standard_normal((3, 4, 5)), rng.standard_normal(5), rng.standard_normal((4, 3))
    pair = (lambda u, v: (u @ v, u.sum(0)), lambda u, v: (u @ v, u.sum(0)))
    _close(*_both(pair, (x, y), in_dims=(1, None), out_dims=(0, 1)))
    _close(*_both(pair, (x, y), in_dims=(-2, None), out_dims=-1))
    mul = (lambda u, v: u * v, lambda u, v: u * v)
    _close(*_both(mul, (x[:, :, 0], z), in_dims=(0, 1)))
    lst = (lambda pair, s: [pair[0] * s, pair[1].exp()],) * 2
    _close(*_both(lst, ((x[0], x[1].T), 2.0), in_dims=((0, 1), None)))
    kw = (lambda u, *, scale: u * scale, lambda u, *, scale: u * scale)
    got = anygrad.vmap(kw[0])(anygrad.tensor(x), scale=3.0)
    _close(got, torch.vmap(kw[1])(torch.tensor(x), scale=3.0))


def test_vmap_nested_and_gradient(backend, device):
    x = np.random.default_rng(1).standard_normal((3, 4, 2))
    f = (lambda u: (u * u).sum(), lambda u: (u * u).sum())
    got = anygrad.vmap(anygrad.vmap(f[0], in_dims=1), in_dims=2)(anygrad.tensor(x, device=device))
    exp = torch.vmap(torch.vmap(f[1], in_dims=1), in_dims=2)(torch.tensor(x))
    _close(got, exp)
    w = anygrad.tensor(x, device=device, requires_grad=True)
    anygrad.vmap(lambda u: (u.sin() * u).sum(), in_dims=0)(w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), np.cos(x) * x + np.sin(x), rtol=1e-12)
    arg = {"a": anygrad.tensor(x[:, :, 0], device=device),
           "b": anygrad.tensor(x[0, :, 1], device=device)}
    d = anygrad.vmap(lambda p: p["a"] * p["b"], in_dims=({"a": 0, "b": None},))(arg)
    np.testing.assert_allclose(d.numpy(), x[:, :, 0] * x[0, :, 1], rtol=1e-12)


def test_vmap_randomness(backend, device):
    x = anygrad.zeros(3, 2, device=device)
    with pytest.raises(RuntimeError, match="vmap: a random operation was called while randomness="):
        anygrad.vmap(lambda u: u + anygrad.rand(2, device=device))(x)
    with pytest.raises(RuntimeError) as e:
        torch.vmap(lambda u: u + torch.rand(2))(torch.zeros(3, 2))
    assert "randomness" in str(e.value)
    same = anygrad.vmap(lambda u: u + anygrad.rand(2, device=device), randomness="same")(x).numpy()
    assert (same == same[0]).all()
    draw = anygrad.vmap(lambda u: u + anygrad.rand(2, device=device), randomness="different")
    diff = draw(x).numpy()
    assert len({tuple(r) for r in diff}) == 3
    with pytest.raises(RuntimeError, match="vmap: a random operation"):  # the outer mode holds
        anygrad.vmap(anygrad.vmap(lambda u: u * anygrad.rand(()), randomness="different"))(
            anygrad.zeros(2, 2, device=device))


def test_vmap_errors_are_torchs_types():
    inputs = {anygrad: anygrad.arange(12.0).reshape(3, 4), torch: torch.arange(12.0).reshape(3, 4)}
    cases = [(lambda v, x: v.vmap(lambda u, w: u * w)(x, x[0]), "same size"),
             (lambda v, x: v.vmap(lambda u: 1.0)(x), "return tensors"),
             (lambda v, x: v.vmap(lambda u: u, in_dims=2)(x), "in_dim=2"),
             (lambda v, x: v.vmap(lambda u: u * 2, out_dims=None)(x), "out_dims=None"),
             (lambda v, x: v.vmap(lambda u: u, in_dims=(0,))(2.0), "only tensors can be mapped")]
    for call, msg in cases:
        with pytest.raises(Exception) as e:
            call(torch, inputs[torch])
        with pytest.raises(type(e.value), match=msg):
            call(anygrad, inputs[anygrad])
    constant = anygrad.vmap(lambda u: u * 0, out_dims=None)(anygrad.ones(2, 3))
    assert constant.tolist() == [0.0] * 3
    with pytest.raises(RuntimeError, match="vmap: expected randomness to be one of"):
        anygrad.vmap(lambda u: u, randomness="sometimes")
