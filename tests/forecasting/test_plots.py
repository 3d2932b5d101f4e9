import numpy as np
import pytest
from matplotlib.figure import Figure

from attn_helpers.data import make_windows
from attn_helpers.forecasting import plots

# --- Chapter 1: architecture diagrams and ratios to the floor ---------------------------------------

def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts)


@pytest.mark.parametrize("draw", [plots.lstm_forecaster_figure, plots.self_attention_gap_figure])
def test_architecture_figures_label_the_shapes_they_are_given(draw):
    fig = draw(window=12, hidden=8)
    assert isinstance(fig, Figure) and len(fig.axes) == 1 and not fig.axes[0].axison
    text = _texts(fig)
    assert "(batch, 12, 1)" in text and "(batch, 8)" in text and "(batch, 1)" in text


def test_self_attention_figure_shows_the_time_by_time_map():
    assert "(batch, 12, 12)" in _texts(plots.self_attention_gap_figure(window=12, hidden=8))


def test_series_parts_shades_the_three_parts_and_marks_each_first_target():
    y = np.sin(np.arange(200) / 5)
    data = make_windows(y, window=10)
    fig = plots.series_parts(y, data)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "val", "test"]
    marked = sorted(line.get_xdata()[0] for line in ax.lines[1:])
    assert marked == sorted(int(data.first_target[s][0]) for s in ("train", "val", "test"))


def test_ratio_intervals_draws_one_row_per_forecaster_in_the_given_order():
    rows = {"a": {"ratio": 1.1, "ci_low": 1.0, "ci_high": 1.2}, "b": {"ratio": 1.7, "ci_low": 1.6, "ci_high": 1.8}}
    fig = plots.ratio_intervals(rows, references={"expected": 1.11})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]
    dots = [line for line in ax.lines if line.get_marker() == "o"]
    assert [float(d.get_xdata()[0]) for d in dots] == [1.1, 1.7]
    assert "expected" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_effective_weights_plots_each_forecaster_against_steps_before_the_target():
    fig = plots.effective_weights({"a": np.arange(5.0), "b": np.ones(5)})
    lines = [line for line in fig.axes[0].lines if line.get_label() in ("a", "b")]
    assert [list(line.get_xdata()) for line in lines] == [[-5, -4, -3, -2, -1]] * 2
    assert list(lines[0].get_ydata()) == [0, 1, 2, 3, 4]
