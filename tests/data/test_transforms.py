"""Transforms, checked against direct NumPy computations."""

from __future__ import annotations

import numpy as np
import pytest

import anygrad
from anygrad.data import transforms as T


def G(seed: int) -> anygrad.random.Generator:
    return anygrad.random.Generator(seed)


def test_to_tensor_hw_and_hwc():
    hw = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    t = T.ToTensor()(hw)
    assert anygrad.Tensor is type(t) and t.backend == "numpy"
    assert t.dtype == anygrad.float32 and tuple(t.shape) == (1, 3, 4)
    np.testing.assert_allclose(t.numpy()[0], hw / 255.0, rtol=1e-6)
    hwc = np.random.default_rng(0).integers(0, 256, (5, 6, 3), dtype=np.uint8)
    c = T.ToTensor()(hwc).numpy()
    assert c.shape == (3, 5, 6)
    np.testing.assert_allclose(c, hwc.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert c.min() >= 0 and c.max() <= 1


def test_to_tensor_float_and_errors():
    f = T.ToTensor()(np.full((2, 2), 3.0))
    assert f.dtype == anygrad.float32 and f.numpy().tolist() == [[[3.0, 3.0], [3.0, 3.0]]]
    with pytest.raises(ValueError, match=r"ToTensor: expected an image of shape.*got \(2,\)"):
        T.ToTensor()(np.zeros(2, np.uint8))


def test_normalize_numpy_and_tensor(data_backend):
    x = np.random.default_rng(1).random((3, 4, 5)).astype(np.float32)
    mean, std = [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]
    expected = (x - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    out = T.Normalize(mean, std)(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    t = anygrad.asarray(x, backend=data_backend)
    out_t = T.Normalize(mean, std)(t)
    assert out_t.backend == data_backend
    np.testing.assert_allclose(out_t.numpy(), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize([0.0], [0.0])
    with pytest.raises(ValueError, match="2/2 values for an image with 3 channels"):
        T.Normalize([0.0, 0.0], [1.0, 1.0])(x)


def test_pad_modes_and_layouts():
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert T.Pad(1)(img).tolist() == np.pad(img, 1).tolist()
    assert T.Pad((1, 2), fill=9)(img).shape == (2 + 4, 3 + 2)
    out = T.Pad((1, 0, 2, 3), padding_mode="edge")(img)
    np.testing.assert_array_equal(out, np.pad(img, ((0, 3), (1, 2)), mode="edge"))
    chw = np.zeros((1, 2, 3), np.float32)
    assert T.Pad(2)(chw).shape == (1, 6, 7)
    hwc = np.zeros((2, 3, 3), np.uint8)
    assert T.Pad(2)(hwc).shape == (6, 7, 3)
    with pytest.raises(ValueError, match="padding_mode"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="non-negative padding"):
        T.Pad(-1)


def test_random_crop_is_a_window_of_the_padded_image():
    img = np.arange(1, 26, dtype=np.float32).reshape(1, 5, 5)
    crop = T.RandomCrop(3, padding=1, generator=G(0))
    padded = np.pad(img, ((0, 0), (1, 1), (1, 1)))
    seen = set()
    for _ in range(50):
        out = crop(img)
        assert out.shape == (1, 3, 3)
        windows = [(i, j) for i in range(5) for j in range(5)
                   if np.array_equal(padded[:, i:i + 3, j:j + 3], out)]
        assert windows
        seen.update(windows)
    assert len(seen) > 10  # it really moves
    # Same generator seed, same crops.
    a = [T.RandomCrop(3, padding=1, generator=G(4))(img) for _ in range(1)]
    b = [T.RandomCrop(3, padding=1, generator=G(4))(img) for _ in range(1)]
    np.testing.assert_array_equal(a, b)


def test_random_crop_pad_if_needed_and_errors():
    small = np.ones((2, 2), np.uint8)
    assert T.RandomCrop(4, pad_if_needed=True, generator=G(0))(small).shape == (4, 4)
    with pytest.raises(ValueError, match=r"crop size \(4, 4\) is larger than the image \(2, 2\)"):
        T.RandomCrop(4)(small)


def test_random_horizontal_flip():
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    assert T.RandomHorizontalFlip(1.0)(img).tolist() == img[:, ::-1].tolist()
    assert T.RandomHorizontalFlip(0.0)(img).tolist() == img.tolist()
    flips = sum(T.RandomHorizontalFlip(0.5, generator=G(1))(img)[0, 0] == 2 for _ in range(1))
    flipper = T.RandomHorizontalFlip(0.5, generator=G(1))
    n = sum(int(flipper(img)[0, 0] == 2) for _ in range(400))
    assert 150 < n < 250 and flips in (0, 1)
    chw = np.arange(6, dtype=np.float32).reshape(1, 2, 3)
    assert T.RandomHorizontalFlip(1.0)(chw).tolist() == chw[:, :, ::-1].tolist()
    with pytest.raises(ValueError, match="p in"):
        T.RandomHorizontalFlip(1.5)


def test_compose_and_lambda():
    tf = T.Compose([T.Lambda(lambda x: x * 2), T.ToTensor()])
    out = tf(np.ones((2, 2), np.float32))
    assert out.numpy().tolist() == [[[2.0, 2.0], [2.0, 2.0]]]
    assert "Lambda" in repr(tf)
    with pytest.raises(TypeError, match="Lambda: expected a callable"):
        T.Lambda(3)


def test_random_transforms_use_the_global_generator_by_default():
    img = np.arange(100, dtype=np.float32).reshape(1, 10, 10)
    crop = T.RandomCrop(4)
    anygrad.manual_seed(3)
    a = [crop(img) for _ in range(5)]
    anygrad.manual_seed(3)
    b = [crop(img) for _ in range(5)]
    np.testing.assert_array_equal(a, b)
