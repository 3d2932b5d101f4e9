import numpy as np
import pytest
import torch

from attn_helpers import metrics


def test_rmse_and_mse():
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
