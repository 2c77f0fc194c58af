"""Optimizer mechanics on every backend: state dicts through save/load, resuming, groups,
zero_grad, argument errors, storage semantics; plus NumPy references that need no torch."""

from __future__ import annotations

import io

import numpy as np
import pytest

import anygrad
from anygrad import optim

A = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])
B = np.array([1.0, -2.0, 0.5])


def _grad(x: np.ndarray) -> np.ndarray:
    return A @ x - B + 0.3 * np.cos(x)


def _loss(x: np.ndarray) -> float:
    return float(0.5 * x @ A @ x - B @ x + 0.3 * np.sum(np.sin(x)))


def _param(backend, values=(0.5, -1.0, 2.0)):
    return anygrad.tensor(np.array(values), dtype=anygrad.float64, device=backend.device_obj(),
                          requires_grad=True)


def _set_grad(backend, p):
    p.grad = anygrad.tensor(_grad(np.asarray(p.detach())), dtype=anygrad.float64,
                            device=p.device, backend=p.backend)


def _closure_for(backend, p):
    def closure():
        _set_grad(backend, p)
        return _loss(np.asarray(p.detach()))
    return closure


def _steps(backend, opt, p, n):
    closure = _closure_for(backend, p)
    for _ in range(n):
        if isinstance(opt, optim.LBFGS):
            opt.step(closure)
        else:
            closure()
            opt.step()


MAKERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "Adam": lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.05),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5),
    "Adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
    "Adamax": lambda ps: optim.Adamax(ps, lr=0.05),
    "NAdam": lambda ps: optim.NAdam(ps, lr=0.05),
    "Adadelta": lambda ps: optim.Adadelta(ps, lr=0.5, weight_decay=0.01),
    "RAdam": lambda ps: optim.RAdam(ps, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True),
    "Rprop": lambda ps: optim.Rprop(ps, lr=0.05, step_sizes=(1e-3, 0.2)),
    "ASGD": lambda ps: optim.ASGD(ps, lr=0.05, lambd=0.01, t0=2),
    "LBFGS": lambda ps: optim.LBFGS(ps, lr=0.5, max_iter=3, history_size=4),
    "LBFGS-wolfe": lambda ps: optim.LBFGS(ps, lr=1, max_iter=3, line_search_fn="strong_wolfe"),
}


def _bits(x) -> bytes:
    return np.asarray(x.detach() if isinstance(x, anygrad.Tensor) else x).tobytes()


def _assert_state_equal(s1: dict, s2: dict) -> None:
    assert s1.keys() == s2.keys()
    for k in s1:
        a, b = s1[k], s2[k]
        if isinstance(a, anygrad.Tensor):
            assert isinstance(b, anygrad.Tensor) and a.dtype == b.dtype and _bits(a) == _bits(b), k
        elif isinstance(a, list):
            assert len(a) == len(b) and all(_bits(x) == _bits(y) for x, y in zip(a, b)), k
        else:
            assert a == b, k


@pytest.mark.parametrize("name", list(MAKERS))
def test_state_survives_save_load_and_training_resumes(backend, name, tmp_path):
    p = _param(backend)
    opt = MAKERS[name]([p])
    _steps(backend, opt, p, 4)
    path = tmp_path / "opt.ag"
    anygrad.save({"param": p, "optim": opt.state_dict()}, path)
    _steps(backend, opt, p, 4)
    final = _bits(p)

    saved = anygrad.load(path, backend=backend.name, device=backend.device_obj())
    p2 = saved["param"]
    assert p2.requires_grad and p2.backend == backend.name
    opt2 = MAKERS[name]([p2])
    opt2.load_state_dict(saved["optim"])
    before = anygrad.load(path, backend=backend.name, device=backend.device_obj())["optim"]
    for i, s in opt2.state_dict()["state"].items():
        _assert_state_equal(s, before["state"][i])
    _steps(backend, opt2, p2, 4)
    assert _bits(p2) == final  # bit for bit


