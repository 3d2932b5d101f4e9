"""Chapter 5's study, step by step: baselines and floors, training (with its controls), erasure,
attention statistics, and the comparison with intervals.

Every step takes a :class:`~attn_helpers.distributions.data.ForecastTask` and returns plain arrays,
so the notebook can show each step and its code.
"""
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import Ridge
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

from .. import attention, baselines, repro, stats, training
from . import metrics as am
from .data import GARCH11, ForecastTask, OneOverFNoise, RegimeSwitching, window_series
from .model import HorizonQueryForecaster, TransformerForecaster

SPLITS = ("val", "test")
BASELINES = ("persistence", "window mean", "training mean", "seasonal naive", "AR(p)", "ridge on lags",
             "ridge on scaled window", "local linear trend", "Markov switching filter", "EWMA variance")
"""Every baseline the study knows, in a fixed order: ``<Name>_best_baseline_is`` indexes this tuple."""
ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)  # ridge penalties tried on the validation windows
TREND_SPANS = (5, 10, 20, 30, 50, 100)  # local linear trend: the last k inputs, k chosen on validation
EWMA_DECAYS = (0.8, 0.9, 0.94, 0.97, 0.99)  # EWMA variance: decay chosen on validation


def mse(forecast, target) -> float:
    """Mean squared error over all elements."""
    return float(np.mean((np.asarray(forecast, dtype=float) - np.asarray(target, dtype=float)) ** 2))


# --- baselines -----------------------------------------------------------------------------------

def _pick_on_validation(task: ForecastTask, candidates: dict) -> dict:
    """candidates: setting -> function(split) -> forecast; the setting with the lowest validation MSE."""
    val_mse = {k: mse(make("val"), task.targets("val")) for k, make in candidates.items()}
    best = min(val_mse, key=val_mse.get)
    return {split: candidates[best](split) for split in SPLITS}


def ridge_on_lags(task: ForecastTask) -> dict:
    """Ridge regression of the next values on the window, both taken relative to the window's last
    value, plus the last value itself (so that persistence costs no penalty); penalty chosen on validation."""
    def design(split):
        x = task.inputs(split)
        return np.column_stack([x - x[:, -1:], x[:, -1]]), x[:, -1:]

    (x_train, last_train) = design("train")
    fits = {a: Ridge(alpha=a).fit(x_train, task.targets("train") - last_train) for a in ALPHAS}
    return _pick_on_validation(task, {a: (lambda s, m=m: m.predict(design(s)[0]) + design(s)[1])
                                      for a, m in fits.items()})


def ridge_on_scaled_window(task: ForecastTask) -> dict:
    """Ridge regression in the model's own units: what a linear model learns from the scaled windows."""
    x_train, y_train = (t.numpy() for t in task.scaled("train"))
    fits = {a: Ridge(alpha=a).fit(x_train, y_train) for a in ALPHAS}
    return _pick_on_validation(task, {a: (lambda s, m=m: task.to_original(m.predict(task.scaled(s)[0].numpy()), s))
                                      for a, m in fits.items()})


def select_ar_order(series: np.ndarray, max_lag: int) -> int:
    """The AR order (0..max_lag, with a constant) of least AIC, every order fitted by least squares on
    the same sample (the first ``max_lag`` values held back), the rule of statsmodels' ``ar_select_order``."""
    series = np.asarray(series, dtype=float)
    if not 0 <= max_lag < len(series) - 1:
        raise ValueError(f"max_lag must be in [0, {len(series) - 2}], got {max_lag}")
    y = series[max_lag:]
    design = np.column_stack([np.ones(len(y))] + [series[max_lag - i:len(series) - i] for i in range(1, max_lag + 1)])
    gram, cross = design.T @ design, design.T @ y  # the normal equations of the largest model
    aic = []
    for p in range(max_lag + 1):
        coef = np.linalg.solve(gram[:p + 1, :p + 1], cross[:p + 1])
        ssr = y @ y - coef @ cross[:p + 1]
        aic.append(len(y) * np.log(max(ssr, 1e-300) / len(y)) + 2 * (p + 2))  # an exact fit has ssr ~ 0
    return int(np.argmin(aic))


