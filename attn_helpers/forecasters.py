"""Recurrent forecasters."""
import torch
from torch import nn


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


class AttentionPoolingForecaster(nn.Module):
    """LSTM returning every step, attention pooling over the steps, then a linear head (Chapter 2).

    With ``window=T`` a learned vector per position is added to each step's state before pooling,
    so the scores can depend on how long ago a step was; without it only the LSTM state can tell.
    x (batch, time, features) -> (batch, horizon); :meth:`forward_with_weights` also gives the
    attention weights (batch, time).
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, horizon: int = 1, window: int | None = None):
        super().__init__()
        from .attention_pooling import AttentionPooling

        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.position = nn.Parameter(torch.zeros(window, hidden_size)) if window else None
        self.pool = AttentionPooling(hidden_size)
        self.head = nn.Linear(hidden_size, horizon)

    def forward_with_weights(self, x: torch.Tensor):
        states, _ = self.lstm(x)  # (batch, time, hidden)
        if self.position is not None:
            if x.shape[1] != len(self.position):
                raise ValueError(f"x must have {len(self.position)} time steps (the window), got {x.shape[1]}")
            states = states + self.position
        pooled, weights = self.pool(states)
        return self.head(pooled), weights

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_weights(x)[0]


class SelfAttentionGAPForecaster(nn.Module):
    """LSTM returning every step, self-attention over the steps, global average pooling, linear head.

    x (batch, time, features) -> (batch, horizon); :meth:`forward_with_weights` also gives the
    self-attention map (batch, time, time).
    """

    def __init__(self, input_size: int = 1, hidden_size: int = 64, horizon: int = 1):
        super().__init__()
        from .attention_pooling import SelfAttentionGAP

        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
        self.attention = SelfAttentionGAP(hidden_size)
        self.head = nn.Linear(hidden_size, horizon)

    def forward_with_weights(self, x: torch.Tensor):
        states, _ = self.lstm(x)  # (batch, time, hidden)
        pooled, weights = self.attention(states)
        return self.head(pooled), weights

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_weights(x)[0]
