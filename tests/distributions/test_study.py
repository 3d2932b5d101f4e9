import functools
import json

import ipywidgets as widgets
import numpy as np
import pytest
import torch

from attn_helpers.distributions import data as g
from attn_helpers.distributions import plots as study_plots
from attn_helpers.distributions import study as ds
from attn_helpers.widgets import Explorer


def test_baselines_are_exact_where_they_should_be():
    gen = g.SeasonTrendOutliers(period=10, slope=0.01, noise_sd=0.0, outlier_prob=0.0)
    data = ds.make_windows(gen.sample(600, 0), window=30, horizon=5, center="mean")
    targets = data.targets["test"]
    forecasts = ds.baseline_forecasts(data, gen)
    assert set(forecasts) == {"persistence", "mean", "seasonal naive", "linear"}
    mse = ds.mse_by_name(forecasts, targets)
    assert mse["linear"] < 1e-6  # a noiseless season plus trend
    assert mse["seasonal naive"] < 1e-2 * mse["persistence"]  # its drift is estimated from the training part
    cycles = g.MultiSeasonality(periods=(5, 10), amplitudes=(1.0, 0.5), noise_sd=0.0)
    periodic = ds.make_windows(cycles.sample(600, 0), window=30, horizon=5)
    assert ds.mse_by_name(ds.baseline_forecasts(periodic, cycles), periodic.targets["test"])["seasonal naive"] < 1e-20
    np.testing.assert_array_equal(forecasts["persistence"], np.repeat(data.inputs["test"][:, -1:], 5, 1))
    np.testing.assert_allclose(forecasts["mean"][:, 0], data.inputs["test"].mean(1))
    with pytest.raises(ValueError, match="seasonal period must be in"):
        ds.baseline_forecasts(ds.make_windows(gen.sample(600, 0), window=30, horizon=12), gen)


@pytest.fixture(scope="module")
def small_runs():
    kw = dict(length=400, seed=0, epochs=1, input_len=16, horizon=4, d_model=16, n_heads=2, d_ff=32, progress=False)
    return {gen.name: ds.run_generator(gen, **kw) for gen in (g.RandomWalk(), g.SeasonTrendOutliers(period=8))}


def test_run_generator_measures_model_baselines_floor_and_attention(small_runs):
    run = small_runs["RandomWalk"]
    n = len(run.data.inputs["test"])
    assert set(run.mse) == {"persistence", "mean", "linear", "model", "model, uniform attention"}
    assert run.floor == pytest.approx(2.5)  # sigma^2 times the mean of 1..4
    assert run.stats["entropy"].shape == (n, 2, 2) and run.stats["column_mass"].shape == (n, 2, 2, 16)
    assert run.stats["lag_profile"].shape == (n, 2, 2, 31)
    # the statistics come from the model's own maps
    with torch.no_grad():
        maps = run.model.forward_with_attention(run.data.scaled("test")[0][:3])[1].numpy()
    np.testing.assert_allclose(run.stats["entropy"][:3], ds.am.row_entropy(maps), rtol=1e-6)
    record = json.loads(json.dumps(run.to_json()))  # valid JSON, no NaN
    assert record["generator"] == "RandomWalk" and record["normalisation"] == "last"
    assert len(record["attention_by_layer_head"]["entropy"]) == 2
    assert run.best_baseline in {"persistence", "mean", "linear"}


def test_explorer_redraws_when_a_control_changes(small_runs):
    controls = dict(generator=widgets.Dropdown(options=list(small_runs)), layer=widgets.Dropdown(options=[0, 1]),
                    head=widgets.Dropdown(options=[0, 1]), window=widgets.IntSlider(0, 0, 10))
    explorer = Explorer(functools.partial(study_plots.draw_attention, small_runs), **controls)
    image, caption = explorer.image.value, explorer.caption.value
    assert "RandomWalk" in caption and "head 0" in caption
    controls["head"].value = 1
    assert explorer.image.value != image and "head 1" in explorer.caption.value
    controls["generator"].value = "SeasonTrendOutliers"
    assert "SeasonTrendOutliers" in explorer.caption.value
    with pytest.raises(ValueError, match="layer must be in"):
        study_plots.draw_attention(small_runs, "RandomWalk", layer=2)
    with pytest.raises(ValueError, match="generator must be one of"):
        study_plots.draw_attention(small_runs, "Nope")
