"""Max pooling that returns indices, its inverse ``max_unpool``, and fractional max pooling.

Every window of these poolings is a list of flat positions in the input's spatial plane,
computed on the host from the geometry alone (no data). The input is gathered at those
positions into ``(N, C, outputs, window)``; the first maximum along the window (PyTorch's
tie rule) gives the values and, through the same positions, the indices. Gather and
``take_along_axis`` are differentiable, so the gradient reaches exactly the first maximum of
each window, to any order. Padding (and a ragged adaptive window's unused slots) points at
one extra ``-inf`` entry appended to the plane, which never wins.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import anygrad as _ag

from ...ops._registry import OpSpec, register
from ._pool import _out_size, adaptive_max_pool1d, adaptive_max_pool2d, max_pool1d, max_pool2d
from ._util import pair

__all__ = [
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices",
]


def ntuple(v: Any, n: int, name: str, op: str) -> tuple:
    """An int or an ``n``-sequence of ints (PyTorch's ``_single``/``_pair``/``_triple``)."""
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return (int(v[0]),) * n
        if len(v) != n:
            raise ValueError(f"{op}: expected {name} to be an int or {n} ints, got {v!r}")
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _batched(op: str, x: Any, dims: int) -> tuple[Any, bool]:
    """``x`` with a batch axis (added for an unbatched input) and whether it was added."""
    if x.ndim == dims + 1:
        return _ag.expand_dims(x, axis=0), True
    if x.ndim != dims + 2:
        raise ValueError(f"{op}: expected a {dims + 1}-D or {dims + 2}-D input (N, C, *spatial) "
                         f"with {dims} spatial dimensions, got shape {tuple(x.shape)}")
    return x, False


def _flat_windows(pos: list, sizes: tuple) -> np.ndarray:
    """Flat window positions ``(B, outputs, window)`` from per-axis positions.

    ``pos[i]`` is ``(B, out_i, k_i)`` (``B`` is 1 when every plane shares its windows);
    positions outside ``[0, sizes[i])`` become ``prod(sizes)``, the ``-inf`` slot.
    """
    d = len(pos)
    total = math.prod(sizes)
    batch = max(p.shape[0] for p in pos)
    flat = np.zeros((1,) * (2 * d + 1), dtype=np.int64)
    valid = np.ones_like(flat, dtype=bool)
    for i, p in enumerate(pos):
        shape = [p.shape[0]] + [1] * (2 * d)
        shape[1 + i], shape[1 + d + i] = p.shape[1], p.shape[2]
        pi = p.reshape(shape)
        flat = flat + pi * math.prod(sizes[i + 1:])
        valid = valid & (pi >= 0) & (pi < sizes[i])
    flat = np.where(valid, flat, total)
    outs = tuple(p.shape[1] for p in pos)
    ks = tuple(p.shape[2] for p in pos)
    full = np.broadcast_to(flat, (batch,) + outs + ks)
    return full.reshape(batch, math.prod(outs), math.prod(ks)), outs


def window_max(x: Any, windows: np.ndarray, outs: tuple) -> tuple[Any, Any]:
    """Values and flat indices of the first maximum of each window of ``x`` (N, C, *S)."""
    n, c = x.shape[0], x.shape[1]
    total = math.prod(x.shape[2:])
    kw = dict(backend=x._backend, device=x.device)
    flat = _ag.reshape(x, (n, c, total))
    if (windows == total).any():
        pad = _ag.full((n, c, 1), -math.inf, dtype=x.dtype, **kw)
        flat = _ag.concat([flat, pad], axis=2)
    p, k = windows.shape[1], windows.shape[2]
    w = np.broadcast_to(windows.reshape(-1, p, k), (n * c, p, k)).reshape(n, c, p * k)
    idx = _ag.asarray(np.ascontiguousarray(w), dtype=_ag.int64, **kw)
    g = _ag.reshape(_ag.gather(flat, 2, idx), (n, c, p, k))
    first = _ag.argmax(g, axis=3, keepdims=True)
    values = _ag.take_along_axis(g, first, axis=3)
    indices = _ag.take_along_axis(_ag.reshape(idx, (n, c, p, k)), first, axis=3)
    shape = (n, c) + tuple(outs)
    return _ag.reshape(values, shape), _ag.reshape(indices, shape)


# -- max pooling with indices ----------------------------------------------------------------


def _max_pool_nd(op: str, dims: int, input: Any, kernel_size: Any, stride: Any,  # noqa: A002
                 padding: Any, dilation: Any, ceil_mode: bool) -> tuple[Any, Any]:
    x, unbatched = _batched(op, input, dims)
    k = ntuple(kernel_size, dims, "kernel_size", op)
    s = k if stride is None or stride == [] or stride == () else ntuple(stride, dims, "stride", op)
    p = ntuple(padding, dims, "padding", op)
    d = ntuple(dilation, dims, "dilation", op)
    if min(k + s + d) < 1:
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive, got {k}, "
                         f"{s} and {d}")
    if any(pi < 0 or 2 * pi > ki for pi, ki in zip(p, k)):
        raise ValueError(f"{op}: padding {p} should be non-negative and at most half of the "
                         f"kernel size {k}")
    sizes = tuple(x.shape[2:])
    pos = []
    for i in range(dims):
        out, _ = _out_size(op, sizes[i], k[i], s[i], p[i], d[i], ceil_mode, tuple(x.shape))
        pos.append((np.arange(out)[:, None] * s[i] - p[i] + np.arange(k[i])[None, :] * d[i])[None])
    windows, outs = _flat_windows(pos, sizes)
    values, indices = window_max(x, windows, outs)
    return (values[0], indices[0]) if unbatched else (values, indices)