def ar_p(task: ForecastTask, max_lag: int = 60) -> tuple[dict, int]:
    """statsmodels ``AutoReg`` fitted on the training part (order by AIC up to ``max_lag``), forecast
    from each window by iterating its recursion. -> (forecasts, order)."""
    series = task.data.series**2 if task.target == "square" else task.data.series
    train_series = series[task.data.segments["train"]]
    order = select_ar_order(train_series, min(max_lag, task.input_len))
    fit = AutoReg(train_series, lags=order, trend="c").fit()
    const, coefs = float(fit.params[0]), np.asarray(fit.params[1:])  # coefs[i]: lag i + 1
    return {split: iterate_ar(task.inputs(split), const, coefs, task.horizon) for split in SPLITS}, order


def iterate_ar(inputs: np.ndarray, const: float, coefs: np.ndarray, horizon: int) -> np.ndarray:
    """Iterated AR forecasts ``x_{t+h} = const + sum_i coefs[i] x_{t+h-1-i}`` from windows (n, T) -> (n, horizon)."""
    history = np.asarray(inputs, dtype=float)
    p = len(coefs)
    if p > history.shape[1]:
        raise ValueError(f"the AR order {p} must be <= the window length {history.shape[1]}")
    for _ in range(horizon):
        step = const + history[:, history.shape[1] - p:][:, ::-1] @ coefs if p else np.full(len(history), const)
        history = np.column_stack([history, step])
    return history[:, -horizon:]


def local_linear_trend(task: ForecastTask) -> dict:
    """A straight line fitted to the last k inputs of each window, extended; k chosen on validation."""
    def line(split, k):
        x = task.inputs(split)[:, -k:]
        t = np.arange(k) - (k - 1) / 2
        slope = (x - x.mean(1, keepdims=True)) @ t / (t @ t)
        ahead = (k - 1) / 2 + np.arange(1, task.horizon + 1)
        return x.mean(1, keepdims=True) + slope[:, None] * ahead[None, :]

    return _pick_on_validation(task, {k: (lambda s, k=k: line(s, k)) for k in TREND_SPANS if k <= task.input_len})


def ewma_variance(task: ForecastTask) -> dict:
    """Exponentially weighted mean of the squared returns in the window (RiskMetrics), flat over the
    horizon; decay chosen on validation."""
    def ewma(split, decay):
        squares = task.inputs(split)
        weights = decay ** np.arange(squares.shape[1])[::-1]
        level = squares @ weights / weights.sum()
        return np.repeat(level[:, None], task.horizon, axis=1)

    return _pick_on_validation(task, {d: (lambda s, d=d: ewma(s, d)) for d in EWMA_DECAYS})


def markov_switching(task: ForecastTask, params: np.ndarray | None = None) -> tuple[dict, np.ndarray]:
    """Hamilton filter of a two-regime Markov switching mean and variance (statsmodels
    ``MarkovRegression``): fitted on the training part unless ``params`` are given; the filtered regime
    probabilities at each window's last input are carried forward and weight the regime means.
    -> (forecasts, params)."""
    series = task.data.series
    if params is None:
        train = series[task.data.segments["train"]]
        params = MarkovRegression(train, k_regimes=2, switching_variance=True).fit(disp=False).params
    filtered = MarkovRegression(series, k_regimes=2, switching_variance=True).filter(params)
    probs = filtered.filtered_marginal_probabilities  # (time, 2): P(s_t | x_1..x_t)
    transition = filtered.regime_transition[:, :, 0]  # [i, j] = P(s_t = i | s_{t-1} = j)
    means = np.asarray(params[2:4])
    out = {}
    for split in SPLITS:
        p = probs[task.data.first_target[split] - 1].T  # (2, n) at each window's last input
        steps = []
        for _ in range(task.horizon):
            p = transition @ p
            steps.append(means @ p)
        out[split] = np.stack(steps, axis=1)
    return out, np.asarray(params)