@pytest.mark.parametrize("name", ["Adam", "SGD", "LBFGS"])
def test_state_moves_across_backends(backend, name):
    """A state saved from NumPy resumes on any backend with the same trajectory."""
    host = anygrad.tensor([0.5, -1.0, 2.0], dtype=anygrad.float64, backend="numpy", requires_grad=True)
    numpy_case = type(backend)("numpy")
    opt = MAKERS[name]([host])
    _steps(numpy_case, opt, host, 3)
    buf = io.BytesIO()
    anygrad.save(opt.state_dict(), buf)
    p = _param(backend, np.asarray(host.detach()))
    opt2 = MAKERS[name]([p])
    buf.seek(0)
    opt2.load_state_dict(anygrad.load(buf, backend="numpy"))  # moved by load_state_dict
    for value in opt2.state[p].values():
        if isinstance(value, anygrad.Tensor):
            assert value.backend == backend.name
    _steps(numpy_case, opt, host, 3)
    _steps(backend, opt2, p, 3)
    np.testing.assert_allclose(np.asarray(p.detach()), np.asarray(host.detach()), rtol=0, atol=1e-12)


def test_param_groups_and_state_dict_layout(backend):
    p1, p2, p3 = _param(backend), _param(backend, (1.0, 2.0, 3.0)), _param(backend, (0.0, 0.1, 0.2))
    opt = optim.Adam([{"params": [p1, p2]}, {"params": [p3], "lr": 0.5, "betas": (0.5, 0.6)}], lr=0.1)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["betas"] == (0.5, 0.6) and opt.param_groups[1]["eps"] == 1e-8
    for p in (p1, p2, p3):
        _set_grad(backend, p)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert set(sd["state"]) == {0, 1, 2}
    assert set(sd["state"][2]) == {"step", "exp_avg", "exp_avg_sq"} and sd["state"][2]["step"] == 1
    # Per-group options: in the first Adam step every coordinate moves by about lr.
    moved = np.abs(np.asarray(p3.detach()) - [0.0, 0.1, 0.2])
    np.testing.assert_allclose(moved, 0.5, rtol=1e-6)
    p4 = _param(backend)
    opt.add_param_group({"params": p4, "lr": 0.01})
    assert opt.param_groups[2]["params"] == [p4] and opt.param_groups[2]["amsgrad"] is False


def test_zero_grad(backend):
    p = _param(backend)
    opt = optim.SGD([p], lr=0.1)
    _set_grad(backend, p)
    g = p.grad
    held = g.array
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and np.all(np.asarray(p.grad) == 0)
    if p._backend.mutable:  # zeroed in place, as PyTorch's grad.zero_()
        assert np.all(p._backend.to_numpy(held) == 0)
    opt.zero_grad()
    assert p.grad is None
    opt.step()  # no gradient: nothing happens
    np.testing.assert_array_equal(np.asarray(p.detach()), [0.5, -1.0, 2.0])


def test_step_writes_in_place_and_views_follow(backend):
    p = _param(backend)
    alias = p.data
    view = p[1:]
    snapshot = p._backend.to_numpy(p.array).copy()
    version = p._version
    saved = p * p  # a graph that saved p before the step
    opt = optim.SGD([p], lr=0.1)
    _set_grad(backend, p)
    opt.step()
    assert p._version == version + 1
    expected = snapshot - 0.1 * _grad(snapshot)
    np.testing.assert_allclose(np.asarray(p.detach()), expected)
    np.testing.assert_array_equal(np.asarray(alias), np.asarray(p.detach()))  # shared storage
    np.testing.assert_array_equal(np.asarray(view.detach()), expected[1:])  # views follow
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        saved.sum().backward()  # as PyTorch: p changed after the graph saved it


