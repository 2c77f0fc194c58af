"""Files that lie are refused; saving behaves like writing the file in place (issue 17).

A small checkpoint whose compressed entry inflates to gigabytes was read into memory; an
entry referenced twice with different dtypes was not re-checked; ``save`` reset an existing
file's permissions to 0600, replaced a symlink by a file and left its temporary file behind
when killed. Loads run onto every backend; PyTorch's ``torch.save`` (which writes the file
in place) is the reference for modes and symlinks.
"""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import anygrad
import anygrad.serialization as ser
from _helpers import T, assert_names, torch


def _npy(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _zip(path, root, entries, *, compress=(), meta_compressed=False):
    """An archive with ``anygrad.json`` (``root``) and ``entries`` (name -> bytes)."""
    meta = json.dumps({"format": "anygrad", "version": 1, "root": root}).encode()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("anygrad.json"), meta,
                    compress_type=zipfile.ZIP_DEFLATED if meta_compressed else zipfile.ZIP_STORED)
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data,
                        compress_type=zipfile.ZIP_DEFLATED if name in compress else zipfile.ZIP_STORED)


def _tensor_node(entry, dtype, shape):
    return {"t": "tensor", "entry": entry, "dtype": dtype, "shape": list(shape), "requires_grad": False}


def _load(path, backend):
    return anygrad.load(path, backend=backend.name, device=backend.device_obj())


def test_compressed_entry_is_refused(backend, tmp_path):
    # 8 MB of zeros deflate to about 8 kB: refused before anything is inflated.
    p = tmp_path / "bomb.ag"
    big = np.zeros(1 << 20, dtype=np.float64)
    _zip(p, _tensor_node("tensors/0.npy", "float64", big.shape), {"tensors/0.npy": _npy(big)},
         compress={"tensors/0.npy"})
    assert os.path.getsize(p) < 100_000
    with pytest.raises(ValueError) as info:
        _load(p, backend)
    assert_names(info.value, "load", str(p), "compressed", "tensors/0.npy")


def test_compressed_metadata_is_refused(backend, tmp_path):
    p = tmp_path / "meta.ag"
    _zip(p, {"t": "str", "v": "x" * 100_000}, {}, meta_compressed=True)
    with pytest.raises(ValueError) as info:
        _load(p, backend)
    assert_names(info.value, "load", "compressed", "anygrad.json")


@pytest.mark.parametrize("shape", [(10**12,), (1 << 20, 1 << 20), (3,)])
def test_shape_larger_than_the_file_holds_is_refused(backend, tmp_path, shape):
    p = tmp_path / "liar.ag"
    _zip(p, _tensor_node("tensors/0.npy", "float64", shape),
         {"tensors/0.npy": _npy(np.zeros(2, dtype=np.float64))})
    with pytest.raises(ValueError) as info:
        _load(p, backend)
    # Huge shapes are refused by size before reading; a small lie by the array's header.
    assert_names(info.value, "load", "tensors/0.npy", "bytes" if shape != (3,) else "float64[3]")


def test_declared_entry_size_beyond_the_file_is_refused(backend, tmp_path):
    p = tmp_path / "truncated.ag"
    anygrad.save({"w": T(np.arange(1000.0), backend, "float64")}, p)
    data = p.read_bytes()
    # Cut the archive inside the array's data, then re-append the central directory: the
    # entry's declared size now runs past the file.
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("tensors/0.npy")
        cut = info.header_offset + 200
    central = data.index(b"PK\x01\x02")
    p.write_bytes(data[:cut] + data[central:])
    with pytest.raises(ValueError) as info:
        _load(p, backend)
    assert "load" in str(info.value) and str(p) in str(info.value)


@pytest.mark.parametrize("second", [("int64", [4]), ("float64", [2, 2]), ("float32", [4])])
def test_entry_referenced_twice_is_checked_at_every_reference(backend, tmp_path, second):
    p = tmp_path / "twice.ag"
    arr = np.arange(4.0)
    root = {"t": "list", "items": [_tensor_node("tensors/0.npy", "float64", [4]),
                                   _tensor_node("tensors/0.npy", second[0], second[1])]}
    _zip(p, root, {"tensors/0.npy": _npy(arr)})
    with pytest.raises(ValueError) as info:
        _load(p, backend)
    assert_names(info.value, "load", "tensors/0.npy", "float64[4]", f"{second[0]}{second[1]}")


