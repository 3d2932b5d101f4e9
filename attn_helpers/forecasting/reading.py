"""Reading pooling weights over a time window honestly (Chapter 2).

Every read-out is against the uniform weight ``1/T``. Two erasure tests check that the attended
steps matter to the forecast: (a) remove the largest attention weights inside the model and
renormalise (:func:`weight_erasure_test`), (b) overwrite the most attended input steps with a fill
value (:func:`occlusion_test`). Step ``i`` of a ``T``-step window lies ``T - i`` steps before the
target, so the last step is 1 step ago (not 0).
"""
from typing import Callable

import numpy as np
import torch
from torch import nn

from ..attention import MaskedSoftmax, swap_weights
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


def top_weight_share(weights, lags) -> float:
    """Share of windows whose largest weight sits on that window's own lag.

    weights (n, T); lags (n,) in steps before the target (the last step is 1).
    """
    w, lags = as_weights(weights), np.asarray(lags)
    if w.ndim != 2 or lags.shape != (len(w),):
        raise ValueError(f"weights must be (windows, steps) and lags (windows,), got {w.shape} and {lags.shape}")
    return float(np.mean(hours_ago(w.shape[1])[w.argmax(axis=1)] == lags))


def fixed_step_share(lags) -> float:
    """The largest share of windows that any one fixed step hits: the best a position-only rule can do.

    lags (n,) -> the share of the most common lag.
    """
    lags = np.asarray(lags)
    if lags.ndim != 1 or len(lags) == 0:
        raise ValueError(f"lags must be a non-empty 1-D array, got shape {lags.shape}")
    return float(np.unique(lags, return_counts=True)[1].max() / len(lags))


def score_part_spread(parts: dict) -> dict[str, float]:
    """How much each part of a pooling score moves: the content part across windows (its standard
    deviation over windows, averaged over steps) and the position part across steps (its standard
    deviation over the steps). parts: ``content`` (n, T), ``position`` (T,)."""
    content, position = as_numpy(parts["content"], float), as_numpy(parts["position"], float)
    if content.ndim != 2 or position.shape != content.shape[1:]:
        raise ValueError(f"content must be (windows, steps) and position (steps,), got {content.shape} "
                         f"and {position.shape}")
    return {"content_sd_across_windows": float(content.std(axis=0).mean()),
            "position_sd_across_steps": float(position.std())}


# --- erasure: (a) remove attention weights inside the model, (b) occlude input steps ----------------

_SOFTMAX = MaskedSoftmax()


def _check_k(k: int) -> None:
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an int >= 1, got {k!r}")


def _check_k_fits(k: int, scores: torch.Tensor) -> None:
    if k >= scores.shape[-1]:
        raise ValueError(f"k must be in [1, {scores.shape[-1] - 1}] (fewer than the {scores.shape[-1]} steps), got {k}")


