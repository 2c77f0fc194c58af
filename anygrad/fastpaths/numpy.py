"""NumPy fast paths (same signatures and meaning as the generic kernels).

Besides ``scatter_add`` this holds the convolution and max-pooling kernels of a CPU
training step. They follow the generic standard-only code of
:mod:`anygrad.nn.functional._conv` / ``_pool`` exactly (same results, same tie rule), but
build the im2col columns with one strided copy of a ``sliding_window_view`` and do col2im
by in-place additions into a buffer allocated here (docs/design.md, 'How to add an operation':
only arrays allocated in the same function are ever written). ``tune_allocator`` is an
explicit opt-in for glibc's allocator; nothing here changes global state at import.
"""

from __future__ import annotations

import math
import os
import threading
from typing import Any, Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as _windows

__all__ = [
    "scatter_add", "multiply_by_mask", "scalar_operand", "conv2d_forward", "conv2d_backward", "max_pool2d_forward",
    "max_pool2d_backward", "tune_allocator", "set_num_threads", "get_num_threads",
    "rnn_layer_forward", "rnn_layer_backward", "set_kernel_blas_threads",
    "get_kernel_blas_threads",
]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    if x.ndim == 1 and x.dtype.kind == "f":
        # bincount is several times faster than add.at for the 1-D (flat) case.
        counts = np.bincount(index, weights=source, minlength=x.shape[0])
        return x + counts.astype(x.dtype, copy=False)
    out = x.copy()
    np.add.at(out, (slice(None),) * axis + (index,), source)
    return out


def multiply_by_mask(g: Any, mask: Any) -> Any:
    """``g * astype(mask, g.dtype)`` for a boolean ``mask``: NumPy multiplies by the
    booleans directly, without the float copy of the mask."""
    return np.multiply(g, mask)


# -- Python floats as operands ----------------------------------------------------------------
def scalar_operand(value: float, dtype: Any) -> np.ndarray:
    """The Python float ``value`` as a read-only 0-d array of the real floating ``dtype``: what
    NumPy converts it to beside an array of that dtype (NEP 50), so ``x * 0.5`` computes
    the same bits, but a ufunc call with a Python float operand takes about 0.4 us longer
    (0.94 against 0.53 us for 16 floats). Read-only: callers keep it for reuse."""
    a = np.asarray(value, dtype=dtype)
    a.flags.writeable = False
    return a


# -- batch-parallel kernels (opt-in) -------------------------------------------------------
# NumPy runs elementwise work on one core; PyTorch splits it over its intra-op threads. With
# set_num_threads(n > 1) the kernels below split the batch over a small thread pool (NumPy
# releases the GIL in its loops and in matmul), each chunk writing a disjoint slice of a
# buffer the kernel owns. It is off by default: it pays only with a single-threaded BLAS
# (OPENBLAS_NUM_THREADS=1: LeNet-256 step 21 -> 16 ms on 2 cores); with OpenBLAS's own
# threads spinning on the same cores it measured no gain.
_threads = 1
_pool: Any = None
_pool_key: tuple = ()
_MIN_WORK = 200_000  # elements per kernel call below which threads cost more than they save


def set_num_threads(n: int) -> None:
    """Threads the NumPy convolution and pooling kernels split a batch over (default 1)."""
    global _threads
    if int(n) < 1:
        raise ValueError(f"set_num_threads: expected a positive number of threads, got {n!r}")
    _threads = int(n)


def get_num_threads() -> int:
    """Threads the NumPy kernels use (see :func:`set_num_threads`)."""
    return _threads


