"""Additive (Bahdanau) attention, shared by the classifier of Chapter 3 and the seq2seq of Chapter 4."""
import torch
from torch import nn


class AdditiveAttention(nn.Module):
    """``score(q, k_t) = v . tanh(W_q q + W_k k_t)``, softmax over time, context = weighted sum of keys.

    query (batch, query_dim), keys (batch, time, key_dim), mask (batch, time) with True on real steps
    -> context (batch, key_dim), weights (batch, time); masked steps get weight 0.
    """

    def __init__(self, query_dim: int, key_dim: int, hidden_dim: int):
        super().__init__()
        self.query_proj = nn.Linear(query_dim, hidden_dim, bias=False)
        self.key_proj = nn.Linear(key_dim, hidden_dim)
        self.v = nn.Linear(hidden_dim, 1, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        scores = self.v(torch.tanh(self.query_proj(query)[:, None, :] + self.key_proj(keys))).squeeze(-1)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)  # (batch, time)
        context = torch.bmm(weights[:, None, :], keys).squeeze(1)  # (batch, key_dim)
        return context, weights
