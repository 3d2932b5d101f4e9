"""Chapter 3's figures: the models' architecture, training curves, series with their attention, ROC curves,
attention around the flat section's boundaries, and the draw function of the test-series explorer.
Each plot returns the Figure."""
import html

import numpy as np
from matplotlib.figure import Figure

from ..plots import history, new_figure

_BOX = dict(boxstyle="round,pad=0.35", lw=1)
_COLOURS = {"data": "#eeeeee", "lstm": "#cfe2f3", "attention": "#fde9c9", "pool": "#e2f0d9", "head": "#ead1dc"}


def _stack(ax, x: float, boxes: list[tuple[str, str, str]], top: float = 0.95, step: float = 0.135) -> None:
    """Boxes ``(text, output shape, colour key)`` from top to bottom at ``x``; each arrow carries the shape
    of the tensor that leaves the box above it."""
    ys = [top - i * step for i in range(len(boxes))]
    for (text, _, colour), y in zip(boxes, ys):
        ax.text(x, y, text, ha="center", va="center", fontsize=8.5, bbox={**_BOX, "fc": _COLOURS[colour]})
    for (_, shape, _), y0, y1 in zip(boxes, ys[:-1], ys[1:]):
        ax.annotate("", xy=(x, y1 + 0.04), xytext=(x, y0 - 0.04), arrowprops=dict(arrowstyle="->", lw=1))
        ax.text(x + 0.03, (y0 + y1) / 2, shape, ha="left", va="center", fontsize=7.5, color="dimgrey",
                family="monospace")


def architecture(hidden: int, attention_size: int, time: int = 500, features: int = 2) -> Figure:
    """The three classifiers side by side, with the shape of the tensor on every arrow (the batch axis
    left out): a bidirectional LSTM, then additive attention, mean pooling or max pooling, then a linear head."""
    fig, axes = new_figure((11, 5.4), 1, 3)
    encoder = [("input: the series and its difference", f"({time}, {features})", "data"),
               (f"bidirectional LSTM, {hidden} units each way", f"({time}, {2 * hidden}): $h_t$", "lstm")]
    head = [("linear head", "(): the logit", "head"), ("sigmoid: p(anomalous)", "", "head")]
    branches = {
        "BiLSTM + attention": [
            (f"scores $e_t = v^T\\tanh(W_k h_t + b)$\n($W_k$: {2 * hidden} x {attention_size}, $v$: {attention_size})",
             f"({time},): $e$", "attention"),
            ("softmax over time", f"({time},): $\\alpha$", "attention"),
            ("context $c = \\Sigma_t\\,\\alpha_t h_t$", f"({2 * hidden},): $c$", "attention")],
        "BiLSTM + mean pooling": [("mean over time: $c = \\Sigma_t\\, h_t\\,/\\,T$\n(every step weighs 1/T)",
                                   f"({2 * hidden},): $c$", "pool")],
        "BiLSTM + max pooling": [("max over time: $c_j = \\mathrm{max}_t\\, h_{tj}$\n(each feature's largest value)",
                                  f"({2 * hidden},): $c$", "pool")],
    }
    for ax, (title, middle) in zip(axes, branches.items()):
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_title(title, fontsize=10)
        _stack(ax, 0.5, encoder + middle + head)
    fig.tight_layout()
    return fig


