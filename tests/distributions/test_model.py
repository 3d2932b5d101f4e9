import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from attn_helpers.distributions.model import (
    EncoderLayer,
    TransformerForecaster,
    sinusoidal_positions,
    written_out_attention,
)


def manual_attention(attn: nn.MultiheadAttention, x: torch.Tensor):
    """softmax(Q K^T / sqrt(d_head)) V, head by head, from the module's own projections."""
    b, t, d = x.shape
    h = attn.num_heads
    q, k, v = F.linear(x, attn.in_proj_weight, attn.in_proj_bias).chunk(3, dim=-1)
    split = lambda z: z.view(b, t, h, d // h).transpose(1, 2)  # noqa: E731  (b, heads, t, d_head)
    weights = torch.softmax(split(q) @ split(k).transpose(-2, -1) / math.sqrt(d // h), dim=-1)
    out = (weights @ split(v)).transpose(1, 2).reshape(b, t, d)
    return attn.out_proj(out), weights


def make_model(seed=0, **kw):
    torch.manual_seed(seed)
    return TransformerForecaster(input_len=12, horizon=3, d_model=16, n_heads=4, n_layers=2, d_ff=32, **kw).eval()


def test_encoder_layer_is_torch_post_norm_encoder_layer():
    torch.manual_seed(0)
    ours = EncoderLayer(16, 4, 32, dropout=0.1).eval()
    ref = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.1, batch_first=True, norm_first=False).eval()
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(3, 9, 16)
    with torch.no_grad():
        torch.testing.assert_close(ours(x)[0], ref(x))
        torch.testing.assert_close(ours(x, need_weights=True)[0], ref(x))


def test_returned_weights_are_the_softmax_of_the_layer_input_and_reproduce_its_attention_output():
    torch.manual_seed(1)
    layer = EncoderLayer(16, 4, 32, dropout=0.1).eval()
    x = torch.randn(2, 10, 16)
    with torch.no_grad():
        _, weights = layer(x, need_weights=True)
        attended, manual_weights = manual_attention(layer.self_attn, x)
        torch.testing.assert_close(weights, manual_weights)
        # the output of attention rebuilt from the returned weights is the module's own output ...
        attn = layer.self_attn
        v = F.linear(x, attn.in_proj_weight[32:], attn.in_proj_bias[32:]).view(2, 10, 4, 4).transpose(1, 2)
        rebuilt = attn.out_proj((weights @ v).transpose(1, 2).reshape(2, 10, 16))
        torch.testing.assert_close(rebuilt, attn(x, x, x, need_weights=False)[0])
        # ... and the same as PyTorch's fused kernel
        q, k, vv = F.linear(x, attn.in_proj_weight, attn.in_proj_bias).chunk(3, -1)
        split = lambda z: z.view(2, 10, 4, 4).transpose(1, 2)  # noqa: E731
        fused = F.scaled_dot_product_attention(split(q), split(k), split(vv)).transpose(1, 2).reshape(2, 10, 16)
        torch.testing.assert_close(rebuilt, attn.out_proj(fused))


def test_forecaster_maps_are_those_each_layer_used_in_the_forward_pass():
    model = make_model()
    x = torch.randn(5, 12)
    seen = []
    hooks = [layer.self_attn.register_forward_hook(lambda m, args, out: seen.append(args[0].detach()))
             for layer in model.layers]
    with torch.no_grad():
        pred, maps = model.forward_with_attention(x)
        plain = model(x)
    for h in hooks:
        h.remove()
    assert maps.shape == (5, 2, 4, 12, 12)
    torch.testing.assert_close(maps.sum(-1), torch.ones(5, 2, 4, 12))
    torch.testing.assert_close(pred, plain, atol=1e-5, rtol=1e-5)  # the same computation as forward()
    for i, layer in enumerate(model.layers):
        torch.testing.assert_close(maps[:, i], manual_attention(layer.self_attn, seen[i])[1])


def test_the_seeds_pre_norm_extraction_gives_different_maps():
    """The seed applied the first LayerNorm before attention in a post-norm layer: not the model's maps."""
    model = make_model(3)
    x = torch.randn(4, 12)
    with torch.no_grad():
        _, maps = model.forward_with_attention(x)
        h = model.embed(x[..., None]) + model.positions
        wrong = manual_attention(model.layers[0].self_attn, model.layers[0].norm1(h))[1]
    assert (maps[:, 0] - wrong).abs().max() > 1e-2


def test_uniform_attention_is_attention_with_all_scores_equal():
    torch.manual_seed(2)
    layer = EncoderLayer(16, 4, 32, dropout=0.0).eval()
    x = torch.randn(3, 7, 16)
    with torch.no_grad():
        expected = layer.uniform_attention(x)
        layer.self_attn.in_proj_weight[:32] = 0.0  # queries and keys carry no information
        layer.self_attn.in_proj_bias[:32] = 0.0
        attended, weights = layer.self_attn(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(weights, torch.full_like(weights, 1 / 7))
    torch.testing.assert_close(expected, attended)


def test_default_configuration_is_the_seeds_and_trains():
    model = TransformerForecaster()
    assert (model.input_len, model.horizon, len(model.layers)) == (100, 20, 2)
    layer = model.layers[0]
    assert (layer.self_attn.embed_dim, layer.self_attn.num_heads, layer.linear1.out_features) == (64, 4, 256)
    assert layer.dropout.p == 0.1
    with torch.no_grad():  # the head starts at zero: the untrained forecast is the window's centre
        assert torch.equal(model(torch.randn(2, 100)), torch.zeros(2, 20))
    small = make_model(4).train()
    x, y = torch.randn(32, 12), torch.randn(32, 3)
    opt = torch.optim.Adam(small.parameters(), lr=1e-2)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = F.mse_loss(small(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_positions_are_the_sine_cosine_code():
    code = sinusoidal_positions(5, 4)
    torch.testing.assert_close(code[3, 0], torch.sin(torch.tensor(3.0)))
    torch.testing.assert_close(code[3, 3], torch.cos(torch.tensor(3.0 / 100.0)))


@pytest.mark.parametrize("make, message", [
    (lambda: TransformerForecaster(d_model=30, n_heads=4), "divisible"),
    (lambda: TransformerForecaster(dropout=1.0), "dropout must be in"),
    (lambda: TransformerForecaster(horizon=0), "horizon must be >= 1"),
    (lambda: make_model()(torch.randn(2, 11)), "x must have shape"),
    (lambda: sinusoidal_positions(4, 3), "d_model must be even"),
])
def test_bad_arguments_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_written_out_attention_and_layer_inputs_reproduce_the_captured_maps():
    model = make_model(5)
    x = torch.randn(3, 12)
    with torch.no_grad():
        _, maps = model.forward_with_attention(x)
        inputs = model.layer_inputs(x)
        for i, layer in enumerate(model.layers):
            torch.testing.assert_close(written_out_attention(layer.self_attn, inputs[i]), maps[:, i])
            torch.testing.assert_close(written_out_attention(layer.self_attn, inputs[i]),
                                       manual_attention(layer.self_attn, inputs[i])[1])
