"""The autograd walk-through, run and checked as it goes.

Every claim below is verified with a check that raises if it is wrong, so this file is
both a tutorial and a test (`python examples/autograd_tutorial.py [--backend NAME]`).
"""

from __future__ import annotations

import argparse

import numpy as np

import anygrad as torch  # the PyTorch names work unchanged
import anygrad.optim as optim


def check(condition: bool, claim: str) -> None:
    if not condition:
        raise AssertionError(f"tutorial claim failed: {claim}")
    print(f"  ok: {claim}")


def close(a: torch.Tensor, b: object) -> bool:
    return np.allclose(a.detach().numpy(), np.asarray(b, dtype=np.float64), rtol=1e-5, atol=1e-6)


def main(backend: str) -> None:
    torch.set_default_backend(backend)
    print(f"backend: {backend}")

    print("1. requires_grad records operations")
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    check(y.grad_fn is not None and y.grad_fn.name() == "AddBackward0", "y = x + 2 has grad_fn AddBackward0")
    z = y * y * 3
    out = z.mean()
    check(out.grad_fn.name() == "MeanBackward0", "out = z.mean() has grad_fn MeanBackward0")

    print("2. backward() of a scalar fills .grad")
    out.backward()
    # out = 3/4 * sum((x + 2)^2) => d out / dx = 3/2 * (x + 2) = 4.5 at x = 1
    check(close(x.grad, [[4.5, 4.5], [4.5, 4.5]]), "x.grad == 4.5 everywhere")

    print("3. gradients accumulate across backward calls")
    out2 = ((x + 2) * (x + 2) * 3).mean()
    out2.backward()
    check(close(x.grad, [[9.0, 9.0], [9.0, 9.0]]), "a second backward doubles x.grad")
    x.grad = None

    print("4. backward of a non-scalar needs a gradient argument")
    v = torch.tensor([0.1, 1.0, 0.0001], requires_grad=True)
    w = v * 2
    try:
        w.backward()
        raise AssertionError("tutorial claim failed: non-scalar backward without gradient raises")
    except RuntimeError:
        print("  ok: w.backward() without a gradient raises for a non-scalar w")
    w.backward(torch.tensor([1.0, 1.0, 1.0]))
    check(close(v.grad, [2.0, 2.0, 2.0]), "vector-Jacobian product with gradient=[1, 1, 1]")

    print("5. detach, requires_grad_ and no_grad")
    d = v.detach()
    check(not d.requires_grad and d.is_leaf, "detach() gives a leaf that does not require grad")
    a = torch.randn(2, 2)
    check(not (a * 2).requires_grad, "tensors do not require grad by default")
    a.requires_grad_(True)
    check((a * 2).requires_grad, "requires_grad_() switches recording on")
    with torch.no_grad():
        check(not (a * 2).requires_grad, "inside no_grad nothing is recorded")

    print("6. a manual gradient-descent step")
    torch.manual_seed(0)
    f = torch.randn(3, requires_grad=True)
    target = torch.tensor([1.0, -2.0, 0.5])
    learning_rate = 0.1
    before = ((f - target) ** 2).sum().item()
    for _ in range(20):
        loss = ((f - target) ** 2).sum()
        f.grad = None
        loss.backward()
        f.data.sub_(f.grad.data * learning_rate)
    after = ((f - target) ** 2).sum().item()
    check(after < before * 1e-3, f"f.data.sub_(f.grad.data * lr) descends: {before:.3f} -> {after:.2e}")

    print("7. the same with optim.SGD")
    torch.manual_seed(0)  # the same start as f
    g = torch.randn(3, requires_grad=True)
    opt = optim.SGD([g], lr=learning_rate)
    for _ in range(20):
        opt.zero_grad()
        loss = ((g - target) ** 2).sum()
        loss.backward()
        opt.step()
    check(close(g, f.detach().numpy()), "optim.SGD takes exactly the manual steps")
    print("all claims verified")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="numpy", help="numpy, torch, jax, array_api_strict, cupy")
    main(parser.parse_args().backend)
