"""Sequence classifiers for the sine anomaly task: one bidirectional LSTM encoder, three ways to pool it.

- :class:`BiLSTMAttentionClassifier`: additive attention without a query (the weights depend on the
  LSTM states alone), the blog post's model;
- :class:`BiLSTMPoolingClassifier`: the same encoder and head with mean or max pooling over time, no attention.
"""
import copy

import torch
from torch import nn

from ..attention import AdditiveAttention

POOLINGS = ("mean", "max")


class BiLSTMAttentionClassifier(nn.Module):
    """Bidirectional LSTM, additive attention over its states, linear head: one logit per series.

    ``forward(x)``: x (batch, time, features) -> logits (batch,).
    ``forward_with_weights(x)`` -> (logits (batch,), attention weights (batch, time)).
    """

    def __init__(self, input_size: int = 2, hidden_size: int = 32, attention_size: int = 32):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.attention = AdditiveAttention(None, 2 * hidden_size, attention_size)  # no query: see fold_constant_query
        self.head = nn.Linear(2 * hidden_size, 1)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The keys: both LSTM directions at every step, (batch, time, 2 * hidden)."""
        return self.lstm(x)[0]

    def forward_with_weights(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        keys = self.encode(x)  # (batch, time, 2 * hidden)
        context, weights = self.attention(None, keys)  # (batch, 2 * hidden), (batch, time)
        return self.head(context).squeeze(-1), weights  # (batch,), (batch, time)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_weights(x)[0]


def _check_pooling(pooling: str) -> None:
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")


class BiLSTMPoolingClassifier(nn.Module):
    """The same encoder and head without attention: the LSTM states pooled over time.

    ``pooling="mean"`` averages the states (every step weighs 1/T), ``"max"`` takes each feature's
    largest value over time. x (batch, time, features) -> logits (batch,).
    """

    def __init__(self, input_size: int = 2, hidden_size: int = 32, pooling: str = "mean"):
        super().__init__()
        _check_pooling(pooling)
        self.pooling = pooling
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden_size, 1)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Both LSTM directions at every step, (batch, time, 2 * hidden)."""
        return self.lstm(x)[0]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states = self.encode(x)  # (batch, time, 2 * hidden)
        pooled = states.mean(dim=1) if self.pooling == "mean" else states.amax(dim=1)  # (batch, 2 * hidden)
        return self.head(pooled).squeeze(-1)  # (batch,)


def _check_constant_query(attention: AdditiveAttention, query: torch.Tensor) -> None:
    if attention.query_proj is None:
        raise ValueError("attention has no query projection: it was built with query_dim=None")
    if query.shape != (attention.query_proj.in_features,):
        raise ValueError(f"query must be one vector of shape ({attention.query_proj.in_features},), "
                         f"got {tuple(query.shape)}")


@torch.no_grad()
def fold_constant_query(attention: AdditiveAttention, query: torch.Tensor) -> AdditiveAttention:
    """The same attention without a query: ``W_q q`` moves into the key projection's bias.

    A query that is the same for every series adds the same vector inside the tanh at every step,
    ``tanh(W_q q + W_k k_t + b) = tanh(W_k k_t + (b + W_q q))``, so it is a bias and nothing more.
    attention built with a query_dim, query (query_dim,) -> AdditiveAttention(query_dim=None), called
    as ``folded(None, keys)``, with the same weights and context as ``attention(query, keys)``.
    """
    _check_constant_query(attention, query)
    folded = AdditiveAttention(None, attention.key_proj.in_features, attention.key_proj.out_features)
    folded.key_proj = copy.deepcopy(attention.key_proj)
    folded.v = copy.deepcopy(attention.v)
    folded.key_proj.bias += attention.query_proj(query)
    return folded
