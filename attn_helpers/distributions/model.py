"""Two Transformer forecasters whose attention weights come from their own forward pass.

``TransformerForecaster`` reads every position out through a linear head, so the forecast can bypass
attention; ``HorizonQueryForecaster`` forecasts from learned horizon queries, so every forecast must
pass through attention. Both follow the book's contract: ``forward(x)`` -> forecast,
``forward_with_weights(x)`` -> ``(forecast, weights)``; their attention weights are made by an
:class:`attention.MaskedSoftmax`, so ``attention.swap_weights(model)`` erases them.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from ..attention import MaskedSoftmax


def sinusoidal_positions(length: int, d_model: int) -> torch.Tensor:
    """The fixed sine/cosine position code of Vaswani et al.: (length, d_model)."""
    if d_model % 2:
        raise ValueError(f"d_model must be even for the sine/cosine code, got {d_model}")
    position = torch.arange(length, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    code = torch.zeros(length, d_model)
    code[:, 0::2] = torch.sin(position * frequency)
    code[:, 1::2] = torch.cos(position * frequency)
    return code


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention with ``n_heads`` heads, the parameters laid out as in
    ``nn.MultiheadAttention`` (``in_proj_weight``, ``in_proj_bias``, ``out_proj``).

    x (batch, queries, d_model), memory (batch, keys, d_model), default x; ``bias`` broadcastable to
    (batch, heads, queries, keys), added to the scores -> output (batch, queries, d_model),
    weights (batch, heads, queries, keys).
    """

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads, got n_heads={n_heads}")
        self.n_heads, self.d_head = n_heads, d_model // n_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        self.out_proj = nn.Linear(d_model, d_model)
        nn.init.xavier_uniform_(self.in_proj_weight)  # nn.MultiheadAttention's initialisation
        nn.init.zeros_(self.out_proj.bias)
        self.softmax = MaskedSoftmax()
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, memory: torch.Tensor | None = None, bias: torch.Tensor | None = None):
        memory = x if memory is None else memory
        b, n_q, d = x.shape
        w_q, w_kv = self.in_proj_weight.split([d, 2 * d])
        b_q, b_kv = self.in_proj_bias.split([d, 2 * d])
        q = F.linear(x, w_q, b_q)  # (batch, queries, d_model)
        k, v = F.linear(memory, w_kv, b_kv).chunk(2, dim=-1)  # (batch, keys, d_model) each
        q, k, v = (z.unflatten(-1, (self.n_heads, self.d_head)).transpose(1, 2) for z in (q, k, v))
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)  # (batch, heads, queries, keys)
        weights = self.softmax(scores if bias is None else scores + bias)
        out = (self.dropout(weights) @ v).transpose(1, 2).reshape(b, n_q, d)  # (batch, queries, d_model)
        return self.out_proj(out), weights


class EncoderLayer(nn.Module):
    """Post-norm Transformer layer (the computation of ``nn.TransformerEncoderLayer``, ReLU,
    ``norm_first=False``): attention, add, LayerNorm, feed-forward, add, LayerNorm.

    x (batch, time, d_model) -> (batch, time, d_model), weights (batch, heads, time, time).
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.dropout, self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, x: torch.Tensor):
        attended, weights = self.self_attn(x)
        x = self.norm1(x + self.dropout1(attended))
        x = self.norm2(x + self.dropout2(self.linear2(self.dropout(F.relu(self.linear1(x))))))
        return x, weights


def _check_config(input_len, horizon, d_model, n_heads, n_layers, d_ff, dropout) -> None:
    for name, value in (("input_len", input_len), ("horizon", horizon), ("d_model", d_model),
                        ("n_heads", n_heads), ("n_layers", n_layers), ("d_ff", d_ff)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if d_model % n_heads:
        raise ValueError(f"d_model ({d_model}) must be divisible by n_heads, got n_heads={n_heads}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")


def _check_input(x: torch.Tensor, input_len: int) -> None:
    if x.ndim != 2 or x.shape[1] != input_len:
        raise ValueError(f"x must have shape (batch, {input_len}), got {tuple(x.shape)}")


class Encoder(nn.Module):
    """What both forecasters share: each value embedded by a linear map, plus the sine/cosine code of
    its position (``n_positions`` codes are kept), then ``n_layers`` post-norm encoder layers."""

    def __init__(self, input_len: int, horizon: int, n_positions: int, d_model: int, n_heads: int,
                 n_layers: int, d_ff: int, dropout: float):
        super().__init__()
        _check_config(input_len, horizon, d_model, n_heads, n_layers, d_ff, dropout)
        self.input_len, self.horizon = input_len, horizon
        self.embed = nn.Linear(1, d_model)
        self.register_buffer("positions", sinusoidal_positions(n_positions, d_model))
        self.layers = nn.ModuleList(EncoderLayer(d_model, n_heads, d_ff, dropout) for _ in range(n_layers))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (batch, T) -> states (batch, T, d_model), weights (batch, layers, heads, T, T)."""
        _check_input(x, self.input_len)
        h = self.embed(x[..., None]) + self.positions[:self.input_len]  # (batch, T, d_model)
        maps = []
        for layer in self.layers:
            h, weights = layer(h)  # weights (batch, heads, T, T)
            maps.append(weights)
        return h, torch.stack(maps, dim=1)


