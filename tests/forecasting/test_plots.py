import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from attn_helpers.data import make_windows
from attn_helpers.forecasting import plots, reading
from attn_helpers.forecasting import plots as forecast_plots
from attn_helpers.widgets import Explorer


def peaked_profile(window=48, peaks={1: 0.4, 24: 0.3}):
    p = np.full(window, (1 - sum(peaks.values())) / (window - len(peaks)))
    for lag, w in peaks.items():
        p[window - lag] = w
    return p


def test_profile_figure_marks_uniform_and_true_lags():
    fig = forecast_plots.profile_figure(np.stack([peaked_profile(), peaked_profile(peaks={1: 0.5, 24: 0.2})]),
                                 true_lags=(1, 24))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "1h" in labels and "24h" in labels and "48h" in labels and "0h" not in labels
    uniform = [l for l in ax.get_lines() if l.get_label() == "uniform 1/48"]
    assert uniform and np.allclose(uniform[0].get_ydata(), 1 / 48)
    heights = [b.get_height() for b in ax.patches]
    assert np.isclose(max(heights), 0.45)  # the mean over the two runs at 1h ago


def test_window_view_explorer_updates_with_the_slider():
    rng = np.random.default_rng(1)
    n, window = 5, 12
    weights = rng.dirichlet(np.ones(window), size=n)
    draw = forecast_plots.window_view(rng.normal(size=(n, window)), rng.normal(size=n), rng.normal(size=n), weights,
                               unit="F", name="temperature", baseline=rng.normal(size=n))
    slider = widgets.IntSlider(value=0, min=0, max=n - 1)
    explorer = Explorer(draw, window_index=slider)
    first_image, first_caption = bytes(explorer.image.value), explorer.caption.value
    assert first_image.startswith(b"\x89PNG") and first_caption.startswith("Window 0:")
    slider.value = 3
    assert explorer.caption.value.startswith("Window 3:") and bytes(explorer.image.value) != first_image
    peak = int(reading.top_steps(weights[3], 1)[0])
    assert f"{window - peak}h ago, weight {weights[3, peak]:.3f}" in explorer.caption.value
    with pytest.raises(ValueError, match="window_index"):
        draw(n)
    with pytest.raises(ValueError, match="history and weights"):
        forecast_plots.window_view(np.zeros((n, 3)), np.zeros(n), np.zeros(n), weights)


def test_window_view_labels_steps_as_time_before_the_target():
    weights = np.full((2, 48), 1 / 48)
    fig, caption = forecast_plots.window_view(np.zeros((2, 48)), np.zeros(2), np.ones(2), weights)(1)
    labels = [t.get_text() for t in fig.axes[1].get_xticklabels()]
    assert labels[0] == "48h" and labels[-2:] == ["1h", "target"] and "0h" not in labels
    assert "Most attended step: 1h ago" in caption  # ties: the most recent step


@pytest.mark.parametrize("kind", forecast_plots.ARCHITECTURES)
def test_architecture_draws_every_model_with_its_title(kind):
    fig = forecast_plots.architecture(kind)
    ax = fig.axes[0]
    assert ax.get_title() and len(ax.patches) > 15
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "head" in texts and "x_{1}" in texts
    assert ("LSTM" in texts) != (kind == "linear_encoder")
    if kind in ("attention_pooling", "positions", "linear_encoder"):
        assert "softmax" in texts and "s_{1}" in texts
    if kind in ("positions", "linear_encoder"):
        assert "p_{1}" in texts
    with pytest.raises(ValueError, match="kind"):
        forecast_plots.architecture("transformer")


def test_lag_map_sorts_windows_by_lag_and_marks_each_lag():
    rng = np.random.default_rng(2)
    lags = rng.integers(1, 13, size=40)
    weights = np.full((40, 12), 0.01)
    weights[np.arange(40), 12 - lags] = 1 - 0.11
    fig = forecast_plots.lag_map(weights, lags, n_windows=40)
    ax = fig.axes[0]
    dots = ax.collections[-1].get_offsets()
    assert len(dots) == 40 and np.all(np.diff(dots[:, 0]) >= 0)  # oldest lag first: dots move right
    shown = ax.collections[0].get_array().reshape(40, 12)
    assert np.all(shown.argmax(axis=1) == dots[:, 0] - 0.5)  # every row's peak is on its dot
    with pytest.raises(ValueError, match="lags"):
        forecast_plots.lag_map(weights, lags[:5])


def test_score_parts_draws_one_panel_per_model():
    parts = {"content": np.random.default_rng(0).normal(size=(30, 10)), "position": np.linspace(0, 1, 10)}
    fig = forecast_plots.score_parts({"known lags": parts, "switching lag": parts}, n_windows=5)
    assert [ax.get_title() for ax in fig.axes] == ["known lags", "switching lag"]
    assert len(fig.axes[0].get_lines()) == 5 + 2  # five windows, the legend's stand-in, the position line


def test_self_attention_map_labels_queries_and_keys_in_steps_before_the_target():
    fig = forecast_plots.self_attention_map(np.full((30, 30), 1 / 30), lag=7)
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("key") and ax.get_ylabel().startswith("query")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "30" and labels[-1] == "1"
    marked = [line for line in ax.get_lines() if "lag" in line.get_label()]
    assert marked and marked[0].get_xdata()[0] == 30 - 7 + 0.5  # the column of the key 7 steps back
    with pytest.raises(ValueError, match="T, T"):
        forecast_plots.self_attention_map(np.full((3, 4), 0.25))
    with pytest.raises(ValueError, match="lag"):
        forecast_plots.self_attention_map(np.full((4, 4), 0.25), lag=5)


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
