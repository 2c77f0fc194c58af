"""Image transforms (torchvision-style) that run on the host, per sample.

Transforms take and return NumPy arrays (``ToTensor`` excepted, which returns a host
Tensor), so they are cheap, run in worker processes for every backend, and the DataLoader
moves each whole batch to the chosen backend once. Random transforms draw from a host
NumPy generator: ``generator=`` if given, else ``anygrad.random.default_generator``, which
each DataLoader worker seeds with its own seed.

Images are CHW after :class:`ToTensor`; :class:`Pad`, :class:`RandomCrop` and
:class:`RandomHorizontalFlip` accept HW, HWC (before ``ToTensor``) or CHW (after) arrays:
they act on the last two axes for 2-D and CHW float input, and on the first two axes for
HWC uint8 input, as torchvision does for PIL images.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable, Sequence

import numpy as np

from ._utils import host_rng, is_tensor

__all__ = ["Compose", "ToTensor", "Normalize", "Pad", "RandomCrop", "RandomHorizontalFlip", "Lambda"]


def _host(x: Any, where: str) -> tuple[np.ndarray, Any]:
    """(NumPy array, Tensor's backend or None) for a NumPy array or Tensor input."""
    if isinstance(x, np.ndarray):
        return x, None
    if is_tensor(x):
        return x.detach().numpy(), (x.backend, x.device)
    raise TypeError(f"{where}: expected a NumPy array or an anygrad Tensor, got {type(x).__name__}")


def _back(arr: np.ndarray, origin: Any) -> Any:
    if origin is None:
        return arr
    import anygrad

    return anygrad.asarray(arr, backend=origin[0], device=origin[1])


def _is_hwc(arr: np.ndarray) -> bool:
    # An HWC image (before ToTensor) is uint8 with a small channel axis last.
    return arr.ndim == 3 and arr.dtype == np.uint8 and arr.shape[-1] in (1, 3, 4)


def _spatial_axes(arr: np.ndarray, where: str) -> tuple[int, int]:
    if arr.ndim == 2:
        return 0, 1
    if arr.ndim == 3:
        return (0, 1) if _is_hwc(arr) else (1, 2)
    raise ValueError(f"{where}: expected an image of shape (H, W), (H, W, C) or (C, H, W), got {arr.shape}")


class Compose:
    """Apply transforms one after the other.

    Examples
    --------
    >>> from anygrad.data.transforms import Compose, Lambda
    >>> Compose([Lambda(lambda x: x + 1), Lambda(lambda x: x * 2)])(3)
    8
    """

    def __init__(self, transforms: Sequence[Callable[[Any], Any]]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: Any) -> Any:
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"{type(self).__name__}({inner}\n)"


class ToTensor:
    """uint8 image (HW or HWC) -> float32 Tensor (CHW) in [0, 1], on the host NumPy backend.

    Float input (already HW/CHW) is converted to float32 and given a channel axis if 2-D,
    without scaling. Like torchvision's ``ToTensor``, which makes CPU tensors, the result
    lives on the host; the DataLoader moves whole batches to its ``backend``/``device``.

    Examples
    --------
    >>> import numpy as np
    >>> import anygrad
    >>> from anygrad.data.transforms import ToTensor
    >>> t = ToTensor()(np.full((28, 28), 255, dtype=np.uint8))
    >>> tuple(t.shape), t.dtype, float(t.numpy().max())
    ((1, 28, 28), anygrad.float32, 1.0)
    """

    def __call__(self, pic: Any) -> Any:
        import anygrad

        return anygrad.asarray(self.to_numpy(pic), backend="numpy")

    @staticmethod
    def to_numpy(pic: Any) -> np.ndarray:
        """The same conversion, returning a NumPy array."""
        arr, _ = _host(np.asarray(pic) if not is_tensor(pic) else pic, "ToTensor")
        if arr.ndim not in (2, 3):
            raise ValueError(f"ToTensor: expected an image of shape (H, W) or (H, W, C), got {arr.shape}")
        if arr.dtype == np.uint8:
            if arr.ndim == 3:
                arr = arr.transpose(2, 0, 1)
            out = arr.astype(np.float32)
            out *= np.float32(1.0 / 255.0)
            return out[None] if out.ndim == 2 else out
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"ToTensor: expected a numeric image, got dtype {arr.dtype}")
        out = arr.astype(np.float32)
        return out[None] if out.ndim == 2 else out

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """``(x - mean[c]) / std[c]`` per channel of a CHW image.

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data.transforms import Normalize
    >>> Normalize([0.5], [0.25])(np.ones((1, 1, 2), np.float32)).tolist()
    [[[2.0, 2.0]]]
    """

    def __init__(self, mean: Sequence[float] | float, std: Sequence[float] | float, inplace: bool = False) -> None:
        self.mean = np.atleast_1d(np.asarray(mean, dtype=np.float64))
        self.std = np.atleast_1d(np.asarray(std, dtype=np.float64))
        if self.mean.ndim != 1 or self.std.ndim != 1:
            raise ValueError(f"Normalize: expected 1-D mean and std, got shapes {self.mean.shape}, {self.std.shape}")
        if np.any(self.std == 0):
            raise ValueError(f"Normalize: std evaluated to zero, got {self.std.tolist()}")
        self.inplace = inplace  # accepted for torchvision compatibility; a new array is returned
        self._cache: dict = {}

    def __call__(self, x: Any) -> Any:
        arr, origin = _host(x, "Normalize")
        if arr.ndim < 3:
            raise ValueError(f"Normalize: expected a (..., C, H, W) image, got shape {arr.shape}")
        c = arr.shape[-3]
        if len(self.mean) not in (1, c) or len(self.std) not in (1, c):
            raise ValueError(
                f"Normalize: mean/std have {len(self.mean)}/{len(self.std)} values for an image with {c} channels"
            )
        dtype = arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float32)
        mean, std = self._cache.get(dtype, (None, None))
        if mean is None:
            mean = self.mean.astype(dtype).reshape(-1, 1, 1)
            std = self.std.astype(dtype).reshape(-1, 1, 1)
            self._cache[dtype] = (mean, std)
        return _back((arr.astype(dtype, copy=False) - mean) / std, origin)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.tolist()}, std={self.std.tolist()})"


