"""``save`` / ``load`` without pickle: a zip of raw ``.npy`` arrays plus JSON metadata.

A file is a ZIP archive (stored, not compressed) holding ``anygrad.json`` -- the nested
structure, with every tensor replaced by a reference to an entry ``tensors/<i>.npy`` and its
dtype name from anygrad's dtype table -- and one ``.npy`` per distinct tensor. Loading never
unpickles anything (``allow_pickle=False``), checks every name, dtype and shape against the
metadata, and builds the tensors on any backend and device. bfloat16, which NumPy lacks, is
stored as its raw 16-bit patterns (``uint16``). Writes to a path are atomic: a temporary
file in the same directory, fsync, then ``os.replace``.

A file is not trusted about its sizes: entries must be stored (a compressed entry could
inflate a small file to gigabytes), lie inside the archive and match the size their dtype
and shape give, so ``load`` never holds more than the file's own size in arrays.
"""

from __future__ import annotations

import collections
import json
import os
import secrets
import stat
import zipfile
from typing import Any, BinaryIO, Union

import numpy as np

from . import _backend, _dtype
from .tensor import Tensor, _make_tensor

__all__ = ["save", "load"]

FORMAT = "anygrad"
VERSION = 1
_META = "anygrad.json"
# Headers of .npy files are at most a few hundred bytes; anything larger than the data
# plus this slack is not an array we wrote.
_NPY_SLACK = 1 << 16

PathOrFile = Union[str, "os.PathLike[str]", BinaryIO]


# -- encoding ----------------------------------------------------------------------------
def _host(t: Tensor) -> np.ndarray:
    """The tensor's values as a contiguous host NumPy array (bfloat16 as uint16 bits)."""
    b = t._backend
    array = t._data
    if t.dtype is _dtype.bfloat16:
        if b.name == "torch":
            import torch

            return array.detach().cpu().view(torch.int16).numpy().view(np.uint16).copy()
        return np.ascontiguousarray(np.asarray(b.to_numpy(array)).view(np.uint16))
    return np.ascontiguousarray(b.to_numpy(array))


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[tuple[str, np.ndarray]] = []
        self._seen: dict[int, str] = {}
        self._keep: list[Any] = []  # keep ids unique while encoding

    def encode(self, obj: Any) -> Any:
        if obj is None:
            return {"t": "none"}
        if isinstance(obj, (bool, np.bool_)):
            return {"t": "bool", "v": bool(obj)}
        if isinstance(obj, (int, np.integer)):
            return {"t": "int", "v": str(int(obj))}
        if isinstance(obj, (float, np.floating)):
            return {"t": "float", "v": float(obj).hex()}
        if isinstance(obj, (complex, np.complexfloating)):
            return {"t": "complex", "re": obj.real.hex(), "im": obj.imag.hex()}
        if isinstance(obj, str):
            return {"t": "str", "v": obj}
        if isinstance(obj, Tensor):
            return self._tensor(obj)
        if isinstance(obj, _dtype.dtype):
            return {"t": "dtype", "v": obj.name}
        if isinstance(obj, np.ndarray):
            if obj.dtype.kind not in "biufc":
                raise TypeError(f"save: cannot save a NumPy array of dtype {obj.dtype}")
            return {"t": "ndarray", **self._array(np.ascontiguousarray(obj), obj.dtype.name)}
        if isinstance(obj, tuple):
            return {"t": "tuple", "items": [self.encode(v) for v in obj]}
        if isinstance(obj, list):
            return {"t": "list", "items": [self.encode(v) for v in obj]}
        if isinstance(obj, dict):
            kind = "odict" if isinstance(obj, collections.OrderedDict) else "dict"
            return {"t": kind, "items": [[self.encode(k), self.encode(v)] for k, v in obj.items()]}
        hint = ""
        if callable(getattr(obj, "state_dict", None)):
            # torch.save(model) pickles the whole object; anygrad never pickles, so code
            # written that way needs the state-dict idiom instead.
            hint = (f"; save its state instead: anygrad.save(obj.state_dict(), f), and restore "
                    f"with obj.load_state_dict(anygrad.load(f))")
        raise TypeError(
            f"save: cannot save an object of type {type(obj).__name__}; expected tensors, "
            f"numbers, strings, bools, None, dtypes and dicts/lists/tuples of them{hint}"
        )

    def _array(self, host: np.ndarray, dtype_name: str) -> dict[str, Any]:
        entry = f"tensors/{len(self.arrays)}.npy"
        self.arrays.append((entry, host))
        return {"entry": entry, "dtype": dtype_name, "shape": list(host.shape)}

    def _tensor(self, t: Tensor) -> dict[str, Any]:
        entry = self._seen.get(id(t))
        if entry is None:
            info = self._array(_host(t), t.dtype.name)
            entry = self._seen[id(t)] = info["entry"]
            self._keep.append(t)
        else:
            info = {"entry": entry, "dtype": t.dtype.name, "shape": list(t.shape)}
        return {"t": "tensor", **info, "requires_grad": bool(t.requires_grad)}


def _write_zip(fileobj: BinaryIO, meta: dict[str, Any], arrays: list[tuple[str, np.ndarray]]) -> None:
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(_META, json.dumps(meta, separators=(",", ":"), allow_nan=False))
        for entry, host in arrays:
            with zf.open(entry, "w", force_zip64=True) as out:
                np.lib.format.write_array(out, host, allow_pickle=False)


def save(obj: Any, f: PathOrFile) -> None:
    """Save tensors, numbers, strings and nested dicts/lists/tuples of them -- model and
    optimizer state dicts -- to a file, without pickle.

    Parameters
    ----------
    obj : object
        What to save.
    f : str, os.PathLike or binary file object
        Destination. A path is written atomically: the previous file survives an
        interrupted save.

    Raises
    ------
    TypeError
        If ``obj`` holds an object of another type.

    Examples
    --------
    >>> import io, anygrad
    >>> buf = io.BytesIO()
    >>> anygrad.save({"w": anygrad.tensor([1.0, 2.0]), "step": 3}, buf)
    >>> _ = buf.seek(0)
    >>> anygrad.load(buf)["step"]
    3
    """
    enc = _Encoder()
    root = enc.encode(obj)
    meta = {"format": FORMAT, "version": VERSION, "root": root}
    if not isinstance(f, (str, bytes, os.PathLike)):
        _write_zip(f, meta, enc.arrays)
        return
    user_path = os.fspath(f)
    if isinstance(user_path, bytes):
        user_path = os.fsdecode(user_path)
    # Through a symlink to its target (replacing the link by a file would cut it), and
    # keeping an existing file's permission bits (a fresh temp file has its own).
    path = os.path.realpath(user_path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _path_error(exc, user_path) from exc
    directory = os.path.dirname(path)
    _remove_stale_temps(directory, os.path.basename(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 less the umask, as open() would give a new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _path_error(exc, user_path) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            _write_zip(out, meta, enc.arrays)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise _path_error(exc, user_path) from exc
        raise
    try:  # make the rename itself durable (POSIX); not possible everywhere
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def _path_error(exc: OSError, user_path: str) -> OSError:
    """``exc`` again (same type, errno), naming the path the user gave, not a temp file."""
    try:
        return type(exc)(exc.errno, f"save: cannot write {user_path!r}: {exc.strerror or exc}", user_path)
    except Exception:  # an OSError subclass with another constructor
        return OSError(exc.errno, f"save: cannot write {user_path!r}: {exc.strerror or exc}", user_path)


def _remove_stale_temps(directory: str, base: str) -> None:
    """Delete temp files of earlier saves to ``base`` whose process is gone (killed in
    the middle of a save); those of a live process (a concurrent save) stay."""
    prefix = f".{base}."
    try:
        names = [n for n in os.listdir(directory) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for n in names:
        parts = n[len(prefix):-len(".tmp")].split(".")
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        pid = int(parts[0])
        if pid == os.getpid() or _alive(pid):
            continue  # a save in progress (this process's other thread, or another's)
        try:
            os.unlink(os.path.join(directory, n))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep its file
    return True


# -- decoding ----------------------------------------------------------------------------
class _Decoder:
    def __init__(self, zf: zipfile.ZipFile, name: str, backend: _backend.Backend, device: Any,
                 size: int) -> None:
        self.zf = zf
        self.name = name
        self.backend = backend
        self.device = device
        self.size = size
        self._tensors: dict[str, Tensor] = {}

    def fail(self, what: str) -> ValueError:
        return ValueError(f"load: {self.name} is not a valid anygrad file: {what}")

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > 200:
            raise self.fail("structure nested too deeply")
        if not isinstance(node, dict) or not isinstance(node.get("t"), str):
            raise self.fail(f"malformed node {str(node)[:80]!r}")
        kind = node["t"]
        try:
            if kind == "none":
                return None
            if kind == "bool":
                return _typed(node["v"], bool)
            if kind == "int":
                return int(_typed(node["v"], str))
            if kind == "float":
                return float.fromhex(_typed(node["v"], str))
            if kind == "complex":
                return complex(float.fromhex(_typed(node["re"], str)), float.fromhex(_typed(node["im"], str)))
            if kind == "str":
                return _typed(node["v"], str)
            if kind == "dtype":
                return self._dtype(node["v"])
            if kind in ("list", "tuple"):
                items = [self.decode(v, depth + 1) for v in _typed(node["items"], list)]
                return items if kind == "list" else tuple(items)
            if kind in ("dict", "odict"):
                out = {} if kind == "dict" else collections.OrderedDict()
                for pair in _typed(node["items"], list):
                    if not isinstance(pair, list) or len(pair) != 2:
                        raise self.fail("malformed dict item")
                    out[self.decode(pair[0], depth + 1)] = self.decode(pair[1], depth + 1)
                return out
            if kind == "ndarray":
                return self._read(node)[0]
            if kind == "tensor":
                return self._tensor(node)
        except (KeyError, _Malformed, ValueError) as exc:
            if isinstance(exc, ValueError) and str(exc).startswith("load:"):
                raise
            raise self.fail(f"malformed {kind!r} node ({exc})") from None
        raise self.fail(f"unknown node type {kind!r}")

    def _dtype(self, name: Any) -> _dtype.dtype:
        d = _dtype.ALL.get(name) if isinstance(name, str) else None
        if d is None:
            raise self.fail(f"unknown dtype {name!r}; expected one of {sorted(_dtype.ALL)}")
        return d

    def _read(self, node: dict[str, Any]) -> tuple[np.ndarray, _dtype.dtype]:
        d = self._dtype(node["dtype"])
        entry = _typed(node["entry"], str)
        shape = tuple(_typed(node["shape"], list))
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
            raise self.fail(f"bad shape {list(shape)!r} for {entry!r}")
        expected = np.dtype(np.uint16) if d is _dtype.bfloat16 else np.dtype(d.name)
        try:
            info = self.zf.getinfo(entry)
        except KeyError:
            raise self.fail(f"missing entry {entry!r}") from None
        _check_entry(info, self.size, self.fail)
        nbytes = expected.itemsize
        for n in shape:
            nbytes *= n
        # Stored entries hold their bytes in the file: a shape claiming more than the file
        # holds is a lie, refused before any allocation.
        if nbytes > info.file_size or info.file_size > nbytes + _NPY_SLACK:
            raise self.fail(
                f"entry {entry!r} has {info.file_size} bytes, but {d.name}{list(shape)} needs "
                f"{nbytes} bytes of data (plus a header)"
            )
        try:
            with self.zf.open(info) as fp:
                host = np.lib.format.read_array(fp, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise self.fail(f"cannot read {entry!r} ({exc})") from None
        if host.dtype != expected or tuple(host.shape) != shape:
            raise self.fail(
                f"entry {entry!r} holds {host.dtype}{list(host.shape)}, the metadata says "
                f"{d.name}{list(shape)}"
            )
        if not host.flags.writeable or not host.flags.c_contiguous:
            host = np.array(host, order="C")
        return host, d

    def _tensor(self, node: dict[str, Any]) -> Tensor:
        entry = node["entry"]
        cached = self._tensors.get(entry) if isinstance(entry, str) else None
        if cached is not None:
            # A second reference must describe the same tensor: a file that names one entry
            # with two dtypes or shapes is refused, not read both ways.
            d = self._dtype(node["dtype"])
            shape = tuple(_typed(node["shape"], list))
            if d is not cached.dtype or shape != tuple(cached.shape):
                raise self.fail(
                    f"entry {entry!r} is referenced as {d.name}{list(shape)} and as "
                    f"{cached.dtype.name}{list(cached.shape)}"
                )
            return cached
        host, d = self._read(node)
        b = self.backend
        if d is _dtype.bfloat16:
            array = _bfloat16_array(host, b, self.device)
        else:
            native = b.native_dtype.get(d) or b.to_native(d)  # to_native: JAX x64 error
            if native is None:
                raise TypeError(f"load: backend {b.name!r} has no dtype {d.name}")
            array = b.xp.asarray(host, dtype=native, device=self.device) if b.name != "numpy" else host
        t = _make_tensor(array, b)
        if _typed(node.get("requires_grad", False), bool):
            t.requires_grad_(True)
        self._tensors[entry] = t
        return t


def _check_entry(info: zipfile.ZipInfo, size: int, fail: Any) -> None:
    """An entry must be stored (uncompressed) and lie within the archive's ``size`` bytes:
    then reading it costs at most the file's own size, whatever its headers claim."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise fail(f"entry {info.filename!r} is compressed (method {info.compress_type}); "
                   "anygrad files store their entries uncompressed")
    if info.compress_size != info.file_size or info.header_offset + info.compress_size > size:
        raise fail(f"entry {info.filename!r} claims {info.file_size} bytes, more than the "
                   f"file of {size} bytes holds")


class _Malformed(TypeError):
    """A metadata value of the wrong JSON type (reported as a malformed file)."""


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise _Malformed(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _bfloat16_array(bits: np.ndarray, b: _backend.Backend, device: Any) -> Any:
    if b.name == "torch":
        import torch

        out = torch.from_numpy(bits.view(np.int16)).view(torch.bfloat16)
        return out if device is None else out.to(device)
    if b.name == "jax":
        import jax
        import jax.numpy as jnp

        out = jnp.asarray(bits).view(jnp.bfloat16)
        return out if device is None else jax.device_put(out, device)
    raise TypeError(f"load: backend {b.name!r} has no dtype bfloat16")


def load(f: PathOrFile, *, backend: Any = None, device: Any = None) -> Any:
    """Load what :func:`save` wrote, onto ``backend`` (default: the default backend) and
    ``device``. Never runs code from the file.

    Parameters
    ----------
    f : str, os.PathLike or binary file object
        The file.
    backend : str, optional
        Backend for the tensors (``"numpy"``, ``"torch"``...).
    device : optional
        Device for the tensors (a backend device object or its usual string).

    Raises
    ------
    ValueError
        If the file is truncated, malformed, not an anygrad file, or names an unknown dtype.
    TypeError
        If the backend lacks a dtype the file holds (bfloat16 on NumPy).
    """
    b = _backend.resolve(backend)
    dev = b.parse_device(device)
    name = repr(os.fspath(f)) if isinstance(f, (str, os.PathLike)) else "the file"
    size = _file_size(f)
    try:
        zf = zipfile.ZipFile(f, "r")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise ValueError(
            f"load: {name} is not a valid anygrad file (truncated, corrupt or not an anygrad "
            f"save: {exc})"
        ) from None
    with zf:
        try:
            _check_entry(zf.getinfo(_META), size, lambda what: ValueError(
                f"load: {name} is not a valid anygrad file: {what}"))
            raw = zf.read(_META)
        except KeyError:
            raise ValueError(f"load: {name} is not a valid anygrad file: no {_META} entry") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise ValueError(f"load: {name} is not a valid anygrad file: {exc}") from None
        try:
            meta = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ValueError(f"load: {name} is not a valid anygrad file: bad metadata ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or "root" not in meta:
            raise ValueError(f"load: {name} is not a valid anygrad file: unexpected metadata")
        if meta.get("version") != VERSION:
            raise ValueError(
                f"load: {name} has format version {meta.get('version')!r}; this anygrad reads {VERSION}"
            )
        return _Decoder(zf, name, b, dev, size).decode(meta["root"])


def _file_size(f: PathOrFile) -> int:
    """Bytes in the file (a path or a seekable file object, whose position is kept)."""
    if isinstance(f, (str, bytes, os.PathLike)):
        try:
            return os.path.getsize(f)
        except OSError:
            return 0  # zipfile reports the missing or unreadable file itself
    try:
        pos = f.tell()
        end = f.seek(0, os.SEEK_END)
        f.seek(pos)
        return int(end)
    except (AttributeError, OSError, ValueError):
        raise ValueError("load: expected a path or a seekable binary file object") from None
