"""Chapters 1 and 2's figures: the models drawn, attention profiles over the window, the windows x
lags map, the parts of the pooling score, and the window explorer's view."""
from typing import Callable

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..metrics import as_numpy, normalized_entropy
from ..plots import heatmap, new_figure
from .reading import as_weights, hours_ago, top_steps

# --- the models, drawn ------------------------------------------------------------------------------

ARCHITECTURES = ("last_step", "mean_pooling", "attention_pooling", "positions", "linear_encoder", "self_attention")
_COLUMNS = np.array([1.0, 2.4, 3.8, 5.2, 6.6])  # x of the drawn steps 1, 2, 3, ..., T
_STEP_LABELS = ("1", "2", "3", r"\cdots", "T")
_EXAMPLE_WEIGHTS = np.array([0.08, 0.46, 0.1, 0.06, 0.3])


def _node(ax, x, y, text, width=1.0, height=0.55, color="#dbe9f6", fontsize=9, alpha=1.0):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.03",
                                fc=color, ec="black", lw=0.8, alpha=alpha))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, alpha=max(alpha, 0.5))


def _link(ax, start, end, color="black", alpha=1.0, lw=0.9):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=9, color=color, lw=lw, alpha=alpha,
                                 shrinkA=2, shrinkB=2))


def _check_kind(kind: str) -> None:
    if kind not in ARCHITECTURES:
        raise ValueError(f"kind must be one of {ARCHITECTURES}, got {kind!r}")


