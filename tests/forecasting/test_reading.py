import ipywidgets as widgets
import numpy as np
import pytest

from attn_helpers.forecasting import plots as forecast_plots
from attn_helpers.forecasting import reading
from attn_helpers.widgets import Explorer


def peaked_profile(window=48, peaks={1: 0.4, 24: 0.3}):
    p = np.full(window, (1 - sum(peaks.values())) / (window - len(peaks)))
    for lag, w in peaks.items():
        p[window - lag] = w
    return p


def test_hours_ago_counts_the_last_step_as_one():
    ago = reading.hours_ago(48)
    assert ago[-1] == 1 and ago[0] == 48 and ago[24] == 24 and len(ago) == 48
    with pytest.raises(ValueError, match="window"):
        reading.hours_ago(0)


def test_top_k_readout_labels_ratios_and_order():
    text = reading.top_k_readout(peaked_profile(), k=3)
    lines = text.splitlines()
    assert lines[0] == "Top 3 most attended steps (uniform 1/48 = 0.0208):"
    assert lines[1] == "1. 1h ago: 0.4000 (40.0%) = 19.20 x uniform"
    assert lines[2] == "2. 24h ago: 0.3000 (30.0%) = 14.40 x uniform"
    assert lines[3].startswith("3. 2h ago:")  # ties among the flat steps: the most recent first
    assert "= 0.31 x uniform" in lines[3]  # 0.3 / 46 * 48


def test_true_lags_in_top():
    p = peaked_profile()
    assert reading.true_lags_in_top(p, (1, 24), k=3) == 1.0
    assert reading.true_lags_in_top(p, (1, 25), k=2) == 0.5
    assert reading.true_lags_in_top(np.full(48, 1 / 48), (24,), k=3) == 0.0  # ties go to 1h, 2h, 3h
    with pytest.raises(ValueError, match="true_lags"):
        reading.true_lags_in_top(p, (0,))
    with pytest.raises(ValueError, match="k must be"):
        reading.true_lags_in_top(p, (1,), k=49)


def test_attention_profile_and_weight_checks():
    w = np.stack([peaked_profile(), np.full(48, 1 / 48)])
    np.testing.assert_allclose(reading.attention_profile(w), w.mean(0))
    with pytest.raises(ValueError, match="sum to 1"):
        reading.attention_profile(w * 2)
    with pytest.raises(ValueError, match="windows, steps"):
        reading.attention_profile(w[None])


def test_erasure_test_on_a_model_that_uses_exactly_two_steps():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 40, 2))
    y = x[:, -1, :1] + x[:, 3, :1]  # depends on the last step and step 3 only

    def predict(inputs):
        return inputs[:, -1, :1] + inputs[:, 3, :1]

    good = np.zeros((500, 40))
    good[:, [3, 39]] = 0.5
    result = reading.erasure_test(predict, x, y, good, k=2, repeats=3, seed=0)
    assert result["rmse"] == 0.0
    np.testing.assert_allclose(result["rmse_top_k"], np.sqrt(np.mean(y ** 2)))  # both terms erased
    assert result["increase_top_k"] > 3 * result["increase_random_k"] > 0  # random steps rarely hit 3 or 39
    np.testing.assert_allclose(result["ratio"], result["increase_top_k"] / result["increase_random_k"])
    # attention that points at irrelevant steps does no better than chance
    bad = np.zeros((500, 40))
    bad[:, [0, 1]] = 0.5
    assert reading.erasure_test(predict, x, y, bad, k=2)["increase_top_k"] == 0.0
    # a neutral value per feature is broadcast over the erased steps
    shifted = reading.erasure_test(predict, x, y, good, k=2, neutral=np.array([1.0, 0.0]))
    np.testing.assert_allclose(shifted["rmse_top_k"], np.sqrt(np.mean((y - 2) ** 2)))
    # seeded: the same random steps every time
    assert (reading.erasure_test(predict, x, y, good, k=2, seed=4)
            == reading.erasure_test(predict, x, y, good, k=2, seed=4))


def test_erasure_test_rejects_bad_arguments():
    x, w = np.zeros((4, 6, 1)), np.full((4, 6), 1 / 6)
    predict = lambda inputs: inputs[:, -1]
    with pytest.raises(ValueError, match="k must be"):
        reading.erasure_test(predict, x, x[:, -1], w, k=6)
    with pytest.raises(ValueError, match="inputs must be"):
        reading.erasure_test(predict, x[..., 0], x[:, -1], w, k=1)
    with pytest.raises(ValueError, match="repeats"):
        reading.erasure_test(predict, x, x[:, -1], w, k=1, repeats=0)


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
