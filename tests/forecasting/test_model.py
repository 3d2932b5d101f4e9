import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from attn_helpers.forecasting.model import AttentionPooling, SelfAttentionGAP
from attn_helpers.forecasting.reading import step_weights


def states(seed=0, batch=3, time=7, hidden=5):
    torch.manual_seed(seed)
    return torch.randn(batch, time, hidden)


def padding_mask():
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[0, 4:] = False
    mask[2, 6:] = False
    return mask


# --- AttentionPooling -------------------------------------------------------------------------

def test_pooling_weights_sum_to_one():
    torch.manual_seed(0)
    pool = AttentionPooling(5)
    pooled, weights = pool(states())
    assert pooled.shape == (3, 5) and weights.shape == (3, 7)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(3))
    assert torch.all(weights > 0)


def test_pooling_matches_the_formula_computed_by_hand():
    torch.manual_seed(1)
    pool = AttentionPooling(5)
    h = states(1)
    w, b = pool.score.weight[0].detach(), pool.score.bias[0].detach()
    for i in range(3):
        scores = [float(w @ h[i, t] + b) for t in range(7)]
        total = sum(math.exp(s) for s in scores)
        by_hand_weights = torch.tensor([math.exp(s) / total for s in scores])
        by_hand_pooled = sum(by_hand_weights[t] * h[i, t] for t in range(7))
        pooled, weights = pool(h[i:i + 1])
        torch.testing.assert_close(weights[0], by_hand_weights)
        torch.testing.assert_close(pooled[0], by_hand_pooled)


def test_pooling_masked_steps_get_zero_and_the_rest_is_the_short_sequence():
    torch.manual_seed(2)
    pool = AttentionPooling(5)
    h, mask = states(2), padding_mask()
    pooled, weights = pool(h, mask)
    assert torch.all(weights[~mask] == 0)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(3))
    short_pooled, short_weights = pool(h[:1, :4])
    torch.testing.assert_close(weights[0, :4], short_weights[0])
    torch.testing.assert_close(pooled[0], short_pooled[0])
    # whatever sits on a masked step does not matter
    h2 = h.clone()
    h2[0, 4:] = 1e3
    torch.testing.assert_close(pool(h2, mask)[0], pooled)


def test_constant_scores_give_the_uniform_average():
    pool = AttentionPooling(5)
    nn.init.zeros_(pool.score.weight)
    h = states(3)
    pooled, weights = pool(h)
    torch.testing.assert_close(weights, torch.full((3, 7), 1 / 7))
    torch.testing.assert_close(pooled, h.mean(dim=1))


@pytest.mark.parametrize("bad_mask, match", [
    (torch.ones(3, 6, dtype=torch.bool), "shape"),
    (torch.ones(3, 7), "bool"),
    (torch.zeros(3, 7, dtype=torch.bool), "at least one step"),
])
def test_bad_masks_are_rejected(bad_mask, match):
    with pytest.raises(ValueError, match=match):
        AttentionPooling(5)(states(), bad_mask)
    with pytest.raises(ValueError, match=match):
        SelfAttentionGAP(5)(states(), bad_mask)


# --- SelfAttentionGAP --------------------------------------------------------------------------

def test_self_attention_matches_scaled_dot_product_attention():
    torch.manual_seed(4)
    layer = SelfAttentionGAP(6)
    h, mask = states(4, hidden=6), padding_mask()
    q, k, v = layer.query(h), layer.key(h), layer.value(h)
    pooled, weights = layer(h)
    reference = F.scaled_dot_product_attention(q, k, v)
    torch.testing.assert_close(pooled, reference.mean(dim=1))
    torch.testing.assert_close(weights @ v, reference)
    # with a padding mask: keys masked out, mean over the real query steps only
    pooled, weights = layer(h, mask)
    reference = F.scaled_dot_product_attention(q, k, v, attn_mask=mask[:, None, :].expand(3, 7, 7))
    for i in range(3):
        torch.testing.assert_close(pooled[i], reference[i, mask[i]].mean(dim=0))
    assert torch.all(weights.transpose(1, 2)[~mask] == 0)


def test_self_attention_matches_multihead_attention_with_one_head():
    torch.manual_seed(5)
    layer = SelfAttentionGAP(6)
    mha = nn.MultiheadAttention(6, num_heads=1, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([layer.query.weight, layer.key.weight, layer.value.weight]))
        mha.in_proj_bias.copy_(torch.cat([layer.query.bias, layer.key.bias, layer.value.bias]))
        mha.out_proj.weight.copy_(torch.eye(6))
        mha.out_proj.bias.zero_()
    h = states(5, hidden=6)
    out, ref_weights = mha(h, h, h, need_weights=True)
    pooled, weights = layer(h)
    torch.testing.assert_close(weights, ref_weights)
    torch.testing.assert_close(pooled, out.mean(dim=1))


def test_step_weights_are_the_effective_pooling_weights():
    torch.manual_seed(6)
    layer = SelfAttentionGAP(5)
    h, mask = states(6), padding_mask()
    for m in (None, mask):
        pooled, weights = layer(h, m)
        per_step = step_weights(weights, m)
        torch.testing.assert_close(per_step.sum(dim=1), torch.ones(3))
        torch.testing.assert_close(pooled, (per_step[..., None] * layer.value(h)).sum(dim=1))
    assert torch.all(step_weights(weights, mask)[~mask] == 0)
    with pytest.raises(ValueError, match="shape"):
        step_weights(torch.ones(3, 7))


