"""Chapter 5's figures: the two architectures, series samples, attention maps and lag profiles, the
controls side by side, and the explorer's view."""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .. import plots, training
from . import metrics as am


def _box(ax, x, y, text, color, width=2.6, height=0.55):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=color, edgecolor="black", lw=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=8)


def _arrow(ax, x0, y0, x1, y1):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->", "lw": 0.9})


def architectures() -> Figure:
    """Both forecasters side by side, from the input window (bottom) to the forecast (top)."""
    fig, axes = plots.new_figure((10, 5.6), 1, 2)
    blue, green, orange, grey = "#cfe2f3", "#d9ead3", "#fce5cd", "#eeeeee"
    for ax, title in zip(axes, ("main: linear head on every position", "horizon queries: forecast through attention")):
        ax.set_xlim(-3.4, 3.4)
        ax.set_ylim(-0.6, 8.4)
        ax.axis("off")
        ax.set_title(title, fontsize=10)
        _box(ax, 0, 0, "window x (T = 100 values, scaled per window)", grey, width=4.6)
        _box(ax, 0, 1.1, "embed: Linear(1, 64) + sine/cosine positions", blue, width=4.6)
        _box(ax, 0, 2.4, "self-attention, 4 heads (weights: layer 0)\n"
             "add & LayerNorm, feed-forward 256, add & LayerNorm",
             green, width=5.2, height=0.8)
        _box(ax, 0, 3.9, "the same layer again (weights: layer 1)", green, width=5.2)
        for y0, y1 in ((0.3, 0.8), (1.4, 2.0), (2.8, 3.6)):
            _arrow(ax, 0, y0, 0, y1)
    ax = axes[0]
    _box(ax, 0, 5.2, "readout: Linear(64, 1) at each of the T positions", orange, width=4.6)
    _box(ax, 0, 6.4, "head: Linear(T = 100, 20), starts at zero", orange, width=4.6)
    _box(ax, 0, 7.6, "forecast (20 steps)", grey, width=3.0)
    for y0, y1 in ((4.2, 4.9), (5.5, 6.1), (6.7, 7.3)):
        _arrow(ax, 0, y0, 0, y1)
    ax.annotate("", xy=(-2.95, 4.95), xytext=(-2.95, 1.4),
                arrowprops={"arrowstyle": "->", "ls": "--", "color": "dimgrey", "lw": 0.9})
    ax.text(-3.1, 3.2, "residual paths: no attention needed", rotation=90, fontsize=7, ha="center", va="center",
            color="dimgrey")
    ax = axes[1]
    _box(ax, -0.9, 5.4, "read-out attention (weights: 'read')\n20 learned queries, ALiBi recency bias", green,
         width=3.9, height=0.8)
    _box(ax, 2.3, 5.4, "query h: learned\n+ position T+h-1", blue, width=1.8, height=0.8)
    _box(ax, -0.9, 6.6, "readout: Linear(64, 1) per query", orange, width=3.6)
    _box(ax, -0.9, 7.6, "forecast (20 steps)", grey, width=3.0)
    _arrow(ax, -0.4, 4.2, -0.6, 5.0)
    _arrow(ax, 1.35, 5.4, 1.1, 5.4)
    for y0, y1 in ((5.8, 6.3), (6.9, 7.3)):
        _arrow(ax, -0.9, y0, -0.9, y1)
    fig.tight_layout()
    return fig


