"""The MNIST subset shipped in the package: shapes, dtypes, class counts, provenance files."""

from __future__ import annotations

import zipfile
from importlib import resources

import numpy as np
import pytest

import anygrad
from anygrad.data import DataLoader
from anygrad.data import transforms as T
from anygrad.data.datasets import MNIST, EmbeddedMNIST, load_embedded_mnist

DATA = resources.files("anygrad.data.datasets").joinpath("_data")


def test_file_is_small_plain_npz_without_pickles():
    blob = DATA.joinpath("mnist_subset.npz").read_bytes()
    assert len(blob) < 4_000_000
    import io

    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        assert sorted(zf.namelist()) == sorted(
            f"{k}.npy" for k in ("train_images", "train_labels", "train_index", "test_images", "test_labels")
        )
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def test_licence_and_attribution_next_to_the_data():
    readme = DATA.joinpath("README.md").read_text()
    licence = DATA.joinpath("LICENSE").read_text()
    for text in (readme, licence):
        assert "Yann LeCun" in text and "Corinna Cortes" in text and "Burges" in text
        assert "CC BY-SA 3.0" in text


@pytest.mark.parametrize("train", [True, False])
def test_shapes_dtypes_and_class_counts(train):
    x, y = load_embedded_mnist(train=train)
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (10000,) and y.dtype == np.int64
    assert not x.flags.writeable
    counts = np.bincount(y, minlength=10)
    if train:
        assert counts.tolist() == [1000] * 10
    else:
        # The official test set's class counts.
        assert counts.tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert 0 < x.mean() < 60 and x.max() == 255 and x.min() == 0  # real digits, not noise or zeros


def test_train_subset_is_first_thousand_per_class_in_file_order():
    arrays = np.load(str(DATA.joinpath("mnist_subset.npz")), allow_pickle=False)
    index = arrays["train_index"]
    assert np.all(np.diff(index) > 0) and index.min() >= 0 and index.max() < 60000
    # Official first training labels are 5 0 4 1 9 2 1 3 1 4; the subset starts with all of them.
    assert index[:10].tolist() == list(range(10))
    assert arrays["train_labels"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert arrays["test_labels"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


def test_embedded_dataset_api():
    ds = EmbeddedMNIST(train=False)
    assert isinstance(ds, MNIST) and len(ds) == 10000
    img, label = ds[0]
    assert img.shape == (28, 28) and label == 7
    assert ds.classes[7] == "7 - seven"


def test_lenet_pipeline_batches(data_backend):
    tf = T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))])
    loader = DataLoader(EmbeddedMNIST(train=True, transform=tf), batch_size=64, backend=data_backend)
    x, y = next(iter(loader))
    assert x.backend == data_backend and tuple(x.shape) == (64, 1, 28, 28)
    assert x.dtype == anygrad.float32 and y.dtype == anygrad.int64
    raw, labels = load_embedded_mnist(train=True)
    expected = (raw[:64, None].astype(np.float32) / 255 - np.float32(0.1307)) / np.float32(0.3081)
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-5, atol=1e-5)
    assert y.numpy().tolist() == labels[:64].tolist()
