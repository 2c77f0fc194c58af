"""Image helpers in the spirit of ``torchvision``: :mod:`anygrad.vision.utils` (``make_grid``,
``save_image``)."""

from . import utils

__all__ = ["utils"]
