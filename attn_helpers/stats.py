"""Intervals for the book's comparisons: a block bootstrap over time for error ratios, and the spread over seeds.

A ratio whose interval contains 1 (or two seeds' intervals that overlap) is a tie, never a win or a loss.
"""
import math

import numpy as np
from scipy import stats as scipy_stats

from .metrics import as_numpy


def _check_bootstrap(n: int, block: int, n_boot: int, confidence: float) -> None:
    if not 1 <= block <= n:
        raise ValueError(f"block must be in [1, {n}] (the number of time steps), got {block}")
    if n_boot < 100:
        raise ValueError(f"n_boot must be >= 100, got {n_boot}")
    if not 0.5 <= confidence < 1.0:
        raise ValueError(f"confidence must be in [0.5, 1), got {confidence}")


def _per_step_squared_error(pred, target) -> np.ndarray:
    pred, target = as_numpy(pred, float), as_numpy(target, float)
    if pred.shape != target.shape:
        raise ValueError(f"pred and target must have the same shape, got {pred.shape} and {target.shape}")
    err = (pred - target) ** 2
    return err.reshape(len(err), -1).mean(axis=1)  # (time,): one value per forecast origin


def block_bootstrap_ratio(pred_a, pred_b, target, block: int = 20, n_boot: int = 2000, root: bool = True,
                          confidence: float = 0.95, seed: int = 0) -> dict[str, float]:
    """Error of forecast a over error of forecast b, with a moving-block bootstrap interval.

    pred_a, pred_b, target: (time, ...) in time order. Blocks of ``block`` consecutive forecast origins
    are resampled with replacement (the same blocks for a and b), so serial correlation of the
    errors is kept. ``root=True`` compares RMSE, else MSE. -> ratio, ci_low, ci_high.
    """
    sq_a, sq_b = _per_step_squared_error(pred_a, target), _per_step_squared_error(pred_b, target)
    n = len(sq_a)
    _check_bootstrap(n, block, n_boot, confidence)
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n / block)
    starts = rng.integers(0, n - block + 1, size=(n_boot, n_blocks))
    index = (starts[:, :, None] + np.arange(block)).reshape(n_boot, -1)[:, :n]  # (n_boot, n)
    ratios = sq_a[index].mean(axis=1) / sq_b[index].mean(axis=1)
    ratio = sq_a.mean() / sq_b.mean()
    if root:
        ratios, ratio = np.sqrt(ratios), math.sqrt(ratio)
    tail = (1 - confidence) / 2
    low, high = np.quantile(ratios, [tail, 1 - tail])
    return {"ratio": float(ratio), "ci_low": float(low), "ci_high": float(high)}


def seed_spread(values, confidence: float = 0.95) -> dict[str, float]:
    """Mean, standard deviation, min, max and a t-interval of the mean over seeds (>= 2 values)."""
    v = as_numpy(values, float).ravel()
    if len(v) < 2:
        raise ValueError(f"values must hold at least 2 seeds' results, got {len(v)}")
    if not 0.5 <= confidence < 1.0:
        raise ValueError(f"confidence must be in [0.5, 1), got {confidence}")
    mean, sd = float(v.mean()), float(v.std(ddof=1))
    half = float(scipy_stats.t.ppf(0.5 + confidence / 2, len(v) - 1)) * sd / math.sqrt(len(v))
    return {"mean": mean, "sd": sd, "min": float(v.min()), "max": float(v.max()),
            "ci_low": mean - half, "ci_high": mean + half, "n": len(v)}


def verdict(ci_low: float, ci_high: float, reference: float = 1.0, lower_is_better: bool = True) -> str:
    """'better', 'worse' or 'tie': where an interval of a ratio lies relative to ``reference``."""
    if ci_low > ci_high:
        raise ValueError(f"ci_low must be <= ci_high, got {ci_low} > {ci_high}")
    if ci_low <= reference <= ci_high:
        return "tie"
    below = ci_high < reference
    return "better" if below == lower_is_better else "worse"