def baseline_forecasts(task: ForecastTask) -> dict[str, dict]:
    """Every baseline that applies to the task, fitted on its training part: name -> split -> (n, horizon).

    Names come from :data:`BASELINES`; settings (ridge penalty, AR order, span, decay) are chosen on
    the validation windows.
    """
    horizon = task.horizon
    train_mean = float(task.inputs("train").mean())
    out = {name: {s: fn(task.inputs(s)) for s in SPLITS} for name, fn in (
        ("persistence", lambda x: baselines.persistence(x, horizon)),
        ("window mean", lambda x: baselines.mean_forecast(x, horizon)),
        ("training mean", lambda x: baselines.mean_forecast(x, horizon, train_mean)))}
    out["AR(p)"], _ = ar_p(task)
    out["ridge on lags"] = ridge_on_lags(task)
    if task.target == "square":
        out["EWMA variance"] = ewma_variance(task)
        return out
    period = task.generator.seasonal_period
    if period is not None and horizon <= period <= task.input_len:
        train_part = task.data.series[task.data.segments["train"]]
        drift = 0.0 if task.generator.stationary else float(np.diff(train_part).mean())
        out["seasonal naive"] = {s: baselines.seasonal_naive(task.data.series, task.targets_at(s), period, drift)
                                 for s in SPLITS}
    out["ridge on scaled window"] = ridge_on_scaled_window(task)
    out["local linear trend"] = local_linear_trend(task)
    if isinstance(task.generator, RegimeSwitching):
        out["Markov switching filter"], _ = markov_switching(task)
    return {name: out[name] for name in BASELINES if name in out}


def best_baseline(task: ForecastTask, forecasts: dict[str, dict]) -> str:
    """The baseline with the lowest *validation* MSE (so the test comparison is not tuned on test)."""
    return min(forecasts, key=lambda name: mse(forecasts[name]["val"], task.targets("val")))


# --- floors: forecasts that know the process -------------------------------------------------------

def one_over_f_reference(task: ForecastTask, n_series: int = 20, stride: int = 5, seed: int = 10_000) -> np.ndarray:
    """Least squares on the window, fitted on ``n_series`` independent samples of the same 1/f generator
    (never on this series): close to the best linear predictor of the process. -> test forecasts."""
    gen = task.generator
    length = len(task.data.series)
    xs, ys = [], []
    for i in range(n_series):
        data = window_series(gen.sample(length, seed + i), task.input_len, task.horizon, strides=(stride,) * 3)
        for split in ("train", "val", "test"):
            xs.append(data.inputs[split])
            ys.append(data.targets[split])
    linear = baselines.LinearAR().fit(np.concatenate(xs), np.concatenate(ys))
    return linear.predict(task.inputs("test"))


def reference_forecast(task: ForecastTask) -> tuple[np.ndarray | None, str]:
    """The best forecast we can make knowing the process (test windows, (n, horizon)), and what it is;
    (None, reason) where none is cheap."""
    gen = task.generator
    if task.target == "square":
        if not isinstance(gen, GARCH11):
            return None, "no known variance forecast"
        return gen.variance_forecast(task.info, task.targets_at("test")), "GARCH variance, known parameters"
    if isinstance(gen, RegimeSwitching):
        known = np.array([gen.stay_prob, 1 - gen.stay_prob, *gen.means, *(s**2 for s in gen.sds)])
        return markov_switching(task, known)[0]["test"], "Hamilton filter, known parameters"
    if isinstance(gen, OneOverFNoise):
        return one_over_f_reference(task), "linear predictor fitted on 20 independent series"
    oracle = gen.oracle_forecast(task.data.series, task.info, task.targets_at("test"))
    if oracle is None:
        return None, "no cheap optimal forecast known"
    return oracle, "conditional mean, known parameters"


# --- training and its controls ----------------------------------------------------------------------

ARCHITECTURES = {"main": TransformerForecaster, "horizon queries": HorizonQueryForecaster}


