import pytest
import torch
from torch import nn

from attn_helpers.attention import AdditiveAttention, MaskedSoftmax, UniformAttention, swap_weights


def make(seed=0, query_dim=5):
    torch.manual_seed(seed)
    return AdditiveAttention(query_dim=query_dim, key_dim=4, hidden_dim=6), torch.randn(3, 5), torch.randn(3, 7, 4)


def test_weights_sum_to_one_and_context_is_the_weighted_sum_of_keys():
    attn, q, k = make()
    context, weights = attn(q, k)
    assert weights.shape == (3, 7) and context.shape == (3, 4)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    torch.testing.assert_close(context, (weights[..., None] * k).sum(1))


def test_scores_match_the_formula_written_out():
    attn, q, k = make(1)
    Wq, Wk, bk, v = attn.query_proj.weight, attn.key_proj.weight, attn.key_proj.bias, attn.v.weight[0]
    scores = torch.stack([torch.stack([v @ torch.tanh(Wq @ q[b] + Wk @ k[b, t] + bk) for t in range(7)])
                          for b in range(3)])
    torch.testing.assert_close(attn(q, k)[1], torch.softmax(scores, -1))


def test_without_a_query_the_score_depends_on_the_keys_alone():
    attn, _, k = make(3, query_dim=None)
    Wk, bk, v = attn.key_proj.weight, attn.key_proj.bias, attn.v.weight[0]
    scores = torch.tanh(k @ Wk.T + bk) @ v
    torch.testing.assert_close(attn(None, k)[1], torch.softmax(scores, -1))
    with pytest.raises(ValueError, match="query must be given exactly when"):
        attn(torch.randn(3, 5), k)


def test_masked_steps_get_zero_weight_and_do_not_change_the_rest():
    attn, q, k = make(2)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[0, 4:] = False
    context, weights = attn(q, k, mask)
    assert torch.all(weights[0, 4:] == 0)
    short_context, short_weights = attn(q[:1], k[:1, :4])
    torch.testing.assert_close(weights[0, :4], short_weights[0])
    torch.testing.assert_close(context[0], short_context[0])


def test_masked_softmax_matches_scaled_dot_product_attention_with_a_boolean_mask():
    torch.manual_seed(4)
    q, k, v = torch.randn(2, 5, 8), torch.randn(2, 6, 8), torch.randn(2, 6, 8)
    mask = torch.rand(2, 1, 6) > 0.3
    mask[..., 0] = True
    weights = MaskedSoftmax()(q @ k.transpose(1, 2) / 8 ** 0.5, mask)
    reference = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(weights @ v, reference)


@pytest.mark.parametrize("mask, message", [
    (torch.ones(3, 7), "mask must be a bool tensor"),
    (torch.ones(3, 5, dtype=torch.bool), "does not broadcast to the scores"),
    (torch.zeros(3, 7, dtype=torch.bool), "at least one step"),
])
def test_bad_masks_are_rejected(mask, message):
    with pytest.raises(ValueError, match=message):
        MaskedSoftmax()(torch.randn(3, 7), mask)


def test_uniform_attention_gives_one_over_the_number_of_real_steps():
    mask = torch.tensor([[True, True, True, False], [True, False, False, False]])
    weights = UniformAttention()(torch.randn(2, 4), mask)
    torch.testing.assert_close(weights, torch.tensor([[1 / 3, 1 / 3, 1 / 3, 0.0], [1.0, 0.0, 0.0, 0.0]]))
    torch.testing.assert_close(UniformAttention()(torch.randn(2, 3, 5)), torch.full((2, 3, 5), 0.2))


def test_swap_weights_erases_attention_in_a_copy_and_leaves_the_model_alone():
    attn, q, k = make(5)
    erased = swap_weights(attn)
    context, weights = erased(q, k)
    torch.testing.assert_close(weights, torch.full((3, 7), 1 / 7))
    torch.testing.assert_close(context, k.mean(1))
    assert isinstance(attn.softmax, MaskedSoftmax) and isinstance(erased.softmax, UniformAttention)
    nested = nn.Sequential(nn.Linear(2, 2), nn.ModuleList([make()[0], make()[0]]))
    assert sum(isinstance(m, UniformAttention) for m in swap_weights(nested).modules()) == 2
    with pytest.raises(ValueError, match="no MaskedSoftmax module"):
        swap_weights(nn.Linear(2, 2))
