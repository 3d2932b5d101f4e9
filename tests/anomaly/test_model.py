import torch
import torch.nn.functional as F
from torch import nn

from attn_helpers.anomaly import data as sa
from attn_helpers.anomaly.model import BiLSTMAttentionClassifier


def model_and_input(seed=0, batch=3, time=17, features=2):
    torch.manual_seed(seed)
    return BiLSTMAttentionClassifier(features, hidden_size=5, attention_size=4), torch.randn(batch, time, features)


def test_shapes_and_weights_are_a_distribution():
    model, x = model_and_input()
    logits, weights = model(x)
    assert logits.shape == (3,) and weights.shape == (3, 17)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    assert torch.all(weights > 0)


def test_keys_are_a_forward_and_a_backward_lstm():
    """The bidirectional encoder equals two one-way nn.LSTMs, the second run on the reversed series."""
    model, x = model_and_input(1)
    forward, backward = nn.LSTM(2, 5, batch_first=True), nn.LSTM(2, 5, batch_first=True)
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        getattr(forward, name).data.copy_(getattr(model.lstm, name))
        getattr(backward, name).data.copy_(getattr(model.lstm, name + "_reverse"))
    expected = torch.cat([forward(x)[0], backward(x.flip(1))[0].flip(1)], dim=-1)
    torch.testing.assert_close(model.encode(x), expected)


def test_logit_is_the_head_on_the_attention_weighted_keys():
    model, x = model_and_input(2)
    logits, weights = model(x)
    keys = model.encode(x)
    att = model.attention
    scores = att.v(torch.tanh(att.query_proj(model.query) + att.key_proj(keys))).squeeze(-1)
    torch.testing.assert_close(weights, torch.softmax(scores, dim=-1))
    context = (weights[..., None] * keys).sum(1)
    torch.testing.assert_close(logits, context @ model.head.weight[0] + model.head.bias[0])


def test_series_in_a_batch_do_not_see_each_other():
    model, x = model_and_input(3, batch=4)
    logits, weights = model(x)
    single_logit, single_weights = model(x[2:3])
    torch.testing.assert_close(logits[2:3], single_logit)
    torch.testing.assert_close(weights[2:3], single_weights)


def test_learns_a_small_flat_section_task():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is fastest, and immune to a busy machine
    try:
        learn_a_small_task()
    finally:
        torch.set_num_threads(threads)


def learn_a_small_task():
    data = sa.sine_anomaly_dataset(128, n_points=60, loc_range=(0, 40), length_range=(15, 20), seed=0)
    x = sa.model_inputs(data.series, sa.difference_scale(data.series))
    y = torch.as_tensor(data.labels, dtype=torch.float32)
    torch.manual_seed(0)
    model = BiLSTMAttentionClassifier(2, hidden_size=8, attention_size=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = F.binary_cross_entropy_with_logits(model(x)[0], y).item()
    for _ in range(60):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x)[0], y)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * first
