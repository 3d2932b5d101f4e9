import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from attn_helpers.anomaly import data as sa  # noqa: E402
from attn_helpers.anomaly import metrics  # noqa: E402
from attn_helpers.anomaly import plots as anomaly_plots  # noqa: E402
from attn_helpers.widgets import Explorer  # noqa: E402


@pytest.fixture(scope="module")
def data_and_outputs():
    data = sa.sine_anomaly_dataset(20, n_points=80, loc_range=(0, 60), length_range=(10, 30), seed=0)
    rng = np.random.default_rng(0)
    weights = rng.random((20, 80))
    weights /= weights.sum(1, keepdims=True)
    return data, rng.random(20), weights


def test_aligned_attention_matches_a_loop():
    rng = np.random.default_rng(1)
    weights, anchor = rng.random((5, 30)), np.array([0, 3, 10, 29, 15])
    offsets, mean = anomaly_plots.aligned_attention(weights, anchor, before=4, after=6)
    assert list(offsets) == list(range(-4, 7))
    for k, off in enumerate(offsets):
        vals = [weights[i, a + off] for i, a in enumerate(anchor) if 0 <= a + off < 30]
        assert mean[k] == pytest.approx(np.mean(vals))
    with pytest.raises(ValueError, match="anchor"):
        anomaly_plots.aligned_attention(weights, anchor[:3])


def test_phase_after_turn_is_0_at_a_turn_and_90_at_a_zero_crossing():
    x = np.linspace(0, 2 * np.pi, 500)
    freq = np.array([1.0, 1.0, 2.0, 3.0])
    # steps nearest to: the first peak (x = pi/2), the zero crossing after it, a trough of freq 2, 45 deg past a turn
    targets = np.array([np.pi / 2, np.pi, 3 * np.pi / 4, (np.pi / 2 + np.pi / 4) / 3])
    peaks = np.abs(x[None, :] - targets[:, None]).argmin(1)
    phase = anomaly_plots.phase_after_turn(peaks, freq)
    np.testing.assert_allclose(np.minimum(phase, 180 - phase)[[0, 2]], 0, atol=2)
    np.testing.assert_allclose(phase[[1, 3]], [90, 45], atol=2)


def test_architecture_draws_the_three_models_with_their_shapes():
    fig = anomaly_plots.architecture(hidden=16, attention_size=32, time=500, features=2)
    assert [ax.get_title() for ax in fig.axes] == ["BiLSTM + attention", "BiLSTM + mean pooling",
                                                   "BiLSTM + max pooling"]
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("(500, 2)") == 3 and texts.count("(500, 32): $h_t$") == 3
    assert "(500,): $\\alpha$" in texts and texts.count("(32,): $c$") == 3


def test_training_curves_has_one_panel_per_history():
    from attn_helpers.training import History
    hist = History(train_loss=[float("nan"), 0.5, 0.3], val_loss=[0.69, 0.4, 0.35], best_epoch=2)
    fig = anomaly_plots.training_curves({"a": hist, "b": hist, "c": hist, "d": hist}, ncols=3)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["a", "b", "c", "d"] and len(fig.axes) == 6


def test_every_chapter_plot_returns_a_figure(data_and_outputs):
    data, probs, weights = data_and_outputs
    i = int(np.flatnonzero(data.labels)[0])
    figs = [
        anomaly_plots.series_with_attention(data.series[i], weights[i], data.loc[i], data.length[i], 0.9),
        anomaly_plots.series_with_attention(data.series[i]),
        anomaly_plots.examples(data, range(3)),
        anomaly_plots.roc({"model": (*metrics.roc_curve(data.labels, probs)[:2], 0.5)}),
        anomaly_plots.attention_around_boundaries(weights[data.labels == 1], data.loc[data.labels == 1],
                                                  data.length[data.labels == 1]),
        anomaly_plots.attention_around_boundaries({"a": weights[data.labels == 1], "b": weights[data.labels == 1]},
                                                  data.loc[data.labels == 1], data.length[data.labels == 1]),
        anomaly_plots.phase_histograms({"a": np.array([10.0, 50.0, 170.0])}),
    ]
    assert all(isinstance(f, Figure) for f in figs)
    plt.close("all")


def test_explorer_over_test_series_follows_the_slider(data_and_outputs):
    data, probs, weights = data_and_outputs
    normal, anomalous = int(np.flatnonzero(data.labels == 0)[0]), int(np.flatnonzero(data.labels == 1)[0])
    slider = widgets.IntSlider(value=normal, min=0, max=len(data) - 1)
    explorer = Explorer(anomaly_plots.series_view(data, probs, weights), index=slider)
    first_image, first_caption = bytes(explorer.image.value), explorer.caption.value
    assert first_image.startswith(b"\x89PNG") and "normal series" in first_caption
    assert f"p = {probs[normal]:.3f}" in first_caption
    slider.value = anomalous
    caption = explorer.caption.value
    assert bytes(explorer.image.value) != first_image
    lo, n = data.loc[anomalous], data.length[anomalous]
    assert f"flat section at {lo}..{lo + n - 1}" in caption
    assert f"{weights[anomalous, lo:lo + n].sum():.3f}" in caption
    plt.close("all")


def test_series_view_rejects_a_bad_index(data_and_outputs):
    draw = anomaly_plots.series_view(*data_and_outputs)
    with pytest.raises(ValueError, match="index"):
        draw(20)