def test_training_with_autograd(backend):
    """End to end: gradients from anygrad's own autograd, Adam and SGD drive the loss down."""
    for make in (lambda ps: optim.Adam(ps, lr=0.1), lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5)):
        w = _param(backend)
        target = anygrad.tensor(np.array([1.0, 2.0, -1.0]), dtype=anygrad.float64,
                                device=backend.device_obj())
        opt = make([w])
        losses = []
        for _ in range(30):
            opt.zero_grad()
            loss = ((w - target) * (w - target)).sum()
            loss.backward()
            opt.step()
            losses.append(float(loss))
        assert losses[-1] < 0.05 * losses[0]


def test_new_optimizers_train_a_float32_model(backend):
    """A float32 nn.Linear fit with anygrad's own gradients and a StepLR, as PyTorch's MNIST
    example pairs Adadelta with StepLR: the loss goes down on every backend."""
    dev = backend.device_obj()
    rng = np.random.default_rng(0)
    x = anygrad.tensor(rng.standard_normal((32, 3)), dtype=anygrad.float32, device=dev)
    y = x @ anygrad.tensor([[1.0], [-2.0], [0.5]], device=dev) + 0.3
    # Adadelta starts with steps of about sqrt(eps) and speeds up slowly: a smaller bar.
    for make, bar in ((lambda ps: optim.Adadelta(ps, lr=1.0), 0.95),
                      (lambda ps: optim.RAdam(ps, lr=0.1), 0.5),
                      (lambda ps: optim.Rprop(ps, lr=0.05), 0.5),
                      (lambda ps: optim.ASGD(ps, lr=0.1), 0.5)):
        anygrad.manual_seed(0)
        model = anygrad.nn.Linear(3, 1).to(device=dev)
        opt = make(model.parameters())
        sched = optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.7)
        losses = []
        for _ in range(30):
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        assert model.weight.dtype == anygrad.float32 and model.weight.backend == backend.name
        assert np.isfinite(losses).all() and losses[-1] < bar * losses[0], type(opt).__name__


def test_closure_returns_loss(backend):
    p = _param(backend)
    opt = optim.Adam([p])
    closure = _closure_for(backend, p)
    assert opt.step(closure) == _loss(np.array([0.5, -1.0, 2.0]))
    with pytest.raises(RuntimeError, match="closure"):
        optim.LBFGS([p]).step()


# -- NumPy references (independent of torch, so these run everywhere) -----------------------
def _ref_adam(x, steps, lr, b1, b2, eps, wd=0.0, amsgrad=False):
    m = np.zeros_like(x); v = np.zeros_like(x); vmax = np.zeros_like(x)
    for t in range(1, steps + 1):
        g = _grad(x) + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        vhat = (vmax if amsgrad else v) / (1 - b2**t)
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(vhat) + eps)
    return x


def _ref_sgd(x, steps, lr, mom, damp, nesterov, wd):
    buf = None
    for _ in range(steps):
        g = _grad(x) + wd * x
        buf = g.copy() if buf is None else mom * buf + (1 - damp) * g
        x = x - lr * (g + mom * buf if nesterov else buf)
    return x


def _ref_rmsprop(x, steps, lr, alpha, eps, centered, mom):
    sq = np.zeros_like(x); ga = np.zeros_like(x); buf = np.zeros_like(x)
    for _ in range(steps):
        g = _grad(x)
        sq = alpha * sq + (1 - alpha) * g * g
        ga = alpha * ga + (1 - alpha) * g
        avg = np.sqrt(sq - ga * ga if centered else sq) + eps
        if mom:
            buf = mom * buf + g / avg
            x = x - lr * buf
        else:
            x = x - lr * g / avg
    return x


def _ref_adadelta(x, steps, lr, rho, eps):
    sq = np.zeros_like(x); acc = np.zeros_like(x)
    for _ in range(steps):
        g = _grad(x)
        sq = rho * sq + (1 - rho) * g * g
        delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
        acc = rho * acc + (1 - rho) * delta * delta
        x = x - lr * delta
    return x


