"""The faces generated from the operation registry: one entry, every spelling.

For each registered operation this module makes

- the PyTorch-style ``anygrad`` function (its ``torch_args`` taken by position, PyTorch's
  ``dim``/``keepdim`` accepted beside the standard's ``axis``/``keepdims``; or the entry's
  ``torch_face`` where PyTorch's defaults differ, as ``var``'s ``correction=1``) and its
  aliases;
- the Tensor method(s) named by ``method``, and their in-place variants (``exp_``) where
  the entry has ``inplace=True``;
- the Tensor's Python operators listed in ``operators`` (``__add__``, reflected
  ``__radd__``, in-place ``__iadd__``).

An operation whose PyTorch signature is its standard one gets no wrapper at all: the
method *is* the public function (``Tensor.exp is anygrad.exp``), so a method call costs
one Python frame less than a hand-written delegating method.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from .ops._inplace import inplace
from .ops._registry import REGISTRY, OpSpec
from .tensor import Tensor

__all__ = ["torch_face", "inplace_method", "attach"]

# PyTorch's names for the standard's parameters; used where the implementation has the
# standard's name and not PyTorch's.
_TORCH_NAMES = {"dim": "axis", "keepdim": "keepdims"}


def _renames(fn: Callable, torch_args: tuple) -> tuple[dict, tuple]:
    """The keyword renames (PyTorch name -> implementation name) and the implementation's
    names of the positional ``torch_args``."""
    params = inspect.signature(fn).parameters
    renames = {t: s for t, s in _TORCH_NAMES.items() if s in params and t not in params}
    names = []
    for arg in torch_args:
        torch_name, _, impl_name = arg.partition("=")
        if impl_name:
            renames[torch_name] = impl_name
        names.append(impl_name or renames.get(torch_name, torch_name))
    return renames, tuple(names)


def torch_face(spec: OpSpec, nin: int) -> Callable:
    """``spec.fn`` with PyTorch's calling convention, or ``spec.fn`` itself if it has it.

    ``nin`` leading positional arguments are passed through; the next ones are the entry's
    ``torch_args`` (a name ``"*shape"`` collects the rest: ``x.reshape(2, 3)``).
    """
    if spec.torch_face is not None:
        return spec.torch_face
    fn, torch_args = spec.fn, spec.torch_args
    if torch_args is None:
        return fn
    renames, names = _renames(fn, torch_args)
    star = names[-1][1:] if names and names[-1].startswith("*") else None
    fixed = names[:-1] if star else names
    name = spec.name

    def face(*args: Any, **kwargs: Any) -> Any:
        if renames:
            for k in [k for k in kwargs if k in renames]:
                target = renames[k]
                if target in kwargs:
                    raise TypeError(f"{name}() got both {k!r} and {target!r}")
                kwargs[target] = kwargs.pop(k)
        if len(args) > nin:
            extra = args[nin:]
            args = args[:nin]
            if star and len(extra) > len(fixed):
                rest = extra[len(fixed):]
                extra = extra[:len(fixed)] + (
                    tuple(rest[0]) if len(rest) == 1 and isinstance(rest[0], (tuple, list))
                    else rest,)
                pos = fixed + (star,)
            else:
                pos = names if not star else fixed
            if len(extra) > len(pos):
                raise TypeError(f"{name}() takes at most {nin + len(pos)} positional arguments "
                                f"({nin + len(extra)} given)")
            for k, v in zip(pos, extra):
                if k in kwargs:
                    raise TypeError(f"{name}() got multiple values for argument {k!r}")
                kwargs[k] = v
        return fn(*args, **kwargs)

    face.__name__ = face.__qualname__ = fn.__name__
    face.__doc__ = fn.__doc__
    face.__module__ = fn.__module__
    face.__wrapped__ = fn  # type: ignore[attr-defined]
    return face


def inplace_method(method: Callable, name: str) -> Callable:
    """The in-place variant ``name`` of a Tensor method: computed out of place, written
    into the tensor (its dtype kept; a float result into an integer tensor raises)."""

    def method_(self: Any, *args: Any, **kwargs: Any) -> Any:
        return inplace(self, method(self, *args, **kwargs), name)

    method_.__name__ = method_.__qualname__ = name
    method_.__doc__ = f"In-place :meth:`{name[:-1]}`: the result is written into this tensor."
    return method_


def _reflected(fn: Callable, name: str) -> Callable:
    def op(self: Any, other: Any) -> Any:
        return fn(other, self)

    op.__name__ = op.__qualname__ = name
    return op


def _nin(fn: Callable) -> int:
    """How many leading positional-only tensor parameters ``fn`` has (at least one)."""
    n = 0
    for p in inspect.signature(fn).parameters.values():
        if p.kind is not p.POSITIONAL_ONLY:
            break
        n += 1
    return max(n, 1)


def attach(namespace: dict, hand_written: frozenset = frozenset()) -> None:
    """Put every registered operation's faces on the ``anygrad`` module (``namespace``, its
    globals) and on the Tensor class. Entries under ``nn.functional`` are attached as
    methods only (their module function is defined in ``nn.functional`` itself). A method
    in ``hand_written`` keeps its hand-written definition: PyTorch's method of that name
    chooses between operations or reorders arguments (``x.max(dim)``, ``x.where(c, y)``)."""
    for spec in REGISTRY.values():
        face = torch_face(spec, _nin(spec.fn))
        if "." not in spec.name:
            namespace[spec.name] = face
            for name in spec.aliases:
                # An alias that the operations define themselves with PyTorch's own
                # signature (permute(x, *dims) beside permute_dims(x, axes)) keeps it.
                if "." not in name and name not in namespace:
                    namespace[name] = face
        methods = (spec.method,) if isinstance(spec.method, str) else (spec.method or ())
        for m in methods:
            if m not in hand_written:
                setattr(Tensor, m, face)
            if spec.inplace and m + "_" not in hand_written:
                setattr(Tensor, m + "_", inplace_method(face, m + "_"))
        fn = spec.operator_fn or spec.fn
        for op in spec.operators:
            if op.startswith("__r") and op not in ("__rshift__",):
                setattr(Tensor, op, _reflected(fn, op))
            elif op.startswith("__i") and op != "__invert__":
                setattr(Tensor, op, inplace_method(fn, op))
            else:
                setattr(Tensor, op, fn)
