"""``anygrad.func``: PyTorch's ``torch.func`` transforms; today :func:`vmap`.

``vmap`` runs the function once per element of the mapped dimension, on slices of the
inputs (views, so gradients flow back to the batched inputs), and stacks the results. That
is slower than PyTorch's batching rules for large batches, and exactly as correct as the
function itself: every operation, its gradient at every order, and nested ``vmap`` work
without a rule of their own.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from . import ops
from .random import VmapRandomness, _vmap_randomness
from .tensor import Tensor

__all__ = ["vmap"]

_RANDOMNESS = ("error", "different", "same")


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``func`` mapped over a dimension of its inputs (PyTorch's ``torch.vmap``).

    Parameters
    ----------
    func : callable
        Takes tensors (possibly inside tuples, lists and dicts) and returns a tensor or a
        tuple, list or dict of tensors.
    in_dims : int, None or a structure of them
        The mapped dimension of each positional input: one int for all, or a tuple with an
        entry per positional argument, each an int, None (not mapped) or a structure
        matching that argument. Keyword arguments are never mapped.
    out_dims : int, None or a tuple of them
        Where the mapped dimension goes in each output (None: the output is not mapped,
        every element must give the same one).
    randomness : {"error", "different", "same"}
        What a random operation inside ``func`` does: raise (the default), draw
        independently for each element, or give every element the same draw.
    chunk_size : int, optional
        Accepted for PyTorch's signature (a memory limit there); elements are computed one
        at a time here.

    Examples
    --------
    >>> import anygrad
    >>> x, y = anygrad.ones(3, 2), anygrad.arange(2.0)
    >>> anygrad.vmap(lambda a, b: (a * b).sum(), in_dims=(0, None))(x, y)
    tensor([1., 1., 1.])
    """
    if not callable(func):
        raise TypeError(f"vmap: expected a callable func, got {type(func).__name__}")
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"vmap: expected randomness to be one of {_RANDOMNESS}, got "
                           f"{randomness!r}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"vmap: expected chunk_size to be None or a positive int, got "
                         f"{chunk_size!r}")
    _check_dims_spec(in_dims, "in_dims")
    _check_dims_spec(out_dims, "out_dims")

    @functools.wraps(func)
    def mapped(*args: Any, **kwargs: Any) -> Any:
        name = getattr(func, "__name__", repr(func))
        if isinstance(in_dims, (tuple, list)):
            if len(in_dims) != len(args):
                raise ValueError(f"vmap({name}, in_dims={in_dims!r}): expected one in_dim per "
                                 f"positional argument ({len(args)}), got {len(in_dims)}")
            dims = tuple(in_dims)
        else:
            dims = (in_dims,) * len(args)
        mapped_leaves: list = []
        for a, d in zip(args, dims):
            _collect(a, d, mapped_leaves, name)
        if not mapped_leaves:
            raise ValueError(f"vmap({name}, in_dims={in_dims!r}): expected at least one tensor "
                             "input with a mapped dimension (in_dims not all None)")
        sizes = {t.shape[d] for t, d in mapped_leaves}
        if len(sizes) != 1:
            raise ValueError(f"vmap({name}): expected every mapped dimension to have the same "
                             f"size, got sizes {[t.shape[d] for t, d in mapped_leaves]}")
        n = sizes.pop()
        if n == 0:
            raise ValueError(f"vmap({name}): the mapped dimension has size 0")
        outer = _vmap_randomness.get()
        mode = "error" if outer is not None and outer.mode == "error" else randomness
        results = []
        with VmapRandomness(mode) as rng:
            for i in range(n):
                if i:
                    rng.next_element()
                sliced = [_slice(a, d, i) for a, d in zip(args, dims)]
                results.append(func(*sliced, **kwargs))
        return _stack_outputs(results, out_dims, name)

    return mapped


def _check_dims_spec(spec: Any, what: str) -> None:
    if spec is None or (isinstance(spec, int) and not isinstance(spec, bool)):
        return
    if isinstance(spec, (tuple, list)):
        for s in spec:
            _check_dims_spec(s, what)
        return
    if isinstance(spec, dict):
        for s in spec.values():
            _check_dims_spec(s, what)
        return
    raise ValueError(f"vmap: expected {what} to be an int, None, or a tuple, list or dict of "
                     f"them, got {spec!r}")