class TopKRemoved(nn.Module):
    """Called like :class:`~attn_helpers.attention.MaskedSoftmax`: the softmax weights with the ``k``
    largest of each row set to 0 and the others renormalised to sum to 1.

    scores (..., time), mask (True on real steps) -> weights (..., time). Renormalising is done as a
    softmax over the steps that are left, which is the same thing and never divides by 0.
    """

    def __init__(self, k: int):
        super().__init__()
        _check_k(k)
        self.k = k

    def removed(self, scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """The steps to remove: a bool tensor shaped like ``scores``."""
        ranked = scores if mask is None else scores.masked_fill(~mask, float("-inf"))
        top = ranked.topk(self.k, dim=-1).indices
        return torch.zeros_like(scores, dtype=torch.bool).scatter(-1, top, True)

    def forward(self, scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        _check_k_fits(self.k, scores)
        real = torch.ones_like(scores, dtype=torch.bool) if mask is None else mask.expand_as(scores)
        return _SOFTMAX(scores, real & ~self.removed(scores, mask))


class RandomKRemoved(TopKRemoved):
    """Like :class:`TopKRemoved`, but the ``k`` steps removed from each row are drawn at random
    (with its own seeded generator): the control for the top-k removal."""

    def __init__(self, k: int, seed: int = 0):
        super().__init__(k)
        self.generator = torch.Generator().manual_seed(seed)

    def removed(self, scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        draws = torch.rand(scores.shape, generator=self.generator).to(scores.device)
        return super().removed(draws, mask)


def _per(part: float, whole: float) -> float:
    """part / whole, with x / 0 = inf for x > 0 (and 0 for x <= 0)."""
    return part / whole if whole > 0 else (float("inf") if part > 0 else 0.0)


def _erasure_summary(clean: float, top: float, random: float) -> dict[str, float]:
    top_increase, random_increase = top - clean, random - clean
    return {"rmse": clean, "rmse_top_k": top, "rmse_random_k": random, "increase_top_k": top_increase,
            "increase_random_k": random_increase, "relative_increase_top_k": _per(top_increase, clean),
            "relative_increase_random_k": _per(random_increase, clean), "ratio": _per(top_increase, random_increase)}


def _check_repeats(repeats: int) -> None:
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")


def weight_erasure_test(model: nn.Module, forecast: Callable[[nn.Module], np.ndarray], targets, k: int,
                        repeats: int = 5, seed: int = 0) -> dict[str, float]:
    """Test (a): remove the ``k`` largest attention weights inside the model and renormalise the rest
    (:class:`TopKRemoved`), then ``k`` random ones (:class:`RandomKRemoved`, ``repeats`` seeded draws).

    ``forecast(model)`` returns that model's forecasts, shaped like ``targets``. Returns the RMSEs, the
    increase of each over the clean RMSE (also relative to it), ``ratio`` = top-k increase / random-k
    increase (inf when only the top-k removal raises the error) and ``rmse_uniform``: every weight 1/T.
    """
    _check_k(k)
    _check_repeats(repeats)
    clean = rmse(forecast(model), targets)
    top = rmse(forecast(swap_weights(model, lambda: TopKRemoved(k))), targets)
    random = float(np.mean([rmse(forecast(swap_weights(model, lambda: RandomKRemoved(k, seed + r))), targets)
                            for r in range(repeats)]))
    return {**_erasure_summary(clean, top, random), "rmse_uniform": rmse(forecast(swap_weights(model)), targets)}


def _check_occlusion(x: np.ndarray, w: np.ndarray, k: int, repeats: int) -> None:
    if x.ndim != 3 or w.shape != x.shape[:2]:
        raise ValueError(f"inputs must be (n, T, features) and weights (n, T), got {x.shape} and {w.shape}")
    if not 1 <= k < x.shape[1]:
        raise ValueError(f"k must be in [1, {x.shape[1] - 1}] (fewer than the steps), got {k}")
    _check_repeats(repeats)


def occlusion_test(predict: Callable[[np.ndarray], np.ndarray], inputs, targets, weights, k: int, *,
                   fill, repeats: int = 5, seed: int = 0) -> dict[str, float]:
    """Test (b): overwrite the ``k`` most attended input steps of each window with ``fill`` (a scalar,
    or one value per feature, e.g. the training mean), then ``k`` random steps (``repeats`` seeded draws).

    ``predict`` maps inputs (n, T, features) to forecasts shaped like ``targets``; weights (n, T).
    Returns the same keys as :func:`weight_erasure_test`, without ``rmse_uniform``.
    """
    x, w = as_numpy(inputs, float), as_weights(weights)
    _check_occlusion(x, w, k, repeats)
    rows = np.arange(len(x))[:, None]

    def rmse_without(steps: np.ndarray) -> float:
        occluded = x.copy()
        occluded[rows, steps] = fill
        return rmse(predict(occluded), targets)

    rng = np.random.default_rng(seed)
    random = float(np.mean([rmse_without(rng.random(w.shape).argsort(axis=1)[:, :k]) for _ in range(repeats)]))
    return _erasure_summary(rmse(predict(x), targets), rmse_without(np.argsort(-w, axis=1, kind="stable")[:, :k]),
                            random)


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


def _shapes(value) -> str:
    if isinstance(value, torch.Tensor):
        return str(tuple(value.shape))
    if isinstance(value, (tuple, list)):
        return ", ".join(_shapes(v) for v in value if isinstance(v, (torch.Tensor, tuple, list)))
    return type(value).__name__


@torch.no_grad()
def shape_walk(model: nn.Module, x: torch.Tensor) -> list[tuple[str, str]]:
    """The output shapes of every part of ``model`` on input x, in the order they run.

    -> [(part name, shapes), ...], starting with ("input", shape of x); an LSTM's tuple output shows
    the states (batch, time, hidden) and its final (h, c). Uses ``forward_with_weights`` when the
    model has it, so the attention weights are part of the walk.
    """
    walk = [("input", _shapes(x))]

    def record(name):
        return lambda module, args, out: walk.append((name, _shapes(out)))

    hooks = [module.register_forward_hook(record(name)) for name, module in model.named_modules() if name]
    try:
        model.eval()
        (model.forward_with_weights if hasattr(model, "forward_with_weights") else model)(x)
    finally:
        for hook in hooks:
            hook.remove()
    return walk
