"""Plot helpers. Each returns the matplotlib Figure (the notebook displays it).

Figures come from ``new_figure``: made by pyplot (which loads Jupyter's inline display support) and
closed at once, so Jupyter shows each one once, as the cell's value.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def new_figure(figsize=(6, 3.2), nrows: int = 1, ncols: int = 1, **subplots_kw):
    """A closed pyplot Figure and its axes: ``fig, ax = new_figure((8, 3))``."""
    fig = plt.figure(figsize=figsize)
    plt.close(fig)
    return fig, fig.subplots(nrows, ncols, **subplots_kw)


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (for widgets and files); closes it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)  # a no-op for new_figure figures; frees pyplot ones
    return buf.getvalue()


def history(hist, title: str = "training curves") -> Figure:
    """Train and validation loss per epoch, the restored epoch marked."""
    fig, ax = new_figure((6, 3.2))
    epochs = np.arange(1, len(hist.train_loss) + 1)
    ax.plot(epochs, hist.train_loss, label="train")
    ax.plot(epochs, hist.val_loss, label="validation")
    ax.axvline(hist.best_epoch, color="grey", ls=":", label=f"restored (epoch {hist.best_epoch})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return fig


def forecast(t, truth, predictions: dict[str, np.ndarray], title: str = "forecast vs truth") -> Figure:
    """Truth and one line per named forecast over the same time index."""
    fig, ax = new_figure((8, 3.2))
    ax.plot(t, truth, color="black", lw=1.2, label="truth")
    for name, pred in predictions.items():
        ax.plot(t, pred, lw=1, label=name)
    ax.set_xlabel("time step")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def attention_heatmap(weights, x_labels=None, y_labels=None, title: str = "attention",
                      xlabel: str = "key", ylabel: str = "query", ax=None) -> Figure:
    """Heatmap of a (queries, keys) attention matrix, with a colour bar."""
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"weights must be 2-D (queries, keys), got shape {weights.shape}")
    if ax is None:
        fig, ax = new_figure((max(4, 0.4 * weights.shape[1] + 2), max(3, 0.35 * weights.shape[0] + 1.5)))
    else:
        fig = ax.figure
    im = ax.imshow(weights, cmap="viridis", aspect="auto", vmin=0)
    if x_labels is not None:
        ax.set_xticks(range(len(x_labels)), x_labels, rotation=60, ha="right")
    if y_labels is not None:
        ax.set_yticks(range(len(y_labels)), y_labels)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig
