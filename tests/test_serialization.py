"""anygrad.save / anygrad.load: bit-exact round trips on every backend, no pickle, clear
errors for bad files, atomic writes."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import anygrad
from anygrad import serialization

DTYPES = ["float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "bool",
          "complex64", "complex128"]


def _host_values(name: str) -> np.ndarray:
    rng = np.random.default_rng(1)
    if name == "bool":
        return rng.random((3, 4)) > 0.5
    if name.startswith("complex"):
        return (rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))).astype(name)
    if name.startswith(("int", "uint")):
        info = np.iinfo(name)
        return rng.integers(max(info.min, -1000), min(info.max, 1000), (3, 4)).astype(name)
    values = rng.standard_normal((3, 4)).astype(name)
    values.flat[0] = np.inf
    values.flat[1] = -0.0
    return values


def _supported(backend, name: str) -> bool:
    native = backend.backend.native_dtype.get(anygrad._dtype.ALL[name])
    return native is not None


def test_round_trip_every_dtype(backend, tmp_path):
    dev = backend.device_obj()
    tensors = {}
    for name in DTYPES:
        if not _supported(backend, name):
            continue
        tensors[name] = anygrad.asarray(_host_values(name), device=dev)
    path = tmp_path / "t.ag"
    anygrad.save(tensors, path)
    for target in ("numpy", backend.name):
        out = anygrad.load(path, backend=target, device=dev if target == backend.name else None)
        assert list(out) == list(tensors)
        for name, t in tensors.items():
            got = out[name]
            assert got.backend == target
            assert got.dtype == t.dtype
            assert got.shape == t.shape
            a, b = np.asarray(got), np.asarray(t)
            # Bit for bit, -0.0 and inf included.
            assert a.tobytes() == b.tobytes()
        if target == backend.name and backend.device is not None:
            assert str(out["float32"].device) == str(dev)


def test_nested_structure_and_scalars(backend):
    t = anygrad.tensor([1.0, 2.0], dtype=anygrad.float64, requires_grad=True)
    obj = {
        "state": {0: {"step": 3, "exp_avg": t}, 1: {}},
        "groups": [{"lr": 0.1, "betas": (0.9, 0.999), "amsgrad": False, "name": "x", "none": None,
                    "tiny": 5e-324, "nan": float("nan"), "inf": -float("inf"), "big": 2**80,
                    "c": 1 + 2j, "dtype": anygrad.float16}],
        "again": t,
    }
    buf = io.BytesIO()
    anygrad.save(obj, buf)
    buf.seek(0)
    out = anygrad.load(buf, backend=backend.name, device=backend.device_obj())
    assert set(out["state"]) == {0, 1}
    assert out["state"][0]["step"] == 3 and out["state"][1] == {}
    g = out["groups"][0]
    assert g["betas"] == (0.9, 0.999) and isinstance(g["betas"], tuple)
    assert g["amsgrad"] is False and g["none"] is None and g["name"] == "x"
    assert g["tiny"] == 5e-324 and np.isnan(g["nan"]) and g["inf"] == -np.inf
    assert g["big"] == 2**80 and g["c"] == 1 + 2j and g["dtype"] is anygrad.float16
    loaded = out["state"][0]["exp_avg"]
    assert loaded.requires_grad and loaded.backend == backend.name
    assert out["again"] is loaded  # one tensor saved twice stays one tensor
    np.testing.assert_array_equal(np.asarray(loaded.detach()), [1.0, 2.0])


def test_bfloat16_round_trip():
    torch = pytest.importorskip("torch")
    values = torch.tensor([1.5, -2.25, 3e38, 1e-40], dtype=torch.bfloat16)
    buf = io.BytesIO()
    anygrad.save(anygrad.asarray(values), buf)
    buf.seek(0)
    out = anygrad.load(buf, backend="torch")
    assert out.dtype == anygrad.bfloat16 and torch.equal(out.array.view(torch.int16), values.view(torch.int16))
    buf.seek(0)
    with pytest.raises(TypeError, match="bfloat16"):
        anygrad.load(buf, backend="numpy")


def test_unsupported_object_raises():
    with pytest.raises(TypeError, match="save: cannot save an object of type object"):
        anygrad.save({"x": object()}, io.BytesIO())


def test_saving_a_module_points_to_its_state_dict():
    # torch.save(model, f) pickles the model; anygrad never pickles (nothing is written).
    buf = io.BytesIO()
    with pytest.raises(TypeError, match=r"Linear.*anygrad.save\(obj.state_dict\(\), f\)"):
        anygrad.save(anygrad.nn.Linear(2, 2), buf)
    assert buf.getvalue() == b""


def _valid_bytes() -> bytes:
    buf = io.BytesIO()
    anygrad.save({"w": anygrad.arange(10, dtype=anygrad.float32), "n": 1}, buf)
    return buf.getvalue()


@pytest.mark.parametrize("cut", [0, 10, 100, -30, -1])
def test_truncated_file(tmp_path, cut):
    data = _valid_bytes()
    path = tmp_path / "cut.ag"
    path.write_bytes(data[:cut] if cut >= 0 else data[:len(data) + cut])
    with pytest.raises(ValueError, match="not a valid anygrad file"):
        anygrad.load(path)


def test_garbage_file(tmp_path):
    path = tmp_path / "garbage.ag"
    path.write_bytes(os.urandom(1000))
    with pytest.raises(ValueError, match="not a valid anygrad file"):
        anygrad.load(path)


def _zip_with(meta: object, entries: dict[str, bytes] | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("anygrad.json", meta if isinstance(meta, (str, bytes)) else json.dumps(meta))
        for name, data in (entries or {}).items():
            zf.writestr(name, data)
    buf.seek(0)
    return buf


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=allow_pickle)
    return out.getvalue()


def test_unknown_dtype():
    meta = {"format": "anygrad", "version": 1,
            "root": {"t": "tensor", "entry": "tensors/0.npy", "dtype": "float128", "shape": [2],
                     "requires_grad": False}}
    buf = _zip_with(meta, {"tensors/0.npy": _npy(np.zeros(2))})
    with pytest.raises(ValueError, match="unknown dtype 'float128'"):
        anygrad.load(buf)


@pytest.mark.parametrize("meta", [
    "{not json",
    {"format": "other", "version": 1, "root": {"t": "none"}},
    {"format": "anygrad", "version": 99, "root": {"t": "none"}},
    {"format": "anygrad", "version": 1, "root": {"t": "eval", "v": "__import__('os')"}},
    {"format": "anygrad", "version": 1, "root": {"t": "int", "v": 3}},
    {"format": "anygrad", "version": 1, "root": {"t": "dict", "items": [[{"t": "str"}]]}},
    {"format": "anygrad", "version": 1,
     "root": {"t": "tensor", "entry": "tensors/9.npy", "dtype": "float64", "shape": [2]}},
    {"format": "anygrad", "version": 1,
     "root": {"t": "tensor", "entry": "tensors/0.npy", "dtype": "float32", "shape": [2]}},
    {"format": "anygrad", "version": 1,
     "root": {"t": "tensor", "entry": "tensors/0.npy", "dtype": "float64", "shape": [3]}},
])
def test_malformed_metadata(meta):
    buf = _zip_with(meta, {"tensors/0.npy": _npy(np.zeros(2))})
    with pytest.raises(ValueError, match="load: .*(not a valid anygrad file|format version)"):
        anygrad.load(buf)


class _Bomb:
    """Unpickling this calls _explode: the test fails if that ever happens."""

    def __reduce__(self):
        return (_explode, ())


_exploded: list[bool] = []


def _explode():
    _exploded.append(True)
    return "boom"


def test_pickle_bomb_object_array_rejected():
    bomb = np.empty(1, dtype=object)
    bomb[0] = _Bomb()
    meta = {"format": "anygrad", "version": 1,
            "root": {"t": "tensor", "entry": "tensors/0.npy", "dtype": "float64", "shape": [1]}}
    buf = _zip_with(meta, {"tensors/0.npy": _npy(bomb, allow_pickle=True)})
    with pytest.raises(ValueError, match="not a valid anygrad file"):
        anygrad.load(buf)
    assert not _exploded


def test_real_pickle_rejected(tmp_path):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"x": _Bomb()}))
    with pytest.raises(ValueError, match="not a valid anygrad file"):
        anygrad.load(path)
    # A pickle inside a real .npz (np.savez of an object array) is refused too.
    npz = tmp_path / "evil.npz"
    bomb = np.empty(1, dtype=object)
    bomb[0] = _Bomb()
    np.savez(npz, bomb=bomb)
    with pytest.raises(ValueError, match="not a valid anygrad file"):
        anygrad.load(npz)
    assert not _exploded


def test_atomic_save_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.ag"
    anygrad.save({"v": 1}, path)
    before = path.read_bytes()
    real = np.lib.format.write_array
    calls = []

    def failing(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the first array is half in the file when the failure comes
            raise OSError("disk full (simulated)")
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(serialization.np.lib.format, "write_array", failing)
    with pytest.raises(OSError, match="simulated"):
        anygrad.save({"a": anygrad.ones(3), "b": anygrad.ones(4)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert anygrad.load(path) == {"v": 1}
    assert sorted(os.listdir(tmp_path)) == ["ckpt.ag"]  # no temporary file left behind


def test_save_replaces_and_path_types(tmp_path):
    path = tmp_path / "x.ag"
    anygrad.save([1], str(path))
    anygrad.save([2], path)
    assert anygrad.load(str(path)) == [2]
    with pytest.raises(FileNotFoundError):
        anygrad.load(tmp_path / "missing.ag")


def test_onnx_export_raises_naming_the_alternative():
    # `import torch.onnx` must work (programs import it at the top); exporting cannot.
    import anygrad.onnx

    with pytest.raises(NotImplementedError, match=r"onnx.export: .*state_dict"):
        anygrad.onnx.export(anygrad.nn.Linear(2, 2), (anygrad.zeros(1, 2),), io.BytesIO())