def max_pool1d_with_indices(input: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Any, Any]:
    """1-D max pooling returning ``(values, indices)``; the indices count along ``L``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.max_pool1d_with_indices(anygrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2)[1].tolist()
    [[[1, 2]]]
    """
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Any, Any]:
    """2-D max pooling returning ``(values, indices)``, flat indices ``h * W + w``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.max_pool2d_with_indices(anygrad.arange(16.0).reshape(1, 1, 4, 4), 2)[1].tolist()
    [[[[5, 7], [13, 15]]]]
    """
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                            padding: Any = 0, dilation: Any = 1, ceil_mode: bool = False,
                            return_indices: bool = False) -> tuple[Any, Any]:
    """3-D max pooling returning ``(values, indices)``, flat indices ``(d * H + h) * W + w``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.max_pool3d_with_indices(anygrad.arange(8.0).reshape(1, 1, 2, 2, 2), 2)[1].tolist()
    [[[[[7]]]]]
    """
    return _max_pool_nd("max_pool3d_with_indices", 3, input, kernel_size, stride, padding,
                        dilation, ceil_mode)


# -- adaptive max pooling with indices ---------------------------------------------------------


def adaptive_positions(length: int, out: int) -> np.ndarray:
    """``(1, out, widest)`` positions of PyTorch's adaptive windows; unused slots are -1."""
    bounds = [((i * length) // out, -((-(i + 1) * length) // out)) for i in range(out)]
    widest = max(b - a for a, b in bounds)
    pos = np.array([[a + j if a + j < b else -1 for j in range(widest)] for a, b in bounds])
    return pos[None]


def adaptive_max_nd(op: str, dims: int, input: Any, output_size: Any) -> tuple[Any, Any]:  # noqa: A002
    """Adaptive max pooling over ``dims`` spatial axes: ``(values, indices)``."""
    x, unbatched = _batched(op, input, dims)
    sizes = tuple(x.shape[2:])
    outs = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * dims
    if len(outs) != dims:
        raise ValueError(f"{op}: expected output_size to be an int or {dims} ints, got "
                         f"{output_size!r}")
    outs = tuple(n if o is None else int(o) for n, o in zip(sizes, outs))
    if min(outs) < 1:
        raise ValueError(f"{op}: output_size must be positive, got {output_size!r}")
    windows, outs = _flat_windows([adaptive_positions(n, o) for n, o in zip(sizes, outs)], sizes)
    values, indices = window_max(x, windows, outs)
    return (values[0], indices[0]) if unbatched else (values, indices)


def adaptive_max_pool1d_with_indices(input: Any, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Any, Any]:
    """Adaptive 1-D max pooling returning ``(values, indices)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.adaptive_max_pool1d_with_indices(anygrad.tensor([[[1.0, 3.0, 2.0]]]), 2)[1].tolist()
    [[[1, 1]]]
    """
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Any, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Any, Any]:
    """Adaptive 2-D max pooling returning ``(values, indices)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.arange(9.0).reshape(1, 1, 3, 3)
    >>> F.adaptive_max_pool2d_with_indices(x, 2)[1].tolist()
    [[[[4, 5], [7, 8]]]]
    """
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input: Any, output_size: Any,  # noqa: A002
                                     return_indices: bool = False) -> tuple[Any, Any]:
    """Adaptive 3-D max pooling returning ``(values, indices)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> F.adaptive_max_pool3d_with_indices(x, 1)[1].tolist()
    [[[[[7]]]]]
    """
    return adaptive_max_nd("adaptive_max_pool3d_with_indices", 3, input, output_size)