def build_model(task: ForecastTask, arch: str = "main", seed: int = 0, **model_kwargs) -> torch.nn.Module:
    """A fresh model of ``arch`` for the task's window and horizon, initialised from ``seed``."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"arch must be one of {sorted(ARCHITECTURES)}, got {arch!r}")
    repro.seed_everything(seed)
    return ARCHITECTURES[arch](input_len=task.input_len, horizon=task.horizon, **model_kwargs)


def _mse_loss(model, batch):
    return F.mse_loss(model(batch[0]), batch[1])


def train_model(task: ForecastTask, arch: str = "main", seed: int = 0, *, epochs: int, lr: float = 1e-3,
                batch_size: int = 32, patience: int = 3, shuffle_targets: bool = False, progress: bool = False,
                **model_kwargs):
    """Train a fresh model on MSE in model units with :func:`training.fit` -> (model, history).

    ``shuffle_targets=True`` is the control: the targets are permuted across the training windows, so
    no input predicts its target, and the model is validated on every 4th of its own shuffled windows
    (it trains for all ``epochs``; real validation data would stop it at its start).
    """
    model = build_model(task, arch, seed, **model_kwargs)
    x, y = task.scaled("train")
    if shuffle_targets:
        y = y[torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))]
    train = training.TensorBatches(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    val = training.TensorBatches(*((x[::4], y[::4]) if shuffle_targets else task.scaled("val")), batch_size=256)
    history = training.fit(model, train, val, _mse_loss, epochs=epochs, lr=lr,
                           patience=epochs if shuffle_targets else patience, progress=progress)
    return model, history


def forecast(model: torch.nn.Module, task: ForecastTask, split: str = "test") -> np.ndarray:
    """The model's forecasts of a split in raw units: (n, horizon)."""
    return task.to_original(training.predict(model, task.scaled(split)[0]).numpy(), split)


def erased_forecast(model: torch.nn.Module, task: ForecastTask, split: str = "test") -> np.ndarray:
    """The same model with every attention map replaced by the uniform 1/T (``attention.swap_weights``)."""
    return forecast(attention.swap_weights(model), task, split)


# --- attention statistics ----------------------------------------------------------------------------

def query_positions(model: torch.nn.Module, input_len: int) -> np.ndarray:
    """Where the rows of the model's maps sit on the input axis: every input step for the main
    model; the forecast step T + h - 1 of each horizon query for the other."""
    if isinstance(model, HorizonQueryForecaster):
        return input_len + np.arange(model.horizon)
    return np.arange(input_len)


def attention_stats(model: torch.nn.Module, task: ForecastTask, split: str = "test", keys: np.ndarray | None = None,
                    window_keys: np.ndarray | None = None, every: int = 1, summary: bool = True,
                    batch_size: int = 128) -> dict[str, np.ndarray]:
    """Statistics of the maps the model uses on each window of a split, from ``forward_with_weights``.

    ``every``: read every k-th window only. -> dict of arrays: the five source metrics (entropy, gini,
    diagonal, vertical, horizontal), each (n, layers, heads); ``lag_profile`` (n, layers, heads, lags)
    with ``lags``; ``key_mass`` (n, layers, heads), the weight a query puts on the marked ``keys`` (bool
    (T,) or (queries, T)), when given; ``window_key_mass`` likewise for ``window_keys`` (bool (n_all, T),
    its own keys for every window of the split). ``summary=False`` skips the five metrics and the lag
    profile (for the key masses alone).
    """
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    x = task.scaled(split)[0]
    if window_keys is not None and np.shape(window_keys) != (len(x), task.input_len):
        raise ValueError(f"window_keys must have shape {(len(x), task.input_len)}, got {np.shape(window_keys)}")
    chosen = np.arange(0, len(x), every)
    positions = query_positions(model, task.input_len)
    parts = []
    for start in range(0, len(chosen), batch_size):
        rows = chosen[start:start + batch_size]
        maps = training.predict_with_weights(model, x[rows])[1].numpy()  # (b, layers, heads, queries, T)
        part = {}
        if summary:
            part = am.summarize(maps, query_positions=positions)
            lags, part["lag_profile"] = am.lag_profile(maps, query_positions=positions)
        if keys is not None:
            part["key_mass"] = am.key_mass(maps, keys)
        if window_keys is not None:
            part["window_key_mass"] = am.key_mass(maps, np.asarray(window_keys)[rows][:, None, None, None, :])
        parts.append(part)
    out = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    out["windows"] = chosen
    if summary:
        out["lags"] = lags
    return out


def relevant_keys(task: ForecastTask, own_step: bool = False) -> np.ndarray:
    """Positive control: the inputs the best forecast reads, as a key mask. ``own_step=False``: the
    union over all steps, (T,), the same for every query; ``own_step=True``: (horizon, T), for each
    horizon query the one input its step needs."""
    keys = task.generator.relevant_keys(task.input_len, task.horizon)
    if own_step:
        mask = np.zeros((task.horizon, task.input_len), dtype=bool)
        mask[np.arange(task.horizon), keys] = True
        return mask
    mask = np.zeros(task.input_len, dtype=bool)
    mask[keys] = True
    return mask


