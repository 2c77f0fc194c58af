"""Grad mode and anomaly detection: anygrad's modes, each kept in a ContextVar."""

from __future__ import annotations

import contextvars
import functools
from typing import Any, Callable, TypeVar

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
           "is_inference_mode_enabled", "detect_anomaly", "set_detect_anomaly",
           "is_anomaly_enabled"]

F = TypeVar("F", bound=Callable[..., Any])

_enabled: contextvars.ContextVar[bool] = contextvars.ContextVar("anygrad_grad_enabled", default=True)
is_grad_enabled = _enabled.get


class _GradModeContext:
    """Context manager and decorator that sets grad mode for its block."""

    _mode: bool

    def __init__(self) -> None:
        self._tokens: list[contextvars.Token[bool]] = []

    def __enter__(self) -> None:
        self._tokens.append(_enabled.set(self._mode))

    def __exit__(self, *exc: object) -> None:
        _enabled.reset(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__._clone(self):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def _clone(self) -> "_GradModeContext":
        return self.__class__()


class no_grad(_GradModeContext):  # noqa: N801 - PyTorch's name
    """Disable gradient recording inside the block (or the decorated function).

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.ones(2, requires_grad=True)
    >>> with anygrad.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_GradModeContext):  # noqa: N801
    """Enable gradient recording inside the block, even within ``no_grad``."""

    _mode = True


_inference: contextvars.ContextVar[bool] = contextvars.ContextVar("anygrad_inference_mode",
                                                                 default=False)


def is_inference_mode_enabled() -> bool:
    """Whether an ``inference_mode`` block is active (in this thread or task)."""
    return _inference.get()


class inference_mode(no_grad):  # noqa: N801
    """Same as :class:`no_grad` (anygrad has no separate inference tensors);
    :func:`is_inference_mode_enabled` says whether the block is active."""

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self._mode = not mode
        self._inference_tokens: list[contextvars.Token[bool]] = []

    def __enter__(self) -> None:
        super().__enter__()
        self._inference_tokens.append(_inference.set(not self._mode))

    def __exit__(self, *exc: object) -> None:
        _inference.reset(self._inference_tokens.pop())
        super().__exit__(*exc)

    def _clone(self) -> "inference_mode":
        return inference_mode(not self._mode)


class set_grad_enabled(_GradModeContext):  # noqa: N801
    """Set grad mode to ``mode``; works as a function call, context manager or decorator.

    As in PyTorch, calling ``set_grad_enabled(False)`` on its own switches grad mode off
    until it is switched on again.
    """

    def __init__(self, mode: bool) -> None:
        super().__init__()
        self._mode = bool(mode)
        self._prev = _enabled.get()
        _enabled.set(self._mode)

    def __enter__(self) -> None:
        # The constructor already applied the mode; remember how to undo it.
        self._tokens.append(_enabled.set(self._mode))

    def __exit__(self, *exc: object) -> None:
        _enabled.reset(self._tokens.pop())
        _enabled.set(self._prev)

    def _clone(self) -> "set_grad_enabled":
        prev = _enabled.get()
        clone = set_grad_enabled(self._mode)
        clone._prev = prev
        _enabled.set(prev)
        return clone


# -- anomaly detection ------------------------------------------------------------------------
_anomaly: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "anygrad_detect_anomaly", default=False)
is_anomaly_enabled = _anomaly.get


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Inside the block (or the decorated function), record where each operation ran in the
    forward pass, and make backward raise when an operation's backward produces NaN, naming
    the operation and showing that forward traceback. Slows every recorded operation.

    Examples
    --------
    >>> import anygrad
    >>> x = anygrad.tensor([0.0], requires_grad=True)
    >>> with anygrad.autograd.detect_anomaly():  # doctest: +SKIP
    ...     y = x.sqrt() * 0.0  # sqrt'(0) is inf, inf * 0 is NaN
    ...     y.sum().backward()
    Traceback (most recent call last):
      ...
    RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output ...
    """

    def __init__(self, check_nan: bool = True) -> None:
        self._check_nan = bool(check_nan)
        self._tokens: list = []

    def __enter__(self) -> None:
        self._tokens.append(_anomaly.set(self._check_nan))

    def __exit__(self, *exc: object) -> None:
        _anomaly.reset(self._tokens.pop())

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self._check_nan):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def set_detect_anomaly(mode: bool, check_nan: bool = True) -> None:
    """Switch anomaly detection on or off until switched again (see :class:`detect_anomaly`)."""
    _anomaly.set(bool(mode) and bool(check_nan))
