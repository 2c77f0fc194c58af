"""PyTorch's short-time Fourier transform and its inverse: ``stft`` frames the (padded)
signal with one gather, windows the frames and transforms them with ``anygrad.fft``;
``istft`` inverts the frames and overlap-adds them with one ``index_add``, divided by the
window's squared envelope. Both are composites, so their gradients (and every higher order)
come from those operations."""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import device as _device

from ..tensor import Tensor, _make_tensor
from .arithmetic import _complex, abs as _abs, conj, divide, imag, multiply, real
from .fft import fft, ifft, irfft, rfft
from .indexing import index_add, take
from .linalg import matrix_transpose
from .shape import concat, flip, reshape, stack
from .torch_linalg import _register, _shape, _zeros

__all__ = ["stft", "istft"]


def _frames_index(x: Any, frames: int, hop: int, n_fft: int) -> Any:
    """The ``(frames, n_fft)`` positions ``t * hop + j`` as an index tensor on ``x``'s
    backend and device."""
    xp, dev = x.xp, _device(x._data)
    starts = xp.reshape(xp.arange(frames, device=dev) * hop, (frames, 1))
    return _make_tensor(starts + xp.reshape(xp.arange(n_fft, device=dev),
                                            (1, n_fft)), x._backend)


def _window(x: Any, window: Any, n_fft: int, win_length: int, op: str) -> Any:
    """The window, zero-padded on both sides to ``n_fft`` (ones when None)."""
    if window is None:
        xp = x.xp
        dt = real(x).dtype if x.dtype.kind == "c" else x.dtype
        window = _make_tensor(xp.ones((win_length,), dtype=x._backend.to_native(dt),
                                      device=_device(x._data)), x._backend)
    if not isinstance(window, Tensor) or window.ndim != 1 or window.shape[0] != win_length:
        got = _shape(window) if isinstance(window, Tensor) else type(window).__name__
        raise ValueError(f"{op}: expected a 1-D window of win_length = {win_length} elements, "
                         f"got {got}")
    left = (n_fft - win_length) // 2
    right = n_fft - win_length - left
    parts = ([_zeros(window, (left,))] if left else []) + [window] + (
        [_zeros(window, (right,))] if right else [])
    return concat(parts, axis=0) if len(parts) > 1 else window


def _lengths(n_fft: int, hop_length: Any, win_length: Any, op: str) -> tuple:
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if n_fft <= 0 or hop <= 0 or not 0 < win <= n_fft:
        raise ValueError(f"{op}: expected 0 < win_length <= n_fft and hop_length > 0, got "
                         f"n_fft={n_fft}, hop_length={hop}, win_length={win}")
    return hop, win


def _pad(x: Any, p: int, mode: str) -> Any:
    """``x`` padded by ``p`` on both ends of its last dimension."""
    n = x.shape[-1]
    if mode == "constant":
        side = _zeros(x, _shape(x)[:-1] + (p,))
        return concat([side, x, side], axis=-1)
    if mode == "reflect":
        if p >= n:
            raise ValueError(f"stft: reflect padding of {p} needs an input longer than {p}, got "
                             f"{n} samples")
        return concat([flip(x[..., 1:p + 1], axis=-1), x, flip(x[..., n - 1 - p:n - 1], axis=-1)],
                      axis=-1)
    xp, dev = x.xp, _device(x._data)
    pos = xp.arange(-p, n + p, device=dev)
    if mode == "replicate":
        idx = xp.clip(pos, 0, n - 1)
    elif mode == "circular":
        if p > n:
            raise ValueError(f"stft: circular padding of {p} needs at least {p} samples, got {n}")
        idx = pos % n
    else:
        raise ValueError(f"stft: pad_mode must be 'constant', 'reflect', 'replicate' or "
                         f"'circular', got {mode!r}")
    return take(x, _make_tensor(idx, x._backend), axis=-1)


