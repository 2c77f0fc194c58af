"""default_collate / default_convert: structure, dtypes, backends, errors."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import anygrad
from anygrad.data import default_collate, default_convert
from anygrad.data._collate import collate_to_host, convert_to_tensors

Point = collections.namedtuple("Point", ["x", "y"])


def test_numpy_arrays_stack_and_keep_dtype(data_backend):
    batch = [np.full((2, 3), i, dtype=np.uint8) for i in range(4)]
    out = default_collate(batch, backend=data_backend)
    assert out.backend == data_backend
    assert out.dtype == anygrad.uint8
    assert tuple(out.shape) == (4, 2, 3)
    np.testing.assert_array_equal(out.numpy(), np.stack(batch))


def test_python_numbers_dtypes(data_backend):
    ints = default_collate([1, 2, 3], backend=data_backend)
    floats = default_collate([0.5, 1.5], backend=data_backend)
    bools = default_collate([True, False], backend=data_backend)
    assert ints.dtype == anygrad.int64 and ints.numpy().tolist() == [1, 2, 3]
    assert floats.dtype == anygrad.float32 and floats.numpy().tolist() == [0.5, 1.5]
    assert bools.dtype == anygrad.bool and bools.numpy().tolist() == [True, False]


def test_numpy_scalars_keep_dtype():
    out = default_collate([np.float64(1.0), np.float64(2.0)])
    assert out.dtype == anygrad.float64


def test_tuples_become_lists_dicts_and_namedtuples(data_backend):
    batch = [
        {"img": np.zeros(2, np.float32), "label": 1, "name": "a", "pair": (1, 2.0)},
        {"img": np.ones(2, np.float32), "label": 0, "name": "b", "pair": (3, 4.0)},
    ]
    out = default_collate(batch, backend=data_backend)
    assert set(out) == {"img", "label", "name", "pair"}
    assert out["name"] == ["a", "b"]
    assert out["img"].backend == data_backend
    np.testing.assert_array_equal(out["img"].numpy(), [[0, 0], [1, 1]])
    assert out["label"].numpy().tolist() == [1, 0]
    assert isinstance(out["pair"], list)
    assert out["pair"][0].numpy().tolist() == [1, 3]
    assert out["pair"][1].dtype == anygrad.float32

    pts = default_collate([Point(1, 2.0), Point(3, 4.0)], backend=data_backend)
    assert isinstance(pts, Point)
    assert pts.x.numpy().tolist() == [1, 3]


def test_tensor_samples_stay_on_their_backend(data_backend):
    samples = [anygrad.asarray(np.arange(3, dtype=np.float32) + i, backend=data_backend) for i in range(2)]
    out = default_collate(samples)
    assert out.backend == data_backend
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 2], [1, 2, 3]])
    moved = default_collate(samples, backend="numpy")
    assert moved.backend == "numpy"


def test_errors_name_what_was_wrong():
    with pytest.raises(ValueError, match=r"default_collate: cannot stack.*\(2,\) and \(3,\)"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(ValueError, match="same length"):
        default_collate([(1, 2), (1,)])
    with pytest.raises(TypeError, match="default_collate: expected samples.*got object"):
        default_collate([object(), object()])
    with pytest.raises(ValueError, match="non-empty"):
        default_collate([])
    with pytest.raises(TypeError, match="dtype <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])


def test_host_collate_then_convert_equals_direct(data_backend):
    batch = [(np.arange(4, dtype=np.float32) * i, i, {"w": float(i)}) for i in range(3)]
    host = collate_to_host(batch)
    assert isinstance(host[0], np.ndarray) and host[1].dtype == np.int64
    via_host = convert_to_tensors(host, backend=data_backend)
    direct = default_collate(batch, backend=data_backend)
    for a, b in [(via_host[0], direct[0]), (via_host[1], direct[1]), (via_host[2]["w"], direct[2]["w"])]:
        assert a.backend == b.backend == data_backend
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_default_convert_does_not_stack():
    out = default_convert((np.arange(3), "s", 5))
    assert isinstance(out, tuple)
    assert out[0].numpy().tolist() == [0, 1, 2]
    assert out[1] == "s" and out[2] == 5
