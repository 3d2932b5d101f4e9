"""Chapter 5's study: windows scaled on training data only, baselines and floors, the Transformer
trained with the shared loop, attention statistics from its forward pass, and the explorer's view."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .. import baselines, repro, training
from ..data import WindowData, make_windows
from . import metrics as am
from .data import SeriesGenerator
from .model import TransformerForecaster


def default_center(generator: SeriesGenerator) -> str:
    """``global`` z-score for stationary series; per-window centring otherwise: the window's mean where
    a trend carries a season and outliers (an outlier as the last value would shift the whole window),
    else its last value."""
    if generator.stationary:
        return "global"
    return "mean" if generator.seasonal_period else "last"


def baseline_forecasts(data: WindowData, generator: SeriesGenerator, split: str = "test") -> dict[str, np.ndarray]:
    """Naive forecasts of a split, raw units (n, horizon): persistence; the training mean (stationary)
    or the window mean; seasonal naive where periodic; least squares on the scaled window."""
    x = data.inputs[split]
    horizon = data.targets[split].shape[1]
    train_part = data.series[data.segments["train"]]
    out = {"persistence": baselines.persistence(x, horizon),
           "mean": baselines.mean_forecast(x, horizon, float(train_part.mean()) if generator.stationary else None)}
    period = generator.seasonal_period
    if period is not None:
        if not horizon <= period <= x.shape[1]:
            raise ValueError(f"the seasonal period must be in [horizon, input_len] = [{horizon}, {x.shape[1]}] "
                             f"so that seasonal naive uses the window only, got {period}")
        drift = 0.0 if generator.stationary else float(np.diff(train_part).mean())
        targets_at = data.first_target[split][:, None] + np.arange(horizon)[None, :]
        out["seasonal naive"] = baselines.seasonal_naive(data.series, targets_at, period, drift)
    linear = baselines.LinearAR().fit(*(t.numpy() for t in data.scaled("train")))
    out["linear"] = data.normaliser.inverse(linear.predict(data.scaled(split)[0].numpy()), x)
    return out


def mse_by_name(forecasts: dict[str, np.ndarray], targets: np.ndarray) -> dict[str, float]:
    """Test MSE of each forecast (n, horizon) against the targets, raw units."""
    return {name: float(np.mean((np.asarray(f, dtype=float) - targets) ** 2)) for name, f in forecasts.items()}


def train_forecaster(data: WindowData, *, seed: int, epochs: int, lr: float = 1e-3, batch_size: int = 32,
                     patience: int = 3, device="cpu", progress: bool = True, **model_kwargs):
    """A fresh :class:`TransformerForecaster` trained with :func:`training.fit` on MSE in model units."""
    repro.seed_everything(seed)
    x, y = data.scaled("train")
    model = TransformerForecaster(input_len=x.shape[1], horizon=y.shape[1], **model_kwargs)
    train = training.TensorBatches(x, y, batch_size=batch_size, shuffle=True, seed=seed)
    val = training.TensorBatches(*data.scaled("val"), batch_size=256)
    history = training.fit(model, train, val, lambda m, b: F.mse_loss(m(b[0]), b[1]), epochs=epochs, lr=lr,
                           patience=patience, device=device, progress=progress)
    return model.cpu(), history


@torch.no_grad()
def predict(model: TransformerForecaster, data: WindowData, split: str = "test", uniform_attention: bool = False,
            batch_size: int = 256) -> np.ndarray:
    """Forecasts of a split in raw units (n, horizon); ``uniform_attention`` runs the erasure test."""
    model.eval()
    x = data.scaled(split)[0]
    scaled = torch.cat([model(x[i:i + batch_size], uniform_attention=uniform_attention)
                        for i in range(0, len(x), batch_size)])
    return data.normaliser.inverse(scaled.numpy(), data.inputs[split])


@torch.no_grad()
def attention_statistics(model: TransformerForecaster, x: torch.Tensor, batch_size: int = 64) -> dict[str, np.ndarray]:
    """Per-window statistics of every layer's and head's map, from ``forward_with_attention``.

    x (n, input_len) model units -> dict of arrays: entropy, gini, local_strength, vertical_stripe,
    focused_rows (n, layers, heads); column_mass (n, layers, heads, T); lag_profile (n, layers, heads, 2T-1).
    """
    model.eval()
    parts = []
    for i in range(0, len(x), batch_size):
        maps = model.forward_with_attention(x[i:i + batch_size])[1].numpy()  # (b, layers, heads, T, T)
        parts.append({"entropy": am.row_entropy(maps), "gini": am.gini(maps),
                      "local_strength": am.local_strength(maps), "vertical_stripe": am.vertical_stripe_score(maps),
                      "focused_rows": am.focused_row_share(maps), "column_mass": am.column_mass(maps),
                      "lag_profile": am.lag_profile(maps)[1]})
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


@dataclass
class GeneratorRun:
    """Everything measured for one generator (test split unless stated)."""

    generator: SeriesGenerator
    data: WindowData
    info: dict  # the generator's hidden parts, each (length,)
    model: TransformerForecaster
    history: training.History
    forecasts: dict  # name -> (n, horizon) raw units
    mse: dict  # name -> test MSE
    floor: float | None  # expected best MSE averaged over the horizon, where known
    oracle: np.ndarray | None  # (n, horizon) the forecast that attains the floor, where known
    stats: dict  # attention_statistics of the test windows

    @property
    def oracle_mse(self) -> float | None:
        """The oracle's MSE on this test set (the floor as realised here)."""
        return None if self.oracle is None else float(np.mean((self.oracle - self.data.targets["test"]) ** 2))

    @property
    def name(self) -> str:
        return self.generator.name

    @property
    def best_baseline(self) -> str:
        names = [n for n in self.mse if not n.startswith("model")]
        return min(names, key=self.mse.get)

    def layer_head_table(self) -> dict[str, list]:
        """Mean of each scalar attention metric per (layer, head): name -> nested list [layer][head]."""
        keys = ("entropy", "gini", "local_strength", "vertical_stripe", "focused_rows")
        return {k: self.stats[k].mean(0).round(6).tolist() for k in keys}

    def to_json(self) -> dict:
        """The per-generator results file: parameters, errors, and attention metrics per layer and head."""
        offsets = np.arange(-(self.data.inputs["test"].shape[1] - 1), self.data.inputs["test"].shape[1])
        return {
            "generator": self.name,
            "parameters": {k: list(v) if isinstance(v, tuple) else v for k, v in self.generator.params().items()},
            "normalisation": self.data.normaliser.center,
            "windows": {s: int(len(x)) for s, x in self.data.inputs.items()},
            "epochs_trained": len(self.history.train_loss),
            "best_epoch": self.history.best_epoch,
            "train_loss": [round(v, 6) for v in self.history.train_loss],
            "val_loss": [round(v, 6) for v in self.history.val_loss],
            "test_mse": {k: round(v, 6) for k, v in self.mse.items()},
            "floor": None if self.floor is None else round(self.floor, 6),
            "oracle_mse": None if self.oracle_mse is None else round(self.oracle_mse, 6),
            "attention_by_layer_head": self.layer_head_table(),
            "lag_profile_offsets": offsets.tolist(),
            "lag_profile_by_layer_head": self.stats["lag_profile"].mean(0).round(6).tolist(),
        }