def chosen_head_mass(model: torch.nn.Module, task: ForecastTask, keys: np.ndarray) -> dict:
    """Mass on ``keys`` of the (layer, head) with the most mass on the validation windows, measured on
    the test windows. -> layer, head, val_mass, test_mass, test_by_head (layers, heads)."""
    val = attention_stats(model, task, "val", keys, summary=False)["key_mass"].mean(0)  # (layers, heads)
    test = attention_stats(model, task, "test", keys, summary=False)["key_mass"].mean(0)
    layer, head = np.unravel_index(np.argmax(val), val.shape)
    return {"layer": int(layer), "head": int(head), "val_mass": float(val[layer, head]),
            "test_mass": float(test[layer, head]), "test_by_head": test}


@torch.no_grad()
def prenorm_maps(model: TransformerForecaster, x: torch.Tensor) -> torch.Tensor:
    """The maps a LayerNorm-first extraction reports: each layer's attention recomputed from its input
    after the layer's first LayerNorm, although the layer normalises *after* attention (the source
    study's mistake). x (batch, T) -> (batch, layers, heads, T, T); compare with ``forward_with_weights``."""
    model.eval()
    h = model.embed(x[..., None]) + model.positions
    maps = []
    for layer in model.layers:
        maps.append(layer.self_attn(layer.norm1(h))[1])
        h = layer(h)[0]
    return torch.stack(maps, dim=1)


# --- comparisons with intervals --------------------------------------------------------------------

def ratio_with_interval(forecast_a, forecast_b, target, block: int = 20, seed: int = 0) -> dict:
    """MSE of forecast a over forecast b, each averaged over its seeds, with a moving-block bootstrap
    interval over the test windows (the same blocks for both), and the verdict (ties inside the interval).

    forecast_a, forecast_b: (n, horizon) or (seeds, n, horizon); target (n, horizon), in time order.
    """
    a, b = (np.asarray(f, dtype=float) for f in (forecast_a, forecast_b))
    a, b = (f[None] if f.ndim == 2 else f for f in (a, b))
    # every pair of seeds once: each side's error at a window is then the mean over its own seeds
    a, b = np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1, 1))  # (pairs, n, horizon)
    a, b = a.transpose(1, 0, 2), b.transpose(1, 0, 2)  # (n, pairs, horizon): time first
    target = np.repeat(np.asarray(target, dtype=float)[:, None], a.shape[1], axis=1)
    r = stats.block_bootstrap_ratio(a, b, target, block=min(block, len(target)), root=False, seed=seed)
    return {**r, "verdict": stats.verdict(r["ci_low"], r["ci_high"])}


# --- one trained model and what is measured on it ---------------------------------------------------

@dataclass
class Run:
    """One model of one task: trained, its untrained twin (the same initialisation), and, after
    :func:`evaluate`, its test forecasts (raw units) and attention statistics."""

    task: ForecastTask
    arch: str
    seed: int
    model: torch.nn.Module
    init: torch.nn.Module
    history: training.History
    shuffled: bool = False
    forecasts: dict = field(default_factory=dict)  # "model", "erased", "init" -> (n, horizon)
    stats: dict = field(default_factory=dict)  # attention_stats of the trained model
    init_stats: dict = field(default_factory=dict)  # ... and of the untrained one


def train_run(task: ForecastTask, arch: str = "main", seed: int = 0, shuffle_targets: bool = False,
              **fit_kwargs) -> Run:
    """:func:`train_model`, keeping the untrained model of the same seed beside it."""
    init = build_model(task, arch, seed)
    model, history = train_model(task, arch, seed, shuffle_targets=shuffle_targets, **fit_kwargs)
    return Run(task, arch, seed, model, init.eval(), history, shuffled=shuffle_targets)


def evaluate(run: Run, every: int = 3) -> Run:
    """Test forecasts of the trained model, of the same model with attention erased, and of the
    untrained model; attention statistics of the trained and the untrained model (every k-th test
    window). A shuffled-target control gets its attention statistics only."""
    run.stats = attention_stats(run.model, run.task, every=every)
    if run.shuffled:
        return run
    run.forecasts = {"model": forecast(run.model, run.task), "erased": erased_forecast(run.model, run.task),
                     "init": forecast(run.init, run.task)}
    run.init_stats = attention_stats(run.init, run.task, every=every)
    return run
