"""Reading and writing IDX files, the format of MNIST and Fashion-MNIST.

An IDX file is: two zero bytes, a type code (``0x08`` uint8 ... ``0x0E`` float64), the number
of dimensions ``n``, ``n`` big-endian uint32 sizes, then the values, big-endian, row-major.
Files may be gzip-compressed. Every defect is reported as an :class:`IDXError` that names the
file and what was wrong, never as a silently short array.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import Union

import numpy as np

__all__ = ["IDXError", "read_idx", "parse_idx", "write_idx", "idx_bytes"]

PathLike = Union[str, "os.PathLike[str]"]

_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {np.dtype(v).newbyteorder("=") if v.itemsize > 1 else v: k for k, v in _TYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """An IDX file that is truncated, compressed wrongly or not an IDX file at all."""


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Decode the bytes of an (uncompressed or gzip) IDX file.

    Parameters
    ----------
    data : bytes
        The file's contents.
    name : str
        Used in error messages.

    Returns
    -------
    numpy.ndarray
        In native byte order, read-only.

    Raises
    ------
    IDXError
        For a wrong magic number, an unknown type code, a truncated or over-long file.

    Examples
    --------
    >>> import numpy as np
    >>> from anygrad.data.datasets._idx import idx_bytes, parse_idx
    >>> parse_idx(idx_bytes(np.arange(6, dtype=np.uint8).reshape(2, 3))).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise IDXError(f"{name}: corrupt or truncated gzip data ({exc})") from None
    if len(data) < 4:
        raise IDXError(f"{name}: file too short for an IDX header ({len(data)} bytes)")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _TYPES:
        raise IDXError(
            f"{name}: wrong magic number 0x{data[:4].hex()}; an IDX file starts with 0x0000 followed "
            f"by a type code in {{{', '.join(hex(c) for c in _TYPES)}}} and the number of dimensions"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXError(f"{name}: truncated header, expected {header} bytes for {ndim} dimensions, got {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = _TYPES[code]
    expected = header + math.prod(shape) * dtype.itemsize
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing bytes"
        raise IDXError(
            f"{name}: file {what}: shape {shape} of {dtype.name} needs {expected} bytes, got {len(data)}"
        )
    arr = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    if dtype.itemsize > 1:
        arr = arr.astype(dtype.newbyteorder("="))
    arr.flags.writeable = False
    return arr


def read_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) from ``path``.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    IDXError
        As :func:`parse_idx`.
    """
    return parse_idx(Path(path).read_bytes(), str(path))


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode an array as an uncompressed IDX file."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=") if array.dtype.itemsize > 1 else array.dtype
    code = _CODES.get(native)
    if code is None:
        raise TypeError(f"idx_bytes: expected dtype uint8, int8, int16, int32, float32 or float64, got {array.dtype}")
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=_TYPES[code]).tobytes()


def write_idx(path: PathLike, array: np.ndarray, *, compress: bool | None = None) -> None:
    """Write ``array`` as an IDX file; gzip-compressed if ``compress`` or the name ends in ``.gz``."""
    data = idx_bytes(array)
    if compress is None:
        compress = str(path).endswith(".gz")
    if compress:
        data = gzip.compress(data, mtime=0)
    Path(path).write_bytes(data)
