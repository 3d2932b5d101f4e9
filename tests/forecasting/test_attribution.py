import numpy as np
import pytest
import torch
from torch import nn

from attn_helpers import training
from attn_helpers.data import make_windows
from attn_helpers.forecasting.attribution import window_gradients
from attn_helpers.forecasting.data import trend_season_noise
from attn_helpers.forecasting.model import LSTMForecaster


class LinearOnWindow(nn.Module):
    """f(u) = a . u + b on inputs (batch, window, 1)."""

    def __init__(self, a):
        super().__init__()
        self.linear = nn.Linear(len(a), 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor(np.array([a]), dtype=torch.float32))
            self.linear.bias.fill_(0.3)

    def forward(self, x):
        return self.linear(x.squeeze(-1))


SERIES = trend_season_noise(300, sigma=0.1, seed=0)
A = np.linspace(-0.2, 0.4, 10)


@pytest.mark.parametrize("center", ["global", "mean"])
def test_a_linear_forecaster_on_globally_or_mean_centred_windows(center):
    data = make_windows(SERIES, window=10, center=center)
    grads = window_gradients(LinearOnWindow(A), data, "val")
    # global: s * (a . (x - m) / s + b) + m has gradient a;  mean: the offset's share is spread evenly
    expected = A if center == "global" else A + (1 - A.sum()) / 10
    np.testing.assert_allclose(grads, np.tile(expected, (len(grads), 1)), atol=1e-5)


def test_a_linear_forecaster_on_windows_relative_to_their_last_value():
    data = make_windows(SERIES, window=10, center="last")
    grads = window_gradients(LinearOnWindow(A), data, "test")
    expected = A.copy()
    expected[-1] += 1 - A.sum()  # the last value is added back, and it is subtracted from every input
    np.testing.assert_allclose(grads, np.tile(expected, (len(grads), 1)), atol=1e-5)


def test_gradients_of_an_lstm_match_finite_differences_of_its_forecasts():
    torch.manual_seed(0)
    model = LSTMForecaster(hidden_size=8)
    data = make_windows(SERIES, window=12, center="last")
    grads = window_gradients(model, data, "test")[:3]

    def forecast(inputs):
        scaled = torch.tensor(data.normaliser.transform(inputs), dtype=torch.float64)[..., None]
        return data.normaliser.inverse(training.predict(model.double(), scaled).numpy(), inputs)[:, 0]

    x, eps = data.inputs["test"][:3], 1e-5
    for j in (0, 5, 11):
        bumped = x.copy()
        bumped[:, j] += eps
        np.testing.assert_allclose((forecast(bumped) - forecast(x)) / eps, grads[:, j], atol=2e-4)


def test_unknown_split_is_rejected():
    data = make_windows(SERIES, window=10)
    with pytest.raises(ValueError, match="split"):
        window_gradients(LinearOnWindow(A), data, "holdout")
