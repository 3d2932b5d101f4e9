import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from nbclient import NotebookClient

from attn_helpers import plots
from attn_helpers.training import History


def test_history_draws_validation_from_epoch_0_and_training_from_epoch_1():
    hist = History(train_loss=[float("nan"), 1.0, 0.5], val_loss=[2.0, 1.2, 0.6], best_epoch=2)
    fig = plots.history(hist)
    assert isinstance(fig, Figure)
    train_line, val_line = fig.axes[0].get_lines()[:2]
    assert list(train_line.get_xdata()) == [1, 2] and list(val_line.get_xdata()) == [0, 1, 2]
    assert isinstance(plots.forecast(np.arange(3), np.zeros(3), {"m": np.ones(3)}), Figure)


def test_heatmap_is_drawn_by_seaborn_with_the_given_labels_and_values():
    matrix = np.array([[0.1, 0.9, 0.0], [0.5, 0.25, 0.25]])
    fig = plots.heatmap(matrix, x_labels=list("abc"), y_labels=["q1", "q2"], annotate=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q1", "q2"]
    np.testing.assert_array_equal(ax.collections[0].get_array().reshape(2, 3), matrix)
    assert [t.get_text() for t in ax.texts] == ["0.10", "0.90", "0.00", "0.50", "0.25", "0.25"]
    assert len(fig.axes) == 2  # the colour bar
    assert plots.figure_png(fig).startswith(b"\x89PNG")


def test_heatmap_needs_a_matrix():
    with pytest.raises(ValueError, match="must be 2-D"):
        plots.heatmap(np.ones(3))


def _run(source: str) -> list[dict]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return nb.cells[0].outputs


def test_new_figure_is_stored_as_png():
    outputs = _run("from attn_helpers import plots\n"
                   "fig, ax = plots.new_figure((3, 2))\nax.plot([1, 2, 3])\nfig")
    data = [o["data"] for o in outputs if o["output_type"] == "execute_result"]
    assert len(data) == 1 and "image/png" in data[0], [list(d) for d in data]
    # shown once: the figure is the cell's value, not also a pyplot figure drawn at the end of the cell
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1