def training_curves(histories: dict, ncols: int = 3, title: str = "") -> Figure:
    """One panel of train and validation loss per named ``training.History`` (epoch 0: before training)."""
    nrows = -(-len(histories) // ncols)
    fig, axes = new_figure((4 * ncols, 2.6 * nrows), nrows, ncols, squeeze=False)
    for ax, (name, hist) in zip(axes.flat, histories.items()):
        history(hist, title=name, ax=ax)
        ax.set_xlabel("epoch")
    for ax in axes.flat[len(histories):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def series_with_attention(series, weights=None, loc: int = -1, length: int = 0, probability: float | None = None,
                          title: str = "", ax=None) -> Figure:
    """A series (left axis), its attention weights against the uniform 1/T (right axis), the true flat
    section shaded. series, weights (time,); ``loc < 0`` means no section."""
    series = np.asarray(series)
    if ax is None:
        fig, ax = new_figure((8, 2.8))
    else:
        fig = ax.figure
    t = np.arange(len(series))
    if loc >= 0 and length > 0:
        ax.axvspan(loc - 0.5, loc + length - 0.5, color="tab:orange", alpha=0.18, lw=0, label="flat section")
    ax.plot(t, series, color="black", lw=1, label="series")
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    if probability is not None:
        title = f"{title}  p(anomalous) = {probability:.3f}".strip()
    ax.set_title(title, fontsize=10)
    if weights is not None:
        weights = np.asarray(weights)
        twin = ax.twinx()
        twin.fill_between(t, weights, color="tab:blue", alpha=0.35, lw=0, label="attention")
        twin.axhline(1 / len(weights), color="tab:blue", ls="--", lw=0.8, label="uniform 1/T")
        twin.set_ylim(0, max(weights.max(), 1 / len(weights)) * 1.1)
        twin.set_ylabel("attention weight", color="tab:blue")
        lines = ax.get_legend_handles_labels()
        more = twin.get_legend_handles_labels()
        ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="upper right", ncol=4)
    else:
        ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def examples(data, indices, ncols: int = 2) -> Figure:
    """A grid of series from a SineAnomalyData, flat sections shaded."""
    indices = list(indices)
    nrows = -(-len(indices) // ncols)
    fig, axes = new_figure((4.5 * ncols, 2.2 * nrows), nrows, ncols, squeeze=False, sharex=True)
    for ax, i in zip(axes.flat, indices):
        ax.plot(data.series[i], color="black", lw=1)
        if data.labels[i]:
            ax.axvspan(data.loc[i] - 0.5, data.loc[i] + data.length[i] - 0.5, color="tab:orange", alpha=0.25, lw=0)
            ax.set_title(f"#{i}: flat at {data.loc[i]} for {data.length[i]} steps", fontsize=9)
        else:
            ax.set_title(f"#{i}: normal (amp {data.amp[i]:.1f}, freq {data.freq[i]:.2f})", fontsize=9)
    for ax in axes.flat[len(indices):]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def roc(curves: dict[str, tuple[np.ndarray, np.ndarray, float]], title: str = "ROC curve (test series)") -> Figure:
    """One ROC curve per name: ``{name: (fpr, tpr, auc)}``, with the chance diagonal and a zoomed inset."""
    fig, ax = new_figure((4.8, 5.0))
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="chance (AUC 0.5)")
    inset = ax.inset_axes([0.45, 0.12, 0.5, 0.45])
    for name, (fpr, tpr, auc) in curves.items():
        line, = ax.plot(fpr, tpr, lw=1.5, label=f"{name} (AUC {auc:.4f})", drawstyle="steps-post")
        inset.plot(fpr, tpr, lw=1.5, color=line.get_color(), drawstyle="steps-post")
    inset.set_xlim(0, 0.05)
    inset.set_ylim(0.95, 1.001)
    inset.set_title("zoom: top-left corner", fontsize=7)
    inset.tick_params(labelsize=6)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.tight_layout()
    return fig


def aligned_attention(weights, anchor, before: int = 40, after: int = 60):
    """Mean attention weight at each offset from a per-series anchor step, over the series where that
    step lies inside the series. weights (n, time), anchor (n,) -> offsets (before+after+1,), means (same)."""
    weights, anchor = np.asarray(weights, dtype=float), np.asarray(anchor)
    if weights.ndim != 2 or anchor.shape != (len(weights),):
        raise ValueError(f"weights must be (n, time) and anchor (n,), got {weights.shape} and {anchor.shape}")
    offsets = np.arange(-before, after + 1)
    steps = anchor[:, None] + offsets[None, :]
    valid = (steps >= 0) & (steps < weights.shape[1])
    values = np.where(valid, np.take_along_axis(weights, np.clip(steps, 0, weights.shape[1] - 1), axis=1), 0.0)
    count = valid.sum(axis=0)
    return offsets, np.where(count > 0, values.sum(axis=0) / np.maximum(count, 1), np.nan)


def attention_around_boundaries(weights, loc, length, before: int = 40, after: int = 60) -> Figure:
    """Mean attention against the offset from the section's first step and from the first step after
    it (where the sine resumes), on anomalous series, with the uniform 1/T for reference.

    weights (n, time), or ``{label: (n, time)}`` to overlay several models; loc, length (n,).
    """
    named = weights if isinstance(weights, dict) else {"attention": weights}
    loc, length = np.asarray(loc), np.asarray(length)
    time = next(iter(named.values())).shape[1]
    end = loc + length
    has_end = end < time
    fig, axes = new_figure((9, 2.8), 1, 2, sharey=True)
    for ax, anchor, keep, name in ((axes[0], loc, np.ones(len(loc), bool), "section start (loc)"),
                                   (axes[1], end, has_end, "section end (loc + length)")):
        for label, w in named.items():
            offsets, mean = aligned_attention(np.asarray(w)[keep], anchor[keep], before, after)
            ax.plot(offsets, mean, lw=1.2, label=label)
        ax.axhline(1 / time, color="grey", ls="--", lw=0.8, label="uniform 1/T")
        ax.axvline(0, color="tab:orange", lw=1)
        ax.set_xlabel(f"steps from the {name}")
        ax.set_yscale("log")
    axes[0].set_ylabel("mean attention weight")
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    return fig


def phase_after_turn(peaks, freq, n_points: int = 500) -> np.ndarray:
    """How far past the last turning point (a peak or a trough) of ``sin(freq * x)`` each step lies,
    in degrees of phase, 0 to 180: 0 = at the turn, 90 = at the zero crossing. peaks, freq (n,) -> (n,)."""
    x = np.linspace(0.0, 2.0 * np.pi, n_points)
    return np.degrees((np.asarray(freq) * x[np.asarray(peaks)] - np.pi / 2) % np.pi)


def phase_histograms(phases: dict, bins: int = 9) -> Figure:
    """One histogram of attention-peak phases (degrees after a turn) per named model, uniform for reference."""
    edges = np.linspace(0, 180, bins + 1)
    fig, ax = new_figure((6, 2.8))
    for label, phase in phases.items():
        ax.hist(phase, bins=edges, weights=np.full(len(phase), 1 / len(phase)), histtype="step", lw=1.5, label=label)
    ax.axhline(1 / bins, color="grey", ls="--", lw=0.8, label="uniform")
    ax.set_xticks(edges[::3])
    ax.set_xlabel("attention peak: degrees of phase after the wave turned")
    ax.set_ylabel("share of normal series")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def series_view(data, probabilities, weights):
    """The explorer's draw function over a SineAnomalyData and the model's outputs on it:
    ``draw(index) -> (Figure, caption_html)``; probabilities (n,), weights (n, time)."""
    probabilities, weights = np.asarray(probabilities), np.asarray(weights)

    def draw(index: int):
        if not 0 <= index < len(data):
            raise ValueError(f"index must be in [0, {len(data)}), got {index}")
        loc, length, label = int(data.loc[index]), int(data.length[index]), int(data.labels[index])
        w = weights[index]
        fig = series_with_attention(data.series[index], w, loc, length, float(probabilities[index]),
                                    title=f"test series {index}")
        truth = f"flat section at {loc}..{loc + length - 1} ({length} steps)" if label else "normal series"
        verdict = "anomalous" if probabilities[index] >= 0.5 else "normal"
        where = ""
        if label:
            mass = w[loc:loc + length].sum()
            where = (f"; attention mass in the section {mass:.3f} vs its share {length / len(w):.3f}; "
                     f"argmax at step {int(w.argmax())}")
        caption = (f"<b>{html.escape(truth)}</b>: predicted {verdict} (p = {probabilities[index]:.3f}), "
                   f"peak weight {w.max():.4f} vs uniform {1 / len(w):.4f}{html.escape(where)}")
        return fig, caption

    return draw
