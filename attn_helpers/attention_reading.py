"""Reading pooling weights over a time window honestly (Chapter 2).

Every read-out is against the uniform weight ``1/T``; an erasure test checks that the attended
steps matter to the forecast. Step ``i`` of a ``T``-step window lies ``T - i`` steps before the
target, so the last step is 1 step ago (not 0).
"""
from typing import Callable

import numpy as np
import torch
from matplotlib.figure import Figure

from .metrics import normalized_entropy, rmse
from .plots import new_figure


def _numpy(x) -> np.ndarray:
    return np.asarray(x.detach().cpu() if isinstance(x, torch.Tensor) else x, dtype=float)


def _weights(weights, name: str = "weights") -> np.ndarray:
    w = _numpy(weights)
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
    w = _weights(weights)
    if w.ndim != 2:
        raise ValueError(f"weights must have shape (windows, steps), got {w.shape}")
    return w.mean(axis=0)


def top_steps(profile, k: int) -> np.ndarray:
    """Indices of the ``k`` largest weights, largest first (ties: the more recent step first)."""
    p = _weights(profile, "profile")
    if p.ndim != 1:
        raise ValueError(f"profile must be 1-D (steps,), got shape {p.shape}")
    if not 1 <= k <= len(p):
        raise ValueError(f"k must be in [1, {len(p)}] (the number of steps), got {k}")
    return np.lexsort((-np.arange(len(p)), -p))[:k]


def top_k_readout(profile, k: int = 5, unit: str = "h") -> str:
    """The ``k`` most attended steps as "1. 1h ago: 0.3245 (32.5%)", each with its ratio to 1/T."""
    p = _weights(profile, "profile")
    ago = hours_ago(len(p))
    lines = [f"Top {k} most attended steps (uniform 1/{len(p)} = {1 / len(p):.4f}):"]
    for rank, i in enumerate(top_steps(p, k), start=1):
        lines.append(f"{rank}. {ago[i]}{unit} ago: {p[i]:.4f} ({100 * p[i]:.1f}%) = {p[i] * len(p):.2f} x uniform")
    return "\n".join(lines)


def true_lags_in_top(profile, true_lags, k: int = 3) -> float:
    """Fraction of ``true_lags`` (steps ago) found among the ``k`` most attended steps."""
    p = _weights(profile, "profile")
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
    x, w = _numpy(inputs), _weights(weights)
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


def profile_figure(profiles, true_lags=(), title: str = "average attention by hours ago",
                   unit: str = "h", ax=None) -> Figure:
    """Mean attention per step (bars: mean over the rows of ``profiles`` (runs, T); whiskers: min-max)
    against the uniform 1/T line, the time axis labelled in steps ago with the true lags marked."""
    p = np.atleast_2d(_weights(profiles, "profiles"))
    window = p.shape[1]
    ago = hours_ago(window)
    if ax is None:
        fig, ax = new_figure((8, 3.2))
    else:
        fig = ax.figure
    mean = p.mean(axis=0)
    spread = np.vstack([mean - p.min(axis=0), p.max(axis=0) - mean]) if len(p) > 1 else None
    ax.bar(-ago, mean, width=0.8, color="C0", yerr=spread, error_kw={"lw": 0.8, "capsize": 1.5},
           label=f"mean over {len(p)} run(s)" + (", min-max" if len(p) > 1 else ""))
    ax.axhline(1 / window, color="black", ls="--", lw=1, label=f"uniform 1/{window}")
    for j, lag in enumerate(true_lags):
        ax.axvline(-lag, color="C3", ls=":", lw=1.2, label="true lag" if j == 0 else None)
    ticks = sorted({window, *range(window - window % 6, 0, -6), 1, *true_lags}, reverse=True)
    ax.set_xticks([-t for t in ticks], [f"{t}{unit}" for t in ticks])
    ax.set_xlim(-window - 1, 0)
    ax.set_xlabel(f"{'hours' if unit == 'h' else 'steps'} before the target")
    ax.set_ylabel("attention weight")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def window_view(history, truth, forecast, weights, unit: str = "", name: str = "series",
                baseline=None, baseline_name: str = "baseline", step_unit: str = "h") -> Callable[[int], tuple[Figure, str]]:
    """A ``draw(window) -> (Figure, caption_html)`` for :class:`attn_helpers.widgets.Explorer`.

    history (n, T): the series over each window; truth, forecast (n,) the next value; weights (n, T).
    The figure shows the window with the truth and the forecast, and the attention against 1/T;
    ``unit`` is the series' unit, ``step_unit`` the time step's ("h": the last step is "1h ago").
    """
    history, w = _numpy(history), _weights(weights)
    truth, forecast = _numpy(truth).reshape(-1), _numpy(forecast).reshape(-1)
    if history.shape != w.shape or truth.shape != (len(w),) or forecast.shape != (len(w),):
        raise ValueError(f"history and weights must be (n, T), truth and forecast (n,); got {history.shape}, "
                         f"{w.shape}, {truth.shape}, {forecast.shape}")
    base = None if baseline is None else _numpy(baseline).reshape(-1)
    n, window = w.shape
    ago = hours_ago(window)
    entropy = normalized_entropy(w)

    def draw(window_index: int) -> tuple[Figure, str]:
        if not 0 <= window_index < n:
            raise ValueError(f"window_index must be in [0, {n - 1}], got {window_index}")
        i = window_index
        fig, (top, bottom) = new_figure((8, 4.2), 2, 1, sharex=True, height_ratios=[3, 2])
        top.plot(-ago, history[i], color="black", lw=1, marker=".", ms=3, label=name)
        top.plot([0], [truth[i]], "o", color="black", label="truth")
        top.plot([0], [forecast[i]], "x", color="C3", ms=9, mew=2, label="forecast")
        if base is not None:
            top.plot([0], [base[i]], "+", color="C2", ms=9, mew=2, label=baseline_name)
        top.set_ylabel(unit or name)
        top.legend(fontsize=8, loc="upper left")
        top.set_title(f"test window {i}")
        bottom.bar(-ago, w[i], width=0.8, color="C0")
        bottom.axhline(1 / window, color="black", ls="--", lw=1, label=f"uniform 1/{window}")
        bottom.set_ylabel("attention")
        ticks = sorted({window, *range(window - window % 6, 0, -6), 1}, reverse=True)
        bottom.set_xticks([-t for t in ticks] + [0], [f"{t}{step_unit}" for t in ticks] + ["target"])
        bottom.set_xlabel(f"{'hours' if step_unit == 'h' else 'steps'} before the target")
        bottom.legend(fontsize=8, loc="upper left")
        fig.tight_layout()
        peak = int(top_steps(w[i], 1)[0])
        caption = (f"Window {i}: forecast {forecast[i]:.2f}, truth {truth[i]:.2f} "
                   f"(error {forecast[i] - truth[i]:+.2f}{' ' + unit if unit else ''}). Most attended step: {ago[peak]}{step_unit} ago, "
                   f"weight {w[i, peak]:.3f} = {w[i, peak] * window:.1f} x uniform 1/{window}; "
                   f"normalised entropy {entropy[i]:.3f}.")
        return fig, caption

    return draw