def stft(x: Any, /, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window: Any = None, center: bool = True, pad_mode: str = "reflect",
         normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Any:
    """The short-time Fourier transform of a signal ``(L,)`` or a batch ``(B, L)``: a
    complex ``(B?, n_fft // 2 + 1, frames)`` tensor (all ``n_fft`` frequencies unless
    ``onesided``, the default for real input and window).

    Frame ``t`` holds the samples from ``t * hop_length`` (``hop_length`` defaults to
    ``n_fft // 4``) of the signal, padded by ``n_fft // 2`` on both sides with ``pad_mode``
    when ``center``; it is multiplied by ``window`` (ones of ``win_length``, zero-padded to
    ``n_fft`` in the middle) and transformed. ``normalized`` scales by ``n_fft**-0.5``.
    ``return_complex`` must be given for real input, as in PyTorch; ``False`` returns the
    real and imaginary parts in a last dimension of 2.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.arange(8.0)
    >>> anygrad.stft(x, 4, hop_length=2, window=anygrad.hann_window(4),
    ...              return_complex=True).shape
    anygrad.Size([3, 5])
    """
    if x.ndim not in (1, 2):
        raise ValueError(f"stft: expected a 1-D signal or a 2-D batch of signals, got shape "
                         f"{_shape(x)}")
    complex_in = x.dtype.kind == "c" or (isinstance(window, Tensor) and window.dtype.kind == "c")
    if return_complex is None:
        if not complex_in:
            raise ValueError("stft: return_complex must be given for real inputs (PyTorch's "
                             "rule); return_complex=True is recommended")
        return_complex = True
    if onesided is None:
        onesided = not complex_in
    elif onesided and complex_in:
        raise ValueError("stft: onesided=True is not possible for a complex input or window")
    if align_to_window and center:
        raise ValueError("stft: align_to_window should only be set when center=False")
    hop, win = _lengths(n_fft, hop_length, win_length, "stft")
    signal = reshape(x, (1, -1)) if x.ndim == 1 else x
    if center:
        signal = _pad(signal, n_fft // 2, pad_mode)
    elif align_to_window:
        left = (n_fft - win) // 2
        lead = _shape(signal)[:-1]
        signal = concat([_zeros(signal, lead + (left,)), signal,
                         _zeros(signal, lead + (n_fft - win - left,))], axis=-1)
    length = signal.shape[-1]
    if length < n_fft:
        raise ValueError(f"stft: expected at least n_fft = {n_fft} samples after padding, got "
                         f"{length}")
    frames_n = 1 + (length - n_fft) // hop
    frames = multiply(take(signal, _frames_index(signal, frames_n, hop, n_fft), axis=-1),
                      _window(signal, window, n_fft, win, "stft"))
    norm = "ortho" if normalized else "backward"
    spec = rfft(frames, axis=-1, norm=norm) if onesided else fft(frames, axis=-1, norm=norm)
    spec = matrix_transpose(spec)
    if x.ndim == 1:
        spec = spec[0]
    if return_complex:
        return spec
    return stack([real(spec), imag(spec)], axis=-1)


def istft(x: Any, /, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
          window: Any = None, center: bool = True, normalized: bool = False,
          onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False) -> Any:
    """The inverse of :func:`stft`: the complex ``(B?, freqs, frames)`` spectrogram back to
    signals, by inverse transforms, windowing and overlap-add divided by the window's
    squared envelope (least squares, as PyTorch's).

    ``onesided`` defaults to ``freqs != n_fft``; ``length`` trims or zero-pads the result.
    The squared window summed over the overlapping frames must not vanish anywhere in the
    result (the NOLA condition), else ``ValueError``.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([1.0, 2.0, 0.0, -1.0, 3.0, 1.0, 0.5, 2.0])
    >>> w = anygrad.hann_window(4)
    >>> s = anygrad.stft(x, 4, hop_length=1, window=w, return_complex=True)
    >>> anygrad.istft(s, 4, hop_length=1, window=w, length=8).round(decimals=4)
    tensor([ 1.0000,  2.0000,  0.0000, -1.0000,  3.0000,  1.0000,  0.5000,  2.0000])
    """
    if x.dtype.kind != "c" or x.ndim not in (2, 3):
        raise ValueError(f"istft: expected a complex (freqs, frames) or (B, freqs, frames) "
                         f"tensor, got {x.dtype} of shape {_shape(x)}")
    hop, win = _lengths(n_fft, hop_length, win_length, "istft")
    spec = reshape(x, (1,) + _shape(x)) if x.ndim == 2 else x
    freqs, frames_n = spec.shape[-2], spec.shape[-1]
    if onesided is None:
        onesided = freqs != n_fft
    want = n_fft // 2 + 1 if onesided else n_fft
    if freqs != want:
        raise ValueError(f"istft: expected {want} frequencies for n_fft = {n_fft} "
                         f"({'onesided' if onesided else 'full'}), got {freqs}")
    if onesided and return_complex:
        raise ValueError("istft: return_complex=True needs a full (not onesided) input")
    norm = "ortho" if normalized else "backward"
    cols = matrix_transpose(spec)
    if return_complex:
        frames = ifft(cols, axis=-1, norm=norm)
    else:
        # A real result from a full spectrum uses its first half, as PyTorch does (the
        # gradient reaches those frequencies alone).
        half = cols if onesided else cols[..., :n_fft // 2 + 1]
        frames = irfft(half, n=n_fft, axis=-1, norm=norm)
    w = _window(real(frames) if frames.dtype.kind == "c" else frames, window, n_fft, win, "istft")
    frames = multiply(frames, w)
    total = n_fft + hop * (frames_n - 1)
    idx = reshape(_frames_index(frames, frames_n, hop, n_fft), (-1,))
    batch = frames.shape[0]
    y = index_add(_zeros(frames, (batch, total)), -1, idx, reshape(frames, (batch, -1)))
    wsq = multiply(w, w) if w.dtype.kind != "c" else real(multiply(w, conj(w)))
    env = index_add(_zeros(wsq, (total,)), 0, idx, reshape(stack([wsq] * frames_n), (-1,)))
    start = n_fft // 2 if center else 0
    end = total if length is None and not center else (
        total - n_fft // 2 if length is None else start + length)
    stop = min(end, total)
    y, env = y[:, start:stop], env[start:stop]
    if env.shape[0] and float(_abs(env).min().item()) < 1e-11:
        raise ValueError("istft: the window's squared envelope vanishes somewhere in the "
                         "result (the NOLA condition fails); use another window or hop_length")
    y = divide(y, env)
    if end > stop:
        y = concat([y, _zeros(y, (batch, end - stop))], axis=-1)
    return y[0] if x.ndim == 2 else y


# -- registry: complex values travel as (real, imag) pairs of real arrays -------------------
def _np_stft(x: Any, n_fft: int, hop: int, win: Any) -> Any:
    p = n_fft // 2
    s = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(p, p)], mode="reflect")
    frames = [s[..., t:t + n_fft] * win for t in range(0, s.shape[-1] - n_fft + 1, hop)]
    return np.stack([np.fft.rfft(f, axis=-1) for f in frames], axis=-1)


def _np_istft(z: Any, n_fft: int, hop: int, win: Any, length: int) -> Any:
    frames = np.fft.irfft(np.swapaxes(z, -1, -2), n=n_fft, axis=-1) * win
    total = n_fft + hop * (frames.shape[-2] - 1)
    y = np.zeros(frames.shape[:-2] + (total,))
    env = np.zeros(total)
    for t in range(frames.shape[-2]):
        y[..., t * hop:t * hop + n_fft] += frames[..., t, :]
        env[t * hop:t * hop + n_fft] += win * win
    p = n_fft // 2
    return (y / env)[..., p:p + length]


def _stft_inputs(rng: Any, dtype: str) -> list:
    return [rng.uniform(-1, 1, (2, 12)).astype(dtype),
            (0.5 + 0.5 * rng.uniform(0, 1, 8)).astype(dtype)]


def _stft_harness(x: Any, w: Any) -> Any:
    s = stft(x, 8, hop_length=3, window=w, return_complex=True)
    return real(s), imag(s)


def _istft_inputs(rng: Any, dtype: str) -> list:
    x = rng.uniform(-1, 1, (2, 12))
    z = _np_stft(x, 8, 2, np.ones(8))
    return [np.real(z).astype(dtype), np.imag(z).astype(dtype),
            (0.5 + 0.5 * rng.uniform(0, 1, 8)).astype(dtype)]


def _istft_harness(re: Any, im: Any, w: Any) -> Any:
    return istft(_complex(re, im), 8, hop_length=2, window=w, length=12)


_register("stft", stft, lambda x, w: (lambda z: (np.real(z), np.imag(z)))(_np_stft(x, 8, 3, w)),
          nin=2, make_inputs=_stft_inputs, harness=_stft_harness, category="fft",
          notes="tested as (real, imag) of a batch; reflect padding, window, onesided")
_register("istft", istft, lambda re, im, w: _np_istft(re + 1j * im, 8, 2, w, 12), nin=3,
          make_inputs=_istft_inputs, harness=_istft_harness, category="fft",
          notes="tested on z = x + iy; overlap-add over the squared window envelope")