class TransformerForecaster(Encoder):
    """A window of past values -> the next ``horizon`` values: x (batch, input_len) -> (batch, horizon).

    Each value is embedded by a linear map, a sine/cosine position code is added, ``n_layers``
    post-norm encoder layers mix the steps, a linear ``readout`` turns each position into one number
    and a linear ``head`` maps those ``input_len`` numbers to the forecast. The residual paths, the
    readout and the head form a route that does not pass through attention. The head starts at zero:
    the untrained model forecasts 0 in model units (the window's centre).
    """

    def __init__(self, input_len: int = 100, horizon: int = 20, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2, d_ff: int = 256, dropout: float = 0.1):
        super().__init__(input_len, horizon, input_len, d_model, n_heads, n_layers, d_ff, dropout)
        self.readout = nn.Linear(d_model, 1)
        self.head = nn.Linear(input_len, horizon)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward_with_weights(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (batch, T) -> forecast (batch, horizon), weights (batch, layers, heads, T, T)."""
        h, maps = self.encode(x)  # (batch, T, d_model), (batch, layers, heads, T, T)
        forecast = self.head(self.readout(h).squeeze(-1))  # (batch, T) -> (batch, horizon)
        return forecast, maps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (batch, T) -> forecast (batch, horizon)."""
        return self.forward_with_weights(x)[0]


def alibi_bias(n_heads: int, query_positions: torch.Tensor, n_keys: int) -> torch.Tensor:
    """The fixed linear recency bias of ALiBi (Press et al.): head i subtracts ``2^(-8 i / n_heads)`` times
    the lag ``query position - key position`` from its scores. -> (heads, queries, keys)."""
    slopes = 2.0 ** (-8.0 * torch.arange(1, n_heads + 1) / n_heads)
    lag = query_positions[:, None].float() - torch.arange(n_keys, dtype=torch.float32)[None, :]
    return -slopes[:, None, None] * lag


class HorizonQueryForecaster(Encoder):
    """The same encoder, but the forecast must pass through attention: x (batch, T) -> (batch, horizon).

    After the encoder, one attention layer reads the forecast out: ``horizon`` learned queries, query h
    being a learned vector plus the position code of the future step T + h - 1, attend to the encoder's
    T outputs, and a linear readout turns each query's attention output into the forecast for its step.
    The window reaches the forecast only through those attention weights. The read-out scores carry
    ALiBi's fixed recency bias, so that at the start some heads already read recent steps (without it,
    the per-window scaling makes the uniform average of the inputs 0 and training stalls for epochs).
    """

    def __init__(self, input_len: int = 100, horizon: int = 20, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2, d_ff: int = 256, dropout: float = 0.1):
        super().__init__(input_len, horizon, input_len + horizon, d_model, n_heads, n_layers, d_ff, dropout)
        self.queries = nn.Parameter(torch.randn(horizon, d_model))
        self.register_buffer("recency", alibi_bias(n_heads, input_len + torch.arange(horizon), input_len))
        self.read_attn = MultiHeadAttention(d_model, n_heads, dropout)
        self.readout = nn.Linear(d_model, 1)

    def forward_with_weights(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (batch, T) -> forecast (batch, horizon), weights (batch, 1, heads, horizon, T): the maps of
        the read-out attention (query h, input step)."""
        h = self.encode(x)[0]  # (batch, T, d_model)
        queries = (self.queries + self.positions[self.input_len:]).expand(len(x), -1, -1)  # (batch, horizon, d_model)
        read, weights = self.read_attn(queries, h, self.recency)  # (batch, horizon, d_model), (b, heads, horizon, T)
        return self.readout(read).squeeze(-1), weights[:, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (batch, T) -> forecast (batch, horizon)."""
        return self.forward_with_weights(x)[0]
