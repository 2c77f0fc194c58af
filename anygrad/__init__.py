"""anygrad: PyTorch-style autograd and deep learning on any Array API backend.

>>> import anygrad
>>> x = anygrad.tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> y = (x ** 2).sum()
>>> y.backward()
>>> x.grad
tensor([2., 4., 6.])
"""

from __future__ import annotations

import math as _math

# Order matters: the Tensor class first, then autograd (which uses it), then operations.
from .tensor import Size, Tensor
from . import autograd
from ._backend import (
    backends,
    default_backend,
    get_default_backend,
    get_default_device,
    set_default_backend,
    set_default_device,
)
from ._device import device
from ._dtype import (
    bfloat16, bool, cdouble, cfloat, complex64, complex128, double, dtype, finfo, float,
    float16, float32, float64, get_default_dtype, half, iinfo, int, int8, int16, int32, int64,
    long, set_default_dtype, short, uint8, uint16, uint32, uint64,
)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    arange, as_tensor, asarray, bernoulli, empty, empty_like, eye, from_dlpack, from_numpy,
    full, full_like, linspace, multinomial, normal, ones, ones_like, rand, rand_like, randint,
    randint_like, randn, randn_like, randperm, tensor, zeros, zeros_like,
    BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor,
    IntTensor, LongTensor, ShortTensor,
)
from .random import (
    Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state,
)
from ._settings import *  # noqa: F401,F403 - PyTorch's process settings (threads, determinism)
from . import _settings
from ._printing import set_printoptions
from .serialization import load, save
from . import ops
from .ops import *  # noqa: F401,F403 - the operation catalogue, listed in ops.__all__
from . import _faces, _tensor_methods
from .ops.torch_extras import logspace  # noqa: E402 - creation with PyTorch's signature
from .ops.windows import (  # noqa: E402 - creation functions of PyTorch's signal windows
    bartlett_window, blackman_window, hamming_window, hann_window, kaiser_window, tril_indices,
    triu_indices,
)

# The faces: hand-written Tensor methods first, then every registered operation's PyTorch-
# style function (replacing the plain one imported above where its signature differs),
# methods, in-place variants and operators.
_tensor_methods.attach()
_faces.attach(globals(), _tensor_methods.HAND_WRITTEN)
from ._tensor_methods import (  # noqa: E402 - torch.numel(x) and the like
    clone, is_complex, is_conj, is_floating_point, is_nonzero, is_tensor, numel, resolve_conj,
    resolve_neg, select, t, take_along_dim, tensor_split,
)

__version__ = "0.1.0"

e = _math.e
pi = _math.pi
inf = _math.inf
nan = _math.nan
newaxis = None

# The PyTorch-style sub-packages, available after `import anygrad` as after `import torch`.
from . import data, distributed, linalg, nn, optim, utils  # noqa: E402
from . import accelerator, cuda  # noqa: E402 - torch.cuda and torch.accelerator, truthfully
from . import fft  # noqa: E402 - torch.fft's counterpart
# PyTorch's top-level spellings of nn.functional operations (torch.relu_ is F.relu_).
from .nn.functional import (  # noqa: E402
    celu, celu_, cosine_similarity, pairwise_distance, relu_, rrelu, rrelu_, selu_, threshold,
    threshold_,
)
# PyTorch's top-level spellings of nn.functional layers (torch.conv2d is F.conv2d).
from .nn.functional import (  # noqa: E402
    adaptive_avg_pool1d, avg_pool1d, bilinear, channel_shuffle, conv1d, conv2d, conv3d, conv_tbc,
    conv_transpose1d, conv_transpose2d, conv_transpose3d, native_channel_shuffle, pixel_shuffle,
    pixel_unshuffle,
)
from . import cpu  # noqa: E402 - torch.cpu, for get_device_module
from . import func  # noqa: E402 - torch.func's counterpart
from .func import vmap  # noqa: E402
from ._torch_misc import (  # noqa: E402 - PyTorch's other top-level helpers
    empty_permuted, empty_strided, frombuffer, get_device_module, is_inference,
    is_inference_mode_enabled, poisson, promote_types, range, to_dlpack, typename,
)

__all__ = [
    "Tensor", "Size", "autograd", "ops", "nn", "optim", "data", "utils", "linalg", "distributed",
    "backends", "default_backend", "get_default_backend", "set_default_backend",
    "device", "get_default_device", "set_default_device", "cuda", "accelerator",
    "dtype", "finfo", "iinfo", "get_default_dtype", "set_default_dtype",
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
    "float", "double", "half", "long", "int", "short", "cfloat", "cdouble",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "tensor", "asarray", "as_tensor", "from_numpy", "from_dlpack",
    "zeros", "ones", "full", "empty", "arange", "linspace", "eye",
    "zeros_like", "ones_like", "full_like", "empty_like",
    "rand", "randn", "randint", "rand_like", "randn_like", "randint_like", "randperm",
    "normal", "bernoulli", "multinomial",
    "logspace",
    "hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window",
    "tril_indices", "triu_indices",
    "Generator", "manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
    "default_generator", *_settings.__all__, "cpu", "empty_permuted", "empty_strided",
    "frombuffer", "get_device_module", "is_inference", "is_inference_mode_enabled", "poisson",
    "promote_types", "range", "to_dlpack", "typename", "func", "vmap",
    "save", "load",
    *creation.LEGACY_CONSTRUCTORS, *_tensor_methods.MODULE_FUNCTIONS,
    "set_printoptions",
    "e", "pi", "inf", "nan", "newaxis",
    "celu", "celu_", "cosine_similarity", "pairwise_distance", "relu_", "rrelu", "rrelu_",
    "selu_", "threshold", "threshold_",
    "adaptive_avg_pool1d", "avg_pool1d", "bilinear", "channel_shuffle", "conv1d", "conv2d",
    "conv3d", "conv_tbc", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle",
    *ops.__all__,
]
