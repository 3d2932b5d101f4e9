"""Reading pooling weights over a time window honestly (Chapter 2).

Every read-out is against the uniform weight ``1/T``; an erasure test checks that the attended
steps matter to the forecast. Step ``i`` of a ``T``-step window lies ``T - i`` steps before the
target, so the last step is 1 step ago (not 0).
"""
from typing import Callable

import numpy as np
import torch

from ..metrics import as_numpy, rmse


def as_weights(weights, name: str = "weights") -> np.ndarray:
    w = as_numpy(weights, float)
    if w.ndim < 1 or w.shape[-1] < 2:
        raise ValueError(f"{name} must have at least 2 steps on its last axis, got shape {w.shape}")
    if np.any(w < 0) or not np.allclose(w.sum(-1), 1.0, atol=1e-4):
        raise ValueError(f"{name} must be non-negative and sum to 1 over the steps (last axis)")
    return w


def hours_ago(window: int) -> np.ndarray:
    """How long before the target each step of a window lies: (window,) = [window, ..., 2, 1]."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    return np.arange(window, 0, -1)


def attention_profile(weights) -> np.ndarray:
    """The mean weight of each step over all windows: (n, T) -> (T,), sums to 1."""
    w = as_weights(weights)
    if w.ndim != 2:
        raise ValueError(f"weights must have shape (windows, steps), got {w.shape}")
    return w.mean(axis=0)


def top_steps(profile, k: int) -> np.ndarray:
    """Indices of the ``k`` largest weights, largest first (ties: the more recent step first)."""
    p = as_weights(profile, "profile")
    if p.ndim != 1:
        raise ValueError(f"profile must be 1-D (steps,), got shape {p.shape}")
    if not 1 <= k <= len(p):
        raise ValueError(f"k must be in [1, {len(p)}] (the number of steps), got {k}")
    return np.lexsort((-np.arange(len(p)), -p))[:k]


def top_k_readout(profile, k: int = 5, unit: str = "h") -> str:
    """The ``k`` most attended steps as "1. 1h ago: 0.3245 (32.5%)", each with its ratio to 1/T."""
    p = as_weights(profile, "profile")
    ago = hours_ago(len(p))
    lines = [f"Top {k} most attended steps (uniform 1/{len(p)} = {1 / len(p):.4f}):"]
    for rank, i in enumerate(top_steps(p, k), start=1):
        lines.append(f"{rank}. {ago[i]}{unit} ago: {p[i]:.4f} ({100 * p[i]:.1f}%) = {p[i] * len(p):.2f} x uniform")
    return "\n".join(lines)


def true_lags_in_top(profile, true_lags, k: int = 3) -> float:
    """Fraction of ``true_lags`` (steps ago) found among the ``k`` most attended steps."""
    p = as_weights(profile, "profile")
    true_lags = np.asarray(true_lags, dtype=int)
    if true_lags.size == 0 or np.any((true_lags < 1) | (true_lags > len(p))):
        raise ValueError(f"true_lags must be non-empty and lie in [1, {len(p)}], got {true_lags.tolist()}")
    found = set(hours_ago(len(p))[top_steps(p, k)].tolist())
    return float(np.mean([lag in found for lag in true_lags]))


def erasure_test(predict: Callable[[np.ndarray], np.ndarray], inputs, targets, weights, k: int,
                 neutral=0.0, repeats: int = 5, seed: int = 0) -> dict[str, float]:
    """Erase the ``k`` most attended steps of each window, and separately ``k`` random steps.

    Erasing sets every feature of a step to ``neutral`` (a scalar or one value per feature, e.g. the
    training mean). ``predict`` maps inputs (n, T, features) to forecasts shaped like ``targets``.
    Random steps are drawn ``repeats`` times (seeded) and their RMSEs averaged. Returns the RMSEs, the
    increase of each over the clean RMSE, and ``ratio`` = top-k increase / random-k increase
    (inf when random erasure does not raise the error).
    """
    x, w = as_numpy(inputs, float), as_weights(weights)
    if x.ndim != 3 or w.shape != x.shape[:2]:
        raise ValueError(f"inputs must be (n, T, features) and weights (n, T), got {x.shape} and {w.shape}")
    if not 1 <= k < x.shape[1]:
        raise ValueError(f"k must be in [1, {x.shape[1] - 1}] (fewer than the steps), got {k}")
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    rows = np.arange(len(x))[:, None]

    def rmse_without(steps: np.ndarray) -> float:
        erased = x.copy()
        erased[rows, steps] = neutral
        return rmse(predict(erased), targets)

    clean = rmse(predict(x), targets)
    top = rmse_without(np.argsort(-w, axis=1, kind="stable")[:, :k])
    rng = np.random.default_rng(seed)
    random = float(np.mean([rmse_without(rng.random(w.shape).argsort(axis=1)[:, :k]) for _ in range(repeats)]))
    top_increase, random_increase = top - clean, random - clean
    ratio = top_increase / random_increase if random_increase > 0 else float("inf")
    return {"rmse": clean, "rmse_top_k": top, "rmse_random_k": random, "increase_top_k": top_increase,
            "increase_random_k": random_increase, "ratio": ratio}


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