def _chunks(n: int, work: int) -> list:
    """Batch ranges ``(lo, hi)``: one per thread when the work is large enough."""
    k = min(get_num_threads(), n)
    if k <= 1 or work < _MIN_WORK:
        return [(0, n)]
    step = -(-n // k)
    return [(lo, min(lo + step, n)) for lo in range(0, n, step)]


def _run(fn: Callable[[int, int], Any], chunks: list) -> list:
    """``[fn(lo, hi) for lo, hi in chunks]``, the chunks in parallel when there are several."""
    if len(chunks) == 1:
        return [fn(*chunks[0])]
    global _pool, _pool_key
    key = (os.getpid(), _threads)  # a forked child (data loader) needs its own threads
    if _pool is None or _pool_key != key:
        from concurrent.futures import ThreadPoolExecutor

        if _pool is not None and _pool_key[0] == key[0]:
            _pool.shutdown(wait=False)
        _pool = ThreadPoolExecutor(max_workers=max(_threads, len(chunks)),
                                   thread_name_prefix="anygrad-numpy")
        _pool_key = key
    futures = [_pool.submit(fn, lo, hi) for lo, hi in chunks[1:]]
    first = fn(*chunks[0])  # this thread takes a share too
    return [first] + [f.result() for f in futures]


# -- convolution ---------------------------------------------------------------------------
_local = threading.local()


def _scratch(slot: str, shape: tuple, dtype: Any) -> np.ndarray:
    """A per-thread work buffer that never leaves the kernel that asks for it.

    The largest temporaries of a step (the input-gradient columns) would otherwise be a
    fresh allocation each step, which glibc's default settings hand back to the system and
    page-fault in again; a kernel may overwrite only its own slot, and nothing it returns
    or saves is a view of one.
    """
    bufs = getattr(_local, "bufs", None)
    if bufs is None:
        bufs = _local.bufs = {}
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    buf = bufs.get(slot)
    if buf is None or buf.nbytes < nbytes:
        buf = bufs[slot] = np.empty(nbytes, dtype=np.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


# What a forward kernel keeps for its backward (convolution columns, recurrent caches) is
# a buffer from this pool: the backward kernel, its only reader, gives it back, so the next
# step reuses it instead of a fresh allocation that glibc's default settings would return
# to the system and page-fault in again. A buffer that no backward reads is simply freed.
_POOL_LIMIT = 1 << 26  # bytes kept for reuse at most (64 MiB)
_pool_free: dict = {}  # nbytes -> flat uint8 buffers ready for reuse
_pool_lock = threading.Lock()
_pool_bytes = [0]


def _pool_take(dtype: Any, *shapes: tuple) -> tuple:
    """``(buffer, arrays)``: arrays of the given shapes, views into one pooled buffer."""
    dtype = np.dtype(dtype)
    sizes = [math.prod(sh) for sh in shapes]
    nbytes = sum(sizes) * dtype.itemsize
    with _pool_lock:
        free = _pool_free.get(nbytes)
        buf = free.pop() if free else None
        if buf is not None:
            _pool_bytes[0] -= nbytes
    if buf is None:
        buf = np.empty(nbytes, dtype=np.uint8)
    flat = buf.view(dtype)
    arrays, start = [], 0
    for sh, size in zip(shapes, sizes):
        arrays.append(flat[start:start + size].reshape(sh))
        start += size
    return buf, arrays


def _pool_give(cache: list) -> None:
    """Return the buffer of a cache ``[buffer, arrays...]`` (from :func:`_pool_take`) whose
    arrays nobody reads any more; a cache gives its buffer back once only."""
    buf, cache[0] = cache[0], None
    if buf is None:
        return
    with _pool_lock:
        free = _pool_free.setdefault(buf.nbytes, [])
        if _pool_bytes[0] + buf.nbytes <= _POOL_LIMIT and not any(b is buf for b in free):
            free.append(buf)
            _pool_bytes[0] += buf.nbytes


def _pad(x: np.ndarray, pads: tuple, value: float) -> np.ndarray:
    """``x`` padded on its last two axes by ``(top, bottom, left, right)`` (a new buffer)."""
    t, b, l, r = pads
    if not (t or b or l or r):
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + t + b, w + l + r), value, dtype=x.dtype)
    out[:, :, t:t + h, l:l + w] = x
    return out