def test_shared_tensor_still_loads_as_one_tensor(backend, tmp_path):
    p = tmp_path / "shared.ag"
    w = T(np.arange(4.0), backend, "float64")
    anygrad.save({"a": w, "b": w}, p)
    got = _load(p, backend)
    assert got["a"] is got["b"]
    np.testing.assert_array_equal(got["a"].numpy(), np.arange(4.0))
    t = torch()
    tw = t.arange(4.0)
    t.save({"a": tw, "b": tw}, tmp_path / "shared.pt")
    tg = t.load(tmp_path / "shared.pt")
    assert tg["a"].data_ptr() == tg["b"].data_ptr()  # PyTorch shares storage too


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_save_keeps_an_existing_files_mode(backend, tmp_path, mode):
    p = tmp_path / "m.ag"
    p.write_bytes(b"old")
    os.chmod(p, mode)
    anygrad.save({"w": T([1.0], backend)}, p)
    assert stat.S_IMODE(os.stat(p).st_mode) == mode
    np.testing.assert_array_equal(_load(p, backend)["w"].numpy(), [1.0])
    t = torch()
    q = tmp_path / "m.pt"
    q.write_bytes(b"old")
    os.chmod(q, mode)
    t.save({"w": t.ones(1)}, q)
    assert stat.S_IMODE(os.stat(q).st_mode) == mode


def test_new_file_gets_the_umask_mode(backend, tmp_path):
    old = os.umask(0o022)
    try:
        anygrad.save({"w": T([1.0], backend)}, tmp_path / "new.ag")
        (tmp_path / "plain").write_bytes(b"")  # what open() gives a new file
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.ag").st_mode) == \
        stat.S_IMODE(os.stat(tmp_path / "plain").st_mode) == 0o644


def test_save_writes_through_a_symlink(backend, tmp_path):
    target = tmp_path / "real" / "model.ag"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "model.ag"
    link.symlink_to(target)
    anygrad.save({"w": T([2.0], backend)}, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    np.testing.assert_array_equal(_load(target, backend)["w"].numpy(), [2.0])
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []
    assert [n for n in os.listdir(target.parent) if n.endswith(".tmp")] == []
    t = torch()
    tl = tmp_path / "t.pt"
    tt = target.parent / "t.pt"
    tt.write_bytes(b"")
    tl.symlink_to(tt)
    t.save(t.ones(1), tl)
    assert tl.is_symlink() and tt.stat().st_size > 0


def test_save_through_a_dangling_symlink_creates_its_target(backend, tmp_path):
    target = tmp_path / "created.ag"
    link = tmp_path / "link.ag"
    link.symlink_to(target)
    anygrad.save({"w": T([3.0], backend)}, link)
    assert link.is_symlink() and target.exists()


@pytest.mark.parametrize("where", ["missing-dir", "is-a-dir"])
def test_save_errors_name_the_users_path(backend, tmp_path, where):
    p = tmp_path / "no" / "such" / "x.ag" if where == "missing-dir" else tmp_path
    with pytest.raises(OSError) as info:
        anygrad.save({"w": T([1.0], backend)}, p)
    assert str(p) in str(info.value)
    assert ".tmp" not in str(info.value)
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []


@pytest.mark.parametrize("exc", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_no_temp_file_after_an_exception(backend, tmp_path, monkeypatch, exc):
    p = tmp_path / "x.ag"
    anygrad.save({"w": T([1.0], backend)}, p)

    def failing(out, meta, arrays):
        out.write(b"partial")
        raise exc

    monkeypatch.setattr(ser, "_write_zip", failing)
    with pytest.raises(type(exc)):
        anygrad.save({"w": T([5.0], backend)}, p)
    assert sorted(os.listdir(tmp_path)) == ["x.ag"]
    monkeypatch.undo()
    np.testing.assert_array_equal(_load(p, backend)["w"].numpy(), [1.0])  # old file intact


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_next_save_cleans_a_stale_temp_file(backend, tmp_path):
    p = tmp_path / "x.ag"
    stale = tmp_path / f".x.ag.{_dead_pid()}.deadbeef.tmp"
    stale.write_bytes(b"half a save")
    live = tmp_path / f".x.ag.{os.getppid()}.cafecafe.tmp"  # a live process: maybe saving now
    live.write_bytes(b"in progress")
    other = tmp_path / f".y.ag.{_dead_pid()}.deadbeef.tmp"  # another file's: not ours to touch
    other.write_bytes(b"")
    anygrad.save({"w": T([1.0], backend)}, p)
    assert not stale.exists() and live.exists() and other.exists()


def test_kill_during_save_then_next_save_cleans(backend, tmp_path):
    p = tmp_path / "k.ag"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path[:0] = {sys.path!r}
        import anygrad, anygrad.serialization as ser
        real = ser._write_zip
        def slow(out, meta, arrays):
            out.write(b"partial"); out.flush()
            print("writing", flush=True)
            time.sleep(60)
        ser._write_zip = slow
        anygrad.save({{"w": anygrad.ones(3)}}, {str(p)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    left = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(left) == 1  # a kill may leave it...
    anygrad.save({"w": T([1.0], backend)}, p)
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []  # ...the next save cleans
    np.testing.assert_array_equal(_load(p, backend)["w"].numpy(), [1.0])
