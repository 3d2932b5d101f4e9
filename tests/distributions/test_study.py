import numpy as np
import pytest
import torch
from statsmodels.tsa.ar_model import AutoReg, ar_select_order
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

from attn_helpers import attention
from attn_helpers.distributions import data as dd
from attn_helpers.distributions import study as st

SMALL = dict(window=30, horizon=5, strides=(2, 1, 1))


def small_task(gen, length=900, seed=0, **kw):
    return dd.make_task(gen, length, seed, **{**SMALL, **kw})


@pytest.mark.parametrize("gen", [dd.HeavyTailedAR1(), dd.SeasonalAR(period=6),
                                 dd.MultiSeasonality(periods=(5, 8), amplitudes=(1.0, 0.5))])
def test_ar_order_is_the_one_statsmodels_ar_select_order_picks(gen):
    x = gen.sample(800, 1)
    assert st.select_ar_order(x, 12) == len(ar_select_order(x, maxlag=12, ic="aic", trend="c").ar_lags)


def test_iterated_ar_forecast_equals_statsmodels_dynamic_prediction():
    x = dd.HeavyTailedAR1().sample(2000, 0)
    fit = AutoReg(x, lags=3, trend="c").fit()
    window = x[None, 100:200]
    ours = st.iterate_ar(window, fit.params[0], fit.params[1:], 5)
    theirs = AutoReg(x[100:200], lags=3, trend="c").predict(fit.params, start=100, end=104)
    np.testing.assert_allclose(ours[0], theirs, rtol=1e-10)
    with pytest.raises(ValueError, match="AR order"):
        st.iterate_ar(window[:, :2], 0.0, np.ones(3), 5)


def test_baselines_are_exact_where_they_should_be():
    clean = dd.SeasonTrendOutliers(period=10, slope=0.01, noise_sd=0.0, outlier_prob=0.0)
    task = small_task(clean)
    forecasts = st.baseline_forecasts(task)
    y = task.targets("test")
    assert set(forecasts) == {"persistence", "window mean", "training mean", "seasonal naive", "AR(p)",
                              "ridge on lags", "ridge on scaled window", "local linear trend"}
    persistence = st.mse(forecasts["persistence"]["test"], y)
    assert st.mse(forecasts["seasonal naive"]["test"], y) < 1e-3 * persistence  # drift from the training part
    assert st.mse(forecasts["ridge on lags"]["test"], y) < 1e-3
    np.testing.assert_array_equal(forecasts["persistence"]["test"], np.repeat(task.inputs("test")[:, -1:], 5, 1))
    np.testing.assert_allclose(forecasts["window mean"]["val"][:, 0], task.inputs("val").mean(1))
    line = small_task(dd.TrendBreaks(break_prob=0.0, noise_sd=0.0))
    assert st.mse(st.baseline_forecasts(line)["local linear trend"]["test"], line.targets("test")) < 1e-20


def test_markov_switching_filter_with_known_parameters_is_close_to_the_fitted_one():
    task = small_task(dd.RegimeSwitching(), length=3000)
    forecasts = st.baseline_forecasts(task)
    assert "Markov switching filter" in forecasts
    known, label = st.reference_forecast(task)
    y = task.targets("test")
    fitted = st.mse(forecasts["Markov switching filter"]["test"], y)
    assert label == "Hamilton filter, known parameters"
    assert st.mse(known, y) <= fitted * 1.05 and fitted < st.mse(forecasts["persistence"]["test"], y)
    # the filtered probabilities come from statsmodels' Hamilton filter: one step ahead they mix the means
    _, params = st.markov_switching(task)
    probs = MarkovRegression(task.data.series, k_regimes=2, switching_variance=True).filter(params)
    p = probs.filtered_marginal_probabilities[task.data.first_target["test"][0] - 1]
    transition = probs.regime_transition[:, :, 0]
    np.testing.assert_allclose(forecasts["Markov switching filter"]["test"][0, 0], params[2:4] @ (transition @ p))


def test_squared_return_task_gets_volatility_baselines_and_the_garch_variance_floor():
    garch = small_task(dd.GARCH11(), length=2000)
    vol = dd.ForecastTask("vol", garch.generator, garch.data, garch.info, target="square")
    forecasts = st.baseline_forecasts(vol)
    assert "EWMA variance" in forecasts and "seasonal naive" not in forecasts
    floor, label = st.reference_forecast(vol)
    y = vol.targets("test")
    assert label.startswith("GARCH variance") and st.mse(floor, y) < st.mse(forecasts["persistence"]["test"], y)
    np.testing.assert_allclose(forecasts["persistence"]["test"][:, 0], garch.inputs("test")[:, -1] ** 2)


def test_one_over_f_reference_is_fitted_on_other_series_and_beats_the_mean():
    task = small_task(dd.OneOverFNoise(), length=1500)
    reference, label = st.reference_forecast(task)
    y = task.targets("test")
    assert "independent" in label
    assert st.mse(reference, y) < st.mse(st.baseline_forecasts(task)["training mean"]["test"], y)


