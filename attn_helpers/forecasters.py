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
