"""A small Transformer forecaster whose attention maps are read from its own forward pass (Chapter 5)."""
import math

import torch
import torch.nn.functional as F
from torch import nn


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


def written_out_attention(attn: nn.MultiheadAttention, x: torch.Tensor) -> torch.Tensor:
    """``softmax(Q K^T / sqrt(d_head))`` per head from the projections of ``attn``, written out
    (to check captured maps against): x (batch, time, d_model) -> (batch, heads, time, time)."""
    b, t, d = x.shape
    h = attn.num_heads
    q, k, _ = F.linear(x, attn.in_proj_weight, attn.in_proj_bias).chunk(3, dim=-1)
    q, k = (z.reshape(b, t, h, d // h).transpose(1, 2) for z in (q, k))
    return torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // h), dim=-1)


class EncoderLayer(nn.Module):
    """Post-norm encoder layer: the computation of ``nn.TransformerEncoderLayer(batch_first=True)``
    (ReLU, ``norm_first=False``), written out so that it can return the attention weights it used.

    x (batch, time, d_model) -> (batch, time, d_model), weights (batch, heads, time, time) or None.
    The LayerNorms come *after* each residual sum; the attention sees the layer's raw input.
    """

    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.dropout, self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout), nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, need_weights: bool = False, uniform_attention: bool = False):
        if uniform_attention:  # erasure test: every query spreads its weight evenly over all keys
            attended, weights = self.uniform_attention(x), None
        else:
            attended, weights = self.self_attn(x, x, x, need_weights=need_weights, average_attn_weights=False)
        x = self.norm1(x + self.dropout1(attended))
        x = self.norm2(x + self.dropout2(self.linear2(self.dropout(F.relu(self.linear1(x))))))
        return x, weights

    def uniform_attention(self, x: torch.Tensor) -> torch.Tensor:
        """The attention output had every weight been 1/time: (batch, time, d_model)."""
        d = x.shape[-1]
        values = F.linear(x, self.self_attn.in_proj_weight[2 * d:], self.self_attn.in_proj_bias[2 * d:])
        return self.self_attn.out_proj(values.mean(1, keepdim=True)).expand_as(x)


class TransformerForecaster(nn.Module):
    """A window of past values -> the next ``horizon`` values: x (batch, input_len) -> (batch, horizon).

    Each value is embedded by a linear map, a sinusoidal position code is added, ``n_layers`` post-norm
    encoder layers mix the steps, a linear ``readout`` turns each position into one number, and a
    linear ``head`` maps those ``input_len`` numbers to the forecast (like the linear baseline, but on
    learnt features). The head starts at zero, so the untrained model forecasts 0 in model units: the
    window's centre, which is persistence when each window is centred on its last value.
    """

    def __init__(self, input_len: int = 100, horizon: int = 20, d_model: int = 64, n_heads: int = 4,
                 n_layers: int = 2, d_ff: int = 256, dropout: float = 0.1):
        super().__init__()
        for name, value in (("input_len", input_len), ("horizon", horizon), ("d_model", d_model),
                            ("n_heads", n_heads), ("n_layers", n_layers), ("d_ff", d_ff)):
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads, got n_heads={n_heads}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        self.input_len, self.horizon = input_len, horizon
        self.embed = nn.Linear(1, d_model)
        self.register_buffer("positions", sinusoidal_positions(input_len, d_model))
        self.layers = nn.ModuleList(EncoderLayer(d_model, n_heads, d_ff, dropout) for _ in range(n_layers))
        self.readout = nn.Linear(d_model, 1)
        self.head = nn.Linear(input_len, horizon)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def _run(self, x: torch.Tensor, need_weights: bool, uniform_attention: bool):
        if x.ndim != 2 or x.shape[1] != self.input_len:
            raise ValueError(f"x must have shape (batch, {self.input_len}), got {tuple(x.shape)}")
        h = self.embed(x[..., None]) + self.positions  # (batch, time, d_model)
        maps = []
        for layer in self.layers:
            h, weights = layer(h, need_weights=need_weights, uniform_attention=uniform_attention)
            maps.append(weights)
        return self.head(self.readout(h).squeeze(-1)), maps

    def layer_inputs(self, x: torch.Tensor) -> list[torch.Tensor]:
        """What each layer receives in the forward pass: x (batch, input_len) -> [(batch, time, d_model)]."""
        h, inputs = self.embed(x[..., None]) + self.positions, []
        for layer in self.layers:
            inputs.append(h)
            h = layer(h)[0]
        return inputs

    def forward(self, x: torch.Tensor, uniform_attention: bool = False) -> torch.Tensor:
        """x (batch, input_len) -> (batch, horizon); ``uniform_attention=True`` replaces every map by 1/time."""
        return self._run(x, need_weights=False, uniform_attention=uniform_attention)[0]

    def forward_with_attention(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Predictions (batch, horizon) and the weights each layer used: (batch, layers, heads, time, time)."""
        predictions, maps = self._run(x, need_weights=True, uniform_attention=False)
        return predictions, torch.stack(maps, dim=1)
