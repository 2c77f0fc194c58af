"""MNIST and Fashion-MNIST from the official IDX files, and the MNIST subset shipped inside anygrad.

``MNIST(root, train=True, download=False)`` behaves as torchvision's: the files live in
``<root>/MNIST/raw/`` (``FashionMNIST/raw/`` for Fashion-MNIST), gzip-compressed or not.
``root=None`` means the cache folder ``$ANYGRAD_DATA_DIR`` or, when that is unset,
``$XDG_CACHE_HOME/anygrad/datasets`` (``~/.cache/anygrad/datasets``).

:class:`EmbeddedMNIST` needs no file and no network: the official test set and a balanced
10,000-image subset of the training set, stored in the package (see
``_data/README.md`` for provenance and the CC BY-SA 3.0 licence).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import os
import tempfile
import urllib.error
import urllib.request
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..dataset import Dataset
from ._idx import IDXError, parse_idx

__all__ = ["MNIST", "FashionMNIST", "EmbeddedMNIST", "load_embedded_mnist", "default_root", "DatasetError"]

ENV_VAR = "ANYGRAD_DATA_DIR"


class DatasetError(RuntimeError):
    """A dataset file is missing, corrupt or could not be downloaded."""


def default_root() -> Path:
    """The folder datasets use when ``root=None``: ``$ANYGRAD_DATA_DIR``, else a cache folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "anygrad" / "datasets"


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class MNIST(Dataset):
    """The MNIST handwritten digits, read from the official IDX files.

    Parameters
    ----------
    root : str or path-like, optional
        Folder holding ``MNIST/raw/``; the cache folder (see :func:`default_root`) if omitted.
    train : bool, default True
        The 60,000 training images, or the 10,000 test images.
    download : bool, default False
        Fetch missing files from :attr:`mirrors` (tried in order) into ``root``. Each file is
        checked against its published MD5 and renamed into place only when complete.
    transform : callable, optional
        Applied to each image, a uint8 NumPy array of shape (28, 28).
    target_transform : callable, optional
        Applied to each label, a Python ``int``.

    Attributes
    ----------
    data : numpy.ndarray
        uint8 (N, 28, 28), read-only.
    targets : numpy.ndarray
        int64 (N,).
    classes : list of str

    Raises
    ------
    DatasetError
        When a file is missing (naming the folder and the files to put there), fails its
        checksum, or cannot be downloaded from any mirror.
    anygrad.data.datasets.IDXError
        When a file is truncated or is not an IDX file (wrong magic number).

    Examples
    --------
    >>> import tempfile
    >>> from anygrad.data.datasets import MNIST
    >>> try:
    ...     MNIST(tempfile.mkdtemp())
    ... except RuntimeError as e:
    ...     print(str(e).startswith("MNIST: dataset files not found in"))
    True
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    # (file name, md5 of the published .gz, md5 of the uncompressed file)
    resources = [
        ("train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "6bbc9ace898e44ae57da46a324031adb"),
        ("train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432", "a25bea736e30d166cdddb491f175f624"),
        ("t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3", "2646ac647ad5339dbf082846283269ea"),
        ("t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c", "27ae3e4e09519cfbb04c329615203637"),
    ]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    image_shape = (28, 28)

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None, download: bool = False) -> None:
        self.root = default_root() if root is None else Path(root).expanduser()
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        if download:
            self.download()
        prefix = "train" if self.train else "t10k"
        images = self._load(f"{prefix}-images-idx3-ubyte")
        labels = self._load(f"{prefix}-labels-idx1-ubyte")
        name = type(self).__name__
        if images.ndim != 3 or images.shape[1:] != self.image_shape or images.dtype != np.uint8:
            raise DatasetError(
                f"{name}: expected uint8 images of shape (N, 28, 28), got {images.dtype} {images.shape}"
            )
        if labels.shape != (images.shape[0],):
            raise DatasetError(f"{name}: {images.shape[0]} images but labels of shape {labels.shape}")
        self.data = images
        self.targets = labels.astype(np.int64)

    # -- files ---------------------------------------------------------------------
    @property
    def raw_folder(self) -> Path:
        return self.root / type(self).__name__ / "raw"

    def _resource(self, name: str) -> tuple[str, str, str]:
        for entry in self.resources:
            if entry[0] == name:
                return entry
        raise KeyError(name)  # pragma: no cover - names come from resources

    def _missing_message(self) -> str:
        name = type(self).__name__
        files = ", ".join(f"{r[0]}.gz" for r in self.resources)
        return (
            f"{name}: dataset files not found in {self.raw_folder}.\n"
            f"Put the official files there ({files}; gzip-compressed or not), pass download=True, "
            f"or set {ENV_VAR} to a folder that holds {name}/raw/."
            + ("\nWithout network, anygrad.data.datasets.EmbeddedMNIST ships the MNIST test set and a "
               "10,000-image training subset." if name == "MNIST" else "")
        )

    def _load(self, name: str) -> np.ndarray:
        _, md5_gz, md5_raw = self._resource(name)
        for path in (self.raw_folder / name, self.raw_folder / f"{name}.gz"):
            if path.is_file():
                break
        else:
            raise DatasetError(self._missing_message())
        data = path.read_bytes()
        try:
            return self._verify(path, data, md5_gz, md5_raw)
        except IDXError as exc:
            raise IDXError(
                f"{type(self).__name__}: {exc}. Delete it and pass download=True, or put the official "
                f"file in {self.raw_folder}."
            ) from None

    def _verify(self, path: Path, data: bytes, md5_gz: str, md5_raw: str) -> np.ndarray:
        """Check ``data`` against the published checksums and decode it."""
        fix = (f"The file is corrupt or not the official one; delete it and pass download=True, or "
               f"put the official file in {self.raw_folder}.")
        if data[:2] == b"\x1f\x8b":
            if _md5(data) != md5_gz:
                try:
                    raw = gzip.decompress(data)
                except Exception:
                    raw = b""
                # A re-compressed copy of the official file is fine; its content is checked.
                if not raw or _md5(raw) != md5_raw:
                    parse_idx(data, str(path))  # truncation / magic errors are more telling
                    raise DatasetError(
                        f"{type(self).__name__}: checksum mismatch for {path}: expected md5 {md5_gz} "
                        f"(or {md5_raw} uncompressed), got {_md5(data)}. {fix}"
                    )
        elif _md5(data) != md5_raw:
            parse_idx(data, str(path))
            raise DatasetError(
                f"{type(self).__name__}: checksum mismatch for {path}: expected md5 {md5_raw}, got "
                f"{_md5(data)}. {fix}"
            )
        return parse_idx(data, str(path))

    def _check_exists(self) -> bool:
        return all(
            (self.raw_folder / r[0]).is_file() or (self.raw_folder / f"{r[0]}.gz").is_file()
            for r in self.resources
        )

    def download(self) -> None:
        """Fetch the files that are missing from ``raw_folder``, verified, written atomically.

        Each file is streamed into a temporary file in the same folder, its MD5 checked,
        and only then renamed to its final name, so an interrupted or corrupt download never
        looks complete. Mirrors are tried in order.

        Raises
        ------
        DatasetError
            If no mirror delivers a file with the published checksum.
        """
        self.raw_folder.mkdir(parents=True, exist_ok=True)
        for name, md5_gz, _ in self.resources:
            if (self.raw_folder / name).is_file() or (self.raw_folder / f"{name}.gz").is_file():
                continue
            errors = []
            for mirror in self.mirrors:
                url = f"{mirror}{name}.gz"
                try:
                    _download(url, self.raw_folder / f"{name}.gz", md5_gz)
                    break
                except (OSError, urllib.error.URLError, ValueError) as exc:
                    errors.append(f"  {url}: {exc}")
            else:
                raise DatasetError(
                    f"{type(self).__name__}: could not download {name}.gz from any mirror:\n"
                    + "\n".join(errors)
                    + f"\nDownload it by hand into {self.raw_folder}."
                )

    # -- dataset protocol -----------------------------------------------------------
    def __len__(self) -> int:
        return int(self.data.shape[0])

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        img: Any = self.data[index]
        target: Any = int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __repr__(self) -> str:
        split = "Train" if self.train else "Test"
        return f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n    Split: {split}"


def _download(url: str, dest: Path, md5: str, chunk: int = 1 << 16, timeout: float = 30.0) -> None:
    """Stream ``url`` to ``dest`` through a temporary file; rename only if the MD5 matches."""
    h = hashlib.md5(usedforsecurity=False)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            request = urllib.request.Request(url, headers={"User-Agent": "anygrad"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                while True:
                    block = response.read(chunk)
                    if not block:
                        break
                    h.update(block)
                    out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if h.hexdigest() != md5:
            raise ValueError(f"checksum mismatch: expected md5 {md5}, got {h.hexdigest()}")
        os.replace(tmp, dest)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (same format and API as :class:`MNIST`; files in
    ``<root>/FashionMNIST/raw/``).

    Examples
    --------
    >>> from anygrad.data.datasets import FashionMNIST
    >>> FashionMNIST.classes[:2]
    ['T-shirt/top', 'Trouser']
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "f4a8712d7a061bf5bd6d2ca38dc4d50a"),
        ("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", "9018921c3c673c538a1fc5bad174d6f9"),
        ("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", "8181f5470baa50b63fa0f6fddb340f0a"),
        ("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", "15d484375f8d13e6eb1aabb0c3f46965"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


@functools.lru_cache(maxsize=1)
def _embedded_arrays() -> dict[str, np.ndarray]:
    blob = resources.files("anygrad.data.datasets").joinpath("_data", "mnist_subset.npz").read_bytes()
    with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for a in arrays.values():
        a.flags.writeable = False  # shared by every EmbeddedMNIST instance
    return arrays


def load_embedded_mnist(train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The MNIST images and labels shipped inside anygrad, as NumPy arrays.

    Parameters
    ----------
    train : bool, default True
        The balanced training subset (the first 1,000 images of each digit in the official
        training file, in file order: 10,000 images), or the full official test set
        (10,000 images).

    Returns
    -------
    images : numpy.ndarray
        uint8, shape (10000, 28, 28), read-only.
    labels : numpy.ndarray
        int64, shape (10000,).

    Examples
    --------
    >>> from anygrad.data.datasets import load_embedded_mnist
    >>> x, y = load_embedded_mnist(train=False)
    >>> x.shape, x.dtype.name, y[:5].tolist()
    ((10000, 28, 28), 'uint8', [7, 2, 1, 0, 4])
    """
    arrays = _embedded_arrays()
    prefix = "train" if train else "test"
    return arrays[f"{prefix}_images"], arrays[f"{prefix}_labels"].astype(np.int64)


