"""Pooling a sequence of hidden states into one vector with attention (Chapter 2).

``AttentionPooling``: one learned score per time step, softmax over time, weighted sum.
``SelfAttentionGAP``: every step attends to every step (scaled dot product), then the outputs are
averaged over time (global average pooling), as in the Keras recipe of one of the book's sources.
"""
import math

import torch
from torch import nn


def _check_mask(mask: torch.Tensor | None, batch: int, time: int) -> None:
    if mask is None:
        return
    if mask.dtype != torch.bool or mask.shape != (batch, time):
        raise ValueError(f"mask must be a bool tensor of shape (batch, time) = ({batch}, {time}), "
                         f"got {mask.dtype} {tuple(mask.shape)}")
    if not bool(mask.any(dim=1).all()):
        raise ValueError("mask must keep at least one step (True) in every row")


class AttentionPooling(nn.Module):
    """``score_t = w . h_t + b``, ``weights = softmax_t(score)``, ``pooled = sum_t weights_t h_t``.

    states (batch, time, hidden), mask (batch, time) with True on real steps
    -> pooled (batch, hidden), weights (batch, time); masked steps get weight 0.
    """

    def __init__(self, hidden_size: int):
        super().__init__()
        self.score = nn.Linear(hidden_size, 1)

    def forward(self, states: torch.Tensor, mask: torch.Tensor | None = None):
        _check_mask(mask, states.shape[0], states.shape[1])
        scores = self.score(states).squeeze(-1)  # (batch, time)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)  # (batch, time)
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

    def forward(self, states: torch.Tensor, mask: torch.Tensor | None = None):
        _check_mask(mask, states.shape[0], states.shape[1])
        q, k, v = self.query(states), self.key(states), self.value(states)
        scores = q @ k.transpose(1, 2) / math.sqrt(q.shape[-1])  # (batch, time, time)
        if mask is not None:
            scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        out = weights @ v  # (batch, time, hidden)
        if mask is None:
            return out.mean(dim=1), weights
        keep = mask[..., None].to(out.dtype)
        return (out * keep).sum(dim=1) / keep.sum(dim=1), weights


def step_weights(weights: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """How much each step contributes to the pooled vector of :class:`SelfAttentionGAP`.

    pooled = mean_i sum_j A_ij v_j = sum_j (mean_i A_ij) v_j, so the column means of ``A`` over the
    (real) query rows are the effective pooling weights: (batch, time, time) -> (batch, time), rows sum to 1.
    """
    if weights.ndim != 3 or weights.shape[1] != weights.shape[2]:
        raise ValueError(f"weights must have shape (batch, time, time), got {tuple(weights.shape)}")
    if mask is None:
        return weights.mean(dim=1)
    keep = mask[..., None].to(weights.dtype)  # (batch, time, 1): real query rows
    return (weights * keep).sum(dim=1) / keep.sum(dim=1)
