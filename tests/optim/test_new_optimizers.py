"""Adafactor and Muon against ``torch.optim`` (and Muon against a NumPy float64 reference of
its published algorithm, as PyTorch runs the Newton-Schulz iteration in bfloat16), and
``swap_in_optimizer_params_and_state`` against PyTorch's, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad import optim

_rng = np.random.default_rng(7)
P0 = [_rng.standard_normal((3, 4)), _rng.standard_normal(5), _rng.standard_normal((2, 3, 4)),
      np.array(0.7)]
P_MUON = [P0[0], _rng.standard_normal((5, 3))]  # wide and tall
STEPS = 6


def _grads(params: list) -> list:
    """The gradient of sum(1 - cos p + 0.15 p^2): smooth and not quadratic."""
    return [np.sin(p) + 0.3 * p for p in params]


def _run_torch(torch, name, kw, p0):
    ps = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in p0]
    opt = getattr(torch.optim, name)(ps, **kw)
    for _ in range(STEPS):
        for p, g in zip(ps, _grads([p.detach().numpy() for p in ps])):
            p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return [p.detach().numpy() for p in ps], opt


def _run_anygrad(backend, name, kw, p0):
    dev = backend.device_obj()
    ps = [anygrad.tensor(p, dtype=anygrad.float64, device=dev, requires_grad=True) for p in p0]
    opt = getattr(optim, name)(ps, **kw)
    for _ in range(STEPS):
        for p, g in zip(ps, _grads([np.asarray(p.detach()) for p in ps])):
            p.grad = anygrad.tensor(g, dtype=anygrad.float64, device=dev)
        opt.step()
    assert all(p.backend == backend.name for p in ps)
    return [np.asarray(p.detach()) for p in ps], opt


ADAFACTOR = [dict(), dict(lr=0.1, weight_decay=0.1, maximize=True),
             dict(eps=(1e-20, 1e-2), d=2.0, beta2_decay=-0.5)]


@pytest.mark.parametrize("kw", ADAFACTOR, ids=["defaults", "wd-maximize", "eps-d-decay"])
def test_adafactor_matches_torch(backend, kw):
    torch = pytest.importorskip("torch")
    expected, topt = _run_torch(torch, "Adafactor", dict(kw, foreach=False), P0)
    got, aopt = _run_anygrad(backend, "Adafactor", kw, P0)
    for g, e, p0 in zip(got, expected, P0):
        assert not np.allclose(e, p0)
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-12)
    # The same state, with PyTorch's names and shapes (row and column factors).
    for tp, ap in zip(topt.param_groups[0]["params"], aopt.param_groups[0]["params"]):
        ts, st = topt.state[tp], aopt.state[ap]
        assert set(ts) == set(st)
        for key in ("row_var", "col_var", "variance"):
            if key in ts:
                np.testing.assert_allclose(np.asarray(st[key].detach()), ts[key].numpy(),
                                           rtol=0, atol=1e-12)
        assert float(st["step"]) == float(ts["step"]) == STEPS


def _muon_reference(p0, kw):
    """Muon in float64 NumPy, from the algorithm as published (Jordan et al., 2024)."""
    lr, wd, mu = kw.get("lr", 1e-3), kw.get("weight_decay", 0.1), kw.get("momentum", 0.95)
    a, b, c = kw.get("ns_coefficients", (3.4445, -4.775, 2.0315))
    ps = [p.copy() for p in p0]
    bufs = [np.zeros_like(p) for p in p0]
    for _ in range(STEPS):
        for i, g in enumerate(_grads(ps)):
            bufs[i] = mu * bufs[i] + (1 - mu) * g
            m = (1 - mu) * g + mu * bufs[i] if kw.get("nesterov", True) else bufs[i]
            x = m.T if m.shape[0] > m.shape[1] else m
            x = x / max(np.linalg.norm(x), 1e-7)
            for _ in range(kw.get("ns_steps", 5)):
                s = x @ x.T
                x = a * x + (b * s + c * s @ s) @ x
            o = x.T if m.shape[0] > m.shape[1] else x
            rows, cols = ps[i].shape
            scale = (0.2 * np.sqrt(max(rows, cols)) if kw.get("adjust_lr_fn") == "match_rms_adamw"
                     else np.sqrt(max(1, rows / cols)))
            ps[i] = ps[i] * (1 - lr * wd) - lr * scale * o
    return ps


MUON = [dict(), dict(lr=0.02, nesterov=False, adjust_lr_fn="match_rms_adamw", weight_decay=0.0),
        dict(lr=0.01, momentum=0.5, ns_steps=3, ns_coefficients=(2.0, -1.5, 0.5))]


@pytest.mark.parametrize("kw", MUON, ids=["defaults", "plain-momentum-adamw-lr", "ns-options"])
def test_muon_matches_reference(backend, kw):
    got, _ = _run_anygrad(backend, "Muon", kw, P_MUON)
    for g, e, p in zip(got, _muon_reference(P_MUON, kw), P_MUON):
        assert not np.allclose(e, p)
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-12)


def test_muon_reference_is_torchs():
    """The reference above is PyTorch's Muon, up to PyTorch's bfloat16 iteration."""
    torch = pytest.importorskip("torch")
    for kw in MUON[:2]:
        expected, _ = _run_torch(torch, "Muon", kw, P_MUON)
        for g, e, p in zip(_muon_reference(P_MUON, kw), expected, P_MUON):
            # bfloat16 keeps about 3 significant digits: 2% of the distance moved.
            np.testing.assert_allclose(g, e, rtol=0, atol=0.02 * np.abs(e - p).max())


def test_new_optimizers_reject_bad_options():
    w = anygrad.zeros(2, 3, requires_grad=True)
    for kw, what in [(dict(beta2_decay=0.5), "beta2_decay"), (dict(d=0.5), "clipping"),
                     (dict(eps=(None, -1.0)), "eps2"), (dict(lr=-1.0), "learning rate")]:
        with pytest.raises(ValueError, match=f"Adafactor: invalid {what}"):
            optim.Adafactor([w], **kw)
    with pytest.raises(ValueError, match="Muon: only 2-D parameters.*shape \\(3,\\)"):
        optim.Muon([anygrad.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="Muon: invalid adjust_lr_fn"):
        optim.Muon([w], adjust_lr_fn="other")
    with pytest.raises(RuntimeError, match="Adafactor: complex parameters"):
        optim.Adafactor([anygrad.zeros(2, dtype=anygrad.complex128, requires_grad=True)])


def _sgd_swap(lib, t, params0):
    """One live SGD step, then one step on swapped-in parameters; the live state after."""
    w = t(params0[0], requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = t(np.ones(2))
    opt.step()
    other = t(params0[1], requires_grad=True)
    other.grad = t(np.full(2, 2.0))
    osd = opt.state_dict()
    osd["param_groups"][0]["lr"] = 0.5
    with lib.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, osd):
        assert opt.param_groups[0]["params"][0] is other and opt.param_groups[0]["lr"] == 0.5
        opt.step()
    assert opt.param_groups[0]["params"][0] is w and opt.param_groups[0]["lr"] == 0.1
    buf = opt.state[w]["momentum_buffer"]
    return [np.asarray(other.detach()), np.asarray(w.detach()), np.asarray(buf.detach())]


def test_swap_in_optimizer_params_and_state_matches_torch(backend):
    torch = pytest.importorskip("torch")
    p0 = [np.array([1.0, 2.0]), np.array([0.0, -1.0])]
    dev = backend.device_obj()
    got = _sgd_swap(anygrad, lambda a, **k: anygrad.tensor(a, device=dev, **k), p0)
    expected = _sgd_swap(torch, lambda a, **k: torch.tensor(a, **k), p0)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=0, atol=1e-12)


def test_swap_in_optimizer_params_and_state_errors():
    w = anygrad.ones(2, requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    swap = optim.swap_in_optimizer_params_and_state
    with pytest.raises(RuntimeError, match="no state yet"):
        with swap(opt, {"w": w}, opt.state_dict()):
            pass
    opt = optim.Adam([w])
    w.grad = anygrad.ones(2)
    opt.step()
    bad = opt.state_dict()
    bad["param_groups"][0]["extra"] = 1
    with pytest.raises(RuntimeError, match="keys differ: only in swap-in \\['extra'\\]"):
        with swap(opt, {"w": w}, bad):
            pass
    with pytest.raises(RuntimeError, match="expected at least 1 swap-in parameters"):
        with swap(opt, {}, opt.state_dict()):
            pass
