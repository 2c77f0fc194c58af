"""Gradient checks: analytical vector-Jacobian products against central differences.

``gradcheck`` runs the function under test on the given backend, device and dtype to get
the analytical VJPs (through anygrad's engine), and evaluates the same function on float64
copies of the inputs to get the numerical reference, so float32-only code is still checked
against an accurate derivative. Small inputs are checked element by element (a failure
names the input, the position and both values); every input is also checked along random
directions. ``gradgradcheck`` applies ``gradcheck`` to the first-order gradient computed
with ``create_graph=True``.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..tensor import Tensor
from .grad_mode import enable_grad

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "default_tolerances"]


class GradcheckError(RuntimeError):
    """Raised by :func:`gradcheck` / :func:`gradgradcheck` when a check fails."""


# (eps, atol, rtol) by the dtype under test. The numerical side is always float64, so eps
# only depends on float64; atol/rtol absorb the rounding of the analytical side.
_TOLERANCES = {
    "float64": (1e-6, 1e-5, 1e-3),
    "float32": (1e-6, 1e-4, 1e-3),
    "float16": (1e-6, 5e-2, 5e-2),
    "bfloat16": (1e-6, 1e-1, 1e-1),
}


def default_tolerances(dtype: Any) -> tuple[float, float, float]:
    """``(eps, atol, rtol)`` used for inputs of ``dtype`` (an anygrad dtype or name)."""
    name = getattr(dtype, "name", str(dtype))
    return _TOLERANCES.get(name, _TOLERANCES["float32"])


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_exception: bool = True,
    n_upstream: int = 2,
    n_directions: int = 2,
    max_elements: int = 32,
    seed: int = 0,
) -> bool:
    """Check the gradients of ``fn`` at ``inputs`` against central finite differences.

    Parameters
    ----------
    fn : callable
        Takes ``*inputs`` and returns a Tensor or a tuple of Tensors.
    inputs : Tensor or sequence
        Arguments of ``fn``. Tensors with ``requires_grad=True`` are differentiated; other
        arguments (ints, masks, options) are passed unchanged.
    eps : float, optional
        Finite-difference step (on float64 copies of the inputs).
    atol, rtol : float, optional
        Tolerances; defaults depend on the dtype under test (see :func:`default_tolerances`).
    raise_exception : bool
        Raise :class:`GradcheckError` on failure (default) instead of returning ``False``.
    n_upstream : int
        Random upstream gradients (vectors ``u`` of ``u^T J``) checked.
    n_directions : int
        Random directions ``v`` along which ``u^T J v`` is checked.
    max_elements : int
        Inputs with at most this many elements (in total) are checked element by element;
        larger ones on a random sample of that many positions.
    seed : int
        Seed of the random upstream gradients, directions and sampled positions.

    Returns
    -------
    bool
        ``True`` when every check passed.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([0.5, 1.5], dtype=anygrad.float64, requires_grad=True)
    >>> anygrad.autograd.gradcheck(anygrad.tanh, (x,))
    True
    """
    try:
        _gradcheck(fn, _as_inputs(inputs), eps, atol, rtol, n_upstream, n_directions,
                   max_elements, seed, "gradcheck")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_exception: bool = True,
    n_upstream: int = 1,
    n_directions: int = 2,
    max_elements: int = 24,
    seed: int = 0,
) -> bool:
    """Check second-order gradients: ``gradcheck`` of ``x, u -> grad(fn(x), x, u)``.

    The first-order gradient is computed with ``create_graph=True``, so this checks that
    every ``backward`` is itself correctly differentiable (with respect to the inputs and
    to the upstream gradient ``u``). Parameters are those of :func:`gradcheck`;
    ``grad_outputs`` (one per floating output, random by default) are the ``u``.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([0.5, 1.5], dtype=anygrad.float64, requires_grad=True)
    >>> anygrad.autograd.gradgradcheck(anygrad.tanh, (x,))
    True
    """
    from ..creation import tensor as _tensor

    inputs = _as_inputs(inputs)
    diff = _diff_indices(inputs, "gradgradcheck")
    with enable_grad():
        outs = _float_outputs(fn(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(seed + 1)
        grad_outputs = tuple(
            _tensor(_draw(rng, o), dtype=o.dtype, device=o.device, backend=o.backend,
                    requires_grad=True)
            for o in outs
        )
    else:
        grad_outputs = _as_inputs(grad_outputs)
        if len(grad_outputs) != len(outs):
            raise ValueError(
                f"gradgradcheck: expected {len(outs)} grad_outputs (one per floating output), "
                f"got {len(grad_outputs)}"
            )
    n = len(inputs)

    def first_order(*args: Any) -> tuple:
        from ..creation import zeros_like
        from .engine import grad

        xs, us = args[:n], args[n:]
        outs = _float_outputs(fn(*xs))
        pairs = [(o, u) for o, u in zip(outs, us) if o.requires_grad]
        targets = [xs[i] for i in diff]
        if not pairs:
            return tuple(zeros_like(t) for t in targets)
        gs = grad([o for o, _ in pairs], targets, grad_outputs=[u for _, u in pairs],
                  create_graph=True, allow_unused=True)
        return tuple(zeros_like(t) if g is None else g for g, t in zip(gs, targets))

    try:
        _gradcheck(first_order, tuple(inputs) + tuple(grad_outputs), eps, atol, rtol,
                   n_upstream, n_directions, max_elements, seed, "gradgradcheck")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


# -- internals ---------------------------------------------------------------------------
def _as_inputs(inputs: Any) -> tuple:
    if isinstance(inputs, (list, tuple)):
        return tuple(inputs)
    return (inputs,)


def _diff_indices(inputs: tuple, op: str) -> list[int]:
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not diff:
        raise ValueError(f"{op}: no input requires grad; pass Tensors with requires_grad=True")
    for i in diff:
        if inputs[i].dtype.kind != "f":
            raise TypeError(
                f"{op}: input {i} requires grad but has dtype {inputs[i].dtype.name}; only real "
                "floating inputs can be checked"
            )
    return diff


def _float_outputs(out: Any) -> tuple:
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return tuple(o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f")


_F64_CACHE: dict = {}


def _reference_place(x: Tensor) -> tuple[str, Any]:
    """Where float64 copies of ``x`` are evaluated: its own backend and device when that
    device has float64, else NumPy on the host."""
    b = x._backend
    dev = x.device
    key = (b.name, str(dev))
    ok = _F64_CACHE.get(key)
    if ok is None:
        try:
            z = b.xp.zeros((1,), dtype=b.to_native("float64"), device=dev)
            ok = bool(b.to_numpy(b.xp.add(z, z)).dtype == np.float64)
        except Exception:  # any failure means: no usable float64 there
            ok = False
        _F64_CACHE[key] = ok
    return (b.name, dev) if ok else ("numpy", None)


def _draw(rng: np.random.Generator, like: Tensor) -> np.ndarray:
    """Standard normal values for a tensor like ``like``, cast on the host first (a device
    without float64 cannot receive float64 values)."""
    values = rng.standard_normal(tuple(like.shape))
    name = like.dtype.name
    return values.astype(name) if name in ("float16", "float32", "float64") else values


def _host(t: Tensor) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


def _gradcheck(
    fn: Callable, inputs: tuple, eps: Any, atol: Any, rtol: Any, n_upstream: int,
    n_directions: int, max_elements: int, seed: int, op: str,
) -> None:
    from ..creation import tensor as _tensor
    from .engine import grad

    diff = _diff_indices(inputs, op)
    dt = inputs[diff[0]].dtype
    d_eps, d_atol, d_rtol = default_tolerances(dt)
    eps = d_eps if eps is None else eps
    atol = d_atol if atol is None else atol
    rtol = d_rtol if rtol is None else rtol
    rng = np.random.default_rng(seed)

    # -- the function under test, on its own backend/device/dtype -----------------------
    with enable_grad():
        try:
            outs = _float_outputs(fn(*inputs))
        except Exception as exc:
            raise GradcheckError(f"{op}: the function raised {type(exc).__name__}: {exc}") from exc
    if not outs:
        raise GradcheckError(f"{op}: the function returned no floating-point Tensor")

    hosts = {i: _host(x) for i, x in enumerate(inputs) if isinstance(x, Tensor)}
    x64 = {i: hosts[i].astype(np.float64) for i in diff}

    # Upstream gradients: drawn in float64, rounded to each output's dtype, and the rounded
    # values used on both sides.
    upstream = []
    for _ in range(max(1, n_upstream)):
        us = []
        for o in outs:
            t = _tensor(_draw(rng, o), dtype=o.dtype, device=o.device, backend=o.backend)
            us.append((t, _host(t).astype(np.float64)))
        upstream.append(us)

    analytical = []  # per upstream: {input index: float64 host gradient}
    for us in upstream:
        pairs = [(o, u) for o, (u, _) in zip(outs, us) if o.requires_grad]
        gs: Sequence[Any] = [None] * len(diff)
        if pairs:
            try:
                gs = grad([o for o, _ in pairs], [inputs[i] for i in diff],
                          grad_outputs=[u for _, u in pairs], retain_graph=True,
                          allow_unused=True)
            except Exception as exc:
                raise GradcheckError(
                    f"{op}: backward raised {type(exc).__name__}: {exc}"
                ) from exc
        got = {}
        for i, g in zip(diff, gs):
            x = inputs[i]
            # A leaf no gradient reached: None (an empty Tensor from older engines, too).
            if g is None or (isinstance(g, Tensor) and g._data is None):
                got[i] = np.zeros(tuple(x.shape))
                continue
            _check_meta(op, i, x, g)
            got[i] = _host(g).astype(np.float64)
        analytical.append(got)

    # -- the numerical reference, on float64 copies ---------------------------------------
    places = {i: _reference_place(x) for i, x in enumerate(inputs) if isinstance(x, Tensor)}
    if len({p[0] for p in places.values()}) > 1 or any(p[0] == "numpy" for p in places.values()):
        places = {i: ("numpy", None) for i in places}  # never mix backends in one call

    def evaluate(perturbed: dict) -> list[np.ndarray]:
        args = list(inputs)
        for i, x in enumerate(inputs):
            if not isinstance(x, Tensor):
                continue
            name, dev = places[i]
            if i in perturbed:
                args[i] = _tensor(perturbed[i], dtype="float64", backend=name, device=dev,
                                  requires_grad=True)
            else:
                h = hosts[i]
                floating = x.dtype.kind == "f"
                args[i] = _tensor(h.astype(np.float64) if floating else h,
                                  dtype="float64" if floating else x.dtype, backend=name,
                                  device=dev, requires_grad=x.requires_grad)
        with enable_grad():
            res = _float_outputs(fn(*args))
        if len(res) != len(outs):
            raise GradcheckError(
                f"{op}: the function returned {len(res)} floating outputs on float64 inputs "
                f"but {len(outs)} on the inputs under test"
            )
        return [_host(r).astype(np.float64) for r in res]

    def central(i: int, direction: np.ndarray) -> list[np.ndarray]:
        plus = evaluate({**x64, i: x64[i] + eps * direction})
        minus = evaluate({**x64, i: x64[i] - eps * direction})
        return [(p - m) / (2 * eps) for p, m in zip(plus, minus)]

    try:
        # Element by element (all positions of small inputs, a sample of large ones).
        total = sum(x64[i].size for i in diff)
        for i in diff:
            n = x64[i].size
            if total <= max_elements:
                positions = range(n)
            else:
                k = max(1, max_elements * n // total)
                positions = sorted(rng.choice(n, size=min(k, n), replace=False).tolist())
            for flat in positions:
                e = np.zeros(n)
                e[flat] = 1.0
                cols = central(i, e.reshape(x64[i].shape))
                for got, us in zip(analytical, upstream):
                    num = sum(float(np.sum(c * u)) for c, (_, u) in zip(cols, us))
                    ana = float(got[i].reshape(-1)[flat])
                    if not abs(ana - num) <= atol + rtol * abs(num):
                        pos = np.unravel_index(flat, x64[i].shape) if x64[i].ndim else ()
                        raise GradcheckError(
                            f"{op}: gradient mismatch for input {i} (shape "
                            f"{tuple(x64[i].shape)}, dtype {inputs[i].dtype.name}) at position "
                            f"{tuple(int(p) for p in pos)}: analytical {ana!r}, numerical "
                            f"{num!r} (atol={atol}, rtol={rtol}, eps={eps})"
                            + _describe(inputs, diff)
                        )
        # Along random directions through all inputs at once.
        for _ in range(n_directions):
            vs = {i: rng.standard_normal(x64[i].shape) for i in diff}
            plus = evaluate({i: x64[i] + eps * vs[i] for i in diff})
            minus = evaluate({i: x64[i] - eps * vs[i] for i in diff})
            jv = [(p - m) / (2 * eps) for p, m in zip(plus, minus)]
            for got, us in zip(analytical, upstream):
                num = sum(float(np.sum(c * u)) for c, (_, u) in zip(jv, us))
                ana = sum(float(np.sum(got[i] * vs[i])) for i in diff)
                scale = sum(float(np.sum(np.abs(got[i] * vs[i]))) for i in diff)
                if not abs(ana - num) <= atol * math.sqrt(total) + rtol * max(abs(num), scale):
                    raise GradcheckError(
                        f"{op}: directional derivative mismatch along a random direction "
                        f"(seed={seed}): analytical u^T J v = {ana!r}, numerical {num!r} "
                        f"(atol={atol}, rtol={rtol}, eps={eps})" + _describe(inputs, diff)
                    )
    except GradcheckError:
        raise
    except Exception as exc:
        raise GradcheckError(
            f"{op}: evaluating the function on float64 copies of the inputs raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _check_meta(op: str, i: int, x: Tensor, g: Any) -> None:
    problems = []
    if not isinstance(g, Tensor):
        raise GradcheckError(f"{op}: the gradient of input {i} is a {type(g).__name__}, not a Tensor")
    if tuple(g.shape) != tuple(x.shape):
        problems.append(f"shape {tuple(g.shape)} (input has {tuple(x.shape)})")
    if g.dtype is not x.dtype:
        problems.append(f"dtype {g.dtype.name} (input has {x.dtype.name})")
    if g._backend is not x._backend:
        problems.append(f"backend {g.backend!r} (input has {x.backend!r})")
    elif g.device != x.device:
        problems.append(f"device {g.device!r} (input has {x.device!r})")
    if problems:
        raise GradcheckError(f"{op}: the gradient of input {i} has " + ", ".join(problems))


def _describe(inputs: tuple, diff: list[int]) -> str:
    with np.printoptions(precision=6, threshold=50):
        parts = []
        for i in diff:
            x = inputs[i]
            parts.append(f"\n  input {i} ({x.backend}, {x.device}, {x.dtype.name}): "
                         f"{np.array2string(_host(x))}")
    return "".join(parts)

