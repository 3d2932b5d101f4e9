"""Plot helpers. Each returns the matplotlib Figure (the notebook displays it).

Figures come from ``new_figure``: made by pyplot (which loads Jupyter's inline display support) and
closed at once, so Jupyter shows each one once, as the cell's value.
"""
import io

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
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


def history(hist, title: str = "training curves", ax=None) -> Figure:
    """Train and validation loss per epoch (epoch 0: the starting weights), the restored epoch marked."""
    fig, ax = new_figure((6, 3.2)) if ax is None else (ax.figure, ax)
    epochs = np.arange(len(hist.val_loss))
    ax.plot(epochs[1:], hist.train_loss[1:], marker=".", label="train")
    ax.plot(epochs, hist.val_loss, marker=".", label="validation")
    ax.axvline(hist.best_epoch, color="grey", ls=":", label=f"restored (epoch {hist.best_epoch})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (0 = before training)")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend(fontsize=8)
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


def heatmap(matrix, x_labels=None, y_labels=None, title: str = "attention", xlabel: str = "key",
            ylabel: str = "query", ax=None, annotate: bool = False, fmt: str = ".2f", cmap: str = "viridis",
            vmin: float | None = 0.0, vmax: float | None = None, colorbar_label: str | None = None) -> Figure:
    """A seaborn heatmap of a 2-D matrix (an attention map (queries, keys), a confusion matrix, ...).

    ``annotate`` writes each cell's value with ``fmt``; labels default to the indices.
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"matrix must be 2-D (rows, columns), got shape {matrix.shape}")
    if ax is None:
        rows, cols = matrix.shape
        fig, ax = new_figure((min(12, max(4, 0.4 * cols + 2)), min(9, max(3, 0.35 * rows + 1.5))))
    else:
        fig = ax.figure
    sns.heatmap(matrix, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, annot=annotate, fmt=fmt,
                xticklabels=x_labels if x_labels is not None else "auto",
                yticklabels=y_labels if y_labels is not None else "auto",
                cbar_kws={"label": colorbar_label} if colorbar_label else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig
