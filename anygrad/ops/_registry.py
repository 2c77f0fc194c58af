"""The operation registry: one :class:`OpSpec` per public operation.

The registry is what the test suite, the documentation's table of operations and the
gradient checks iterate over. Adding an operation means writing its Function and public
function in one module of ``anygrad/ops`` and one ``register(OpSpec(...))`` beside it.
The differentiable functions of ``anygrad.nn.functional`` are registered the same way,
beside their definitions, under their path from ``anygrad`` (``nn.functional.conv2d``); one
that is the same operation as an ``anygrad`` function (``F.relu``) is an alias of that
function's entry (:func:`register_alias`), not a second entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

__all__ = ["OpSpec", "register", "register_alias", "register_torch_face", "REGISTRY", "ALIASES",
           "get_spec"]

# Input domains (for generated test inputs): open intervals the op is smooth on.
DOMAINS: dict[str, tuple[float, float]] = {
    "real": (-3.0, 3.0),
    "positive": (0.2, 3.0),
    "unit": (-0.9, 0.9),  # inside (-1, 1): asin, atanh
    "gt1": (1.2, 3.0),  # acosh
    "nonzero": (0.3, 3.0),  # magnitude; the sign is drawn separately
    "small": (-1.5, 1.5),
    "prob": (0.05, 0.95),
}


@dataclass(frozen=True)
class OpSpec:
    """Everything the test suite and the docs need to know about one operation.

    Parameters
    ----------
    name : str
        Public name: ``anygrad.<name>``, or the path from ``anygrad`` for an operation of
        a submodule (``nn.functional.conv2d``).
    fn : callable
        The public function. It is called as ``fn(*tensors, **kwargs)``.
    ref : callable
        A NumPy float64 reference with the same call signature on NumPy arrays; written
        independently of anygrad's implementation.
    nin : int
        Number of tensor inputs.
    domain : str or tuple of str
        Input domain(s) from ``DOMAINS`` (one for all inputs, or one per input).
    shapes : str or callable
        ``"unary"``, ``"broadcast"`` (mutually broadcastable), ``"same"``, ``"matmul"``, or
        a callable ``shapes(draw_or_rng) -> tuple of shapes``.
    kwargs : tuple of dict
        Option variants to test (each one a separate case).
    make_inputs : callable, optional
        ``make_inputs(rng, dtype_name) -> list of NumPy arrays`` for ops whose inputs need
        structure (positive-definite matrices, indices...). One with a third parameter
        named ``variant`` receives the option variant's index in ``kwargs``, for inputs
        that depend on the options (a grouped convolution's weight, class indices or
        probabilities); it may then also return more inputs than ``nin`` (optional tensor
        arguments such as a loss's class weights, passed by position).
    differentiable / twice_differentiable : bool
        Whether first / second-order gradient checks apply.
    grad_inputs : tuple of int, optional
        Which inputs are differentiated (default: all floating inputs).
    dtypes : tuple of str
        Float dtypes tested.
    atol, rtol : float
        Extra tolerance for forward comparison in float32.
    category : str
        Section in the docs table.
    method : str or None
        Name of the Tensor method, if any.
    aliases : tuple of str
        Other public names of the same operation (PyTorch spellings such as ``cat``).
    notes : str
        Where gradients are defined, tie rules... shown in the docs.
    harness : callable, optional
        How the tests call the operation when it is not ``fn(*tensors, **kwargs)`` (build a
        complex input from two real ones, pass a list...). ``fn`` is always the public
        function, so that the registry can generate the faces from it.
    inplace : bool
        Whether the Tensor has the in-place variant ``<method>_`` (PyTorch's ``exp_``).
    torch_args : tuple of str, optional
        The PyTorch face's positional parameters after the tensor inputs (``("dim",
        "keepdim")`` for ``sum``): ``anygrad.sum(x, 1)`` and ``x.sum(1)``. PyTorch's
        ``dim``/``keepdim`` reach an implementation written with the standard's
        ``axis``/``keepdims`` under those names. ``None``: the same signature as ``fn``.
    operators : tuple of str
        Python operators of the Tensor that are this operation (``"__add__"``,
        ``"__radd__"`` for ``add``; a reflected one swaps the operands).
    operator_fn : callable, optional
        What those operators call instead of ``fn``: the same operation without ``fn``'s
        keyword parameters (``add``'s ``alpha``), one Python frame shorter.
    torch_face : callable, optional
        The ``anygrad`` function and Tensor method where PyTorch's defaults differ from the
        standard's and no ``torch_args`` can say so (``anygrad.var`` is unbiased, the
        namespace's ``var`` is not); set by ``register_torch_face``.
    skip_backends : dict
        Backend name (or test-matrix case id) -> why the operation cannot exist there.
        Shown in the docs table; the test suite does not generate those cases. Never
        ``numpy`` or ``array_api_strict``.
    """

    name: str
    fn: Callable[..., Any]
    ref: Callable[..., Any] | None = None
    nin: int = 1
    domain: Any = "real"
    shapes: Any = "unary"
    kwargs: tuple = ({},)
    make_inputs: Callable[..., Any] | None = None
    differentiable: bool = True
    twice_differentiable: bool = True
    grad_inputs: tuple | None = None
    dtypes: tuple = ("float32", "float64")
    atol: float = 0.0
    rtol: float = 0.0
    category: str = "elementwise"
    method: str | None = None
    notes: str = ""
    skip_backends: dict = field(default_factory=dict)
    aliases: tuple = ()
    harness: Callable[..., Any] | None = None
    inplace: bool = False
    torch_args: tuple | None = None
    operators: tuple = ()
    operator_fn: Callable[..., Any] | None = None
    torch_face: Callable[..., Any] | None = None

    @property
    def call(self) -> Callable[..., Any]:
        """What the tests call: the harness if there is one, else the public function."""
        return self.harness or self.fn


REGISTRY: dict[str, OpSpec] = {}
ALIASES: dict[str, str] = {}  # alias -> registered name


def register(spec: OpSpec) -> OpSpec:
    """Add ``spec`` to the registry (each name once)."""
    if spec.name in REGISTRY or spec.name in ALIASES:
        raise ValueError(f"register: operation {spec.name!r} is already registered (or an alias)")
    REGISTRY[spec.name] = spec
    for alias in spec.aliases:
        ALIASES[alias] = spec.name
    return spec


def register_alias(name: str, *aliases: str) -> OpSpec:
    """Record ``aliases`` as other public names of the registered operation ``name``.

    For a function exported by a second module that computes the same operation with
    another signature (``nn.functional.relu`` for :func:`anygrad.relu`): one entry, two
    names, registered where the second name is defined.
    """
    spec = get_spec(name)
    for alias in aliases:
        if alias in REGISTRY or ALIASES.get(alias, name) != name:
            raise ValueError(f"register_alias: {alias!r} already names another operation")
        ALIASES[alias] = name
    spec = REGISTRY[name] = replace(spec, aliases=spec.aliases + tuple(
        a for a in aliases if a not in spec.aliases))
    return spec


def register_torch_face(name: str, face: Callable[..., Any]) -> OpSpec:
    """Give the registered operation ``name`` the PyTorch face ``face``: a function that
    calls the operation with PyTorch's defaults (``var``'s ``unbiased=True``). It becomes
    ``anygrad.<name>`` and the Tensor method(s); the standard namespace keeps ``fn``."""
    spec = REGISTRY[name] = replace(get_spec(name), torch_face=face)
    face.__wrapped__ = spec.fn  # type: ignore[attr-defined] - as the generated faces
    return spec


def get_spec(name: str) -> OpSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no registered operation {name!r}") from None
