import torch

from attn_helpers.attention import AdditiveAttention


def make(seed=0):
    torch.manual_seed(seed)
    return AdditiveAttention(query_dim=5, key_dim=4, hidden_dim=6), torch.randn(3, 5), torch.randn(3, 7, 4)


def test_weights_sum_to_one_and_context_is_weighted_sum():
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


def test_masked_steps_get_zero_weight_and_do_not_change_the_rest():
    attn, q, k = make(2)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[0, 4:] = False
    context, weights = attn(q, k, mask)
    assert torch.all(weights[0, 4:] == 0)
    short_context, short_weights = attn(q[:1], k[:1, :4])
    torch.testing.assert_close(weights[0, :4], short_weights[0])
    torch.testing.assert_close(context[0], short_context[0])