class EmbeddedMNIST(MNIST):
    """Real MNIST without files or network: the data shipped inside anygrad.

    The same interface as :class:`MNIST` (``data``, ``targets``, ``classes``, samples as
    ``(uint8 (28, 28) image, int label)``), but ``train=True`` gives a balanced 10,000-image
    subset of the official training set (the first 1,000 images of each digit, in file
    order) rather than all 60,000; ``train=False`` gives the complete official test set.
    MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, licensed CC BY-SA 3.0.

    Parameters
    ----------
    train : bool, default True
    transform, target_transform : callable, optional
        As :class:`MNIST`.

    Examples
    --------
    >>> from anygrad.data.datasets import EmbeddedMNIST
    >>> ds = EmbeddedMNIST(train=True)
    >>> len(ds), ds[0][0].shape, ds[0][1]
    (10000, (28, 28), 5)
    """

    def __init__(self, train: bool = True, transform: Callable | None = None,
                 target_transform: Callable | None = None) -> None:
        self.root = None  # type: ignore[assignment]
        self.train = bool(train)
        self.transform = transform
        self.target_transform = target_transform
        self.data, self.targets = load_embedded_mnist(train=self.train)

    def download(self) -> None:
        """Nothing to do: the data is inside the package."""

    def __repr__(self) -> str:
        split = "Train (balanced 10,000-image subset)" if self.train else "Test"
        return f"Dataset EmbeddedMNIST\n    Number of datapoints: {len(self)}\n    Split: {split}"


__all__ += ["IDXError"]
