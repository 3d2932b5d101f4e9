"""Sequence classifiers (Chapter 3)."""
import torch
from torch import nn

from ..attention import AdditiveAttention


class BiLSTMAttentionClassifier(nn.Module):
    """Bidirectional LSTM, additive attention with a learned query, linear head: one logit per series.

    x (batch, time, features) -> logits (batch,), attention weights (batch, time).
    """

    def __init__(self, input_size: int = 2, hidden_size: int = 32, attention_size: int = 32):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)
        # One learned query vector asks every series the same question: "which steps matter?"
        self.query = nn.Parameter(torch.randn(2 * hidden_size) / (2 * hidden_size) ** 0.5)
        self.attention = AdditiveAttention(2 * hidden_size, 2 * hidden_size, attention_size)
        self.head = nn.Linear(2 * hidden_size, 1)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The keys: both LSTM directions at every step, (batch, time, 2 * hidden)."""
        return self.lstm(x)[0]

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        keys = self.encode(x)
        context, weights = self.attention(self.query.expand(len(x), -1), keys)
        return self.head(context).squeeze(-1), weights
