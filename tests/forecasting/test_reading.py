import numpy as np
import pytest
import torch
from torch import nn

from attn_helpers.attention import MaskedSoftmax, swap_weights
from attn_helpers.forecasting import reading
from attn_helpers.forecasting.model import AttentionPoolingForecaster, SelfAttentionGAPForecaster


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


def test_occlusion_test_on_a_model_that_uses_exactly_two_steps():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 40, 2))
    y = x[:, -1, :1] + x[:, 3, :1]  # depends on the last step and step 3 only

    def predict(inputs):
        return inputs[:, -1, :1] + inputs[:, 3, :1]

    good = np.zeros((500, 40))
    good[:, [3, 39]] = 0.5
    result = reading.occlusion_test(predict, x, y, good, k=2, fill=0.0, repeats=3, seed=0)
    assert result["rmse"] == 0.0
    np.testing.assert_allclose(result["rmse_top_k"], np.sqrt(np.mean(y ** 2)))  # both terms erased
    assert result["increase_top_k"] > 3 * result["increase_random_k"] > 0  # random steps rarely hit 3 or 39
    np.testing.assert_allclose(result["ratio"], result["increase_top_k"] / result["increase_random_k"])
    assert result["relative_increase_top_k"] == np.inf  # the clean RMSE is 0 here
    # attention that points at irrelevant steps does no better than chance
    bad = np.zeros((500, 40))
    bad[:, [0, 1]] = 0.5
    assert reading.occlusion_test(predict, x, y, bad, k=2, fill=0.0)["increase_top_k"] == 0.0
    # a neutral value per feature is broadcast over the erased steps
    shifted = reading.occlusion_test(predict, x, y, good, k=2, fill=np.array([1.0, 0.0]))
    np.testing.assert_allclose(shifted["rmse_top_k"], np.sqrt(np.mean((y - 2) ** 2)))
    # seeded: the same random steps every time
    assert (reading.occlusion_test(predict, x, y, good, k=2, fill=0.0, seed=4)
            == reading.occlusion_test(predict, x, y, good, k=2, fill=0.0, seed=4))


def test_occlusion_test_rejects_bad_arguments():
    x, w = np.zeros((4, 6, 1)), np.full((4, 6), 1 / 6)
    predict = lambda inputs: inputs[:, -1]
    with pytest.raises(ValueError, match="k must be"):
        reading.occlusion_test(predict, x, x[:, -1], w, k=6, fill=0.0)
    with pytest.raises(ValueError, match="inputs must be"):
        reading.occlusion_test(predict, x[..., 0], x[:, -1], w, k=1, fill=0.0)
    with pytest.raises(ValueError, match="repeats"):
        reading.occlusion_test(predict, x, x[:, -1], w, k=1, fill=0.0, repeats=0)


# --- where the top weight lands -------------------------------------------------------------------

def test_top_weight_share_counts_windows_whose_peak_is_their_own_lag():
    w = np.full((4, 10), 0.05)
    for row, step in enumerate([9, 0, 5, 5]):  # steps 1, 10, 5, 5 before the target
        w[row, step] = 0.55
    assert reading.top_weight_share(w, [1, 10, 5, 6]) == 0.75
    with pytest.raises(ValueError, match="lags"):
        reading.top_weight_share(w, [1, 2])


def test_fixed_step_share_is_the_share_of_the_most_common_lag():
    assert reading.fixed_step_share([3, 3, 1, 2]) == 0.5
    assert reading.fixed_step_share(np.arange(1, 49)) == pytest.approx(1 / 48)
    with pytest.raises(ValueError, match="lags"):
        reading.fixed_step_share([])


def test_score_part_spread_measures_content_across_windows_and_position_across_steps():
    content = np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]])  # per step sd over windows: 1, 0, 1
    position = np.array([0.0, 3.0, 6.0])
    spread = reading.score_part_spread({"content": content, "position": position})
    assert spread["content_sd_across_windows"] == pytest.approx(2 / 3)
    assert spread["position_sd_across_steps"] == pytest.approx(np.std(position))
    with pytest.raises(ValueError, match="position"):
        reading.score_part_spread({"content": content, "position": position[:2]})


# --- test (a): removing weights inside the model ----------------------------------------------------

def test_top_k_removed_zeroes_the_largest_weights_and_renormalises():
    scores = torch.log(torch.tensor([[0.1, 0.4, 0.2, 0.3], [0.25, 0.25, 0.4, 0.1]]))
    weights = reading.TopKRemoved(1)(scores)
    expected = torch.tensor([[1 / 6, 0.0, 2 / 6, 3 / 6], [0.25 / 0.6, 0.25 / 0.6, 0, 0.1 / 0.6]])
    torch.testing.assert_close(weights, expected)
    two = reading.TopKRemoved(2)(scores)
    torch.testing.assert_close(two[0], torch.tensor([1 / 3, 0.0, 2 / 3, 0.0]))
    # a masked step is never "removed" and stays at 0; the mask is honoured like MaskedSoftmax's
    mask = torch.tensor([[True, False, True, True], [True, True, True, True]])
    masked = reading.TopKRemoved(1)(scores, mask)  # row 0: step 1 is masked, so step 3 (0.3) goes
    torch.testing.assert_close(masked[0], torch.tensor([1 / 3, 0.0, 2 / 3, 0.0]))
    torch.testing.assert_close(masked[1], weights[1])