def series_grid(samples: dict, steps: int = 600) -> Figure:
    """The first ``steps`` values of each named series, one panel each (3 columns)."""
    rows = -(-len(samples) // 3)
    fig, axes = plots.new_figure((12, 2.2 * rows), rows, 3)
    for ax, (name, x) in zip(axes.flat, samples.items()):
        ax.plot(np.asarray(x)[:steps], lw=0.7)
        ax.set_title(name, fontsize=10)
    for ax in axes.flat[len(samples):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def map_grid(maps: dict, title: str, cols: int = 4, ticks: bool = True) -> Figure:
    """Seaborn heatmaps of several attention maps (label -> (queries, keys)), each on its own colour
    scale from 0 to its largest weight (shown as a multiple of the uniform 1/keys)."""
    rows = -(-len(maps) // cols)
    fig, axes = plots.new_figure((3.2 * cols, 2.9 * rows), rows, cols, squeeze=False)
    for ax, (label, w) in zip(axes.flat, maps.items()):
        w = np.asarray(w)
        labels = (20, 20 if len(w) > 20 else 5) if ticks else (False, False)
        plots.heatmap(w, ax=ax, x_labels=labels[0], y_labels=labels[1], xlabel="key (input step)", ylabel="query",
                      title=f"{label}\nmax {w.max() * w.shape[-1]:.1f} x 1/T")
        ax.title.set_fontsize(8)
    for ax in axes.flat[len(maps):]:
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def lag_profiles(profiles: dict, lags: np.ndarray, n_keys: int, title: str, marks: tuple = ()) -> Figure:
    """Mean weight by lag, times the number of keys (1 = uniform), one line per label; ``marks``: lags
    to draw as dashed lines (e.g. a seasonal period)."""
    fig, ax = plots.new_figure((7, 3.2))
    for label, profile in profiles.items():
        ax.plot(lags, np.asarray(profile) * n_keys, lw=1, label=label)
    ax.axhline(1.0, color="grey", ls=":", label="uniform")
    for lag in marks:
        ax.axvline(lag, color="tab:red", ls="--", lw=0.8)
    ax.set_xlabel("lag: query position - key position (steps)")
    ax.set_ylabel("mean weight x T")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def control_bars(table, metric: str, reference: float | None = None) -> Figure:
    """One group of bars per row of ``table`` (a DataFrame with columns trained / untrained / shuffled
    and, optionally, trained_sd): the metric for the model and its two controls."""
    fig, ax = plots.new_figure((10, 3.4))
    x = np.arange(len(table))
    bars = (("trained", "tab:blue"), ("untrained", "tab:grey"), ("shuffled", "tab:orange"))
    for i, (column, color) in enumerate(bars):
        err = table["trained_sd"] if column == "trained" and "trained_sd" in table else None
        ax.bar(x + (i - 1) * 0.27, table[column], width=0.26, color=color, yerr=err, capsize=2, label=column)
    if reference is not None:
        ax.axhline(reference, color="black", ls=":", lw=1, label="uniform map")
    ax.set_xticks(x, table.index, rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(metric)
    ax.legend(fontsize=8, ncol=4)
    fig.tight_layout()
    return fig


def _check_view(runs: dict, task: str, layer: int, head: int, window: int) -> None:
    if task not in runs:
        raise ValueError(f"task must be one of {sorted(runs)}, got {task!r}")
    run = runs[task]
    bounds = (("layer", layer, len(run.model.layers)), ("head", head, run.model.layers[0].self_attn.n_heads),
              ("window", window, len(run.task.inputs("test"))))
    for name, value, high in bounds:
        if not 0 <= value < high:
            raise ValueError(f"{name} must be in [0, {high - 1}], got {value}")


def draw_attention(runs: dict, task: str, layer: int = 0, head: int = 0, window: int = 0,
                   trained: bool = True) -> tuple[Figure, str]:
    """The explorer's view: a test window, the (layer, head) map the main model (or its untrained
    twin) used on it, and that map's lag profile against the uniform 1/T. ``runs``: task name ->
    an object with ``task`` (ForecastTask), ``model`` and ``init`` (the same model before training).
    -> (Figure, caption_html)."""
    _check_view(runs, task, layer, head, window)
    run = runs[task]
    x = run.task.scaled("test")[0]
    weights = training.predict_with_weights(run.model if trained else run.init, x[window:window + 1])[1]
    w = weights[0, layer, head].numpy()
    t = w.shape[-1]
    lags, profile = am.lag_profile(w)
    fig = Figure(figsize=(10, 4.4))
    grid = fig.add_gridspec(2, 2, width_ratios=(1.1, 1), height_ratios=(1, 4))
    ax_series, ax_map, ax_lag = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    ax_series.plot(x[window].numpy(), lw=0.8, color="black")
    ax_series.set_xlim(-0.5, t - 0.5)
    ax_series.set_xticks([])
    ax_series.set_ylabel("input", fontsize=8)
    state = "trained" if trained else "untrained"
    ax_series.set_title(f"{task}, {state}, layer {layer}, head {head}, test window {window}", fontsize=9)
    plots.heatmap(w, ax=ax_map, x_labels=20, y_labels=20, title="", xlabel="key (input step)", ylabel="query")
    ax_lag.plot(lags, profile * t, lw=1)
    ax_lag.axhline(1.0, color="grey", ls=":", label="uniform (1/T)")
    period = run.task.generator.seasonal_period
    if period is not None:
        ax_lag.axvline(period, color="tab:red", lw=0.8, ls="--", label="seasonal period")
    ax_lag.set_xlabel("lag: query - key (steps)")
    ax_lag.set_ylabel("mean weight x T (1 = uniform)")
    ax_lag.set_title("lag profile", fontsize=9)
    ax_lag.legend(fontsize=8)
    fig.tight_layout()
    s = am.summarize(w)
    caption = (f"<b>{task}</b> ({state}), layer {layer}, head {head}, test window {window}: entropy "
               f"{s['entropy']:.3f} (1 = uniform), Gini {s['gini']:.3f}, diagonal {s['diagonal']:.2f}, "
               f"vertical {s['vertical']:.1f}, horizontal {s['horizontal']:.2f}; largest weight "
               f"{w.max() * t:.1f} x 1/T.")
    return fig, caption
