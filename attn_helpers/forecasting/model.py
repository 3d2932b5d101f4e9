"""Chapters 1 and 2's forecasters: an LSTM, and an encoder with attention pooling or self-attention.

Models with attention follow the book's contract: ``forward(x)`` returns the forecast,
``forward_with_weights(x)`` returns ``(forecast, weights)``.
"""
import math

import torch
from torch import nn

from ..attention import MaskedSoftmax


class AttentionPooling(nn.Module):
    """``score_t = w . h_t + b``, ``weights = softmax_t(score)``, ``pooled = sum_t weights_t h_t``.

    states (batch, time, hidden), mask (batch, time) with True on real steps
    -> pooled (batch, hidden), weights (batch, time); masked steps get weight 0.
    """

    def __init__(self, hidden_size: int):
        super().__init__()
        self.score = nn.Linear(hidden_size, 1)
        self.softmax = MaskedSoftmax()

    def forward(self, states: torch.Tensor, mask: torch.Tensor | None = None):
        scores = self.score(states).squeeze(-1)  # (batch, time)
        weights = self.softmax(scores, mask)  # (batch, time)
        pooled = torch.bmm(weights[:, None, :], states).squeeze(1)  # (batch, hidden)
        return pooled, weights


class SelfAttentionGAP(nn.Module):
    """Single-head scaled dot-product self-attention over the steps, then the mean over time.

    ``A = softmax(Q K^T / sqrt(d))`` with ``Q, K, V`` linear maps of the states; ``out = A V``;
    ``pooled`` = mean of ``out`` over the real steps.
    states (batch, time, hidden), mask (batch, time) with True on real steps
    -> pooled (batch, hidden), weights (batch, time, time) (row = query step, column = key step).
    """

    def __init__(self, hidden_size: int):
        super().__init__()
        self.query = nn.Linear(hidden_size, hidden_size)
        self.key = nn.Linear(hidden_size, hidden_size)
        self.value = nn.Linear(hidden_size, hidden_size)
        self.softmax = MaskedSoftmax()

    def forward(self, states: torch.Tensor, mask: torch.Tensor | None = None):
        q, k, v = self.query(states), self.key(states), self.value(states)
        scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])  # (batch, time, time)
        weights = self.softmax(scores, None if mask is None else mask[:, None, :])
        out = weights @ v  # (batch, time, hidden)
        if mask is None:
            return out.mean(dim=1), weights
        keep = mask[..., None].to(out.dtype)
        return (out * keep).sum(dim=1) / keep.sum(dim=1), weights


class LSTMForecaster(nn.Module):
    """LSTM over the window, then a linear head on the last hidden state.

    x (batch, time, features) -> (batch, horizon)
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, horizon: int = 1):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, horizon)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)  # (batch, time, hidden)
        return self.head(out[:, -1])


def _check_encoder(encoder: str, num_layers: int) -> None:
    if encoder not in ("lstm", "linear"):
        raise ValueError(f"encoder must be 'lstm' or 'linear', got {encoder!r}")
    if num_layers < 1 or (encoder == "linear" and num_layers != 1):
        raise ValueError(f"num_layers must be >= 1 (and 1 for the linear encoder), got {num_layers}")


class AttentionPoolingForecaster(nn.Module):
    """An encoder over the window, attention pooling over its steps, then a head (Chapter 2).

    ``encoder="lstm"``: an LSTM (``num_layers`` deep) whose state at step t has read steps 1..t;
    ``encoder="linear"``: one linear map per step, so state t holds step t alone.
    With ``window=T`` a learned vector ``p_t`` per position is added to each state before pooling,
    so the scores can depend on how long ago a step was. The head is linear, or an MLP with
    ``head_hidden`` ReLU layers.
    x (batch, time, features) -> (batch, horizon); :meth:`forward_with_weights` also gives the
    attention weights (batch, time).
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, horizon: int = 1, window: int | None = None,
                 encoder: str = "lstm", num_layers: int = 1, head_hidden: tuple[int, ...] = ()):
        super().__init__()
        _check_encoder(encoder, num_layers)
        if encoder == "lstm":
            self.lstm = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        else:
            self.embed = nn.Linear(input_size, hidden_size)
        self.position = nn.Parameter(torch.zeros(window, hidden_size)) if window else None
        self.pool = AttentionPooling(hidden_size)
        sizes = (hidden_size, *head_hidden)
        layers = [m for a, b in zip(sizes, sizes[1:]) for m in (nn.Linear(a, b), nn.ReLU())]
        last = nn.Linear(sizes[-1], horizon)
        self.head = nn.Sequential(*layers, last) if layers else last

    def states(self, x: torch.Tensor) -> torch.Tensor:
        """What the pooling reads: x (batch, time, features) -> h_t + p_t (batch, time, hidden)."""
        states = self.lstm(x)[0] if hasattr(self, "lstm") else self.embed(x)  # (batch, time, hidden)
        if self.position is None:
            return states
        if x.shape[1] != len(self.position):
            raise ValueError(f"x must have {len(self.position)} time steps (the window), got {x.shape[1]}")
        return states + self.position

    def forward_with_weights(self, x: torch.Tensor):
        pooled, weights = self.pool(self.states(x))  # (batch, hidden), (batch, time)
        return self.head(pooled), weights

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_weights(x)[0]

    @torch.no_grad()
    def score_parts(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """The score ``w . (h_t + p_t) + b`` split into its parts: content ``w . h_t`` (batch, time),
        position ``w . p_t`` (time,) (zeros without position vectors) and the bias ``b`` (scalar)."""
        w, b = self.pool.score.weight[0], self.pool.score.bias[0]
        states = self.states(x)
        position = torch.zeros(x.shape[1], device=x.device) if self.position is None else self.position @ w
        return {"content": states @ w - position, "position": position, "bias": b}


class SelfAttentionGAPForecaster(nn.Module):
    """LSTM returning every step, self-attention over the steps, global average pooling, linear head.

    x (batch, time, features) -> (batch, horizon); :meth:`forward_with_weights` also gives the
    self-attention map (batch, time, time).
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, horizon: int = 1):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.attention = SelfAttentionGAP(hidden_size)
        self.head = nn.Linear(hidden_size, horizon)

    def forward_with_weights(self, x: torch.Tensor):
        states, _ = self.lstm(x)  # (batch, time, hidden)
        pooled, weights = self.attention(states)
        return self.head(pooled), weights

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_weights(x)[0]
