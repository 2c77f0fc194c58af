"""Sampling grids: ``affine_grid`` and ``grid_sample`` (spatial transformer networks).

Both compose differentiable operations. ``grid_sample`` maps each grid point to input
coordinates (with the padding mode's clamping or reflection), gathers the ``2**d``
neighbouring values from the flattened input and blends them with weights that are
differentiable functions of the grid, so gradients reach the input and the grid.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

import anygrad as _ag

from ...ops._registry import OpSpec, register

__all__ = ["affine_grid", "grid_sample"]


def _base_axis(n: int, align_corners: bool) -> np.ndarray:
    """Normalised coordinates of ``n`` pixels in [-1, 1] (pixel centres or corners)."""
    if n <= 1:
        return np.zeros(max(n, 0))
    v = np.linspace(-1.0, 1.0, n)
    return v if align_corners else v * (n - 1) / n


def affine_grid(theta: Any, size: Any, align_corners: bool | None = None) -> Any:
    """The sampling grid of a batch of affine maps ``theta``, for :func:`grid_sample`.

    ``theta`` is ``(N, 2, 3)`` for a 4-D ``size`` ``(N, C, H, W)`` (grid ``(N, H, W, 2)``
    of ``(x, y)``), or ``(N, 3, 4)`` for a 5-D ``size`` (grid ``(N, D, H, W, 3)``).
    ``align_corners`` defaults to False.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> theta = anygrad.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    >>> F.affine_grid(theta, (1, 1, 1, 2), align_corners=True).tolist()
    [[[[-1.0, 0.0], [1.0, 0.0]]]]
    """
    op = "affine_grid"
    size = tuple(int(v) for v in size)
    if len(size) not in (4, 5):
        raise ValueError(f"{op}: expected a 4-D (N, C, H, W) or 5-D (N, C, D, H, W) size, got "
                         f"{size}")
    d = len(size) - 2
    if tuple(theta.shape) != (size[0], d, d + 1):
        raise ValueError(f"{op}: expected theta of shape {(size[0], d, d + 1)} for size {size}, "
                         f"got {tuple(theta.shape)}")
    if theta.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating-point theta, got dtype {theta.dtype}")
    if min(size) <= 0:
        raise ValueError(f"{op}: expected a size of positive entries, got {size}")
    spatial = size[2:]
    axes = [_base_axis(n, bool(align_corners)) for n in spatial]
    # Components (x, y[, z], 1): x runs along the last axis (W), y along H, z along D.
    mesh = np.meshgrid(*axes, indexing="ij")
    base = np.stack([mesh[d - 1 - j] for j in range(d)] + [np.ones(spatial)], axis=-1)
    b = _ag.asarray(base.reshape(1, -1, d + 1), dtype=theta.dtype, backend=theta._backend,
                    device=theta.device)
    grid = _ag.matmul(b, _ag.swapaxes(theta, 1, 2))
    return _ag.reshape(grid, (size[0],) + spatial + (d,))


def _reflect(u: Any, twice_low: int, twice_high: int) -> Any:
    """Reflect coordinates into ``[twice_low / 2, twice_high / 2]`` (mirror at each end)."""
    if twice_low == twice_high:
        return u * 0.0
    low = twice_low / 2.0
    span = (twice_high - twice_low) / 2.0
    a = _ag.abs(u - low)
    extra = _ag.fmod(a, span)
    flips = _ag.floor(a.detach() / span)
    even = _ag.remainder(flips, 2.0) == 0
    return _ag.where(even, extra + low, span - extra + low)


def _source(u: Any, size: int, padding_mode: str, align_corners: bool) -> Any:
    """Input coordinates (in pixels) of normalised grid values along one axis."""
    if align_corners:
        x = (u + 1.0) * ((size - 1) / 2.0)
    else:
        x = ((u + 1.0) * size - 1.0) / 2.0
    if padding_mode == "border":
        x = _ag.clip(x, 0.0, float(size - 1))
    elif padding_mode == "reflection":
        x = _reflect(x, 0, 2 * (size - 1)) if align_corners else _reflect(x, -1, 2 * size - 1)
        x = _ag.clip(x, 0.0, float(size - 1))
    return x


def grid_sample(input: Any, grid: Any, mode: str = "bilinear",  # noqa: A002
                padding_mode: str = "zeros", align_corners: bool | None = None) -> Any:
    """Sample ``input`` at the normalised positions of ``grid``.

    ``input`` is ``(N, C, H, W)`` with ``grid`` ``(N, H_out, W_out, 2)``, or ``(N, C, D,
    H, W)`` with ``grid`` ``(N, D_out, H_out, W_out, 3)``; the grid's last axis holds
    ``(x, y[, z])`` in ``[-1, 1]``. ``mode`` is ``'bilinear'`` (trilinear for 5-D) or
    ``'nearest'`` (halves round to even, as PyTorch's); ``padding_mode`` is ``'zeros'``,
    ``'border'`` or ``'reflection'``; ``align_corners`` defaults to False.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    >>> F.grid_sample(x, anygrad.zeros(1, 1, 1, 2), align_corners=False).tolist()
    [[[[1.5]]]]
    """
    op = "grid_sample"
    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"{op}: mode must be 'bilinear' or 'nearest', got {mode!r} (anygrad "
                         f"has no 'bicubic')")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"{op}: padding_mode must be 'zeros', 'border' or 'reflection', got "
                         f"{padding_mode!r}")
    d = input.ndim - 2
    if d not in (2, 3) or grid.ndim != d + 2 or grid.shape[-1] != d or grid.shape[0] != input.shape[0]:
        raise ValueError(f"{op}: expected input (N, C, H, W) with grid (N, H_out, W_out, 2), or "
                         f"input (N, C, D, H, W) with grid (N, D_out, H_out, W_out, 3), got input "
                         f"of shape {tuple(input.shape)} and grid of shape {tuple(grid.shape)}")
    if input.dtype != grid.dtype:
        raise TypeError(f"{op}: expected input and grid of the same dtype, got {input.dtype} and "
                        f"{grid.dtype}")
    align = bool(align_corners)
    n, c = input.shape[0], input.shape[1]
    sizes = tuple(input.shape[2:])
    out = tuple(grid.shape[1:-1])
    points = math.prod(out)
    g = _ag.reshape(grid, (n, points, d))
    # Axis i of the input (D, H, W order) is the grid's component d - 1 - i.
    coords = [_source(g[:, :, d - 1 - i], sizes[i], padding_mode, align) for i in range(d)]
    flat = _ag.reshape(input, (n, c, math.prod(sizes)))
    strides = [math.prod(sizes[i + 1:]) for i in range(d)]

    def gather(pos: list) -> tuple[Any, Any]:
        """Values at integer positions (clamped into range) and whether each is inside."""
        inside = None
        index = None
        for i, p in enumerate(pos):
            ok = _ag.logical_and(p >= 0, p <= sizes[i] - 1)
            inside = ok if inside is None else _ag.logical_and(inside, ok)
            term = _ag.astype(_ag.clip(p, 0, sizes[i] - 1), _ag.int64) * strides[i]
            index = term if index is None else index + term
        index = _ag.broadcast_to(_ag.reshape(index, (n, 1, points)), (n, c, points))
        return _ag.gather(flat, 2, index), _ag.astype(inside, input.dtype)

    if mode == "nearest":
        vals, inside = gather([_ag.round(u.detach()) for u in coords])
        # A zero that depends on the grid: its gradient is zeros, as PyTorch's (not None).
        zero = sum(_ag.where(_ag.isfinite(u.detach()), u * 0.0, 0.0) for u in coords)
        y = vals * _ag.reshape(inside + zero, (n, 1, points))
    else:
        low = [_ag.floor(u.detach()) for u in coords]
        frac = [u - lo for u, lo in zip(coords, low)]
        y = None
        for corner in itertools.product((0, 1), repeat=d):
            vals, inside = gather([lo + b for lo, b in zip(low, corner)])
            w = inside
            for f, b in zip(frac, corner):
                w = w * (f if b else 1.0 - f)
            term = vals * _ag.reshape(w, (n, 1, points))
            y = term if y is None else y + term
    return _ag.reshape(y, (n, c) + out)


# -- registry entries (references: anygrad/testing/_references_layers.py) ------------------------


def _grid_inputs(rng: Any, dtype: str, variant: int) -> list:
    # Grid points whose pixel coordinates sit 0.15-0.35 past an integer: away from the
    # bilinear blend's kinks (integers) and the reflections (integers or halves), so that
    # finite differences see a smooth function.
    align = variant in (1, 3, 4)
    shape = (2, 2, 3, 4) if variant < 4 else (1, 2, 2, 3, 3)
    d = len(shape) - 2
    out = (shape[0],) + ((2, 3) if d == 2 else (2, 2, 2))
    comps = []
    for j in range(d):
        size = shape[1 + d - j]
        p = rng.integers(-1, size + 1, out) + rng.uniform(0.15, 0.35, out)
        comps.append(p * 2.0 / (size - 1) - 1.0 if align else (2.0 * p + 1.0) / size - 1.0)
    return [rng.uniform(-2, 2, shape).astype(dtype), np.stack(comps, axis=-1).astype(dtype)]


register(OpSpec(
    "nn.functional.affine_grid", affine_grid,
    harness=lambda theta, **k: affine_grid(theta, **k), ref=None,
    make_inputs=lambda rng, dtype, variant: [
        rng.uniform(-1, 1, (2, 2, 3) if variant == 0 else (1, 3, 4)).astype(dtype)],
    kwargs=({"size": (2, 1, 3, 4), "align_corners": False},
            {"size": (1, 2, 2, 3, 2), "align_corners": True}),
    category="nn_vision"))
register(OpSpec(
    "nn.functional.grid_sample", grid_sample, nin=2, ref=None, make_inputs=_grid_inputs,
    kwargs=({"align_corners": False}, {"padding_mode": "border", "align_corners": True},
            {"padding_mode": "reflection", "align_corners": False},
            {"mode": "nearest", "padding_mode": "reflection", "align_corners": True},
            {"padding_mode": "zeros", "align_corners": True}),
    twice_differentiable=False, category="nn_vision",
    notes="gradients to the input and the grid; the grid's finite differences need points "
          "away from pixel boundaries, where the blend has kinks; the last variant is 5-D "
          "(trilinear)"))
