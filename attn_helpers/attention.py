"""Attention weights, additive (Bahdanau) attention, and the one way to erase attention.

Every attention module in the book turns its scores into weights with a :class:`MaskedSoftmax`
submodule. To erase attention, :func:`swap_weights` replaces those submodules in a copy of a trained
model, e.g. with :class:`UniformAttention` (every real step gets ``1/T``); nothing else changes.
"""
import copy
from typing import Callable

import torch
from torch import nn


def _check_mask(mask: torch.Tensor | None, scores: torch.Tensor) -> None:
    if mask is None:
        return
    if mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor (True on real steps), got {mask.dtype}")
    try:
        torch.broadcast_shapes(mask.shape, scores.shape)
    except RuntimeError:
        raise ValueError(f"mask of shape {tuple(mask.shape)} does not broadcast to the scores "
                         f"{tuple(scores.shape)}") from None
    if not bool(mask.any(dim=-1).all()):
        raise ValueError("mask must keep at least one step (True) in every row")


class MaskedSoftmax(nn.Module):
    """scores (..., time), mask broadcastable to it (True on real steps) -> weights (..., time).

    Softmax over the last axis; masked steps get weight 0.
    """

    def forward(self, scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        _check_mask(mask, scores)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=-1)


class UniformAttention(nn.Module):
    """Erased attention, called like :class:`MaskedSoftmax`: ``1/T`` on each of the T real steps,
    whatever the scores."""

    def forward(self, scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        _check_mask(mask, scores)
        real = torch.ones_like(scores) if mask is None else mask.expand_as(scores).to(scores.dtype)
        return real / real.sum(dim=-1, keepdim=True)


def swap_weights(model: nn.Module, make: Callable[[], nn.Module] = UniformAttention) -> nn.Module:
    """A copy of ``model`` in which every :class:`MaskedSoftmax` is replaced by ``make()``.

    ``swap_weights(model)`` is the model with its attention erased (uniform weights).
    Raises ValueError when the model has no MaskedSoftmax to replace.
    """
    erased = copy.deepcopy(model)
    names = [name for name, module in erased.named_modules() if isinstance(module, MaskedSoftmax)]
    if not names:
        raise ValueError(f"{type(model).__name__} has no MaskedSoftmax module: nothing to swap")
    for name in names:
        parent_name, _, child = name.rpartition(".")
        setattr(erased.get_submodule(parent_name) if parent_name else erased, child, make())
    return erased


class AdditiveAttention(nn.Module):
    """``score_t = v . tanh(W_q q + W_k k_t + b)``, weights = softmax over time, context = sum_t weights_t k_t.

    query (batch, query_dim), keys (batch, time, key_dim), mask (batch, time) with True on real steps
    -> context (batch, key_dim), weights (batch, time). With ``query_dim=None`` there is no query:
    call it with ``query=None`` and the score depends on the keys alone.
    """

    def __init__(self, query_dim: int | None, key_dim: int, hidden_dim: int):
        super().__init__()
        self.query_proj = nn.Linear(query_dim, hidden_dim, bias=False) if query_dim else None
        self.key_proj = nn.Linear(key_dim, hidden_dim)
        self.v = nn.Linear(hidden_dim, 1, bias=False)
        self.softmax = MaskedSoftmax()

    def forward(self, query: torch.Tensor | None, keys: torch.Tensor, mask: torch.Tensor | None = None):
        if (query is None) != (self.query_proj is None):
            raise ValueError("query must be given exactly when the module was built with a query_dim")
        projected = self.key_proj(keys)  # (batch, time, hidden)
        if query is not None:
            projected = projected + self.query_proj(query)[:, None, :]
        scores = self.v(torch.tanh(projected)).squeeze(-1)  # (batch, time)
        weights = self.softmax(scores, mask)  # (batch, time)
        context = torch.bmm(weights[:, None, :], keys).squeeze(1)  # (batch, key_dim)
        return context, weights
