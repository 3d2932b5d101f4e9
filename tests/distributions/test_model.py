import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from attn_helpers import attention
from attn_helpers.distributions.model import (
    EncoderLayer,
    HorizonQueryForecaster,
    MultiHeadAttention,
    TransformerForecaster,
    alibi_bias,
    sinusoidal_positions,
)


def copied_torch_attention(ours: MultiHeadAttention, d_model: int, n_heads: int) -> nn.MultiheadAttention:
    ref = nn.MultiheadAttention(d_model, n_heads, batch_first=True)
    ref.load_state_dict({k: v for k, v in ours.state_dict().items()})
    return ref.eval()


def test_attention_equals_torch_multihead_attention_with_copied_weights():
    torch.manual_seed(0)
    ours = MultiHeadAttention(16, 4).eval()
    ref = copied_torch_attention(ours, 16, 4)
    x = torch.randn(3, 9, 16)
    with torch.no_grad():
        out, weights = ours(x)
        ref_out, ref_weights = ref(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(out, ref_out)
    torch.testing.assert_close(weights, ref_weights)
    assert weights.shape == (3, 4, 9, 9)


def test_cross_attention_equals_torch_and_scaled_dot_product_attention():
    torch.manual_seed(1)
    ours = MultiHeadAttention(16, 2).eval()
    ref = copied_torch_attention(ours, 16, 2)
    queries, memory = torch.randn(2, 5, 16), torch.randn(2, 11, 16)
    with torch.no_grad():
        out, weights = ours(queries, memory)
        torch.testing.assert_close(out, ref(queries, memory, memory, need_weights=False)[0])
        q = F.linear(queries, ours.in_proj_weight[:16], ours.in_proj_bias[:16])
        k, v = F.linear(memory, ours.in_proj_weight[16:], ours.in_proj_bias[16:]).chunk(2, -1)
        split = lambda z: z.unflatten(-1, (2, 8)).transpose(1, 2)  # noqa: E731  (batch, heads, time, d_head)
        fused = F.scaled_dot_product_attention(split(q), split(k), split(v)).transpose(1, 2).reshape(2, 5, 16)
        torch.testing.assert_close(out, ours.out_proj(fused))
        manual = torch.softmax(split(q) @ split(k).transpose(-2, -1) / math.sqrt(8), -1)
        torch.testing.assert_close(weights, manual)
    assert weights.shape == (2, 2, 5, 11)


def test_attention_weights_come_from_a_masked_softmax_submodule():
    assert isinstance(MultiHeadAttention(8, 2).softmax, attention.MaskedSoftmax)


def test_attention_rejects_a_width_the_heads_do_not_divide():
    with pytest.raises(ValueError, match="divisible by n_heads"):
        MultiHeadAttention(10, 4)


def test_encoder_layer_is_torch_post_norm_encoder_layer():
    torch.manual_seed(0)
    ours = EncoderLayer(16, 4, 32, dropout=0.1).eval()
    ref = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, batch_first=True, norm_first=False).eval()
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(3, 9, 16)
    with torch.no_grad():
        out, weights = ours(x)
        torch.testing.assert_close(out, ref(x))
    assert weights.shape == (3, 4, 9, 9)


def make(cls, seed=0, **kw):
    torch.manual_seed(seed)
    return cls(input_len=12, horizon=3, d_model=16, n_heads=4, n_layers=2, d_ff=32, **kw).eval()


@pytest.mark.parametrize("cls, weight_shape", [(TransformerForecaster, (5, 2, 4, 12, 12)),
                                               (HorizonQueryForecaster, (5, 1, 4, 3, 12))])
def test_forward_and_forward_with_weights_agree_and_weights_are_distributions(cls, weight_shape):
    model = make(cls)
    x = torch.randn(5, 12)
    with torch.no_grad():
        pred, weights = model.forward_with_weights(x)
        torch.testing.assert_close(model(x), pred)
    assert pred.shape == (5, 3) and weights.shape == weight_shape
    torch.testing.assert_close(weights.sum(-1), torch.ones(weight_shape[:-1]))


@pytest.mark.parametrize("cls", [TransformerForecaster, HorizonQueryForecaster])
def test_swap_weights_gives_uniform_maps_and_leaves_the_model_untouched(cls):
    model = make(cls)
    if cls is TransformerForecaster:
        nn.init.normal_(model.head.weight)  # its zero head would hide any change
    erased = attention.swap_weights(model)
    x = torch.randn(4, 12)
    with torch.no_grad():
        _, weights = erased.forward_with_weights(x)
        torch.testing.assert_close(weights, torch.full_like(weights, 1 / 12))
        assert not torch.allclose(model(x), erased(x))
    assert any(isinstance(m, attention.MaskedSoftmax) for m in model.modules())


def test_main_model_starts_at_the_window_centre():
    model = make(TransformerForecaster)
    with torch.no_grad():
        assert torch.equal(model(torch.randn(4, 12)), torch.zeros(4, 3))


def test_main_model_bypasses_attention_but_horizon_queries_do_not():
    x1, x2 = torch.randn(2, 12), torch.randn(2, 12)
    main, queries = make(TransformerForecaster), make(HorizonQueryForecaster)
    with torch.no_grad():
        nn.init.normal_(main.head.weight)
        for model in (main, queries):  # attention outputs cut to zero: no value reaches any query
            for m in model.modules():
                if isinstance(m, MultiHeadAttention):
                    m.out_proj.weight.zero_()
        assert not torch.allclose(main(x1), main(x2))  # the residual path still carries the window
        read = queries.read_attn
        torch.testing.assert_close(queries(x1), queries(x2))
        assert read.out_proj.bias.abs().sum() == 0  # the forecast is the readout of a constant


def test_models_reject_bad_configuration_and_input():
    with pytest.raises(ValueError, match="divisible"):
        TransformerForecaster(d_model=10, n_heads=4)
    with pytest.raises(ValueError, match="dropout"):
        HorizonQueryForecaster(dropout=1.0)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        HorizonQueryForecaster(horizon=0)
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 12\)"):
        make(TransformerForecaster)(torch.randn(2, 11))
    with pytest.raises(ValueError, match=r"x must have shape"):
        make(HorizonQueryForecaster)(torch.randn(12))


def test_sinusoidal_positions():
    code = sinusoidal_positions(10, 8)
    assert code.shape == (10, 8)
    torch.testing.assert_close(code[:, 0], torch.sin(torch.arange(10.0)))
    torch.testing.assert_close(code[0, 1::2], torch.ones(4))
    with pytest.raises(ValueError, match="even"):
        sinusoidal_positions(10, 7)


def test_alibi_bias_is_a_linear_recency_penalty_per_head():
    bias = alibi_bias(4, torch.tensor([10, 11]), 10)
    assert bias.shape == (4, 2, 10)
    torch.testing.assert_close(bias[0, 0, -1], torch.tensor(-0.25))  # lag 1, slope 2^-2
    torch.testing.assert_close(bias[3, 1, 0], torch.tensor(-11 / 256))  # lag 11, slope 2^-8
    assert torch.all(bias[:, :, 1:] > bias[:, :, :-1])  # recent keys are penalised less