def run_generator(generator: SeriesGenerator, *, length: int, seed: int, epochs: int, train_stride: int = 3,
                  test_stride: int = 2, fractions: tuple[float, float, float] = (0.7, 0.1, 0.2), lr: float = 1e-3,
                  batch_size: int = 32, patience: int = 3,
                  input_len: int = 100, horizon: int = 20, device="cpu", progress: bool = True,
                  **model_kwargs) -> GeneratorRun:
    """Sample the series, window it, fit baselines and the Transformer, and measure its attention.

    Training and validation keep every ``train_stride``-th window, the test every ``test_stride``-th.
    A stride that shares a factor with a seasonal period shows the model only some phases of the
    cycle (3 is coprime with the periods 10, 25 and 50 used here).
    """
    series, info = generator.sample_with_info(length, seed)
    data = make_windows(series, input_len, horizon, fractions, strides=(train_stride, train_stride, test_stride),
                        center=default_center(generator))
    forecasts = baseline_forecasts(data, generator)
    model, history = train_forecaster(data, seed=seed, epochs=epochs, lr=lr, batch_size=batch_size,
                                      patience=patience, device=device, progress=progress, **model_kwargs)
    forecasts["model"] = predict(model, data)
    forecasts["model, uniform attention"] = predict(model, data, uniform_attention=True)
    targets = data.targets["test"]
    expected = generator.expected_mse(targets.shape[1])
    oracle = generator.oracle_forecast(series, info, data.first_target["test"][:, None] + np.arange(targets.shape[1]))
    return GeneratorRun(generator, data, info, model, history, forecasts, mse_by_name(forecasts, targets),
                        None if expected is None else float(expected.mean()),
                        oracle,
                        attention_statistics(model, data.scaled("test")[0]))


def input_positions(run: GeneratorRun, split: str = "test") -> np.ndarray:
    """Index in the series of every input step of every window: (n, input_len)."""
    first = run.data.first_target[split]
    input_len = run.data.inputs[split].shape[1]
    return first[:, None] - input_len + np.arange(input_len)[None, :]


def mass_on_keys(run: GeneratorRun, keys: np.ndarray) -> np.ndarray:
    """Attention on the marked keys of each test window, as a multiple of the uniform 1/T, per layer.

    keys (n, T) bool -> (layers,): the mean weight the marked keys receive (over queries, heads and the
    windows that hold at least one marked key) times T; 1 = no preference.
    """
    column = run.stats["column_mass"]  # (n, layers, heads, T)
    keys = np.asarray(keys, dtype=bool)
    if keys.shape != (column.shape[0], column.shape[-1]):
        raise ValueError(f"keys must have shape {(column.shape[0], column.shape[-1])}, got {keys.shape}")
    has = keys.any(1)
    ratio = (column[has] * keys[has, None, None, :]).sum(-1) / keys[has].sum(-1)[:, None, None] * column.shape[-1]
    return ratio.mean(axis=(0, 2))


def mse_where(run: GeneratorRun, name: str, windows: np.ndarray) -> float:
    """Test MSE of forecast ``name`` over the selected windows (bool (n,))."""
    windows = np.asarray(windows, dtype=bool)
    if not windows.any():
        raise ValueError("no window is selected")
    return float(np.mean((run.forecasts[name][windows] - run.data.targets["test"][windows]) ** 2))