def _window_view(xpad: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """The ``(N, C, kh, kw, Ho, Wo)`` view of every window of ``xpad``, and ``Ho, Wo``."""
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    hp, wp = xpad.shape[2], xpad.shape[3]
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    ho, wo = (hp - eh) // sh + 1, (wp - ew) // sw + 1
    v = _windows(xpad, (eh, ew), axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
    return v[:, :, :ho, :wo].transpose(0, 1, 4, 5, 2, 3), ho, wo


def _cols(xpad: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """Columns ``(N, C*kh*kw, Ho*Wo)`` (channel-major, as the weight) and ``Ho, Wo``."""
    n, c = xpad.shape[0], xpad.shape[1]
    v, ho, wo = _window_view(xpad, kernel, stride, dilation)
    # One strided copy into the layout the per-sample matmul reads without another copy.
    return np.reshape(v, (n, c * kernel[0] * kernel[1], ho * wo)), ho, wo


def conv2d_forward(x: Any, w: Any, b: Any, stride: tuple, pads: tuple, dilation: tuple) -> tuple:
    """Forward of ``Conv2d`` for ``groups=1``: ``(y, cache)``. ``cache`` is
    ``[buffer, cols]``, ``cols`` shaped as the generic ``im2col``'s ``(N, 1, C*kh*kw, Ho*Wo)``
    in a pooled buffer that :func:`conv2d_backward` reads once and gives back."""
    o, c, kh, kw = w.shape
    n = x.shape[0]
    xpad = _pad(x, pads, 0.0)
    v, ho, wo = _window_view(xpad, (kh, kw), stride, dilation)
    k, p = c * kh * kw, ho * wo
    wm = np.reshape(w, (o, k))
    # The columns are the largest array of a convolution (kh*kw times the input) and live
    # from forward to backward: a fresh allocation each step is page-faulted in again under
    # glibc's default settings (about 1,100 faults of a LeNet-64 step's 1,500), so they come
    # from the pool the recurrent kernels use and the backward gives them back.
    buf, (cols,) = _pool_take(xpad.dtype, (n, c, kh, kw, ho, wo))
    cols3 = np.reshape(cols, (n, k, p))
    y = np.empty((n, o, p), dtype=np.result_type(wm, xpad) if b is None else np.result_type(wm, xpad, b))
    bias = None if b is None else b[:, None]

    def part(lo: int, hi: int) -> None:
        np.copyto(cols[lo:hi], v[lo:hi])
        # A per-sample broadcast matmul writes NCHW directly (no transpose of the result).
        np.matmul(wm, cols3[lo:hi], out=y[lo:hi])
        if bias is not None:
            y[lo:hi] += bias

    _run(part, _chunks(n, n * k * p))
    return np.reshape(y, (n, o, ho, wo)), [buf, np.reshape(cols3, (n, 1, k, p))]


def conv2d_backward(x: Any, w: Any, cache: Any, gy: Any, stride: tuple, pads: tuple,
                    dilation: tuple, needs: tuple) -> tuple:
    """Gradients ``(gx, gw, gb)`` of ``Conv2d`` (``groups=1``); None where not needed.

    ``cache`` is the forward's (its columns are read, then their buffer goes back to the
    pool and the cache is emptied), or None: the columns are recomputed from ``x``.
    """
    cols = cache[1] if cache is not None and len(cache) > 1 else None
    o, c, kh, kw = w.shape
    n, _, ho, wo = gy.shape
    k, p = c * kh * kw, ho * wo
    gy3 = np.reshape(gy, (n, o, p))
    gx = gxp = gw = gb = None
    need_x, need_w = needs[0], needs[1]
    t, b, l, r = pads
    h, wd = x.shape[2], x.shape[3]
    hp, wp = h + t + b, wd + l + r
    sh, sw = stride
    dh, dw = dilation
    wt = np.reshape(w, (o, k)).T
    # Rows of gy padded to the input's padded width make every kernel offset (i, j) one
    # flat shift, so col2im is kh*kw long contiguous additions (the zero columns land where
    # nothing else does) instead of short strided ones.
    flat = sh == 1 and sw == 1 and wp == wo + dw * (kw - 1)
    if need_x:
        gxp = np.zeros((n, c, hp * wp) if flat else (n, c, hp, wp), dtype=np.result_type(wt, gy))
    if need_w and cols is None:
        cols = _cols(_pad(x, pads, 0.0), (kh, kw), stride, dilation)[0]
    cols3 = None if cols is None else np.reshape(cols, (n, k, p))

    def part(lo: int, hi: int) -> Any:
        m = hi - lo
        if need_x:
            if flat:
                gyw = _scratch("conv_gy", (m, o, ho, wp), gy.dtype)
                gyw[:, :, :, wo:] = 0
                gyw[:, :, :, :wo] = gy[lo:hi]
                gyw = np.reshape(gyw, (m, o, ho * wp))
                gc = _scratch("conv_gcols", (m, k, ho * wp), gxp.dtype)
                np.matmul(wt, gyw, out=gc)
                gc = np.reshape(gc, (m, c, kh, kw, ho * wp))
                dst = gxp[lo:hi]
                length = (ho - 1) * wp + wo
                for i in range(kh):
                    for j in range(kw):
                        off = i * dh * wp + j * dw
                        dst[:, :, off:off + length] += gc[:, :, i, j, :length]
            else:
                gc = _scratch("conv_gcols", (m, k, p), gxp.dtype)
                np.matmul(wt, gy3[lo:hi], out=gc)
                gc = np.reshape(gc, (m, c, kh, kw, ho, wo))
                dst = gxp[lo:hi]
                for i in range(kh):
                    h0 = i * dh
                    for j in range(kw):
                        w0 = j * dw
                        dst[:, :, h0:h0 + sh * (ho - 1) + 1:sh, w0:w0 + sw * (wo - 1) + 1:sw] += gc[:, :, i, j]
        if need_w:
            return np.matmul(gy3[lo:hi], cols3[lo:hi].transpose(0, 2, 1)).sum(axis=0)
        return None

    parts = _run(part, _chunks(n, n * k * p))
    if cache is not None:
        del cache[1:], cols, cols3
        _pool_give(cache)
    if need_x:
        gxp = np.reshape(gxp, (n, c, hp, wp))
        gx = gxp[:, :, t:t + h, l:l + wd] if (t or b or l or r) else gxp
    if need_w:
        total = parts[0]
        for extra in parts[1:]:
            total = total + extra
        gw = np.reshape(total, w.shape)
    if len(needs) > 2 and needs[2]:
        gb = gy3.sum(axis=2).sum(axis=0)
    return gx, gw, gb


# -- max pooling ---------------------------------------------------------------------------
def _pool_slices(kernel: tuple, stride: tuple, dilation: tuple, ho: int, wo: int) -> list:
    sh, sw = stride
    out = []
    for i in range(kernel[0]):
        h0 = i * dilation[0]
        for j in range(kernel[1]):
            w0 = j * dilation[1]
            out.append((slice(None), slice(None), slice(h0, h0 + sh * (ho - 1) + 1, sh),
                        slice(w0, w0 + sw * (wo - 1) + 1, sw)))
    return out


def max_pool2d_forward(x: Any, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple) -> tuple:
    """Forward of ``MaxPool2d``: ``(out, state)``; ``state`` feeds the backward."""
    xpad = _pad(x, pads, -np.inf)
    kh, kw = kernel
    n, c, hp, wp = xpad.shape
    ho = (hp - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wp - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    keys = _pool_slices(kernel, stride, dilation, ho, wo)
    out = np.empty((n, c, ho, wo), dtype=xpad.dtype)

    def part(lo: int, hi: int) -> None:
        xs, dst = xpad[lo:hi], out[lo:hi]
        np.copyto(dst, xs[keys[0]])
        for key in keys[1:]:
            np.maximum(dst, xs[key], out=dst)

    _run(part, _chunks(n, n * c * hp * wp))
    return out, (xpad, out, keys, pads, x.shape)


def max_pool2d_backward(state: tuple, gy: Any) -> Any:
    """Gradient of ``MaxPool2d``: each window's gradient goes to its first maximum."""
    xpad, out, keys, pads, shape = state
    n, c, hp, wp = xpad.shape
    s0, s1 = keys[0][2], keys[0][3]
    kh, kw = keys[-1][2].start + 1, keys[-1][3].start + 1  # dilation 1 only when tiling
    ho, wo = out.shape[2], out.shape[3]
    # Windows that do not overlap (kernel == stride, the usual 2x2 pool; a last row or
    # column that no window reaches is left out, as with 13 -> 6): every covered element is
    # written once, so no zero fill and no read-modify-write; only the margin is zeroed.
    tiles = (s0.step == kh and s1.step == kw and len(keys) == kh * kw
             and ho * kh <= hp and wo * kw <= wp)
    gxp = (np.empty if tiles else np.zeros)(xpad.shape, dtype=gy.dtype)
    if tiles:
        gxp[:, :, ho * kh:, :] = 0
        gxp[:, :, :ho * kh, wo * kw:] = 0
    last = len(keys) - 1

    def part(lo: int, hi: int) -> None:
        xs, o, g, dst = xpad[lo:hi], out[lo:hi], gy[lo:hi], gxp[lo:hi]
        taken = np.empty(o.shape, dtype=bool)  # windows whose first maximum is found
        m = np.empty(o.shape, dtype=bool)
        for i, key in enumerate(keys):
            if i == 0:
                mask = np.equal(xs[key], o, out=taken)
            else:
                mask = np.equal(xs[key], o, out=m)
                np.greater(m, taken, out=m)  # m and not taken: the first maximum only
                if i < last:
                    taken |= m
            if tiles:
                np.multiply(g, mask, out=dst[key])
            else:
                dst[key] += g * mask

    _run(part, _chunks(n, n * c * hp * wp))
    t, b, l, r = pads
    if t or b or l or r:
        return gxp[:, :, t:t + shape[2], l:l + shape[3]]
    return gxp


# -- BLAS threads inside the kernels -------------------------------------------------------
# OpenBLAS splits any GEMM above a small size over all its threads, and its worker threads
# then busy-wait for the next one. The GEMMs of these kernels are small (a recurrent step is
# (N, H) x (H, 4H); a convolution's are per sample), so on a few busy cores the hand-off costs
# more than the arithmetic (an LSTM(32, 64) step measured 15 ms instead of 2) and the
# spinning threads steal the core the rest of the step needs. The kernels therefore run
# their BLAS calls on one thread: the user's setting is read on entry and put back on exit
# (threadpoolctl, where installed; nothing is changed at import or outside a kernel).
_kernel_blas_threads: int | None = 1
_blas_lock = threading.Lock()
_blas_state: list = [None, 0]  # [saved (controller, threads) pairs, nesting depth]


def set_kernel_blas_threads(n: int | None) -> None:
    """BLAS threads inside the NumPy kernels (default 1); None leaves BLAS as it is."""
    global _kernel_blas_threads
    if n is not None and int(n) < 1:
        raise ValueError(f"set_kernel_blas_threads: expected a positive number or None, got {n!r}")
    _kernel_blas_threads = None if n is None else int(n)


def get_kernel_blas_threads() -> int | None:
    """BLAS threads inside the NumPy kernels (see :func:`set_kernel_blas_threads`)."""
    return _kernel_blas_threads


_blas_libs: list | None = None


def _blas_controllers() -> list:
    global _blas_libs
    if _blas_libs is None:
        try:
            from threadpoolctl import ThreadpoolController

            _blas_libs = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        except Exception:  # not installed, or an unknown BLAS: leave the threads alone
            _blas_libs = []
    return _blas_libs


class _KernelBlasThreads:
    """Context: BLAS limited to the kernel setting; nested and multi-threaded use safe
    (the first entry saves the user's values, the last exit restores them)."""

    __slots__ = ()

    def __enter__(self) -> None:
        n = _kernel_blas_threads
        if n is None:
            return
        with _blas_lock:
            if _blas_state[1] == 0:
                saved = []
                for lib in _blas_controllers():
                    prev = lib.get_num_threads()
                    if prev != n:
                        lib.set_num_threads(n)
                        saved.append((lib, prev))
                _blas_state[0] = saved
            _blas_state[1] += 1

    def __exit__(self, *exc: object) -> None:
        if _kernel_blas_threads is None and _blas_state[1] == 0:
            return
        with _blas_lock:
            if _blas_state[1] == 0:
                return
            _blas_state[1] -= 1
            if _blas_state[1] == 0:
                for lib, prev in _blas_state[0] or ():
                    lib.set_num_threads(prev)
                _blas_state[0] = None


_one_blas = _KernelBlasThreads()


def _blas_limited(kernel: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(kernel)
    def run(*args: Any, **kwargs: Any) -> Any:
        with _one_blas:
            return kernel(*args, **kwargs)
    return run


# The convolution kernels (defined above) run under the same limit.
conv2d_forward = _blas_limited(conv2d_forward)
conv2d_backward = _blas_limited(conv2d_backward)


# -- recurrent layers --------------------------------------------------------------------
# Same meaning as layer_forward/layer_backward of anygrad.nn.functional._rnn, which the
# caches here never meet (each side reads only its own). A small recurrent step is a few
# dozen microseconds of NumPy calls, so what pays is fewer calls per step: every per-step
# array is a view into one preallocated (T, ...) buffer written with out=, the biases are
# folded into the all-steps input projection (one GEMM), whatever does not depend on the
# recursion (activation derivatives, the weight gradients) is computed for all steps at
# once outside the loop, and a zero initial state (None) skips the first step's GEMM.
#
# Memory is reused, not allocated: an LSTM(32, 64) step over 20 steps of 16 samples made
# about 200 page faults (several 320 KB buffers per step, which glibc's default settings
# hand back to the system and fault in again), which cost more than its arithmetic and
# were the whole gap to PyTorch (0 faults). Temporaries that never leave a kernel are
# per-thread scratch slots (_scratch); what the forward keeps for the backward is one
# buffer from the pool (_pool_take), which the backward kernel, its only reader, gives back.
def _sigmoid_(a: np.ndarray) -> np.ndarray:
    """In-place logistic sigmoid through tanh (no overflow warnings for large -a)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _projection_t(x: np.ndarray, w: np.ndarray, b: Any, out: np.ndarray) -> np.ndarray:
    """``x @ w^T + b`` for every step, transposed into ``out`` ``(T, rows, N)``: one flat
    GEMM and one transposing copy (measured faster than a batched matmul per step)."""
    n_steps, n, isize = x.shape
    xw = _scratch("rnn_xw", (n_steps * n, w.shape[0]), out.dtype)
    np.matmul(np.reshape(x, (n_steps * n, isize)), w.T, out=xw)
    if b is not None:
        xw += b
    np.copyto(out, np.reshape(xw, (n_steps, n, w.shape[0])).transpose(0, 2, 1))
    return out


def _order(n_steps: int, reverse: bool) -> range:
    return range(n_steps - 1, -1, -1) if reverse else range(n_steps)


def _transposed(a: np.ndarray, slot: str) -> np.ndarray:
    """``a`` ``(T, N, H)`` copied to a scratch ``(T, H, N)``."""
    out = _scratch(slot, (a.shape[0], a.shape[2], a.shape[1]), a.dtype)
    np.copyto(out, a.transpose(0, 2, 1))
    return out


def _untransposed(a: np.ndarray, slot: str) -> np.ndarray:
    """Per-step gate gradients ``(T, G, N)`` as the ``(T*N, G)`` rows the weight
    gradients' GEMMs read (a scratch copy)."""
    out = _scratch(slot, (a.shape[0] * a.shape[2], a.shape[1]), a.dtype)
    np.copyto(np.reshape(out, (a.shape[0], a.shape[2], a.shape[1])), a.transpose(0, 2, 1))
    return out


def _lstm_forward(x: np.ndarray, h0: Any, c0: Any, w_ih: np.ndarray, w_hh: np.ndarray,
                  b_ih: Any, b_hh: Any, reverse: bool) -> tuple:
    """LSTM layer in a transposed layout: every per-step array is ``(rows, N)``.

    Two measured reasons: (1) the slices of one gate of a ``(N, 4H)`` array are strided and
    NumPy's elementwise loops run two to five times slower on them than on a contiguous
    block; with the gates as rows of ``(4H, N)`` each gate is one contiguous block.
    (2) The gates are kept in the order (o, i, f, g) instead of PyTorch's (i, f, g, o):
    the three sigmoid gates are then one block, computed as ``1 / (1 + exp(-v))`` with
    the minus sign folded into the weights (NumPy's float32 ``exp`` is about twice as fast
    as its ``tanh``: three calls on that block cost less than the tanh form's, about 7% of
    the forward). ``exp`` overflows to inf for ``-v`` beyond about 88 (float32), which
    gives the exact limit 0; that overflow is internal, so its warning is silenced for
    the loop alone (a scoped ``np.errstate``, not the user's setting). Backward lays the
    gate gradients out in PyTorch's order, where the three that are ``dc * (...)``
    (i, f, g) are one block. The input projection's buffer becomes the activations.
    """
    n_steps, n, _ = x.shape
    hsize = w_hh.shape[1]
    dt = x.dtype
    three = 3 * hsize

    def oifg(a: np.ndarray) -> np.ndarray:
        """PyTorch's rows (i, f, g, o) -> (o, i, f, g), the sigmoid gates' rows negated
        (their pre-activations feed exp(-v))."""
        out = np.empty_like(a)
        np.negative(a[three:], out=out[:hsize])
        np.negative(a[:2 * hsize], out=out[hsize:three])
        np.copyto(out[three:], a[2 * hsize:three])
        return out

    w_x, w_h = oifg(w_ih), oifg(w_hh)
    b = None
    if b_ih is not None or b_hh is not None:
        b = oifg(b_hh if b_ih is None else (b_ih if b_hh is None else b_ih + b_hh))
    buf, (acts, tcs, cs) = _pool_take(dt, (n_steps, 4 * hsize, n), (n_steps, hsize, n),
                                      (n_steps, hsize, n))
    _projection_t(x, w_x, b, acts)
    ys = _scratch("rnn_ys", (n_steps, hsize, n), dt)
    hw = _scratch("rnn_hw", (4 * hsize, n), dt)
    tmp = _scratch("rnn_tmp", (hsize, n), dt)
    h = None if h0 is None else h0.T
    c = None if c0 is None else c0.T
    with np.errstate(over="ignore"):  # exp(-v) -> inf -> sigmoid 0, exactly the limit
        for t in _order(n_steps, reverse):
            a = acts[t]
            if h is not None:
                np.matmul(w_h, h, out=hw)
                a += hw
            sig, gt = a[:three], a[three:]
            np.exp(sig, out=sig)
            sig += 1.0
            np.reciprocal(sig, out=sig)  # o, i, f
            np.tanh(gt, out=gt)  # g
            ct, yt, tct = cs[t], ys[t], tcs[t]
            if c is None:
                np.multiply(a[hsize:2 * hsize], gt, out=ct)  # i * g
            else:
                np.multiply(a[2 * hsize:three], c, out=ct)  # f * c
                np.multiply(a[hsize:2 * hsize], gt, out=tmp)  # i * g
                ct += tmp
            np.tanh(ct, out=tct)
            np.multiply(a[:hsize], tct, out=yt)  # o * tanh(c)
            h, c = yt, ct
    # Copies (np.array), never views: with N == 1 the transposes are contiguous already,
    # and these buffers are scratch and pool memory.
    return np.array(ys.transpose(0, 2, 1)), np.array(c.T), [buf, acts, tcs, cs]


def _state_t(s: Any, like: np.ndarray) -> np.ndarray:
    """An initial state ``(N, H)`` in the transposed layout; None is zeros."""
    return np.zeros_like(like) if s is None else s.T


def _lstm_backward(x: np.ndarray, h0: Any, c0: Any, w_ih: np.ndarray, w_hh: np.ndarray,
                   y: np.ndarray, gy: Any, gh: Any, gc: Any, cache: tuple, reverse: bool,
                   needs: tuple) -> tuple:
    """Backward of :func:`_lstm_forward` (same transposed layout and gate order)."""
    acts, tcs, cs = cache[1:]
    n_steps, n, isize = x.shape
    hsize = w_hh.shape[1]
    dt = cs.dtype
    o, i = acts[:, :hsize], acts[:, hsize:2 * hsize]
    f, g = acts[:, 2 * hsize:3 * hsize], acts[:, 3 * hsize:]
    # dc = dh * k (+ carried), d(i, f, g) = dc * q, d(o) = dh * r: all steps at once.
    k = _scratch("rnn_k", (n_steps, hsize, n), dt)
    np.multiply(tcs, tcs, out=k)
    np.subtract(1.0, k, out=k)
    k *= o
    q = _scratch("rnn_q", (n_steps, 3, hsize, n), dt)
    np.subtract(1.0, i, out=q[:, 0])
    q[:, 0] *= i
    q[:, 0] *= g
    q1 = q[:, 1]
    np.subtract(1.0, f, out=q1)
    q1 *= f
    if reverse:
        q1[:-1] *= cs[1:]
        q1[-1] *= _state_t(c0, cs[0])
    else:
        q1[1:] *= cs[:-1]
        q1[0] *= _state_t(c0, cs[0])
    np.multiply(g, g, out=q[:, 2])
    np.subtract(1.0, q[:, 2], out=q[:, 2])
    q[:, 2] *= i
    r = _scratch("rnn_r", (n_steps, hsize, n), dt)
    np.subtract(1.0, o, out=r)
    r *= o
    r *= tcs
    gyt = None if gy is None else _transposed(gy, "rnn_gy")
    # The gate gradients in PyTorch's order (i, f, g, o): the three that are dc * (...) are
    # one block, and the weights need no reordering.
    w_ht = w_hh.T
    dgs = _scratch("rnn_dg", (n_steps, 4 * hsize, n), dt)
    dg4 = np.reshape(dgs, (n_steps, 4, hsize, n))
    dh = np.empty((hsize, n), dtype=dt)
    dc = np.empty((hsize, n), dtype=dt)
    dh_next = np.empty((hsize, n), dtype=dt)
    dc_next = np.empty((hsize, n), dtype=dt)
    carry_h, carry_c = gh is not None, gc is not None
    if carry_h:
        np.copyto(dh_next, gh.T)
    if carry_c:
        np.copyto(dc_next, gc.T)
    order = _order(n_steps, not reverse)  # backwards in time
    last = order[-1]
    for t in order:
        if gyt is not None:
            if carry_h:
                np.add(gyt[t], dh_next, out=dh)
            else:
                np.copyto(dh, gyt[t])
        elif carry_h:
            np.copyto(dh, dh_next)
        else:
            dh.fill(0.0)
        np.multiply(dh, k[t], out=dc)
        if carry_c:
            dc += dc_next
        np.multiply(dc, q[t], out=dg4[t, :3])
        np.multiply(dh, r[t], out=dg4[t, 3])
        if t != last or needs[2]:  # the first step's carries are only h0's and c0's gradients
            np.multiply(dc, f[t], out=dc_next)
            carry_c = True
        if t != last or needs[1]:
            np.matmul(w_ht, dgs[t], out=dh_next)
            carry_h = True
    _pool_give(cache)  # the cache is read: its memory serves the next forward
    dxw = _untransposed(dgs, "rnn_dxw")
    grads = _weight_grads(x, h0, w_ih, y, dxw, dxw, reverse, needs)
    return (grads[0], np.ascontiguousarray(dh_next.T) if needs[1] else None,
            np.ascontiguousarray(dc_next.T) if needs[2] else None) + grads[1:]


def _weight_grads(x: np.ndarray, h0: Any, w_ih: np.ndarray, y: np.ndarray, dxw: np.ndarray,
                  dhw: np.ndarray, reverse: bool, needs: tuple) -> tuple:
    """``(gx, gw_ih, gw_hh, gb_ih, gb_hh)`` from the gradients of the input and hidden
    projections' outputs, ``(T*N, G)`` each: one GEMM per weight over all steps. The
    first step's hidden input is ``h0`` (zeros when None: its term is skipped), the
    others' are ``y`` shifted by one step, read in place."""
    n_steps, n, isize = x.shape
    hsize = y.shape[2]
    gx = np.reshape(dxw @ w_ih, (n_steps, n, isize)) if needs[0] else None
    gw_ih = dxw.T @ np.reshape(x, (n_steps * n, isize)) if needs[3] else None
    gw_hh = None
    if needs[4]:
        y2 = np.reshape(y, (n_steps * n, hsize))
        if n_steps == 1:
            gw_hh = np.zeros((dhw.shape[1], hsize), dtype=y.dtype)
        elif reverse:  # step t starts from y[t + 1]
            gw_hh = dhw[:-n].T @ y2[n:]
        else:
            gw_hh = dhw[n:].T @ y2[:-n]
        if h0 is not None:
            gw_hh += (dhw[-n:] if reverse else dhw[:n]).T @ h0
    gb_ih = gb_hh = None
    ones = None
    if len(needs) > 5 and needs[5]:
        ones = np.ones(n_steps * n, dtype=dxw.dtype)
        gb_ih = ones @ dxw  # a GEMV: several times faster than sum(axis=0) here
    if len(needs) > 6 and needs[6]:
        if dhw is dxw and gb_ih is not None:
            gb_hh = gb_ih.copy()
        else:
            gb_hh = (np.ones(n_steps * n, dtype=dhw.dtype) if ones is None else ones) @ dhw
    return gx, gw_ih, gw_hh, gb_ih, gb_hh


def _gru_forward(x: np.ndarray, h0: Any, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: Any,
                 b_hh: Any, reverse: bool) -> tuple:
    """GRU layer in the transposed layout of :func:`_lstm_forward` (gates as row blocks
    of ``(3H, N)``, PyTorch's order r, z, n: the two sigmoid gates are already one block)."""
    n_steps, n, _ = x.shape
    hsize = w_hh.shape[1]
    dt = x.dtype
    xw = _projection_t(x, w_ih, b_ih, _scratch("rnn_xwt", (n_steps, 3 * hsize, n), dt))
    bh = None if b_hh is None else b_hh[:, None]
    buf, (hw, rz, nn, ys) = _pool_take(dt, (n_steps, 3 * hsize, n), (n_steps, 2 * hsize, n),
                                       (n_steps, hsize, n), (n_steps, hsize, n))
    h = np.zeros((hsize, n), dtype=dt) if h0 is None else h0.T
    two = 2 * hsize
    for t in _order(n_steps, reverse):
        hwt, rzt, nt, yt = hw[t], rz[t], nn[t], ys[t]
        np.matmul(w_hh, h, out=hwt)
        if bh is not None:
            hwt += bh
        np.add(xw[t, :two], hwt[:two], out=rzt)
        _sigmoid_(rzt)
        np.multiply(rzt[:hsize], hwt[two:], out=nt)
        nt += xw[t, two:]
        np.tanh(nt, out=nt)
        np.subtract(h, nt, out=yt)
        yt *= rzt[hsize:]
        yt += nt
        h = yt
    return np.array(ys.transpose(0, 2, 1)), None, [buf, rz, nn, hw, ys]  # a copy: pool memory


def _gru_backward(x: np.ndarray, h0: Any, w_ih: np.ndarray, w_hh: np.ndarray,
                  y: np.ndarray, gy: Any, gh: Any, cache: tuple, reverse: bool,
                  needs: tuple) -> tuple:
    """Backward of :func:`_gru_forward` (same layout)."""
    rz, nn, hw, ys = cache[1:]
    n_steps, n, isize = x.shape
    hsize = w_hh.shape[1]
    dt = ys.dtype
    r, z, hn = rz[:, :hsize], rz[:, hsize:], hw[:, 2 * hsize:]
    # d(pre_z) = dh * dz, d(pre_n) = dh * dn, d(pre_r) = d(pre_n) * dr: all steps at once.
    dz = _scratch("rnn_k", ys.shape, dt)
    _shifted(ys, _state_t(h0, ys[0]), reverse, out=dz)
    dz -= nn
    dz *= z
    omz = _scratch("rnn_r", ys.shape, dt)  # 1 - z
    np.subtract(1.0, z, out=omz)
    dz *= omz
    dn = _scratch("rnn_q", ys.shape, dt)
    np.multiply(nn, nn, out=dn)
    np.subtract(1.0, dn, out=dn)
    dn *= omz
    dr = omz  # reused: 1 - z is not needed any more
    np.subtract(1.0, r, out=dr)
    dr *= r
    dr *= hn
    gyt = None if gy is None else _transposed(gy, "rnn_gy")
    w_ht = w_hh.T
    dx = _scratch("rnn_dg", (n_steps, 3 * hsize, n), dt)
    dhw = _scratch("rnn_dgh", (n_steps, 3 * hsize, n), dt)
    dh = np.empty((hsize, n), dtype=dt)
    dh_next = np.zeros((hsize, n), dtype=dt) if gh is None else np.array(gh.T, order="C")
    tmp = np.empty((hsize, n), dtype=dt)
    two = 2 * hsize
    for t in _order(n_steps, not reverse):
        if gyt is None:
            np.copyto(dh, dh_next)
        else:
            np.add(gyt[t], dh_next, out=dh)
        dxt, dht = dx[t], dhw[t]
        dpn = dxt[two:]
        np.multiply(dh, dn[t], out=dpn)
        np.multiply(dh, dz[t], out=dxt[hsize:two])
        np.multiply(dpn, dr[t], out=dxt[:hsize])
        np.copyto(dht[:two], dxt[:two])
        np.multiply(dpn, r[t], out=dht[two:])
        np.matmul(w_ht, dht, out=dh_next)
        np.multiply(dh, z[t], out=tmp)
        dh_next += tmp
    _pool_give(cache)  # the cache is read: its memory serves the next forward
    dxw = _untransposed(dx, "rnn_dxw")
    dhw2 = _untransposed(dhw, "rnn_dhw")
    grads = _weight_grads(x, h0, w_ih, y, dxw, dhw2, reverse, needs)
    return (grads[0], np.ascontiguousarray(dh_next.T) if needs[1] else None, None) + grads[1:]


@_blas_limited
def rnn_layer_forward(mode: str, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any,
                      b_hh: Any, reverse: bool) -> tuple:
    """``(y, c_last, cache)`` of one recurrent layer direction (``c_last`` None but for the
    LSTM; ``h0``/``c0`` None are zeros); ``(None, None, None)`` declines (mixed dtypes:
    the generic code's promotion applies)."""
    arrays = [a for a in (x, h0, c0, w_ih, w_hh, b_ih, b_hh) if a is not None]
    dt = x.dtype
    if dt.kind != "f" or any(a.dtype != dt for a in arrays):
        return None, None, None
    if mode == "LSTM":
        return _lstm_forward(x, h0, c0, w_ih, w_hh, b_ih, b_hh, reverse)
    if mode == "GRU":
        return _gru_forward(x, h0, w_ih, w_hh, b_ih, b_hh, reverse)
    n_steps, n, isize = x.shape
    hsize, gates = w_hh.shape[1], w_hh.shape[0]
    y = np.matmul(np.reshape(x, (n_steps * n, isize)), w_ih.T)
    if b_ih is not None:
        y += b_ih
    if b_hh is not None:
        y += b_hh
    y = np.reshape(y, (n_steps, n, gates))  # the projection, overwritten step by step
    h = h0
    w_t = w_hh.T
    tmp = np.empty((n, hsize), dtype=dt)
    for t in _order(n_steps, reverse):
        yt = y[t]
        if h is not None:
            np.matmul(h, w_t, out=tmp)
            yt += tmp
        if mode == "RNN_TANH":
            np.tanh(yt, out=yt)
        else:
            np.maximum(yt, 0, out=yt)
        h = yt
    return y, None, None


def _shifted(seq: np.ndarray, first: np.ndarray, reverse: bool, out: Any = None) -> np.ndarray:
    """The state each step starts from (``first``, then ``seq`` shifted by one step)."""
    if out is None:
        out = np.empty_like(seq)
    if reverse:
        out[:-1] = seq[1:]
        out[-1] = first
    else:
        out[0] = first
        out[1:] = seq[:-1]
    return out


@_blas_limited
def rnn_layer_backward(mode: str, x: Any, h0: Any, c0: Any, w_ih: Any, w_hh: Any, b_ih: Any,
                       b_hh: Any, y: Any, gy: Any, gh: Any, gc: Any, cache: Any, reverse: bool,
                       needs: tuple) -> tuple:
    """Gradients ``(gx, gh0, gc0, gw_ih, gw_hh, gb_ih, gb_hh)`` (None where not needed) from
    the gradients of every step's output ``gy`` ``(T, N, H)`` and of the last step's hidden
    and cell states ``gh``/``gc`` ``(N, H)``, each None when it got none. The forward's
    ``cache`` is consumed: its memory serves the next forward."""
    if mode == "LSTM":
        return _lstm_backward(x, h0, c0, w_ih, w_hh, y, gy, gh, gc, cache, reverse, needs)
    if mode == "GRU":
        return _gru_backward(x, h0, w_ih, w_hh, y, gy, gh, cache, reverse, needs)
    n_steps, n, isize = x.shape
    hsize, gates = w_hh.shape[1], w_hh.shape[0]
    dt = y.dtype
    d = _scratch("rnn_k", y.shape, dt)
    if mode == "RNN_TANH":
        np.multiply(y, y, out=d)
        np.subtract(1.0, d, out=d)
    else:
        np.greater(y, 0, out=d)
    dxw = _scratch("rnn_dg", (n_steps, n, gates), dt)
    dh = np.empty((n, hsize), dtype=dt)
    dh_next = np.zeros((n, hsize), dtype=dt) if gh is None else np.array(gh)
    order = _order(n_steps, not reverse)  # backwards in time
    last = order[-1]
    for t in order:
        if gy is None:
            np.copyto(dh, dh_next)
        else:
            np.add(gy[t], dh_next, out=dh)
        np.multiply(dh, d[t], out=dxw[t])
        if t != last or needs[1]:
            np.matmul(dxw[t], w_hh, out=dh_next)
    dxw2 = np.reshape(dxw, (n_steps * n, gates))
    grads = _weight_grads(x, h0, w_ih, y, dxw2, dxw2, reverse, needs)
    return (grads[0], dh_next if needs[1] else None, None) + grads[1:]


# -- allocator -----------------------------------------------------------------------------
def tune_allocator(mmap_threshold: int = 1 << 25, trim_threshold: int = 1 << 30) -> bool:
    """Ask glibc's ``malloc`` to keep freed memory instead of returning it to the system.

    A training step allocates and frees the same large temporaries every step; with
    glibc's defaults each one is a fresh ``mmap`` whose pages fault in again, which costs
    more than the arithmetic on small models. This sets ``M_MMAP_THRESHOLD`` and
    ``M_TRIM_THRESHOLD`` with ``mallopt`` (the same as the environment variables
    ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_``), for the whole process.
    It is an explicit opt-in: the process then keeps its peak memory. The default
    ``mmap_threshold`` (32 MiB) is the largest that every 64-bit glibc accepts.

    Returns
    -------
    bool
        True when both settings were applied (glibc only; False elsewhere).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    ok_mmap = mallopt(m_mmap_threshold, int(mmap_threshold)) == 1
    ok_trim = mallopt(m_trim_threshold, int(trim_threshold)) == 1
    return bool(ok_mmap and ok_trim)
