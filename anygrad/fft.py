"""``anygrad.fft``: discrete Fourier transforms, differentiable (as ``torch.fft``).

The Array API ``fft`` extension under PyTorch's signatures: ``fft(x, n, dim, norm)``,
``fftn(x, s, dim, norm)``, ``fftshift(x, dim)``, ``fftfreq(n, d)``, with the standard's
keywords (``axis=``, ``axes=``) accepted too and ``norm=None`` meaning ``"backward"``. The
functions are generated from the operations' registry entries (``fft.<name>``); the
namespace that ``Tensor.__array_namespace__()`` returns has the same operations under the
standard's signatures, as ``xp.fft.<name>``.

Examples
--------
>>> import anygrad
>>> x = anygrad.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
>>> y = anygrad.fft.rfft(x, 4, 0)
>>> y.abs().sum().backward()
>>> x.grad
tensor([-0.7071,  1.2929,  0.7071,  2.7071])
"""

from __future__ import annotations

from ._faces import _nin, torch_face
from .ops import fft as _ops
from .ops._registry import REGISTRY as _REGISTRY

__all__ = list(_ops.__all__)

for _name in __all__:
    _spec = _REGISTRY["fft." + _name]
    globals()[_name] = torch_face(_spec, _nin(_spec.fn))
del _name, _spec