def test_top_k_removed_stays_finite_when_one_weight_holds_everything():
    scores = torch.tensor([[0.0, 200.0, 1.0, 0.5]])  # softmax puts ~all weight on step 1
    weights = reading.TopKRemoved(1)(scores)
    assert torch.isfinite(weights).all() and weights[0, 1] == 0
    torch.testing.assert_close(weights[0], torch.softmax(torch.tensor([0.0, float("-inf"), 1.0, 0.5]), dim=0))


def test_top_k_removed_works_row_by_row_on_a_self_attention_map():
    scores = torch.randn(2, 5, 5, generator=torch.Generator().manual_seed(0))
    weights = reading.TopKRemoved(2)(scores)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 5))
    assert torch.all((weights == 0).sum(-1) == 2)
    assert torch.all(weights.gather(-1, scores.topk(2, dim=-1).indices) == 0)


def test_random_k_removed_is_seeded_and_removes_k_real_steps():
    scores = torch.zeros(50, 6)
    mask = torch.ones(50, 6, dtype=torch.bool)
    mask[:, 0] = False
    a = reading.RandomKRemoved(2, seed=3)(scores, mask)
    b = reading.RandomKRemoved(2, seed=3)(scores, mask)
    torch.testing.assert_close(a, b)
    assert torch.all(a[:, 0] == 0) and torch.all((a[:, 1:] == 0).sum(-1) == 2)
    torch.testing.assert_close(a.sum(-1), torch.ones(50))
    assert len({tuple(row.tolist()) for row in (a == 0)}) > 1  # different rows lose different steps


@pytest.mark.parametrize("make, match", [(lambda: reading.TopKRemoved(0), "k must be"),
                                         (lambda: reading.TopKRemoved(2.0), "k must be")])
def test_removal_rejects_bad_k(make, match):
    with pytest.raises(ValueError, match=match):
        make()
    with pytest.raises(ValueError, match="fewer than"):
        reading.TopKRemoved(4)(torch.zeros(1, 4))


class _TwoStepModel(nn.Module):
    """Pools the inputs themselves with scores that single out steps 1 and 3: y = 0.5 x_1 + 0.5 x_3."""

    def __init__(self):
        super().__init__()
        self.softmax = MaskedSoftmax()

    def forward_with_weights(self, x):
        scores = torch.full(x.shape[:2], -20.0)
        scores[:, [1, 3]] = 0.0
        weights = self.softmax(scores)
        return (weights * x[..., 0]).sum(-1, keepdim=True), weights

    def forward(self, x):
        return self.forward_with_weights(x)[0]


def test_weight_erasure_test_on_a_model_that_uses_exactly_two_steps():
    torch.manual_seed(0)
    x = torch.randn(400, 10, 1)
    model = _TwoStepModel()
    targets = model(x).numpy()
    result = reading.weight_erasure_test(model, lambda m: m(x).numpy(), targets, k=1, repeats=3, seed=0)
    assert result["rmse"] == 0.0
    # removing one of the two attended steps leaves the other one with all the weight
    np.testing.assert_allclose(result["rmse_top_k"], np.sqrt(np.mean((0.5 * (x[:, 1, 0] - x[:, 3, 0]).numpy()) ** 2)),
                               rtol=1e-4)
    # a random step is one of the two in a fifth of the windows only
    assert result["increase_top_k"] > 1.5 * result["increase_random_k"] > 0
    np.testing.assert_allclose(result["ratio"], result["increase_top_k"] / result["increase_random_k"])
    mean_error = (x[..., 0].mean(-1) - torch.from_numpy(targets[:, 0])).numpy()
    np.testing.assert_allclose(result["rmse_uniform"], np.sqrt(np.mean(mean_error ** 2)), rtol=1e-4)
    assert isinstance(model.softmax, MaskedSoftmax)  # the model itself is left as it was
    with pytest.raises(ValueError, match="repeats"):
        reading.weight_erasure_test(model, lambda m: m(x).numpy(), targets, k=1, repeats=0)


def test_weight_erasure_reaches_every_attention_module_of_the_chapter():
    torch.manual_seed(1)
    x = torch.randn(8, 6, 1)
    for model in (AttentionPoolingForecaster(1, 4, window=6), SelfAttentionGAPForecaster(1, 4)):
        erased = swap_weights(model, lambda: reading.TopKRemoved(2))
        _, weights = erased.forward_with_weights(x)
        assert torch.all((weights == 0).sum(-1) == 2)


# --- the shape walk ----------------------------------------------------------------------------------

def test_shape_walk_lists_each_part_in_order_with_its_shapes():
    model = AttentionPoolingForecaster(4, 16, window=48)
    walk = dict(reading.shape_walk(model, torch.zeros(2, 48, 4)))
    assert list(walk) == ["input", "lstm", "pool.score", "pool.softmax", "pool", "head"]
    assert walk["input"] == "(2, 48, 4)" and walk["lstm"].startswith("(2, 48, 16)")
    assert walk["pool.softmax"] == "(2, 48)" and walk["pool"] == "(2, 16), (2, 48)" and walk["head"] == "(2, 1)"
    sa = dict(reading.shape_walk(SelfAttentionGAPForecaster(1, 8), torch.zeros(3, 30, 1)))
    assert sa["attention.softmax"] == "(3, 30, 30)" and sa["head"] == "(3, 1)"
    assert not model._forward_hooks and not model.pool._forward_hooks  # hooks removed