def _ref_radam(x, steps, lr, b1, b2, eps):
    m = np.zeros_like(x); v = np.zeros_like(x)
    rho_inf = 2 / (1 - b2) - 1
    for t in range(1, steps + 1):
        g = _grad(x)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t > 5:
            r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            x = x - lr * m_hat * r * np.sqrt(1 - b2**t) / (np.sqrt(v) + eps)
        else:
            x = x - lr * m_hat
    return x


def _ref_rprop(x, steps, lr, etas, sizes):
    prev = np.zeros_like(x); size = np.full_like(x, lr)
    for _ in range(steps):
        g = _grad(x)
        s = np.sign(g * prev)
        size = np.clip(size * np.where(s > 0, etas[1], np.where(s < 0, etas[0], 1.0)), *sizes)
        g = np.where(s < 0, 0.0, g)
        x = x - np.sign(g) * size
        prev = g
    return x


def _ref_asgd(x, steps, lr, lambd, alpha, t0):
    eta, mu, ax = lr, 1.0, np.zeros_like(x)
    for t in range(1, steps + 1):
        x = x * (1 - lambd * eta) - eta * _grad(x)
        ax = ax + mu * (x - ax)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)
    return x, ax


REFERENCES = [
    (lambda ps: optim.Adam(ps, lr=0.05, betas=(0.8, 0.9)),
     lambda x: _ref_adam(x, 20, 0.05, 0.8, 0.9, 1e-8)),
    (lambda ps: optim.Adam(ps, lr=0.05, amsgrad=True, weight_decay=0.1),
     lambda x: _ref_adam(x, 20, 0.05, 0.9, 0.999, 1e-8, wd=0.1, amsgrad=True)),
    (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.05),
     lambda x: _ref_sgd(x, 20, 0.05, 0.9, 0.2, False, 0.05)),
    (lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
     lambda x: _ref_sgd(x, 20, 0.05, 0.9, 0.0, True, 0.0)),
    (lambda ps: optim.RMSprop(ps, lr=0.01, centered=True, momentum=0.5),
     lambda x: _ref_rmsprop(x, 20, 0.01, 0.99, 1e-8, True, 0.5)),
    (lambda ps: optim.Adadelta(ps, lr=0.5, rho=0.8),
     lambda x: _ref_adadelta(x, 20, 0.5, 0.8, 1e-6)),
    (lambda ps: optim.RAdam(ps, lr=0.05),
     lambda x: _ref_radam(x, 20, 0.05, 0.9, 0.999, 1e-8)),
    (lambda ps: optim.Rprop(ps, lr=0.05, etas=(0.4, 1.3), step_sizes=(1e-3, 0.1)),
     lambda x: _ref_rprop(x, 20, 0.05, (0.4, 1.3), (1e-3, 0.1))),
    (lambda ps: optim.ASGD(ps, lr=0.05, lambd=0.01, alpha=0.6),
     lambda x: _ref_asgd(x, 20, 0.05, 0.01, 0.6, 1e6)[0]),
]


@pytest.mark.parametrize("index", range(len(REFERENCES)))
def test_numpy_reference(backend, index):
    make, ref = REFERENCES[index]
    p = _param(backend)
    opt = make([p])
    _steps(backend, opt, p, 20)
    np.testing.assert_allclose(np.asarray(p.detach()), ref(np.array([0.5, -1.0, 2.0])), rtol=0, atol=1e-10)


