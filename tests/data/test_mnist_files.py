"""MNIST / FashionMNIST from synthetic IDX files written here: valid, truncated, wrong magic,
wrong checksum, and downloads from file:// mirrors (no network needed)."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from anygrad.data import DataLoader
from anygrad.data.datasets import MNIST, DatasetError, FashionMNIST, IDXError, default_root, read_idx, write_idx
from anygrad.data.datasets._idx import idx_bytes, parse_idx

N_TRAIN, N_TEST = 12, 5
NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def synthetic_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        NAMES[0]: rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        NAMES[1]: (np.arange(N_TRAIN) % 10).astype(np.uint8),
        NAMES[2]: rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        NAMES[3]: (np.arange(N_TEST) * 3 % 10).astype(np.uint8),
    }


def md5(b: bytes) -> str:
    return hashlib.md5(b).hexdigest()


def make_class(arrays: dict[str, np.ndarray], base=MNIST, mirrors=None):
    """A subclass of `base` whose published checksums are those of the synthetic files."""
    resources = []
    for name in NAMES:
        raw = idx_bytes(arrays[name])
        resources.append((name, md5(gzip.compress(raw, mtime=0)), md5(raw)))
    attrs = {"resources": resources}
    if mirrors is not None:
        attrs["mirrors"] = mirrors
    # Keep the folder name of the real class (MNIST/raw, FashionMNIST/raw).
    cls = type(base.__name__, (base,), attrs)
    return cls


def write_files(folder: Path, arrays: dict[str, np.ndarray], gz: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        write_idx(folder / (name + (".gz" if gz else "")), arr)


# -- the IDX codec -------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_roundtrip(tmp_path, dtype):
    arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    for name in ("a.idx", "a.idx.gz"):
        write_idx(tmp_path / name, arr)
        back = read_idx(tmp_path / name)
        assert back.dtype == np.dtype(dtype).newbyteorder("=")
        np.testing.assert_array_equal(back, arr)


def test_idx_header_is_big_endian():
    raw = idx_bytes(np.zeros((2, 300), np.uint8))
    assert raw[:4] == b"\x00\x00\x08\x02"
    assert raw[4:12] == (2).to_bytes(4, "big") + (300).to_bytes(4, "big")
    assert len(raw) == 12 + 600


def test_idx_errors():
    good = idx_bytes(np.zeros((3, 4), np.uint8))
    with pytest.raises(IDXError, match=r"x\.idx: wrong magic number 0x00000702"):
        parse_idx(b"\x00\x00\x07\x02" + good[4:], "x.idx")
    with pytest.raises(IDXError, match="wrong magic number"):
        parse_idx(b"\x01\x00\x08\x02" + good[4:], "x.idx")
    with pytest.raises(IDXError, match=r"x\.idx: file truncated: shape \(3, 4\) of uint8 needs 24 bytes, got 20"):
        parse_idx(good[:-4], "x.idx")
    with pytest.raises(IDXError, match="trailing bytes"):
        parse_idx(good + b"\x00", "x.idx")
    with pytest.raises(IDXError, match="truncated header"):
        parse_idx(good[:6], "x.idx")
    with pytest.raises(IDXError, match="too short"):
        parse_idx(b"\x00\x00", "x.idx")
    with pytest.raises(IDXError, match="corrupt or truncated gzip"):
        parse_idx(gzip.compress(good)[:-10], "x.idx.gz")


# -- MNIST from files ----------------------------------------------------------------------
@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("base", [MNIST, FashionMNIST])
def test_valid_files_load(tmp_path, gz, base):
    arrays = synthetic_arrays()
    cls = make_class(arrays, base)
    write_files(tmp_path / base.__name__ / "raw", arrays, gz)
    train = cls(tmp_path, train=True)
    test = cls(tmp_path, train=False)
    assert len(train) == N_TRAIN and len(test) == N_TEST
    np.testing.assert_array_equal(train.data, arrays[NAMES[0]])
    assert train.targets.dtype == np.int64
    np.testing.assert_array_equal(test.targets, arrays[NAMES[3]])
    img, label = train[3]
    assert img.shape == (28, 28) and img.dtype == np.uint8 and label == 3 and type(label) is int
    x, y = next(iter(DataLoader(train, batch_size=4)))
    np.testing.assert_array_equal(x.numpy(), arrays[NAMES[0]][:4])
    assert y.numpy().tolist() == [0, 1, 2, 3]


def test_transforms_are_applied(tmp_path):
    arrays = synthetic_arrays()
    cls = make_class(arrays)
    write_files(tmp_path / "MNIST" / "raw", arrays, gz=True)
    ds = cls(tmp_path, transform=lambda im: im.sum(), target_transform=lambda t: t + 100)
    assert ds[1] == (int(arrays[NAMES[0]][1].sum()), 101)


def test_recompressed_gz_is_accepted_by_content(tmp_path):
    # A .gz whose own md5 differs (other gzip settings) but whose content is the official one.
    arrays = synthetic_arrays()
    cls = make_class(arrays)
    folder = tmp_path / "MNIST" / "raw"
    write_files(folder, arrays, gz=False)
    for name in NAMES:
        raw = (folder / name).read_bytes()
        (folder / name).unlink()
        (folder / f"{name}.gz").write_bytes(gzip.compress(raw, compresslevel=1, mtime=12345))
    assert len(cls(tmp_path)) == N_TRAIN


def test_missing_files_say_where_to_put_them(tmp_path):
    with pytest.raises(DatasetError) as info:
        MNIST(tmp_path)
    msg = str(info.value)
    assert str(tmp_path / "MNIST" / "raw") in msg
    assert "train-images-idx3-ubyte.gz" in msg and "download=True" in msg and "EmbeddedMNIST" in msg


@pytest.mark.parametrize("gz", [False, True])
def test_wrong_checksum(tmp_path, gz):
    arrays = synthetic_arrays()
    cls = make_class(arrays)
    tampered = dict(arrays)
    tampered[NAMES[0]] = arrays[NAMES[0]].copy()
    tampered[NAMES[0]][0, 0, 0] ^= 1  # valid IDX, different content
    write_files(tmp_path / "MNIST" / "raw", tampered, gz)
    with pytest.raises(DatasetError, match=r"checksum mismatch for .*train-images-idx3-ubyte.*expected md5"):
        cls(tmp_path)
    assert len(cls(tmp_path, train=False)) == N_TEST  # the intact test files still load


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_file(tmp_path, gz):
    arrays = synthetic_arrays()
    cls = make_class(arrays)
    folder = tmp_path / "MNIST" / "raw"
    write_files(folder, arrays, gz)
    name = NAMES[2] + (".gz" if gz else "")
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(IDXError, match=rf"{name}: (file truncated|corrupt or truncated gzip)") as info:
        cls(tmp_path, train=False)
    assert f"put the official file in {folder}" in str(info.value)


def test_wrong_magic(tmp_path):
    arrays = synthetic_arrays()
    cls = make_class(arrays)
    folder = tmp_path / "MNIST" / "raw"
    write_files(folder, arrays, gz=False)
    data = bytearray((folder / NAMES[1]).read_bytes())
    data[2] = 0x42
    (folder / NAMES[1]).write_bytes(bytes(data))
    with pytest.raises(IDXError, match=r"train-labels-idx1-ubyte: wrong magic number 0x00004201"):
        cls(tmp_path)


def test_default_root_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv("ANYGRAD_DATA_DIR", str(tmp_path / "cache"))
    assert default_root() == tmp_path / "cache"
    arrays = synthetic_arrays()
    write_files(tmp_path / "cache" / "MNIST" / "raw", arrays, gz=True)
    assert len(make_class(arrays)(train=False)) == N_TEST
    monkeypatch.delenv("ANYGRAD_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_root() == tmp_path / "xdg" / "anygrad" / "datasets"


# -- downloads from file:// mirrors ----------------------------------------------------------
def serve(folder: Path, arrays: dict[str, np.ndarray]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        (folder / f"{name}.gz").write_bytes(gzip.compress(idx_bytes(arr), mtime=0))
    return folder.as_uri() + "/"


def test_download_tries_mirrors_and_verifies(tmp_path):
    arrays = synthetic_arrays()
    good = serve(tmp_path / "mirror", arrays)
    dead = (tmp_path / "nowhere").as_uri() + "/"
    cls = make_class(arrays, mirrors=[dead, good])
    root = tmp_path / "root"
    ds = cls(root, download=True)
    np.testing.assert_array_equal(ds.data, arrays[NAMES[0]])
    raw = root / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(f"{n}.gz" for n in NAMES)
    cls(root, download=True)  # files present: nothing to fetch, no error


def test_download_bad_checksum_leaves_nothing_behind(tmp_path):
    arrays = synthetic_arrays()
    corrupted = dict(arrays)
    corrupted[NAMES[3]] = arrays[NAMES[3]][::-1].copy()
    bad = serve(tmp_path / "bad", corrupted)
    cls = make_class(arrays, mirrors=[bad])
    root = tmp_path / "root"
    with pytest.raises(DatasetError) as info:
        cls(root, download=True)
    msg = str(info.value)
    assert "could not download t10k-labels-idx1-ubyte.gz from any mirror" in msg
    assert "checksum mismatch" in msg and str(root / "MNIST" / "raw") in msg
    leftovers = sorted(p.name for p in (root / "MNIST" / "raw").iterdir())
    # The three good files are in place; no partial or temporary file for the bad one.
    assert leftovers == sorted(f"{n}.gz" for n in NAMES[:3])


def test_download_interrupted_leaves_nothing_behind(tmp_path, monkeypatch):
    arrays = synthetic_arrays()
    good = serve(tmp_path / "mirror", arrays)
    cls = make_class(arrays, mirrors=[good])
    import anygrad.data.datasets.mnist as mnist_module

    real = mnist_module._download
    calls = []

    def flaky(url, dest, md5, **kw):
        calls.append(url)
        if len(calls) == 2:
            raise KeyboardInterrupt  # an interruption mid-way, not a network error
        return real(url, dest, md5, chunk=7, **kw)

    monkeypatch.setattr(mnist_module, "_download", flaky)
    with pytest.raises(KeyboardInterrupt):
        cls(tmp_path / "root", download=True)
    names = sorted(p.name for p in (tmp_path / "root" / "MNIST" / "raw").iterdir())
    assert names == [f"{NAMES[0]}.gz"]


def test_partial_temp_file_removed_on_error(tmp_path):
    from anygrad.data.datasets.mnist import _download

    src = tmp_path / "src.gz"
    src.write_bytes(b"x" * 1000)
    dest_dir = tmp_path / "dest"
    dest_dir.mkdir()
    with pytest.raises(ValueError, match="checksum mismatch"):
        _download(src.as_uri(), dest_dir / "f.gz", "0" * 32, chunk=10)
    assert os.listdir(dest_dir) == []
