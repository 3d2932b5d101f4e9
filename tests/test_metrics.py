import numpy as np
import pytest
import torch

from attn_helpers import metrics


def test_rmse_is_the_root_of_mse_and_shapes_must_match():
    assert metrics.rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))
    assert metrics.mse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(12.5)
    with pytest.raises(ValueError, match="same shape"):
        metrics.rmse([1.0], [1.0, 2.0])


def test_normalized_entropy_is_one_for_uniform_and_zero_for_one_hot():
    w = np.array([[0.25, 0.25, 0.25, 0.25], [1.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(metrics.normalized_entropy(w), [1.0, 0.0], atol=1e-12)
    assert metrics.normalized_entropy(torch.tensor([0.5, 0.5])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="at least 2 steps"):
        metrics.normalized_entropy(np.array([1.0]))


def test_mse_and_rmse_match_sklearn():
    from sklearn.metrics import mean_squared_error, root_mean_squared_error

    rng = np.random.default_rng(0)
    pred, target = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    assert metrics.mse(pred, target) == pytest.approx(mean_squared_error(target.ravel(), pred.ravel()))
    assert metrics.rmse(pred, target) == pytest.approx(root_mean_squared_error(target.ravel(), pred.ravel()))


def test_as_numpy_detaches_tensors_and_keeps_arrays():
    t = torch.ones(2, requires_grad=True) * 3
    assert metrics.as_numpy(t).tolist() == [3.0, 3.0]
    assert metrics.as_numpy([1, 2], float).dtype == np.float64
