"""JAX fast paths (same signatures and meaning as the generic kernels)."""

from __future__ import annotations

from typing import Any

__all__ = ["scatter_add", "special_lgamma", "special_digamma", "special_polygamma", "special_erfc",
           "special_erfinv", "special_i0", "special_i1", "special_igamma", "special_igammac"]


def scatter_add(x: Any, axis: int, index: Any, source: Any) -> Any:
    """``x`` with ``source[..., i, ...]`` added at ``x[..., index[i], ...]`` (new array)."""
    return x.at[(slice(None),) * axis + (index,)].add(source.astype(x.dtype))


# -- special functions (anygrad/ops/special.py): jax.scipy.special, with PyTorch's values at
# the edges where JAX's differ (NaN at the poles of digamma, at a = inf of the
# incomplete gamma functions).
def _jss() -> Any:
    import jax.scipy.special as jss

    return jss


def special_lgamma(x: Any) -> Any:
    return _jss().gammaln(x)


def special_digamma(x: Any) -> Any:
    import jax.numpy as jnp

    y = _jss().digamma(x)
    return jnp.where(x == 0, jnp.where(jnp.signbit(x), jnp.inf, -jnp.inf), y)


def special_polygamma(n: int, x: Any) -> Any:
    import math

    import jax.numpy as jnp

    # JAX's loses digits for negative x (1e-5 at -7.75): shift those above 1 first with
    # psi_n(x) = psi_n(x + 1) + (-1)^(n+1) n! x^-(n+1).
    finite = jnp.isfinite(x)
    z = jnp.where(finite, x, 1.0)
    steps = max(0, math.ceil(1.0 - float(jnp.min(z)))) if z.size else 0
    acc = jnp.zeros_like(z)
    for _ in range(steps):
        low = z < 1.0
        acc = acc + jnp.where(low & (z != 0), jnp.where(z != 0, z, 1.0) ** -(n + 1), 0.0)
        z = jnp.where(low, z + 1.0, z)
    sign = 1.0 if n % 2 else -1.0
    y = _jss().polygamma(n, z) + sign * math.factorial(n) * acc
    pole = (x <= 0) & (x == jnp.round(x))
    y = jnp.where(pole, sign * jnp.inf, y)
    y = jnp.where(x == jnp.inf, 0.0, y)
    return jnp.where((x == -jnp.inf) | jnp.isnan(x), jnp.nan, y).astype(x.dtype)


def special_erfc(x: Any) -> Any:
    return _jss().erfc(x)


def special_erfinv(x: Any) -> Any:
    return _jss().erfinv(x)


def special_i0(x: Any) -> Any:
    return _jss().i0(x)


def special_i1(x: Any) -> Any:
    return _jss().i1(x)


def _incomplete_gamma(a: Any, x: Any, upper: bool) -> Any:
    import jax.numpy as jnp

    y = (_jss().gammaincc if upper else _jss().gammainc)(a, x)
    lo = 1.0 if upper else 0.0
    return jnp.where((a == jnp.inf) & (x >= 0) & (x < jnp.inf), lo, y).astype(y.dtype)


def special_igamma(a: Any, x: Any) -> Any:
    return _incomplete_gamma(a, x, False)


def special_igammac(a: Any, x: Any) -> Any:
    return _incomplete_gamma(a, x, True)
