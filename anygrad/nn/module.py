"""``Module``: the base class of layers and models (PyTorch's ``torch.nn.Module`` API).

Parameters, buffers and sub-modules are registered when assigned as attributes and kept in
three ordered dicts; every traversal (``parameters()``, ``state_dict()``, ``to()``...)
walks those dicts, so a model's structure is exactly what its attributes say.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Iterator

from ..autograd.function import _RemovableHandle
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .parameter import Buffer, Parameter, move_

__all__ = ["Module"]


class _IncompatibleKeys(tuple):
    """``(missing_keys, unexpected_keys)`` as returned by ``load_state_dict``."""

    @property
    def missing_keys(self) -> list:
        return self[0]

    @property
    def unexpected_keys(self) -> list:
        return self[1]


class Module:
    """Base class of all layers and models.

    Subclasses assign parameters and sub-modules in ``__init__`` and define ``forward``.

    Examples
    --------
    >>> import anygrad
    >>> from anygrad import nn
    >>> class Tiny(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(3, 2)
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> [name for name, _ in Tiny().named_parameters()]
    ['fc.weight', 'fc.bias']
    """

    training: bool
    _version = 1

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__: Module.__init__ takes no arguments, got "
                f"{len(args)} positional and {sorted(kwargs)} keyword arguments"
            )
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = OrderedDict()
        d["_buffers"] = OrderedDict()
        d["_non_persistent"] = set()
        d["_modules"] = OrderedDict()
        d["_forward_pre_hooks"] = []
        d["_forward_hooks"] = []

    # -- attribute registration ----------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(
                    "cannot assign parameters before Module.__init__() call"
                )
            self._discard(name)
            params[name] = value
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign a sub-module before Module.__init__() call")
            self._discard(name)
            d["_modules"][name] = value
        elif isinstance(value, Buffer):
            self.register_buffer(name, value.data, persistent=value.persistent)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as parameter {name!r} "
                    "(anygrad.nn.Parameter or None expected)"
                )
            params[name] = None
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} as child module {name!r} "
                    "(anygrad.nn.Module or None expected)"
                )
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign {type(value).__name__} as buffer {name!r} "
                    "(anygrad.Tensor or None expected)"
                )
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _discard(self, name: str) -> None:
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            d[key].pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            table = d.get(key)
            if table is not None and name in table:
                return table[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            if name in d[key]:
                del d[key][name]
                d["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self) -> list:
        d = self.__dict__
        return sorted(set(super().__dir__()) | set(d["_parameters"]) | set(d["_buffers"])
                      | set(d["_modules"]))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or ``None``, a declared-but-absent parameter)."""
        self._check_name(name, "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"register_parameter: cannot assign {type(param).__name__} to parameter "
                f"{name!r} (anygrad.nn.Parameter or None expected)"
            )
        self._discard(name)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a buffer: state saved in ``state_dict`` (if persistent) but not trained."""
        self._check_name(name, "register_buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: cannot assign {type(tensor).__name__} to buffer {name!r} "
                "(anygrad.Tensor or None expected)"
            )
        self._discard(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)

    def register_module(self, name: str, module: "Module | None") -> None:
        self._check_name(name, "register_module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"register_module: {type(module).__name__} is not a Module subclass")
        self._discard(name)
        self._modules[name] = module

    add_module = register_module

    def _check_name(self, name: str, op: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{op}: cannot register before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{op}: name should be a str, got {type(name).__name__}")
        if "." in name or name == "":
            raise KeyError(f"{op}: name {name!r} must be non-empty and contain no '.'")

    def get_submodule(self, target: str) -> "Module":
        mod = self
        for item in target.split(".") if target else ():
            if item not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no sub-module {item!r}")
            mod = mod._modules[item]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter {name!r}")
        return mod._parameters[name]

    # -- calling -------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"Module [{type(self).__name__}] is missing the required \"forward\" function")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if not d["_forward_pre_hooks"] and not d["_forward_hooks"]:
            return self.forward(*args, **kwargs)
        for hook in list(d["_forward_pre_hooks"]):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        out = self.forward(*args, **kwargs)
        for hook in list(d["_forward_hooks"]):
            result = hook(self, args, out)
            if result is not None:
                out = result
        return out

    def register_forward_pre_hook(self, hook: Callable) -> Any:
        """``hook(module, args)`` runs before ``forward``; it may return replacement args."""
        self._forward_pre_hooks.append(hook)
        return _RemovableHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook: Callable) -> Any:
        """``hook(module, args, output)`` runs after ``forward``; it may return a new output."""
        self._forward_hooks.append(hook)
        return _RemovableHandle(self._forward_hooks, hook)

    # -- traversal -----------------------------------------------------------------------
    def named_modules(self, memo: set | None = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, mod in self._modules.items():
            if mod is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from mod.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen = set()
        for name, mod in self._modules.items():
            if mod is not None and id(mod) not in seen:
                seen.add(id(mod))
                yield name, mod

    def children(self) -> Iterator["Module"]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, table: str, prefix: str, recurse: bool,
                       remove_duplicate: bool = True) -> Iterator[tuple[str, Any]]:
        seen = set()
        mods = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for name, value in getattr(mod, table).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield mod_prefix + ("." if mod_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # -- modes and gradients -------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        if not isinstance(mode, bool):
            raise ValueError(f"train: training mode is expected to be a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = p.grad.detach()
                with no_grad():
                    p.grad.zero_()

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every sub-module (children first), then on ``self``."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -- conversion ----------------------------------------------------------------------
    def _apply(self, fn: Callable[[Tensor], Tensor]) -> "Module":
        """Convert every parameter, gradient and buffer in place (identity is kept, so
        optimizers built before the call still see the same Parameter objects)."""
        with no_grad():
            for m in self.modules():
                for p in m._parameters.values():
                    if p is None:
                        continue
                    move_(p, fn(p.detach()))
                    if p.grad is not None:
                        move_(p.grad, fn(p.grad.detach()))
                for name, b in m._buffers.items():
                    if b is not None:
                        move_(b, fn(b.detach()))
        return self

    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """Move parameters and buffers to a backend/device and/or cast floating ones.

        Accepts what ``Tensor.to`` accepts: ``to("torch")``, ``to(device)``,
        ``to(anygrad.float64)``, ``to(backend=..., device=..., dtype=...)``.
        """
        from .. import _dtype

        dtype = kwargs.pop("dtype", None)
        rest = []
        for a in args:
            if isinstance(a, _dtype.dtype):
                dtype = a
            elif isinstance(a, str) and (a in _dtype.ALL or a in _dtype.ALIASES) and a not in ("cpu",):
                dtype = a
            else:
                rest.append(a)
        if dtype is not None:
            dtype = _dtype.as_dtype(dtype)

        def convert(t: Tensor) -> Tensor:
            if rest or kwargs:
                t = t.to(*rest, **kwargs)
            if dtype is not None and t.dtype.kind in "fc" and t.dtype is not dtype:
                t = t.to(dtype)
            return t

        return self._apply(convert)

    # float()/double()/half() cast the floating-point parameters and buffers only, as
    # PyTorch's: a complex buffer (rotary frequencies) keeps its values, where to(dtype)
    # would cast it to real.
    def _cast_floating(self, dtype: Any) -> "Module":
        return self._apply(lambda t: t.to(dtype) if t.dtype.kind == "f" and t.dtype is not dtype
                           else t)

    def float(self) -> "Module":
        from .. import _dtype

        return self._cast_floating(_dtype.float32)

    def double(self) -> "Module":
        from .. import _dtype

        return self._cast_floating(_dtype.float64)

    def half(self) -> "Module":
        from .. import _dtype

        return self._cast_floating(_dtype.float16)

    def cpu(self) -> "Module":
        return self._apply(lambda t: t.cpu())

    def cuda(self, device: Any = None) -> "Module":
        return self._apply(lambda t: t.cuda(device))

    # -- state ---------------------------------------------------------------------------
    def state_dict(self, destination: Any = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name (detached unless ``keep_vars``)."""
        if destination is None:
            destination = OrderedDict()
        for mod_prefix, mod in self.named_modules(prefix=prefix.rstrip(".")):
            base = mod_prefix + ("." if mod_prefix else "")
            for name, p in mod._parameters.items():
                if p is not None:
                    destination[base + name] = p if keep_vars else p.detach()
            for name, b in mod._buffers.items():
                if b is not None and name not in mod._non_persistent:
                    destination[base + name] = b if keep_vars else b.detach()
        return destination

    def load_state_dict(self, state_dict: Any, strict: bool = True, assign: bool = False) -> Any:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Raises
        ------
        RuntimeError
            With ``strict``, naming every missing and unexpected key; always, naming every
            key whose shape differs.
        """
        import anygrad

        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            shape = tuple(value.shape) if hasattr(value, "shape") else None
            if shape != tuple(target.shape):
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {shape} from "
                    f"checkpoint, the shape in current model is {tuple(target.shape)}"
                )
        if strict:
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: " + ", ".join(repr(k) for k in missing))
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: " + ", ".join(repr(k) for k in unexpected))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t" + "\n\t".join(errors)
            )
        with no_grad():
            for key, target in own.items():
                if key in state_dict:
                    src = state_dict[key]
                    if not isinstance(src, Tensor):
                        src = anygrad.asarray(src)
                    src = src.detach().to(backend=target._backend, device=target.device)
                    if target.dtype.kind not in "fc" or src.dtype is not target.dtype:
                        src = src.to(target.dtype)
                    move_(target, src)
        return _IncompatibleKeys((missing, unexpected))

    # -- printing ------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines = extra.split("\n")
        for name, mod in self._modules.items():
            mod_str = repr(mod).replace("\n", "\n  ")
            lines.append(f"({name}): {mod_str}")
        head = self._get_name() + "("
        if not lines:
            return head + ")"
        if len(lines) == 1 and not self._modules:
            return head + lines[0] + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __getstate__(self) -> dict:
        return self.__dict__.copy()

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