# -- max_unpool ------------------------------------------------------------------------------------


def _max_unpool(op: str, dims: int, input: Any, indices: Any, kernel_size: Any,  # noqa: A002
                stride: Any, padding: Any, output_size: Any) -> Any:
    x, unbatched = _batched(op, input, dims)
    if tuple(indices.shape) != tuple(input.shape):
        raise ValueError(f"{op}: expected indices of the input's shape {tuple(input.shape)}, got "
                         f"{tuple(indices.shape)}")
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{op}: expected integer indices, got dtype {indices.dtype}")
    k = ntuple(kernel_size, dims, "kernel_size", op)
    s = k if stride is None or stride == [] or stride == () else ntuple(stride, dims, "stride", op)
    p = ntuple(padding, dims, "padding", op)
    if output_size is None:
        outs = tuple((x.shape[2 + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(dims))
    else:
        outs = tuple(int(v) for v in tuple(output_size)[-dims:])
        if len(tuple(output_size)) not in (dims, dims + 1, dims + 2):
            raise ValueError(f"{op}: output_size should have {dims} to {dims + 2} entries, got "
                             f"{output_size!r}")
        for i in range(dims):
            low = (x.shape[2 + i] - 1) * s[i] - 2 * p[i] + k[i]
            if not low - s[i] < outs[i] < low + s[i]:
                raise ValueError(f"{op}: output_size {tuple(output_size)} is not reachable: size "
                                 f"{i} should be between {low - s[i] + 1} and {low + s[i] - 1}")
    n, c = x.shape[0], x.shape[1]
    total = math.prod(outs)
    idx = _ag.reshape(indices if not unbatched else _ag.expand_dims(indices, axis=0),
                      (n, c, -1))
    if idx.numel() and (int(_ag.max(idx).item()) >= total or int(_ag.min(idx).item()) < 0):
        raise ValueError(f"{op}: found an index outside [0, {total}) for output size {outs} "
                         f"(indices range [{int(_ag.min(idx).item())}, "
                         f"{int(_ag.max(idx).item())}])")
    base = _ag.zeros((n, c, total), dtype=x.dtype, backend=x._backend, device=x.device)
    y = _ag.scatter(base, 2, _ag.astype(idx, _ag.int64), _ag.reshape(x, (n, c, -1)))
    y = _ag.reshape(y, (n, c) + outs)
    return y[0] if unbatched else y


def max_unpool1d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Any:
    """The partial inverse of :func:`max_pool1d`: values put back at ``indices``, zeros elsewhere.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> y, i = F.max_pool1d(anygrad.tensor([[[1.0, 3.0, 2.0, 0.0]]]), 2, return_indices=True)
    >>> F.max_unpool1d(y, i, 2).tolist()
    [[[0.0, 3.0, 2.0, 0.0]]]
    """
    return _max_unpool("max_unpool1d", 1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Any:
    """The partial inverse of :func:`max_pool2d` (flat ``h * W + w`` indices).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> y, i = F.max_pool2d(anygrad.arange(4.0).reshape(1, 1, 2, 2), 2, return_indices=True)
    >>> F.max_unpool2d(y, i, 2).tolist()
    [[[[0.0, 0.0], [0.0, 3.0]]]]
    """
    return _max_unpool("max_unpool2d", 2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Any, indices: Any, kernel_size: Any, stride: Any = None,  # noqa: A002
                 padding: Any = 0, output_size: Any = None) -> Any:
    """The partial inverse of :func:`max_pool3d` (flat ``(d * H + h) * W + w`` indices).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> x = anygrad.arange(8.0).reshape(1, 1, 2, 2, 2)
    >>> y, i = F.max_pool3d(x, 2, return_indices=True)
    >>> F.max_unpool3d(y, i, 2).flatten().tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 7.0]
    """
    return _max_unpool("max_unpool3d", 3, input, indices, kernel_size, stride, padding, output_size)


# -- fractional max pooling ---------------------------------------------------------------------


def _intervals(samples: np.ndarray, length: int, out: int, k: int, dtype: Any) -> np.ndarray:
    """Window starts ``(B, out)`` from one uniform sample per plane (PyTorch's sequence rule,
    in the input's floating precision so the same samples give the same windows)."""
    u = samples.astype(dtype)
    seq = np.empty(samples.shape + (out,), dtype=np.int64)
    if out > 1:
        alpha = dtype(length - k) / dtype(out - 1)
        i = np.arange(out - 1, dtype=dtype)
        seq[..., :-1] = ((i + u[..., None]) * alpha).astype(np.int64) - (u * alpha).astype(
            np.int64)[..., None]
    seq[..., -1] = length - k
    return seq


def _fractional(op: str, dims: int, input: Any, kernel_size: Any, output_size: Any,  # noqa: A002
                output_ratio: Any, random_samples: Any) -> tuple[Any, Any]:
    x, unbatched = _batched(op, input, dims)
    if not x.dtype.kind == "f":
        raise TypeError(f"{op}: expected a floating-point input, got dtype {x.dtype}")
    k = ntuple(kernel_size, dims, "kernel_size", op)
    sizes = tuple(x.shape[2:])
    if output_size is None:
        if output_ratio is None:
            raise ValueError(f"{op} requires output_size or output_ratio, got neither")
        ratio = output_ratio if isinstance(output_ratio, (tuple, list)) else (output_ratio,) * dims
        if len(ratio) == 1:
            ratio = tuple(ratio) * dims
        if not all(0 < r < 1 for r in ratio):
            raise ValueError(f"{op}: output_ratio must be between 0 and 1, got {output_ratio!r}")
        outs = tuple(int(n * float(r)) for n, r in zip(sizes, ratio))
    else:
        outs = ntuple(output_size, dims, "output_size", op)
    for i in range(dims):
        if outs[i] + k[i] - 1 > sizes[i] or outs[i] < 1 or k[i] < 1:
            raise ValueError(f"{op}: output size {outs} with kernel_size {k} is too large for "
                             f"input of shape {tuple(input.shape)} (output + kernel - 1 must "
                             f"not exceed the input size)")
    n, c = x.shape[0], x.shape[1]
    dtype = np.float32 if x.dtype.itemsize <= 4 else np.float64
    if random_samples is None:
        from ...random import host_generator

        samples = host_generator(None).random((n, c, dims)).astype(dtype)
    else:
        rs = random_samples
        samples = np.asarray(rs.detach().cpu().numpy() if hasattr(rs, "detach") else rs,
                             dtype=np.float64).astype(dtype)
        if unbatched and samples.ndim == 2:
            samples = samples[None]
        if samples.shape != (n, c, dims):
            raise ValueError(f"{op}: expected _random_samples of shape {(n, c, dims)}, got "
                             f"{samples.shape}")
    # PyTorch's sample order: (W, H) in 2-D, (T, H, W) in 3-D.
    order = (1, 0) if dims == 2 else (0, 1, 2)
    pos = []
    for i in range(dims):
        starts = _intervals(samples[:, :, order[i]].reshape(-1), sizes[i], outs[i], k[i], dtype)
        pos.append(starts[:, :, None] + np.arange(k[i])[None, None, :])
    windows, outs = _flat_windows(pos, sizes)
    values, indices = window_max(x, windows, outs)
    return (values[0], indices[0]) if unbatched else (values, indices)


def fractional_max_pool2d_with_indices(input: Any, kernel_size: Any,  # noqa: A002
                                       output_size: Any = None, output_ratio: Any = None,
                                       return_indices: bool = False,
                                       _random_samples: Any = None) -> tuple[Any, Any]:
    """Fractional max pooling (Graham, 2014) over ``(N, C, H, W)``: ``(values, indices)``.

    The pseudo-random window starts come from ``_random_samples`` (``(N, C, 2)`` in
    ``[0, 1)``), drawn from anygrad's seeded generator when not given.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> y, i = F.fractional_max_pool2d_with_indices(anygrad.randn(1, 2, 7, 7), 2, output_size=3)
    >>> y.shape, i.shape
    (anygrad.Size([1, 2, 3, 3]), anygrad.Size([1, 2, 3, 3]))
    """
    return _fractional("fractional_max_pool2d", 2, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool2d(input: Any, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Fractional max pooling over ``(N, C, H, W)`` (indices too with ``return_indices``).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.fractional_max_pool2d(anygrad.randn(1, 2, 8, 8), 3, output_ratio=0.5).shape
    anygrad.Size([1, 2, 4, 4])
    """
    res = fractional_max_pool2d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]


def fractional_max_pool3d_with_indices(input: Any, kernel_size: Any,  # noqa: A002
                                       output_size: Any = None, output_ratio: Any = None,
                                       return_indices: bool = False,
                                       _random_samples: Any = None) -> tuple[Any, Any]:
    """Fractional max pooling over ``(N, C, T, H, W)``: ``(values, indices)``.

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> y, i = F.fractional_max_pool3d_with_indices(anygrad.randn(1, 1, 5, 5, 5), 2,
    ...                                             output_size=3)
    >>> y.shape
    anygrad.Size([1, 1, 3, 3, 3])
    """
    return _fractional("fractional_max_pool3d", 3, input, kernel_size, output_size,
                       output_ratio, _random_samples)


def fractional_max_pool3d(input: Any, kernel_size: Any, output_size: Any = None,  # noqa: A002
                          output_ratio: Any = None, return_indices: bool = False,
                          _random_samples: Any = None) -> Any:
    """Fractional max pooling over ``(N, C, T, H, W)`` (indices too with ``return_indices``).

    Examples
    --------
    >>> import anygrad
    >>> import anygrad.nn.functional as F
    >>> F.fractional_max_pool3d(anygrad.randn(1, 1, 6, 6, 6), 2, output_ratio=0.5).shape
    anygrad.Size([1, 1, 3, 3, 3])
    """
    res = fractional_max_pool3d_with_indices(input, kernel_size, output_size, output_ratio,
                                             return_indices, _random_samples)
    return res if return_indices else res[0]


# -- registry entries (references: anygrad/testing/_references_layers.py) ------------------------


def _distinct(shape: tuple) -> Any:
    """``make_inputs`` with pairwise distinct values, far enough apart that no finite
    difference reorders them (no ties inside a window)."""
    def make(rng: Any, dtype: str) -> list:
        size = math.prod(shape)
        x = (rng.permutation(size) - size / 2) * (4.0 / size)
        return [x.reshape(shape).astype(dtype)]

    return make


def _unpool_inputs(pooled: tuple) -> Any:
    """Values and valid, distinct indices of a kernel-2, stride-2 pooling of ``2 * pooled``."""
    def make(rng: Any, dtype: str) -> list:
        n, c, spatial = pooled[0], pooled[1], pooled[2:]
        full = tuple(2 * s for s in spatial)
        coords = [2 * np.arange(s).reshape((1, 1) + tuple(s if j == i else 1 for j in range(
            len(spatial)))) + rng.integers(0, 2, (n, c) + spatial) for i, s in enumerate(spatial)]
        idx = np.ravel_multi_index(tuple(np.broadcast_arrays(*coords)), full)
        return [rng.uniform(-2, 2, pooled).astype(dtype), idx.astype(np.int64)]

    return make


_MAX = "distinct inputs: the gradient goes to the window's first maximum (PyTorch's rule)"

for _d, _shape in ((1, (2, 2, 7)), (2, (2, 2, 5, 5)), (3, (1, 2, 3, 4, 5))):
    register(OpSpec(
        f"nn.functional.max_pool{_d}d_with_indices", globals()[f"max_pool{_d}d_with_indices"],
        make_inputs=_distinct(_shape),
        kwargs=(({"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                 {"kernel_size": 2, "stride": 1, "dilation": 2}) if _d == 3
                else ({"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},)),
        category="nn_pooling", notes=_MAX + "; returns (values, flat indices)"))
    register(OpSpec(
        f"nn.functional.adaptive_max_pool{_d}d_with_indices",
        globals()[f"adaptive_max_pool{_d}d_with_indices"], make_inputs=_distinct(_shape),
        kwargs=({"output_size": 3},), category="nn_pooling",
        notes=_MAX + "; overlapping windows when the output size does not divide"))
    register(OpSpec(
        f"nn.functional.max_unpool{_d}d", globals()[f"max_unpool{_d}d"], nin=2,
        make_inputs=_unpool_inputs((2, 2) + (2, 3, 2)[:_d]),
        kwargs=({"kernel_size": 2, "output_size": (5, 7, 5)[:_d]},),
        category="nn_pooling", notes="indices are an integer input (distinct, as a pooling's)"))


def _with_samples(fn: Any, dims: int) -> Any:
    def case(x: Any, **kwargs: Any) -> Any:
        from ...testing._references_layers import FRACTIONAL_SAMPLES

        s = _ag.asarray(FRACTIONAL_SAMPLES[dims], dtype=x.dtype, backend=x._backend,
                        device=x.device)
        return fn(x, _random_samples=s, **kwargs)

    return case


for _d, _shape in ((2, (2, 2, 7, 6)), (3, (2, 2, 4, 4, 5))):
    for _name in (f"fractional_max_pool{_d}d", f"fractional_max_pool{_d}d_with_indices"):
        register(OpSpec(
            f"nn.functional.{_name}", globals()[_name],
            harness=_with_samples(globals()[_name], _d), make_inputs=_distinct(_shape),
            kwargs=({"kernel_size": 2, "output_ratio": 0.6},),
            category="nn_pooling",
            notes=_MAX + "; fixed _random_samples (the window starts) for a deterministic test"))
