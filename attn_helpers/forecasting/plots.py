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


# --- Chapter 1: architecture diagrams and ratios to the floor ---------------------------------------

def series_parts(series, data, title: str = "the series, split in time order") -> Figure:
    """The series with its training, validation and test parts shaded (``data``: a ``make_windows`` result).

    In each part the values before the first target (dotted line) are only ever inputs.
    """
    fig, ax = new_figure((8, 3))
    ax.plot(np.asarray(series, dtype=float), lw=0.7, color="black")
    for i, (split, part) in enumerate(data.segments.items()):
        ax.axvspan(part.start, part.stop, alpha=0.12, color=f"C{i}", label=split)
        ax.axvline(data.first_target[split][0], color=f"C{i}", ls=":", lw=1)
    ax.set_xlabel("time step t")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def _box(ax, x, y, text, width=1.0, height=0.55, color="#dbe8f5", fontsize=9):
    from matplotlib.patches import FancyBboxPatch  # imported here: this section stands apart from the one above

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.04",
                                facecolor=color, edgecolor="#345", lw=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, text=None, offset=(0.08, 0.0), fontsize=8):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "#345", "lw": 1})
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                fontsize=fontsize, color="#345", ha="left", va="center")


def _lstm_over_window(ax, window: int, hidden: int) -> list[float]:
    """Inputs x_1..x_T and the chain of LSTM steps; returns the x positions of the steps (y: 0.5 and 2)."""
    xs = [1.0, 2.3, 3.6, 4.9, 6.2]
    labels = ["1", "2", "3", None, "T"]
    for x, label in zip(xs, labels):
        if label is None:
            ax.text(x, 0.5, "...", ha="center", va="center")
            ax.text(x, 2.0, "...", ha="center", va="center")
            continue
        _box(ax, x, 0.5, f"$x_{{{label}}}$", width=0.7, color="#f3f3f3")
        _box(ax, x, 2.0, "LSTM", width=0.9)
        _arrow(ax, (x, 0.8), (x, 1.7))
    for a, b in zip(xs[:-1], xs[1:]):
        _arrow(ax, (a + 0.47, 2.0), (b - 0.47, 2.0))
    ax.text(0.35, 0.5, f"window\n(batch, {window}, 1)", ha="right", va="center", fontsize=8)
    ax.text(0.35, 2.0, f"same weights\nat every step\nstate: {hidden}", ha="right", va="center", fontsize=8)
    return xs


def lstm_forecaster_figure(window: int = 30, hidden: int = 64) -> Figure:
    """The LSTM forecaster: an LSTM reads the window step by step; a linear head reads its last state."""
    fig, ax = new_figure((8, 3.6))
    xs = _lstm_over_window(ax, window, hidden)
    _arrow(ax, (xs[-1], 2.3), (xs[-1], 3.2), f"last state $h_T$ (batch, {hidden})")
    _box(ax, xs[-1], 3.5, f"Linear {hidden} $\\to$ 1", width=1.5, color="#fde6c8")
    _arrow(ax, (xs[-1] + 0.78, 3.5), (8.3, 3.5))
    _box(ax, 8.9, 3.5, "$\\hat y_{T+1}$\n(batch, 1)", width=1.1, height=0.8, color="#f3f3f3")
    ax.text(3.6, 2.75, f"states $h_1, ..., h_{{T-1}}$ (batch, {window - 1}, {hidden}): not read by the head",
            ha="center", fontsize=8, color="#777")
    ax.set_xlim(-1.2, 9.8)
    ax.set_ylim(0, 4.2)
    ax.axis("off")
    ax.set_title("LSTM forecaster: only the last state reaches the forecast", fontsize=10)
    fig.tight_layout()
    return fig


def self_attention_gap_figure(window: int = 30, hidden: int = 64) -> Figure:
    """LSTM + self-attention + global average pooling: every state is attended to, then averaged."""
    fig, ax = new_figure((8, 5.4))
    xs = _lstm_over_window(ax, window, hidden)
    for x in xs:
        if x != xs[3]:
            _arrow(ax, (x, 2.3), (x, 3.0))
    ax.text(7.0, 2.65, f"all states $H$\n(batch, {window}, {hidden})", fontsize=8, va="center")
    _box(ax, 3.6, 3.45, f"self-attention: $Q, K, V$ = linear maps of $H$;   "
                        f"$A = \\mathrm{{softmax}}(QK^\\top/\\sqrt{{{hidden}}})$ (batch, {window}, {window});"
                        f"\n$O = AV$ (batch, {window}, {hidden}): "
                        "each step's output mixes the value vectors of all steps",
         width=7.2, height=0.9, color="#e2f0d9", fontsize=8)
    _arrow(ax, (3.6, 3.9), (3.6, 4.35))
    _box(ax, 3.6, 4.6, f"mean over the {window} steps (global average pooling): $p$ (batch, {hidden})",
         width=6.2, height=0.45, color="#e2f0d9", fontsize=8)
    _arrow(ax, (6.7, 4.6), (7.5, 4.6))
    _box(ax, 8.1, 4.6, f"Linear {hidden} $\\to$ 1", width=1.2, color="#fde6c8", fontsize=8)
    _arrow(ax, (8.1, 4.35), (8.1, 3.85))
    _box(ax, 8.1, 3.5, "$\\hat y_{T+1}$\n(batch, 1)", width=1.1, height=0.7, color="#f3f3f3")
    ax.set_xlim(-1.2, 9.8)
    ax.set_ylim(0, 5.1)
    ax.axis("off")
    ax.set_title("LSTM + self-attention + global average pooling", fontsize=10)
    fig.tight_layout()
    return fig


def ratio_intervals(rows: dict[str, dict[str, float]], references: dict[str, float] | None = None,
                    title: str = "RMSE / realised noise floor, with 95% block-bootstrap intervals") -> Figure:
    """One row per forecaster: its ratio to the floor (dot) and interval (bar); the floor (1) as a line.

    rows: name -> {"ratio", "ci_low", "ci_high"}; references: label -> value, drawn as dotted lines.
    """
    names = list(rows)
    fig, ax = new_figure((7, 0.42 * len(names) + 1.4))
    for i, name in enumerate(names):
        r = rows[name]
        ax.plot([r["ci_low"], r["ci_high"]], [i, i], color="C0", lw=2.5, solid_capstyle="butt")
        ax.plot([r["ratio"]], [i], "o", color="black", ms=4)
    ax.axvline(1.0, color="black", lw=1, label="realised noise floor")
    for j, (label, value) in enumerate((references or {}).items()):
        ax.axvline(value, color=f"C{j + 1}", ls=":", lw=1.5, label=label)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("RMSE / realised noise floor")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    fig.tight_layout()
    return fig


def effective_weights(weights: dict[str, np.ndarray], title: str = "what each forecast depends on") -> Figure:
    """One line per forecaster: its weight (or mean gradient) on each value of the window, against steps
    before the target (the last value is 1 step before). weights: name -> (window,)."""
    fig, ax = new_figure((8, 3.4))
    for i, (name, w) in enumerate(weights.items()):
        w = np.asarray(w, dtype=float)
        ax.plot(-np.arange(len(w), 0, -1), w, marker=".", lw=1.2, color=f"C{i}", label=name)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("steps before the target")
    ax.set_ylabel("weight on the input value")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