def _collect(arg: Any, dim: Any, out: list, name: str) -> None:
    """The (tensor, normalised dim) leaves of ``arg`` that ``dim`` maps."""
    if dim is None:
        return
    if isinstance(dim, int):
        if isinstance(arg, Tensor):
            if not -arg.ndim <= dim < arg.ndim:
                raise ValueError(f"vmap({name}): in_dim={dim} for a tensor of {arg.ndim} "
                                 f"dimensions; expected {-arg.ndim} <= in_dim < {arg.ndim}")
            out.append((arg, dim % arg.ndim))
        elif isinstance(arg, (tuple, list)):
            for a in arg:
                _collect(a, dim, out, name)
        elif isinstance(arg, dict):
            for a in arg.values():
                _collect(a, dim, out, name)
        else:
            raise ValueError(f"vmap({name}): in_dim={dim} for an input of type "
                             f"{type(arg).__name__}; only tensors can be mapped (use None for "
                             "this input)")
        return
    if isinstance(dim, (tuple, list)):
        if not isinstance(arg, (tuple, list)) or len(arg) != len(dim):
            raise ValueError(f"vmap({name}): in_dims entry {dim!r} does not match the "
                             f"structure of its input ({type(arg).__name__})")
        for a, d in zip(arg, dim):
            _collect(a, d, out, name)
        return
    if not isinstance(arg, dict) or set(arg) != set(dim):
        raise ValueError(f"vmap({name}): in_dims entry {dim!r} does not match the keys of its "
                         "input")
    for k in dim:
        _collect(arg[k], dim[k], out, name)


def _slice(arg: Any, dim: Any, i: int) -> Any:
    """``arg`` with every mapped tensor replaced by its ``i``-th slice (a view)."""
    if dim is None:
        return arg
    if isinstance(arg, Tensor):
        return arg.select(dim, i)
    if isinstance(arg, (tuple, list)):
        ds = dim if isinstance(dim, (tuple, list)) else (dim,) * len(arg)
        return type(arg)(_slice(a, d, i) for a, d in zip(arg, ds))
    if isinstance(arg, dict):
        return {k: _slice(v, dim[k] if isinstance(dim, dict) else dim, i) for k, v in arg.items()}
    return arg


def _stack_outputs(results: list, out_dims: Any, name: str) -> Any:
    first = results[0]
    if isinstance(first, Tensor):
        return _stack_leaf(results, out_dims, name)
    if isinstance(first, (tuple, list)):
        if isinstance(out_dims, (tuple, list)) and len(out_dims) != len(first):
            raise ValueError(f"vmap({name}): out_dims {out_dims!r} has {len(out_dims)} entries "
                             f"for {len(first)} outputs")
        ods = out_dims if isinstance(out_dims, (tuple, list)) else (out_dims,) * len(first)
        outs = [_stack_outputs([r[j] for r in results], ods[j], name) for j in range(len(first))]
        return tuple(outs) if isinstance(first, tuple) else outs
    if isinstance(first, dict):
        return {k: _stack_outputs([r[k] for r in results],
                                  out_dims[k] if isinstance(out_dims, dict) else out_dims, name)
                for k in first}
    if out_dims is None and all(r == first for r in results):
        return first  # an unmapped Python value, as PyTorch allows with out_dims=None
    raise ValueError(f"vmap({name}): expected func to return tensors (or tuples, lists or "
                     f"dicts of them), got {type(first).__name__}")


def _stack_leaf(results: list, out_dim: Any, name: str) -> Any:
    for r in results:
        if not isinstance(r, Tensor):
            raise ValueError(f"vmap({name}): expected func to return a tensor for every "
                             f"element, got {type(r).__name__}")
    if isinstance(out_dim, (tuple, list, dict)):
        raise ValueError(f"vmap({name}): out_dims entry {out_dim!r} for a single tensor output")
    if out_dim is None:
        first = results[0]
        if any(r is not first and (r.shape != first.shape or not bool(ops.all(ops.equal(r, first))))
               for r in results[1:]):
            raise ValueError(f"vmap({name}): out_dims=None for an output that differs between "
                             "the mapped elements")
        return first
    nd = results[0].ndim + 1
    if not -nd <= out_dim < nd:
        raise ValueError(f"vmap({name}): out_dim={out_dim} for an output of {nd} dimensions "
                         f"(batch included); expected {-nd} <= out_dim < {nd}")
    return ops.stack(results, axis=out_dim % nd)
