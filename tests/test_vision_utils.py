"""anygrad.vision.utils: make_grid and save_image give torchvision's grids and pixels.

torchvision is usually not installed, so the expected grids are written out by hand from its
documented rules (padding around and between images, ``nrow`` images per row, one-channel
images made three-channel, a batch of one returned unpadded, normalisation by a range or by
the data's extremes, per image with ``scale_each``); where torchvision is installed, one more
test compares the two on random inputs.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import anygrad
from anygrad.vision.utils import make_grid, save_image

P = 0.5  # the pad value of the hand-written grids


def as_tensor(values, backend) -> anygrad.Tensor:
    t = anygrad.tensor(np.asarray(values, dtype=np.float32), device=backend.device_obj())
    assert t.backend == backend.name
    return t


def check(grid: anygrad.Tensor, expected, backend) -> None:
    assert grid.backend == backend.name
    assert grid.dtype == anygrad.float32
    assert not grid.requires_grad
    np.testing.assert_array_equal(grid.numpy(), np.asarray(expected, dtype=np.float32))


def grey(plane) -> np.ndarray:
    """The three-channel image make_grid makes of a one-channel one."""
    return np.stack([np.asarray(plane, dtype=np.float32)] * 3)


IMAGES = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]


def test_grid_of_three_in_rows_of_two(backend):
    x = as_tensor(IMAGES, backend)[:, None]  # (3, 1, 2, 2)
    grid = make_grid(x, nrow=2, padding=1, pad_value=P)
    check(grid, grey([
        [P, P, P, P, P, P, P],
        [P, 1, 2, P, 5, 6, P],
        [P, 3, 4, P, 7, 8, P],
        [P, P, P, P, P, P, P],
        [P, 9, 10, P, P, P, P],
        [P, 11, 12, P, P, P, P],
        [P, P, P, P, P, P, P],
    ]), backend)


def test_defaults_pad_by_two_with_zeros_and_keep_colour(backend):
    x = as_tensor([[[[1]], [[2]], [[3]]], [[[4]], [[5]], [[6]]]], backend)  # (2, 3, 1, 1)
    grid = make_grid(x)
    assert grid.shape == (3, 5, 8)
    expected = np.zeros((3, 5, 8), np.float32)
    expected[:, 2, 2] = [1, 2, 3]
    expected[:, 2, 5] = [4, 5, 6]
    check(grid, expected, backend)


def test_nrow_larger_than_batch_gives_one_row(backend):
    x = as_tensor(IMAGES[:2], backend)[:, None]
    check(make_grid(x, nrow=5, padding=0), grey([[1, 2, 5, 6], [3, 4, 7, 8]]), backend)


def test_one_column(backend):
    x = as_tensor(IMAGES[:2], backend)[:, None]
    check(make_grid(x, nrow=1, padding=0), grey([[1, 2], [3, 4], [5, 6], [7, 8]]), backend)


def test_single_images_are_returned_unpadded(backend):
    plane = IMAGES[0]
    check(make_grid(as_tensor(plane, backend)), grey(plane), backend)            # (H, W)
    check(make_grid(as_tensor([plane], backend)), grey(plane), backend)          # (1, H, W)
    check(make_grid(as_tensor([[plane]], backend)), grey(plane), backend)        # (1, 1, H, W)
    rgb = [IMAGES[0], IMAGES[1], IMAGES[2]]
    check(make_grid(as_tensor(rgb, backend)), rgb, backend)                      # (3, H, W)
    check(make_grid(as_tensor([rgb], backend)), rgb, backend)                    # (1, 3, H, W)
    two = [IMAGES[0], IMAGES[1]]  # only one channel is repeated into three
    check(make_grid(as_tensor([two], backend)), two, backend)


def test_list_of_tensors_is_a_batch(backend):
    images = [as_tensor([plane], backend) for plane in IMAGES]
    stacked = anygrad.stack(images, 0)
    for kwargs in ({}, {"nrow": 2, "padding": 1, "pad_value": P}):
        check(make_grid(images, **kwargs), make_grid(stacked, **kwargs).numpy(), backend)


def test_normalize_by_the_data_range(backend):
    x = as_tensor([[[[-1, 0], [1, 3]]]], backend)
    check(make_grid(x, normalize=True), grey([[0, 0.25], [0.5, 1]]), backend)
    assert x.numpy()[0, 0, 0, 0] == -1, "the input is left unchanged"


def test_normalize_by_value_range_clips(backend):
    x = as_tensor([[[[-1, 0], [1, 3]]]], backend)
    grid = make_grid(x, normalize=True, value_range=(0.0, 2.0))
    check(grid, grey([[0, 0], [0.5, 1]]), backend)
    with pytest.raises(TypeError, match="value_range"):
        make_grid(x, normalize=True, value_range=[0.0, 2.0])


def test_normalize_the_batch_or_each_image(backend):
    x = as_tensor([[[[0, 2]]], [[[10, 20]]]], backend)  # (2, 1, 1, 2), range 0..20
    together = make_grid(x, normalize=True, padding=1, pad_value=P)
    check(together, grey([[P] * 7, [P, 0, 0.1, P, 0.5, 1, P], [P] * 7]), backend)
    each = make_grid(x, normalize=True, scale_each=True, padding=1, pad_value=P)
    check(each, grey([[P] * 7, [P, 0, 1, P, 0, 1, P], [P] * 7]), backend)
    # A range applies to every image alike, scale_each or not.
    ranged = make_grid(x, normalize=True, value_range=(0.0, 10.0), scale_each=True, padding=0)
    check(ranged, grey([[0, 0.2, 1, 1]]), backend)


def test_normalize_a_constant_image_gives_zeros(backend):
    x = as_tensor([[[3, 3], [3, 3]]], backend)
    check(make_grid(x, normalize=True), grey([[0, 0], [0, 0]]), backend)


def test_make_grid_does_not_record_gradients(backend):
    x = as_tensor(IMAGES, backend)[:, None].requires_grad_()
    grid = make_grid(x, nrow=2)
    assert grid.grad_fn is None and not grid.requires_grad


def test_make_grid_rejects_bad_inputs():
    with pytest.raises(TypeError, match="tensor or list of tensors"):
        make_grid(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="must be a Tensor"):
        make_grid([anygrad.zeros(1, 2, 2), np.zeros((1, 2, 2))])
    with pytest.raises(ValueError, match="2-D, 3-D or 4-D"):
        make_grid(anygrad.zeros(1, 1, 1, 2, 2))


def test_save_image_writes_the_rounded_pixels(backend, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    # 0.5 * 255 + 0.5 = 128 (rounded up), 0.2 * 255 = 51, out-of-range values are clipped.
    x = as_tensor([[[[0.0, 0.5]]], [[[1.0, 0.2]]], [[[1.5, -0.3]]]], backend)  # (3, 1, 1, 2)
    path = tmp_path / "grid.png"
    save_image(x, path, nrow=2, padding=1, pad_value=1.0)
    with Image.open(path) as im:
        assert im.format == "PNG" and im.mode == "RGB"
        pixels = np.asarray(im)
    W = 255
    expected = np.array([
        [W, W, W, W, W, W, W],
        [W, 0, 128, W, 255, 51, W],
        [W, W, W, W, W, W, W],
        [W, 255, 0, W, W, W, W],
        [W, W, W, W, W, W, W],
    ], dtype=np.uint8)
    np.testing.assert_array_equal(pixels, np.stack([expected] * 3, axis=-1))


def test_save_image_to_a_file_object_with_a_format(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    import io

    buffer = io.BytesIO()
    x = anygrad.tensor(np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 2, 2))
    save_image(x, buffer, format="PNG")
    buffer.seek(0)
    with Image.open(buffer) as im:
        pixels = np.asarray(im)
    expected = (np.clip(x.numpy() * 255 + 0.5, 0, 255)).astype(np.uint8).transpose(1, 2, 0)
    np.testing.assert_array_equal(pixels, expected)


def test_save_image_without_pillow_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes "from PIL import Image" fail
    with pytest.raises(ImportError, match=r"anygrad\[vision\]"):
        save_image(anygrad.zeros(3, 2, 2), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("kwargs", [
    {}, {"nrow": 3, "padding": 1, "pad_value": 0.25}, {"normalize": True},
    {"normalize": True, "scale_each": True}, {"normalize": True, "value_range": (-0.5, 0.5)},
])
@pytest.mark.parametrize("shape", [(7, 3, 5, 4), (5, 1, 3, 3), (1, 3, 4, 4), (3, 4, 4), (4, 6)])
def test_same_as_torchvision(shape, kwargs):
    torch = pytest.importorskip("torch")
    tv_utils = pytest.importorskip("torchvision.utils")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    expected = tv_utils.make_grid(torch.from_numpy(x.copy()), **kwargs).numpy()
    np.testing.assert_array_equal(make_grid(anygrad.tensor(x), **kwargs).numpy(), expected)
