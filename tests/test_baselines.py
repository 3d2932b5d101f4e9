import numpy as np
import pytest

from attn_helpers import baselines


def test_persistence_repeats_the_last_value():
    assert baselines.persistence(np.array([[1.0, 2.0, 3.0]]), horizon=2).tolist() == [[3.0, 3.0]]


def test_seasonal_naive_looks_one_period_back_and_adds_drift():
    y = np.arange(20.0)
    assert baselines.seasonal_naive(y, np.array([10, 11]), period=4, drift=1.0).tolist() == [10.0, 11.0]
    with pytest.raises(ValueError, match="period must be <= the first target index 3"):
        baselines.seasonal_naive(y, np.array([3]), period=4)


def test_linear_ar_recovers_an_exact_linear_recursion():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x @ np.array([0.5, -1.0, 2.0]) + 0.25)[:, None]
    model = baselines.LinearAR().fit(x, y)
    np.testing.assert_allclose(model.coef_[:, 0], [0.5, -1.0, 2.0, 0.25], atol=1e-10)
    np.testing.assert_allclose(model.predict(x), y, atol=1e-10)