def test_training_leaves_its_start_on_a_learnable_series_and_the_shuffled_control_trains_through():
    task = small_task(dd.SeasonalAR(period=6), length=700)
    model, history = st.train_model(task, "main", seed=0, epochs=2, lr=1e-3)
    assert history.val_loss[0] > min(history.val_loss[1:]) and history.left_start
    run = st.train_run(task, "main", seed=0, epochs=2, shuffle_targets=True)
    assert run.shuffled and run.history.epochs_run == 2
    st.evaluate(run, every=5)
    assert run.stats["entropy"].ndim == 3 and not run.forecasts and not run.init_stats  # statistics only
    init = st.build_model(task, "main", seed=0)
    for (name, a), b in zip(init.state_dict().items(), run.init.state_dict().values()):
        assert torch.equal(a, b), name  # the untrained twin is the same initialisation
    with pytest.raises(ValueError, match="arch must be one of"):
        st.build_model(task, "lstm")


def test_evaluate_fills_forecasts_erasure_and_attention_statistics():
    task = small_task(dd.SeasonalAR(period=6), length=600)
    run = st.evaluate(st.train_run(task, "horizon queries", seed=0, epochs=1), every=2)
    n = len(task.inputs("test"))
    assert {k: v.shape for k, v in run.forecasts.items()} == {k: (n, 5) for k in ("model", "erased", "init")}
    np.testing.assert_allclose(run.forecasts["erased"], st.forecast(attention.swap_weights(run.model), task))
    assert run.stats["entropy"].shape == (len(range(0, n, 2)), 1, 4)
    np.testing.assert_array_equal(run.stats["lags"], np.arange(1, 30 + 5))  # query T+h-1 to key j
    assert np.all(run.stats["horizontal"] >= 0) and np.all(run.stats["entropy"] <= 1 + 1e-9)


def test_relevant_keys_and_chosen_head_mass_find_a_planted_head():
    task = small_task(dd.SeasonalAR(period=6), length=600)
    own, union = st.relevant_keys(task, own_step=True), st.relevant_keys(task)
    assert own.shape == (5, 30) and own.sum() == 5 and union.sum() == 5
    np.testing.assert_array_equal(np.flatnonzero(union), task.generator.relevant_keys(30, 5))

    class Planted(torch.nn.Module):
        """Head 2 reads exactly the relevant input of every step; the others are uniform."""
        horizon = 5

        def forward_with_weights(self, x):
            w = torch.full((len(x), 1, 4, 5, 30), 1 / 30)
            w[:, 0, 2] = torch.tensor(own, dtype=torch.float32)
            return torch.zeros(len(x), 5), w

        def forward(self, x):
            return self.forward_with_weights(x)[0]

        def parameters(self):
            return iter([torch.zeros(1)])

    model = Planted()
    result = st.chosen_head_mass(model, task, own)
    assert (result["layer"], result["head"]) == (0, 2) and result["test_mass"] == pytest.approx(1.0)
    np.testing.assert_allclose(np.delete(result["test_by_head"][0], 2), 1 / 30)
    keys = np.zeros((len(task.inputs("test")), 30), bool)
    keys[:, 0] = True
    mass = st.attention_stats(model, task, window_keys=keys, summary=False)["window_key_mass"]
    np.testing.assert_allclose(mass[:, 0, 0], 1 / 30)
    with pytest.raises(ValueError, match="window_keys must have shape"):
        st.attention_stats(model, task, window_keys=keys[:3])


def test_ratio_with_interval_averages_each_side_over_its_seeds_and_calls_ties():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(200, 3))
    a = target + rng.normal(0, 1.0, (3, 200, 3))
    b = target + rng.normal(0, 1.0, (200, 3))
    r = st.ratio_with_interval(a, b, target)
    assert r["ratio"] == pytest.approx(np.mean((a - target) ** 2) / np.mean((b - target) ** 2))
    assert r["ci_low"] < 1 < r["ci_high"] and r["verdict"] == "tie"
    worse = st.ratio_with_interval(target + rng.normal(0, 2.0, (200, 3)), b, target)
    assert worse["verdict"] == "worse" and worse["ci_low"] > 1
    two_sided = st.ratio_with_interval(a[:2], a[1:], target)
    assert two_sided["ratio"] == pytest.approx(np.mean((a[:2] - target) ** 2) / np.mean((a[1:] - target) ** 2))


def test_layernorm_first_extraction_reports_other_maps_than_the_model_uses():
    task = small_task(dd.HeavyTailedAR1(), length=400)
    model = st.build_model(task, "main", seed=0)
    x = task.scaled("test")[0][:4]
    wrong = st.prenorm_maps(model, x)
    right = model.forward_with_weights(x)[1]
    assert wrong.shape == right.shape == (4, 2, 4, 30, 30)
    torch.testing.assert_close(wrong.sum(-1), torch.ones(4, 2, 4, 30))
    assert (wrong - right).abs().max() > 1e-3