def architecture(kind: str) -> Figure:
    """A diagram of one of the chapter's forecasters, from the window (bottom) to the forecast (top right).

    kind: ``last_step`` (LSTM, head on h_T), ``mean_pooling`` (weights fixed at 1/T), ``attention_pooling``
    (scores w . h_t + b), ``positions`` (h_t + p_t), ``linear_encoder`` (a linear map per step instead of
    the LSTM, with positions), ``self_attention`` (a T x T map, then the mean over time).
    """
    _check_kind(kind)
    fig, ax = new_figure((8, 4.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 8.2)
    ax.axis("off")
    linear = kind == "linear_encoder"
    for x, t in zip(_COLUMNS, _STEP_LABELS):
        _node(ax, x, 0.5, f"$x_{{{t}}}$", width=0.9, color="white")
        _node(ax, x, 2.0, "linear" if linear else "LSTM", width=1.0, color="#f6e3c7")
        _link(ax, (x, 0.8), (x, 1.7))
    if not linear:
        for a, b in zip(_COLUMNS, _COLUMNS[1:]):
            _link(ax, (a + 0.5, 2.0), (b - 0.5, 2.0))
    positions = kind in ("positions", "linear_encoder")
    state = "h_{%s}+p_{%s}" if positions else "h_{%s}"
    for i, (x, t) in enumerate(zip(_COLUMNS, _STEP_LABELS)):
        faded = kind == "last_step" and i < len(_COLUMNS) - 1
        _node(ax, x, 3.4, f"${state % ((t,) * state.count('%s'))}$", width=1.2, alpha=0.35 if faded else 1.0)
        _link(ax, (x, 2.3), (x, 3.1), alpha=0.35 if faded else 1.0)
        if positions:
            _node(ax, x + 0.45, 2.75, f"$p_{{{t}}}$", width=0.45, height=0.35, color="#e4f2dc", fontsize=7)
    head_at, pooled_at = (8.8, 7.4), (4.0, 7.4)
    if kind == "last_step":
        pooled_at = (_COLUMNS[-1], 5.6)
        _link(ax, (_COLUMNS[-1], 3.7), pooled_at)
        ax.text(_COLUMNS[-1] + 0.2, 4.6, "only the last state\n(it has read every step)", fontsize=8, va="center")
        head_at = (8.8, 5.6)
        _node(ax, *pooled_at, "$c = h_T$", width=1.2, color="#fde2e2")
    elif kind == "self_attention":
        _self_attention_panel(ax)
        _node(ax, *pooled_at, r"$c = \frac{1}{T}\sum_i o_i$", width=2.2, color="#fde2e2")
        _link(ax, (4.0, 6.55), (4.0, 7.1))
    else:
        _pooling_panel(ax, kind, positions)
        text = {"mean_pooling": r"$c = \frac{1}{T}\sum_t h_t$", "attention_pooling": r"$c = \sum_t a_t h_t$"}.get(
            kind, r"$c = \sum_t a_t (h_t+p_t)$")
        _node(ax, *pooled_at, text, width=2.2, color="#fde2e2")
    _node(ax, *head_at, r"head $\to \hat y$", width=1.6, color="#e8e0f3")
    _link(ax, (pooled_at[0] + (0.6 if kind == "last_step" else 1.1), pooled_at[1]), (head_at[0] - 0.8, head_at[1]))
    titles = {"last_step": "last-step LSTM", "mean_pooling": "uniform (mean) pooling",
              "attention_pooling": "attention pooling", "positions": "attention pooling with position vectors",
              "linear_encoder": "attention pooling over a per-step linear encoder",
              "self_attention": "self-attention + global average pooling"}
    ax.set_title(titles[kind], fontsize=11)
    fig.tight_layout()
    return fig


def _pooling_panel(ax, kind: str, positions: bool) -> None:
    """Scores, weights and the weighted sum, above the states."""
    uniform = kind == "mean_pooling"
    weights = np.full(len(_COLUMNS), 1 / len(_COLUMNS)) if uniform else _EXAMPLE_WEIGHTS
    for x, t, w in zip(_COLUMNS, _STEP_LABELS, weights):
        if not uniform:
            _node(ax, x, 4.55, f"$s_{{{t}}}$", width=0.7, height=0.45, color="#fff6c9")
            _link(ax, (x, 3.7), (x, 4.3))
        base = 4.9 if not uniform else 4.0
        ax.add_patch(FancyBboxPatch((x - 0.18, base), 0.36, 1.6 * w, boxstyle="square,pad=0", fc="#4c72b0", ec="none"))
        ax.text(x + 0.25, base + 0.05, f"$a_{{{t}}}$", fontsize=8)
        _link(ax, (x, base + 1.6 * w + 0.05), (4.0 + 0.15 * (x - 4.0), 7.1), color="grey", alpha=0.6, lw=0.7)
    if uniform:
        ax.text(7.4, 4.3, r"$a_t = 1/T$" + "\n(no scores)", fontsize=9, va="center")
    else:
        score = r"$s_t = w\cdot(h_t+p_t)+b$" if positions else r"$s_t = w\cdot h_t + b$"
        ax.text(7.3, 4.55, score, fontsize=9, va="center")
        ax.text(7.3, 5.5, r"$a_t = \mathrm{softmax}_t(s)$", fontsize=9, va="center")


def _self_attention_panel(ax) -> None:
    """A small T x T map (queries x keys) above the states, and the row outputs o_i."""
    rng = np.random.default_rng(0)
    grid = rng.dirichlet(np.ones(len(_COLUMNS)), size=len(_COLUMNS))
    left, bottom, cell = 2.6, 4.1, 0.42
    for i in range(len(_COLUMNS)):
        for j in range(len(_COLUMNS)):
            ax.add_patch(FancyBboxPatch((left + j * cell, bottom + (len(_COLUMNS) - 1 - i) * cell), cell, cell,
                                        boxstyle="square,pad=0", fc=(0.3, 0.45, 0.69, grid[i, j]), ec="white"))
    ax.text(left + 2.5 * cell, bottom - 0.15, "keys $j$", ha="center", va="top", fontsize=8)
    ax.text(left - 0.15, bottom + 2.5 * cell, "queries $i$", ha="right", va="center", fontsize=8, rotation=90)
    for x in _COLUMNS:
        _link(ax, (x, 3.7), (left + 2.5 * cell, bottom), color="grey", alpha=0.4, lw=0.6)
    ax.text(5.0, 5.1, r"$A = \mathrm{softmax}(QK^\top/\sqrt{d})$" + "\n" + r"$o_i = \sum_j A_{ij} v_j$",
            fontsize=9, va="center")


# --- what the weights and the scores show -----------------------------------------------------------

def lag_map(weights, lags, n_windows: int = 60, title: str = "attention of each window, by steps before the target"
            ) -> Figure:
    """Windows x lags: each row one test window's weights (columns: steps before the target, oldest
    left), rows sorted by the window's own lag, which is marked with a red dot. weights (n, T), lags (n,)."""
    w, lags = as_weights(weights), np.asarray(lags)
    if w.ndim != 2 or lags.shape != (len(w),):
        raise ValueError(f"weights must be (windows, steps) and lags (windows,), got {w.shape} and {lags.shape}")
    pick = np.linspace(0, len(w) - 1, min(n_windows, len(w))).astype(int)
    order = pick[np.argsort(-lags[pick], kind="stable")]
    window = w.shape[1]
    ticks = [f"{a}" if a in (window, 1) or a % 6 == 0 else "" for a in hours_ago(window)]
    fig, ax = new_figure((8, 4.6))
    heatmap(w[order], x_labels=ticks, y_labels=False, title=title, xlabel="steps before the target",
            ylabel=f"{len(order)} test windows, sorted by their lag", ax=ax, colorbar_label="attention weight")
    ax.scatter(window - lags[order] + 0.5, np.arange(len(order)) + 0.5, s=6, color="red", label="the window's lag")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def score_parts(parts_by_task: dict, n_windows: int = 20) -> Figure:
    """For each named model: the position part ``w . p_t`` against steps before the target (line), and
    the content part ``w . h_t`` of ``n_windows`` test windows (thin lines). parts: content (n, T), position (T,)."""
    fig, axes = new_figure((4.2 * len(parts_by_task), 3.2), 1, len(parts_by_task), squeeze=False, sharey=False)
    for ax, (name, parts) in zip(axes[0], parts_by_task.items()):
        content, position = as_numpy(parts["content"], float), as_numpy(parts["position"], float)
        ago = -hours_ago(len(position))
        for row in content[:n_windows]:
            ax.plot(ago, row - row.mean(), color="C0", lw=0.5, alpha=0.5)
        ax.plot([], [], color="C0", lw=0.8, label=f"content $w\\cdot h_t$ ({n_windows} windows, centred)")
        ax.plot(ago, position - position.mean(), color="C3", lw=2, label="position $w\\cdot p_t$ (centred)")
        ax.set_xlabel("steps before the target")
        ax.set_title(name, fontsize=10)
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel("score part")
    fig.tight_layout()
    return fig


def self_attention_map(weights, lag: int | None = None, title: str = "self-attention map of one test window"
                       ) -> Figure:
    """One window's T x T self-attention map (rows: queries, columns: keys), labelled in steps before
    the target; with ``lag`` (steps before the target) that key's column is marked. weights (T, T)."""
    w = as_weights(weights)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"weights must be a (T, T) map, got shape {w.shape}")
    window = len(w)
    if lag is not None and not 1 <= lag <= window:
        raise ValueError(f"lag must be in [1, {window}] (steps before the target), got {lag}")
    labels = [f"{a}" if a in (window, 1) or a % 6 == 0 else "" for a in hours_ago(window)]
    fig, ax = new_figure((6.5, 5.2))
    heatmap(w, x_labels=labels, y_labels=labels, title=title, xlabel="key: steps before the target",
            ylabel="query: steps before the target", ax=ax, colorbar_label="attention weight")
    if lag is not None:
        ax.axvline(window - lag + 0.5, color="red", ls=":", lw=1.2, label=f"the window's lag ({lag})")
        ax.legend(fontsize=8, loc="lower left")
    return fig


# --- profiles and the window explorer ----------------------------------------------------------------

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
                   f"Most attended step: {ago[peak]}{step_unit or ' steps'} ago, "
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