# --- the forecasters built on them -------------------------------------------------------------

def test_attention_pooling_forecaster_is_lstm_then_pooling_then_head():
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    torch.manual_seed(7)
    model = AttentionPoolingForecaster(input_size=3, hidden_size=8, horizon=2, window=6)
    nn.init.normal_(model.position)
    x = torch.randn(4, 6, 3)
    pred, weights = model.forward_with_weights(x)
    states, _ = model.lstm(x)
    pooled, ref_weights = model.pool(states + model.position)
    torch.testing.assert_close(weights, ref_weights)
    torch.testing.assert_close(pred, model.head(pooled))
    torch.testing.assert_close(model(x), pred)
    assert pred.shape == (4, 2) and weights.shape == (4, 6)
    with pytest.raises(ValueError, match="6 time steps"):
        model(torch.randn(4, 5, 3))
    plain = AttentionPoolingForecaster(input_size=1, hidden_size=8)
    assert plain.position is None and plain(torch.randn(2, 9, 1)).shape == (2, 1)  # any length


def test_self_attention_gap_forecaster_is_lstm_then_attention_then_head():
    from attn_helpers.forecasting.model import SelfAttentionGAPForecaster

    torch.manual_seed(8)
    model = SelfAttentionGAPForecaster(input_size=1, hidden_size=8)
    x = torch.randn(4, 10, 1)
    pred, weights = model.forward_with_weights(x)
    states, _ = model.lstm(x)
    q, k, v = model.attention.query(states), model.attention.key(states), model.attention.value(states)
    torch.testing.assert_close(pred, model.head(F.scaled_dot_product_attention(q, k, v).mean(dim=1)))
    torch.testing.assert_close(model(x), pred)
    assert weights.shape == (4, 10, 10)


def test_linear_encoder_states_hold_one_step_each():
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    torch.manual_seed(9)
    model = AttentionPoolingForecaster(input_size=2, hidden_size=4, window=5, encoder="linear")
    nn.init.normal_(model.position)
    x = torch.randn(3, 5, 2)
    states = model.states(x)
    torch.testing.assert_close(states, model.embed(x) + model.position)
    changed = x.clone()
    changed[:, 1] += 1.0  # an earlier step changes only its own state (an LSTM's later states would move too)
    moved = (model.states(changed) - states).abs().sum(dim=(0, 2))
    assert moved[1] > 0 and torch.all(moved[[0, 2, 3, 4]] == 0)
    assert not hasattr(model, "lstm")


def test_score_parts_add_up_to_the_scores_behind_the_weights():
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    torch.manual_seed(10)
    for model in (AttentionPoolingForecaster(3, 6, window=7), AttentionPoolingForecaster(3, 6),
                  AttentionPoolingForecaster(3, 6, window=7, encoder="linear")):
        if model.position is not None:
            nn.init.normal_(model.position)
        x = torch.randn(4, 7, 3)
        parts = model.score_parts(x)
        assert parts["content"].shape == (4, 7) and parts["position"].shape == (7,)
        weights = torch.softmax(parts["content"] + parts["position"] + parts["bias"], dim=-1)
        torch.testing.assert_close(weights, model.forward_with_weights(x)[1])
        if model.position is None:
            assert torch.all(parts["position"] == 0)
        else:  # the position part is w . p_t: a learned bias per step, the same in every window
            torch.testing.assert_close(parts["position"], model.position.detach() @ model.pool.score.weight[0].detach())


def test_mlp_head_and_stacked_lstm_have_the_expected_parameter_count():
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    # 3 LSTM layers of 256 over 95 features, attention Linear(256, 1), head 256 -> 128 -> 64 -> 1
    model = AttentionPoolingForecaster(95, 256, num_layers=3, head_hidden=(128, 64))
    lstm = 4 * (256 * (95 + 256) + 2 * 256) + 2 * 4 * (256 * (256 + 256) + 2 * 256)
    head = (256 * 128 + 128) + (128 * 64 + 64) + (64 + 1)
    assert sum(p.numel() for p in model.lstm.parameters()) == lstm
    assert sum(p.numel() for p in model.pool.parameters()) == 257
    assert sum(p.numel() for p in model.parameters()) == lstm + 257 + head == 1_455_618
    assert model(torch.randn(2, 48, 95)).shape == (2, 1)


@pytest.mark.parametrize("kwargs, match", [
    ({"encoder": "gru"}, "encoder"),
    ({"num_layers": 0}, "num_layers"),
    ({"encoder": "linear", "num_layers": 2}, "num_layers"),
])
def test_forecaster_rejects_bad_encoders(kwargs, match):
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    with pytest.raises(ValueError, match=match):
        AttentionPoolingForecaster(2, 4, **kwargs)


def test_uniform_swap_turns_attention_pooling_into_mean_pooling():
    from attn_helpers.attention import swap_weights
    from attn_helpers.forecasting.model import AttentionPoolingForecaster

    torch.manual_seed(11)
    model = swap_weights(AttentionPoolingForecaster(2, 5))
    x = torch.randn(3, 8, 2)
    pred, weights = model.forward_with_weights(x)
    torch.testing.assert_close(weights, torch.full((3, 8), 1 / 8))
    torch.testing.assert_close(pred, model.head(model.lstm(x)[0].mean(dim=1)))
