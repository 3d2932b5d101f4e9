"""Chapters 1 and 2's figures: attention profiles over the window and the window explorer's view."""
from typing import Callable

import numpy as np
from matplotlib.figure import Figure

from ..metrics import as_numpy, normalized_entropy
from ..plots import new_figure
from .reading import as_weights, hours_ago, top_steps


def profile_figure(profiles, true_lags=(), title: str = "average attention by hours ago",
                   unit: str = "h", ax=None) -> Figure:
    """Mean attention per step (bars: mean over the rows of ``profiles`` (runs, T); whiskers: min-max)
    against the uniform 1/T line, the time axis labelled in steps ago with the true lags marked."""
    p = np.atleast_2d(as_weights(profiles, "profiles"))
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
                baseline=None, baseline_name: str = "baseline", step_unit: str = "h"
                ) -> Callable[[int], tuple[Figure, str]]:
    """A ``draw(window) -> (Figure, caption_html)`` for :class:`attn_helpers.widgets.Explorer`.

    history (n, T): the series over each window; truth, forecast (n,) the next value; weights (n, T).
    The figure shows the window with the truth and the forecast, and the attention against 1/T;
    ``unit`` is the series' unit, ``step_unit`` the time step's ("h": the last step is "1h ago").
    """
    history, w = as_numpy(history, float), as_weights(weights)
    truth, forecast = as_numpy(truth, float).reshape(-1), as_numpy(forecast, float).reshape(-1)
    if history.shape != w.shape or truth.shape != (len(w),) or forecast.shape != (len(w),):
        raise ValueError(f"history and weights must be (n, T), truth and forecast (n,); got {history.shape}, "
                         f"{w.shape}, {truth.shape}, {forecast.shape}")
    base = None if baseline is None else as_numpy(baseline, float).reshape(-1)
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
                   f"(error {forecast[i] - truth[i]:+.2f}{' ' + unit if unit else ''}). "
                   f"Most attended step: {ago[peak]}{step_unit} ago, "
                   f"weight {w[i, peak]:.3f} = {w[i, peak] * window:.1f} x uniform 1/{window}; "
                   f"normalised entropy {entropy[i]:.3f}.")
        return fig, caption

    return draw