def _pad_widths(padding: Any, where: str) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) from an int, a pair (lr, tb) or a 4-tuple."""
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        p = int(padding)
        widths = (p, p, p, p)
    elif isinstance(padding, Sequence) and len(padding) == 2:
        widths = (int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1]))
    elif isinstance(padding, Sequence) and len(padding) == 4:
        widths = tuple(int(p) for p in padding)  # type: ignore[assignment]
    else:
        raise ValueError(f"{where}: expected padding as an int or a sequence of 2 or 4 ints, got {padding!r}")
    if min(widths) < 0:
        raise ValueError(f"{where}: expected non-negative padding, got {padding!r}")
    return widths  # type: ignore[return-value]


_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric": "symmetric"}


def _pad(arr: np.ndarray, widths: tuple[int, int, int, int], fill: float, mode: str, where: str) -> np.ndarray:
    left, top, right, bottom = widths
    if not any(widths):
        return arr
    ah, aw = _spatial_axes(arr, where)
    pads = [(0, 0)] * arr.ndim
    pads[ah] = (top, bottom)
    pads[aw] = (left, right)
    if mode == "constant":
        # np.pad costs ~50 us per small image; a filled buffer and one slice copy ~3 us.
        out = np.full(tuple(n + a + b for n, (a, b) in zip(arr.shape, pads)), fill, dtype=arr.dtype)
        out[tuple(slice(a, a + n) for n, (a, _) in zip(arr.shape, pads))] = arr
        return out
    return np.pad(arr, pads, mode=_PAD_MODES[mode])


class Pad:
    """Pad the borders of an image.

    Parameters
    ----------
    padding : int or sequence
        All sides, ``(left/right, top/bottom)`` or ``(left, top, right, bottom)``.
    fill : number, default 0
        Value for ``padding_mode='constant'``.
    padding_mode : {'constant', 'edge', 'reflect', 'symmetric'}

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data.transforms import Pad
    >>> Pad(1)(np.ones((2, 2), np.uint8)).shape
    (4, 4)
    """

    def __init__(self, padding: Any, fill: float = 0, padding_mode: str = "constant") -> None:
        if padding_mode not in _PAD_MODES:
            raise ValueError(f"Pad: expected padding_mode in {sorted(_PAD_MODES)}, got {padding_mode!r}")
        self.padding = _pad_widths(padding, "Pad")
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, x: Any) -> Any:
        arr, origin = _host(x, "Pad")
        return _back(_pad(arr, self.padding, self.fill, self.padding_mode, "Pad"), origin)

    def __repr__(self) -> str:
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode!r})"


class RandomCrop:
    """Crop a random ``size`` window, after optional padding.

    Parameters
    ----------
    size : int or (int, int)
        Output (height, width).
    padding : int or sequence, optional
        Applied first, as :class:`Pad`.
    pad_if_needed : bool, default False
        Pad images smaller than ``size`` instead of raising.
    fill, padding_mode
        As :class:`Pad`.
    generator : anygrad.random.Generator or numpy.random.Generator, optional

    Examples
    --------
    >>> import anygrad
    >>> import numpy as np
    >>> from anygrad.data.transforms import RandomCrop
    >>> crop = RandomCrop(28, padding=4, generator=anygrad.random.Generator(0))
    >>> crop(np.zeros((1, 28, 28), np.float32)).shape
    (1, 28, 28)
    """

    def __init__(self, size: int | Sequence[int], padding: Any = None, pad_if_needed: bool = False,
                 fill: float = 0, padding_mode: str = "constant", generator: Any = None) -> None:
        if isinstance(size, numbers.Integral):
            size = (int(size), int(size))
        if len(size) != 2 or min(size) < 1:
            raise ValueError(f"RandomCrop: expected size as a positive int or (h, w), got {size!r}")
        if padding_mode not in _PAD_MODES:
            raise ValueError(f"RandomCrop: expected padding_mode in {sorted(_PAD_MODES)}, got {padding_mode!r}")
        self.size = (int(size[0]), int(size[1]))
        self.padding = None if padding is None else _pad_widths(padding, "RandomCrop")
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode
        self.generator = generator

    def __call__(self, x: Any) -> Any:
        arr, origin = _host(x, "RandomCrop")
        if self.padding is not None:
            arr = _pad(arr, self.padding, self.fill, self.padding_mode, "RandomCrop")
        ah, aw = _spatial_axes(arr, "RandomCrop")
        th, tw = self.size
        h, w = arr.shape[ah], arr.shape[aw]
        if self.pad_if_needed and (h < th or w < tw):
            dw, dh = max(0, tw - w), max(0, th - h)
            arr = _pad(arr, (dw, dh, dw, dh), self.fill, self.padding_mode, "RandomCrop")
            h, w = arr.shape[ah], arr.shape[aw]
        if h < th or w < tw:
            raise ValueError(f"RandomCrop: crop size {self.size} is larger than the image ({h}, {w})")
        rng = host_rng(self.generator, "RandomCrop")
        i = int(rng.integers(0, h - th + 1))
        j = int(rng.integers(0, w - tw + 1))
        index = [slice(None)] * arr.ndim
        index[ah] = slice(i, i + th)
        index[aw] = slice(j, j + tw)
        return _back(np.ascontiguousarray(arr[tuple(index)]), origin)

    def __repr__(self) -> str:
        return f"RandomCrop(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror the image left-right with probability ``p``.

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data.transforms import RandomHorizontalFlip
    >>> RandomHorizontalFlip(p=1.0)(np.array([[1, 2, 3]], np.uint8)).tolist()
    [[3, 2, 1]]
    """

    def __init__(self, p: float = 0.5, generator: Any = None) -> None:
        if not 0.0 <= float(p) <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: expected p in [0, 1], got {p}")
        self.p = float(p)
        self.generator = generator

    def __call__(self, x: Any) -> Any:
        arr, origin = _host(x, "RandomHorizontalFlip")
        if host_rng(self.generator, "RandomHorizontalFlip").random() < self.p:
            _, aw = _spatial_axes(arr, "RandomHorizontalFlip")
            arr = np.ascontiguousarray(np.flip(arr, axis=aw))
        return _back(arr, origin)

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


class Lambda:
    """Wrap a function as a transform.

    Examples
    --------
    >>> from anygrad.data.transforms import Lambda
    >>> Lambda(abs)(-2)
    2
    """

    def __init__(self, lambd: Callable[[Any], Any]) -> None:
        if not callable(lambd):
            raise TypeError(f"Lambda: expected a callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, x: Any) -> Any:
        return self.lambd(x)

    def __repr__(self) -> str:
        return f"Lambda({getattr(self.lambd, '__name__', self.lambd)!r})"
