"""Recurrent layers: RNN, LSTM, GRU (multi-layer, batch_first, bidirectional) and cells.

Parameter names, shapes, gate order (LSTM: i, f, g, o; GRU: r, z, n) and initialisation
follow PyTorch, so a state dict moves between the two. Each direction of each layer is one
graph node (:class:`anygrad.nn.functional._rnn.RNNLayer`: the input projection of the whole
sequence is one matmul, the hidden projection one per step, backward hand-written) whose
outputs include its slice of ``h_n`` (and ``c_n``), so a one-layer module is one node; a
cell step is one node too.
"""

from __future__ import annotations

import math
from typing import Any

import anygrad as _ag

from .. import functional as F
from ..functional import _rnn
from .. import init
from ..module import Module
from ._base import factory_kwargs, new_parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = _rnn.GATES


class RNNBase(Module):
    """The base of :class:`RNN`, :class:`LSTM` and :class:`GRU`: ``mode`` is ``'RNN_TANH'``,
    ``'RNN_RELU'``, ``'LSTM'`` or ``'GRU'``; parameters ``weight_ih_l{k}[_reverse]`` and
    friends, as PyTorch's.

    Examples
    --------
    >>> from anygrad import nn
    >>> isinstance(nn.LSTM(3, 4), nn.RNNBase)
    True
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__()
        name = type(self).__name__
        if not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in [0, 1], got {dropout}")
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{name}: hidden_size and num_layers must be positive, got {hidden_size} and {num_layers}")
        if proj_size:
            raise NotImplementedError(f"{name}: proj_size is not supported")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        fk = factory_kwargs(device, dtype, backend)
        gates = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else hidden_size * dirs
            for d in range(dirs):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                setattr(self, "weight_ih" + sfx, new_parameter((gates, in_size), fk))
                setattr(self, "weight_hh" + sfx, new_parameter((gates, hidden_size), fk))
                if bias:
                    setattr(self, "bias_ih" + sfx, new_parameter((gates,), fk))
                    setattr(self, "bias_hh" + sfx, new_parameter((gates,), fk))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        std = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -std, std)

    def flatten_parameters(self) -> None:
        """Does nothing. PyTorch packs the weights into one cuDNN buffer here; anygrad's
        recurrent layers use the parameters as they are, on every backend."""

    def _weights(self, layer: int, d: int) -> tuple:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        get = self._parameters.get
        return get("weight_ih" + sfx), get("weight_hh" + sfx), get("bias_ih" + sfx), get("bias_hh" + sfx)

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        name = type(self).__name__
        lstm = self.mode == "LSTM"
        shape = tuple(input.shape)
        if len(shape) not in (2, 3) or shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: expected a 2-D or 3-D input with {self.input_size} features, got input "
                f"of shape {shape}"
            )
        batched = len(shape) == 3
        x = input if batched else _ag.reshape(input, (shape[0], 1, shape[1]))
        if batched and self.batch_first:
            x = _ag.permute_dims(x, (1, 0, 2))
        steps, n = x.shape[0], x.shape[1]
        dirs = 2 if self.bidirectional else 1
        hshape = (self.num_layers * dirs, n, self.hidden_size)
        if hx is None:
            h0 = c0 = None  # zeros, made by the layers themselves (no node, no slicing)
        else:
            h0, c0 = hx if lstm else (hx, None)
            if not batched:
                h0 = _ag.reshape(h0, (h0.shape[0], 1, h0.shape[1]))
                c0 = None if c0 is None else _ag.reshape(c0, (c0.shape[0], 1, c0.shape[1]))
            for what, s in (("hidden", h0), ("cell", c0)):
                if s is not None and tuple(s.shape) != hshape:
                    raise ValueError(f"{name}: expected {what} state of shape {hshape}, got "
                                     f"{tuple(s.shape)}")
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, d)
                k = layer * dirs + d
                res = _rnn.rnn_layer(self.mode, x, None if h0 is None else h0[k],
                                     None if c0 is None else c0[k], w_ih, w_hh, b_ih, b_hh,
                                     reverse=bool(d))
                outs.append(res[0])
                h_n.append(res[1])  # (1, N, H): this layer direction's slice of h_n
                if lstm:
                    c_n.append(res[2])
            x = outs[0] if dirs == 1 else _ag.concat(outs, axis=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        out = x
        hn = h_n[0] if len(h_n) == 1 else _ag.concat(h_n, axis=0)
        cn = None if not lstm else (c_n[0] if len(c_n) == 1 else _ag.concat(c_n, axis=0))
        if batched and self.batch_first:
            out = _ag.permute_dims(out, (1, 0, 2))
        if not batched:
            out = _ag.reshape(out, (steps, out.shape[2]))
            hn = _ag.reshape(hn, (hn.shape[0], hn.shape[2]))
            cn = None if cn is None else _ag.reshape(cn, (cn.shape[0], cn.shape[2]))
        return (out, (hn, cn)) if lstm else (out, hn)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None, *, backend: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r} (expected 'tanh' or 'relu')")
        self.nonlinearity = nonlinearity
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype, backend=backend)


class LSTM(RNNBase):
    """Long short-term memory; returns ``output, (h_n, c_n)``."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device=device, dtype=dtype, backend=backend)


class GRU(RNNBase):
    """Gated recurrent unit."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device: Any = None, dtype: Any = None, *, backend: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device=device, dtype=dtype, backend=backend)


class RNNCellBase(Module):
    """The base of :class:`RNNCell`, :class:`LSTMCell` and :class:`GRUCell`: weights
    ``(num_chunks * hidden_size, input_size)`` and ``(num_chunks * hidden_size, hidden_size)``
    (``num_chunks`` defaults to the cell's gate count), initialised as PyTorch's.

    Examples
    --------
    >>> from anygrad import nn
    >>> nn.RNNCellBase(3, 4, True, 2).weight_ih.shape
    anygrad.Size([8, 3])
    """

    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 num_chunks: int | None = None, device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        super().__init__()
        fk = factory_kwargs(device, dtype, backend)
        gates = (_GATES[self._mode] if num_chunks is None else int(num_chunks)) * hidden_size
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = new_parameter((gates, input_size), fk)
        self.weight_hh = new_parameter((gates, hidden_size), fk)
        if bias:
            self.bias_ih = new_parameter((gates,), fk)
            self.bias_hh = new_parameter((gates,), fk)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        std = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            init.uniform_(p, -std, std)

    def _zeros(self, input: Any) -> Any:  # noqa: A002
        shape = tuple(input.shape[:-1]) + (self.hidden_size,)
        return _ag.zeros(shape, dtype=input.dtype, backend=input._backend, device=input.device)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(RNNCellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None, *,
                 backend: Any = None) -> None:
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, bias, device=device, dtype=dtype, backend=backend)

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        h = self._zeros(input) if hx is None else hx
        cell = F.rnn_tanh_cell if self._mode == "RNN_TANH" else F.rnn_relu_cell
        return cell(input, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class LSTMCell(RNNCellBase):
    _mode = "LSTM"

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        if hx is None:
            z = self._zeros(input)
            hx = (z, z)
        return F.lstm_cell(input, hx, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class GRUCell(RNNCellBase):
    _mode = "GRU"

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        h = self._zeros(input) if hx is None else hx
        return F.gru_cell(input, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
