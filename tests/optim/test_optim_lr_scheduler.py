"""Every scheduler's learning-rate sequence equals PyTorch's; scheduler state survives
anygrad.save / anygrad.load."""

from __future__ import annotations

import io
import warnings

import pytest

import anygrad
from anygrad import optim
from anygrad.optim import lr_scheduler as S

STEPS = 40
METRICS = [1.0, 0.9, 0.95, 0.96, 0.97, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85] * 4


def _lambda(epoch):
    return 0.95**epoch


def _plain(name, **kw):
    return lambda opt, mod: getattr(mod, name)(opt, **kw)


CASES = {
    "LambdaLR": _plain("LambdaLR", lr_lambda=_lambda),
    "MultiplicativeLR": _plain("MultiplicativeLR", lr_lambda=lambda e: 0.9),
    "StepLR": _plain("StepLR", step_size=7, gamma=0.5),
    "MultiStepLR": _plain("MultiStepLR", milestones=[3, 10, 10, 25], gamma=0.3),
    "ConstantLR": _plain("ConstantLR", factor=0.5, total_iters=6),
    "ExponentialLR": _plain("ExponentialLR", gamma=0.93),
    "CosineAnnealingLR": _plain("CosineAnnealingLR", T_max=12, eta_min=0.001),
    "CosineAnnealingWarmRestarts": _plain("CosineAnnealingWarmRestarts", T_0=5, T_mult=2, eta_min=0.01),
    "LinearLR": _plain("LinearLR", start_factor=0.2, end_factor=0.9, total_iters=8),
    "PolynomialLR": _plain("PolynomialLR", total_iters=20, power=2.0),
    "OneCycleLR": _plain("OneCycleLR", max_lr=[1.0, 0.5], total_steps=STEPS + 1),
    "OneCycleLR-linear-3phase": _plain("OneCycleLR", max_lr=0.8, total_steps=STEPS + 1,
                                       anneal_strategy="linear", three_phase=True, pct_start=0.25),
    "SequentialLR": lambda opt, mod: mod.SequentialLR(
        opt, [mod.LinearLR(opt, start_factor=0.1, total_iters=5), mod.ExponentialLR(opt, gamma=0.9)],
        milestones=[5]),
    "SequentialLR-cos": lambda opt, mod: mod.SequentialLR(
        opt, [mod.ConstantLR(opt, factor=0.3, total_iters=4), mod.CosineAnnealingLR(opt, T_max=10),
              mod.StepLR(opt, step_size=3)], milestones=[6, 20]),
    "CyclicLR": _plain("CyclicLR", base_lr=[0.1, 0.2], max_lr=[0.5, 1.0], step_size_up=4),
    "CyclicLR-triangular2": _plain("CyclicLR", base_lr=0.05, max_lr=0.8, step_size_up=3,
                                   step_size_down=5, mode="triangular2",
                                   base_momentum=[0.7, 0.75], max_momentum=0.95),
    "CyclicLR-exp_range": _plain("CyclicLR", base_lr=0.1, max_lr=1.0, step_size_up=5,
                                 mode="exp_range", gamma=0.97),
    "CyclicLR-no-momentum": _plain("CyclicLR", base_lr=0.1, max_lr=0.3, step_size_up=2,
                                   step_size_down=7, cycle_momentum=False),
    "CyclicLR-scale_fn": _plain("CyclicLR", base_lr=0.1, max_lr=0.6, step_size_up=4,
                                scale_fn=lambda x: 1 / (1 + 0.1 * x), scale_mode="iterations"),
    "ChainedScheduler": lambda opt, mod: mod.ChainedScheduler(
        [mod.ConstantLR(opt, factor=0.5, total_iters=6), mod.ExponentialLR(opt, gamma=0.95)]),
    "ChainedScheduler-3": lambda opt, mod: mod.ChainedScheduler(
        [mod.LinearLR(opt, start_factor=0.2, total_iters=5), mod.MultiStepLR(opt, [8, 20]),
         mod.CosineAnnealingLR(opt, T_max=15)], optimizer=opt),
    "SequentialLR-chained": lambda opt, mod: mod.SequentialLR(
        opt, [mod.ChainedScheduler([mod.ConstantLR(opt, factor=0.4, total_iters=3),
                                    mod.ExponentialLR(opt, gamma=0.9)]),
              mod.StepLR(opt, step_size=4, gamma=0.5)], milestones=[10]),
    "ReduceLROnPlateau": _plain("ReduceLROnPlateau", patience=2, factor=0.5, cooldown=1),
    "ReduceLROnPlateau-max-abs": _plain("ReduceLROnPlateau", mode="max", threshold_mode="abs",
                                        patience=1, min_lr=[0.01, 0.2]),
}


def _groups(lib, make):
    return [{"params": [make()], "lr": 0.1}, {"params": [make()], "lr": 0.5}]


def _run(opt, sched, momentum_key, n=STEPS, start=0):
    lrs, moms = [], []
    for i in range(start, start + n):
        lrs.append(list(sched.get_last_lr()) if not isinstance(sched, _PLATEAU) else
                   [g["lr"] for g in opt.param_groups])
        moms.append([g[momentum_key] for g in opt.param_groups])
        opt.step()
        if isinstance(sched, _PLATEAU):
            sched.step(METRICS[i])
        else:
            sched.step()
    return lrs, moms