# -- argument errors -------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda ps: optim.SGD(ps, lr=-0.1), "SGD: invalid learning rate"),
    (lambda ps: optim.SGD(ps, lr=0.1, momentum=-1), "momentum"),
    (lambda ps: optim.SGD(ps, lr=0.1, nesterov=True), "Nesterov"),
    (lambda ps: optim.Adam(ps, betas=(1.0, 0.999)), "Adam: invalid beta parameter at index 0"),
    (lambda ps: optim.Adam(ps, betas=(0.9, -0.1)), "index 1"),
    (lambda ps: optim.AdamW(ps, eps=-1e-8), "AdamW: invalid epsilon"),
    (lambda ps: optim.Adam(ps, weight_decay=-1), "weight_decay"),
    (lambda ps: optim.NAdam(ps, momentum_decay=-1), "momentum_decay"),
    (lambda ps: optim.Adamax(ps, betas=(0.9, 1.5)), "Adamax"),
    (lambda ps: optim.RMSprop(ps, alpha=-0.5), "alpha"),
    (lambda ps: optim.Adagrad(ps, lr_decay=-1), "lr_decay"),
    (lambda ps: optim.Adadelta(ps, lr=-1),
     "Adadelta: invalid learning rate, expected lr >= 0, got -1"),
    (lambda ps: optim.Adadelta(ps, rho=1.5), "Adadelta: invalid rho value"),
    (lambda ps: optim.Adadelta(ps, eps=-1e-6), "Adadelta: invalid epsilon"),
    (lambda ps: optim.RAdam(ps, betas=(0.9, 1.0)), "RAdam: invalid beta parameter at index 1"),
    (lambda ps: optim.RAdam(ps, weight_decay=-0.1), "RAdam: invalid weight_decay"),
    (lambda ps: optim.Rprop(ps, lr=-0.01), "Rprop: invalid learning rate"),
    (lambda ps: optim.Rprop(ps, etas=(1.2, 0.5)), "Rprop: invalid eta values.*got 1.2, 0.5"),
    (lambda ps: optim.Rprop(ps, step_sizes=1.0), "Rprop: step_sizes must be a pair"),
    (lambda ps: optim.ASGD(ps, lr=-0.01), "ASGD: invalid learning rate"),
    (lambda ps: optim.ASGD(ps, weight_decay=-1), "ASGD: invalid weight_decay"),
    (lambda ps: optim.LBFGS(ps, line_search_fn="armijo"), "line_search_fn"),
    (lambda ps: optim.SGD(ps + ps, lr=0.1), "appears twice"),
    (lambda ps: optim.SGD([{"params": ps}, {"params": ps}], lr=0.1), "more than one parameter group"),
    (lambda ps: optim.SGD([], lr=0.1), "empty parameter list"),
    (lambda ps: optim.LBFGS([{"params": ps}, {"params": [anygrad.zeros(1, requires_grad=True)]}]),
     "parameter groups"),
])
def test_invalid_arguments(make, match):
    p = anygrad.zeros(3, requires_grad=True)
    with pytest.raises(ValueError, match=match):
        make([p])


def test_asgd_averages_the_iterates(backend):
    """``state["ax"]`` is the last iterate before ``t0`` steps and their running mean after."""
    p = _param(backend)
    opt = optim.ASGD([p], lr=0.05, lambd=0.01, t0=5)
    _steps(backend, opt, p, 12)
    x, ax = _ref_asgd(np.array([0.5, -1.0, 2.0]), 12, 0.05, 0.01, 0.75, 5)
    np.testing.assert_allclose(np.asarray(p.detach()), x, rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.asarray(opt.state[p]["ax"].detach()), ax, rtol=0, atol=1e-12)
    assert not np.allclose(ax, x)
    assert opt.state[p]["step"] == 12 and opt.state[p]["mu"] == 1 / 7


def test_rprop_ignores_the_gradient_magnitude(backend):
    """Rprop moves by its step sizes only: a gradient scaled by 1000 gives the same steps."""
    runs = []
    for scale in (1.0, 1000.0):
        p = _param(backend)
        opt = optim.Rprop([p], lr=0.1)
        for _ in range(5):
            p.grad = anygrad.tensor(scale * _grad(np.asarray(p.detach())), dtype=anygrad.float64,
                                    device=p.device, backend=p.backend)
            opt.step()
        runs.append(np.asarray(p.detach()))
        assert set(opt.state[p]) == {"step", "prev", "step_size"}
    np.testing.assert_array_equal(runs[0], runs[1])


def test_invalid_param_types():
    p = anygrad.zeros(3, requires_grad=True)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match="parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": []})
