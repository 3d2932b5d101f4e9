import numpy as np
import pytest
from matplotlib.figure import Figure

from attn_helpers import plots
from attn_helpers.training import History


def test_plot_helpers_return_figures():
    hist = History(train_loss=[1.0, 0.5], val_loss=[1.2, 0.6], best_epoch=2)
    assert isinstance(plots.history(hist), Figure)
    assert isinstance(plots.forecast(np.arange(3), np.zeros(3), {"m": np.ones(3)}), Figure)
    fig = plots.attention_heatmap(np.full((2, 3), 1 / 3), x_labels=list("abc"), y_labels=["q1", "q2"])
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b", "c"]
    assert plots.figure_png(fig).startswith(b"\x89PNG")


def test_heatmap_needs_a_matrix():
    with pytest.raises(ValueError, match="must be 2-D"):
        plots.attention_heatmap(np.ones(3))
