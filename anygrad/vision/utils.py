"""``make_grid`` and ``save_image`` as ``torchvision.utils`` has them, on any backend.

``make_grid`` tiles a batch of images into one image with the same rules as torchvision
(same values for the same input); ``save_image`` writes that grid as a PNG (or any format
Pillow knows). Pillow is needed only by ``save_image``, and is imported when it is called:
install it with the ``vision`` extra (``pip install 'anygrad[vision]'``).

Examples
--------
>>> import anygrad
>>> from anygrad.vision.utils import make_grid
>>> images = anygrad.ones(5, 1, 4, 4)
>>> make_grid(images, nrow=2, padding=1).shape
anygrad.Size([3, 16, 11])
"""

from __future__ import annotations

import math
import os
from typing import IO, Any, Sequence, Union

import anygrad
from anygrad.tensor import Tensor

__all__ = ["make_grid", "save_image"]


def _normalize(t: Tensor, value_range: tuple[float, float] | None) -> Tensor:
    low, high = value_range if value_range is not None else (float(t.min()), float(t.max()))
    # The same operations in the same order as torchvision's in-place clamp_/sub_/div_, so
    # float results match bit for bit; the floor keeps a constant image finite.
    return t.clamp(min=low, max=high).sub(low).div(max(high - low, 1e-5))


def make_grid(
    tensor: Union[Tensor, Sequence[Tensor]],
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Tile images into one image, as ``torchvision.utils.make_grid``.

    Parameters
    ----------
    tensor : Tensor or list of Tensor
        A batch ``(B, C, H, W)``, one image ``(C, H, W)`` or ``(H, W)``, or a list of
        same-shaped ``(C, H, W)`` images. One-channel images become three-channel (grey).
    nrow : int
        Images per row of the grid; the number of rows is ``ceil(B / nrow)``.
    padding : int
        Pixels between images and around the grid.
    normalize : bool
        Shift and scale to ``[0, 1]``: by ``value_range`` (values outside are clipped), or
        by the minimum and maximum of the input.
    value_range : tuple of float, optional
        ``(min, max)`` for ``normalize``.
    scale_each : bool
        With ``normalize``, scale each image by its own range rather than the batch's.
    pad_value : float
        The value of the padding pixels (and of empty cells in the last row).

    Returns
    -------
    Tensor
        ``(C, H', W')`` on the input's backend and device, not recording gradients. A batch
        of one image is returned as that image, without padding.

    Raises
    ------
    TypeError
        When ``tensor`` is neither a Tensor nor a list of Tensors, or ``value_range`` is not
        a tuple.
    ValueError
        When the input is not 2-D, 3-D or 4-D.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad.vision.utils import make_grid
    >>> grid = make_grid(anygrad.zeros(2, 1, 1, 1), padding=1, pad_value=1.0)
    >>> grid[0]
    tensor([[1., 1., 1., 1., 1.],
            [1., 0., 1., 0., 1.],
            [1., 1., 1., 1., 1.]])
    """
    if isinstance(tensor, (list, tuple)):
        if not all(isinstance(t, Tensor) for t in tensor):
            raise TypeError("make_grid: every element of the list must be a Tensor, got "
                            f"{sorted({type(t).__name__ for t in tensor})}")
    elif not isinstance(tensor, Tensor):
        raise TypeError(f"make_grid: tensor or list of tensors expected, got {type(tensor)}")
    if normalize and value_range is not None and not isinstance(value_range, tuple):
        raise TypeError("make_grid: value_range has to be a tuple (min, max) if specified, "
                        f"got {type(value_range).__name__}")
    with anygrad.no_grad():
        if isinstance(tensor, (list, tuple)):
            tensor = anygrad.stack(list(tensor), 0)
        if tensor.dim() == 2:
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 3:
            if tensor.size(0) == 1:
                tensor = anygrad.cat((tensor, tensor, tensor), 0)
            tensor = tensor.unsqueeze(0)
        if tensor.dim() != 4:
            raise ValueError("make_grid: expected a 2-D, 3-D or 4-D tensor (or a list of 3-D "
                             f"ones), got shape {tuple(tensor.shape)}")
        if tensor.size(1) == 1:
            tensor = anygrad.cat((tensor, tensor, tensor), 1)
        if normalize:
            if scale_each:
                tensor = anygrad.stack([_normalize(t, value_range) for t in tensor], 0)
            else:
                tensor = _normalize(tensor, value_range)
        if tensor.size(0) == 1:
            return tensor.squeeze(0)

        nmaps, channels = tensor.size(0), tensor.size(1)
        xmaps = min(nrow, nmaps)
        ymaps = int(math.ceil(nmaps / xmaps))
        height, width = tensor.size(2) + padding, tensor.size(3) + padding
        grid = tensor.new_full((channels, height * ymaps + padding, width * xmaps + padding),
                               pad_value)
        for k in range(nmaps):
            y, x = divmod(k, xmaps)
            top, left = y * height + padding, x * width + padding
            grid[:, top:top + height - padding, left:left + width - padding] = tensor[k]
        return grid


def save_image(
    tensor: Union[Tensor, Sequence[Tensor]],
    fp: Union[str, os.PathLike, IO[bytes]],
    format: str | None = None,
    **grid_kwargs: Any,
) -> None:
    """Save images as one image file, as ``torchvision.utils.save_image``.

    The images are tiled by :func:`make_grid` (which takes ``grid_kwargs``), scaled from
    ``[0, 1]`` to ``[0, 255]``, rounded to the nearest integer and clipped.

    Parameters
    ----------
    tensor : Tensor or list of Tensor
        What :func:`make_grid` takes; values in ``[0, 1]``.
    fp : str, path or binary file object
        Where to write.
    format : str, optional
        Pillow's format name (``"PNG"``, ``"JPEG"``...); by default taken from the file name.
    **grid_kwargs
        ``nrow``, ``padding``, ``normalize``, ``value_range``, ``scale_each``, ``pad_value``.

    Raises
    ------
    ImportError
        When Pillow is not installed (install the ``vision`` extra).

    Examples
    --------
    >>> import io
    >>> import anygrad
    >>> from anygrad.vision.utils import save_image
    >>> buffer = io.BytesIO()
    >>> save_image(anygrad.rand(4, 3, 8, 8), buffer, format="PNG", nrow=2)
    >>> buffer.getvalue()[:4]
    b'\\x89PNG'
    """
    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError(
            "save_image needs Pillow, which is not installed: install the 'vision' extra, "
            "pip install 'anygrad[vision]' (or pip install Pillow)"
        ) from exc
    grid = make_grid(tensor, **grid_kwargs)
    # +0.5 before the cast (which truncates) rounds to the nearest integer, as torchvision.
    pixels = grid.mul(255).add(0.5).clamp(0, 255).permute(1, 2, 0).to(anygrad.uint8).numpy()
    Image.fromarray(pixels).save(fp, format=format)