_PLATEAU = (S.ReduceLROnPlateau,)


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("case", list(CASES))
def test_lr_sequence_equals_torch(case, opt_name):
    torch = pytest.importorskip("torch")
    global _PLATEAU
    _PLATEAU = (S.ReduceLROnPlateau, torch.optim.lr_scheduler.ReduceLROnPlateau)
    extra = {"momentum": 0.9} if opt_name == "SGD" else {}
    key = "momentum" if opt_name == "SGD" else "betas"
    t_opt = getattr(torch.optim, opt_name)(_groups(torch, lambda: torch.zeros(2, requires_grad=True)), **extra)
    a_opt = getattr(optim, opt_name)(_groups(anygrad, lambda: anygrad.zeros(2, requires_grad=True)), **extra)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_lrs, t_moms = _run(t_opt, CASES[case](t_opt, torch.optim.lr_scheduler), key)
    a_lrs, a_moms = _run(a_opt, CASES[case](a_opt, S), key)
    assert a_lrs == t_lrs
    assert a_moms == t_moms
    assert len({tuple(x) for x in a_lrs}) > 1  # the schedule does change the rate


@pytest.mark.parametrize("case", list(CASES))
def test_scheduler_state_survives_save_load(case):
    def fresh():
        opt = optim.SGD(_groups(anygrad, lambda: anygrad.zeros(2, requires_grad=True)), momentum=0.9)
        return opt, CASES[case](opt, S)

    opt, sched = fresh()
    first, _ = _run(opt, sched, "momentum", STEPS // 2)
    buf = io.BytesIO()
    anygrad.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, buf)
    rest, _ = _run(opt, sched, "momentum", STEPS // 2, STEPS // 2)

    buf.seek(0)
    saved = anygrad.load(buf)
    opt2, sched2 = fresh()
    opt2.load_state_dict(saved["opt"])
    sched2.load_state_dict(saved["sched"])
    rest2, _ = _run(opt2, sched2, "momentum", STEPS // 2, STEPS // 2)
    assert rest2 == rest


def test_scheduler_errors():
    opt = optim.SGD([anygrad.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(TypeError, match="expected an Optimizer"):
        S.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="start_factor"):
        S.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="milestones"):
        S.SequentialLR(opt, [S.StepLR(opt, 2), S.StepLR(opt, 3)], milestones=[])
    with pytest.raises(ValueError, match="total_steps"):
        S.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="T_0"):
        S.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(ValueError, match="factor"):
        S.ReduceLROnPlateau(opt, factor=1.5)
    with pytest.raises(ValueError, match="CyclicLR: mode must be"):
        S.CyclicLR(opt, base_lr=0.1, max_lr=1.0, mode="triangle")
    with pytest.raises(ValueError, match="step_size_up > 0"):
        S.CyclicLR(opt, base_lr=0.1, max_lr=1.0, step_size_up=0)
    with pytest.raises(ValueError, match="expected 1 values"):
        S.CyclicLR(opt, base_lr=[0.1, 0.2], max_lr=1.0)
    with pytest.raises(ValueError, match="cycle_momentum needs"):
        S.CyclicLR(optim.Adagrad([anygrad.zeros(2, requires_grad=True)]), base_lr=0.1, max_lr=1.0)
    with pytest.raises(ValueError, match="at least one scheduler"):
        S.ChainedScheduler([])
    with pytest.raises(ValueError, match="cannot be chained"):
        S.ChainedScheduler([S.StepLR(opt, 2), S.ReduceLROnPlateau(opt)])
    other = optim.SGD([anygrad.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="another optimizer"):
        S.ChainedScheduler([S.StepLR(opt, 2), S.StepLR(other, 2)])
    with pytest.raises(TypeError, match="expected schedulers"):
        S.ChainedScheduler([S.StepLR(opt, 2), object()])
    with pytest.raises(KeyError, match="initial_lr"):
        S.StepLR(optim.SGD([anygrad.zeros(2, requires_grad=True)], lr=0.1), 2, last_epoch=3)


class _Decay:
    """A callable scale_fn with state: its attributes travel in CyclicLR's state dict."""

    def __init__(self, rate):
        self.rate = rate

    def __call__(self, x):
        return 1 / (1 + self.rate * x)


def test_cyclic_scale_fn_object_state():
    def fresh(rate):
        opt = optim.Adam([anygrad.zeros(2, requires_grad=True)], lr=0.1)
        return opt, S.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=3,
                               scale_fn=_Decay(rate), scale_mode="cycle")

    opt, sched = fresh(0.5)
    _run(opt, sched, "betas", 5)
    state = sched.state_dict()
    assert state["_scale_fn_custom"] == {"rate": 0.5}
    rest, moms = _run(opt, sched, "betas", 10, 5)
    opt2, sched2 = fresh(0.0)
    opt2.load_state_dict(opt.state_dict())
    sched2.load_state_dict(state)
    assert sched2._scale_fn_custom.rate == 0.5
    rest2, _ = _run(opt2, sched2, "betas", 10, 5)
    # opt2 holds the state after all 15 steps; the rates depend only on the scheduler.
    assert rest2 == rest
    assert moms[0][0][0] != moms[1][0][0]  # beta1 cycles with the rate
    assert S.CyclicLR.__module__ == "anygrad.optim.lr_scheduler"
