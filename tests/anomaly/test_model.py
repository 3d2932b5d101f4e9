"""The classifiers of attn_helpers.anomaly.model: the attention contract, the pooling controls, the folded query."""
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from attn_helpers.anomaly import data as sa
from attn_helpers.anomaly.model import BiLSTMAttentionClassifier, BiLSTMPoolingClassifier, fold_constant_query
from attn_helpers.attention import AdditiveAttention, swap_weights


def model_and_input(seed=0, batch=3, time=17, features=2):
    torch.manual_seed(seed)
    return BiLSTMAttentionClassifier(features, hidden_size=5, attention_size=4), torch.randn(batch, time, features)


def test_forward_returns_logits_and_forward_with_weights_adds_a_distribution_over_time():
    model, x = model_and_input()
    logits, weights = model.forward_with_weights(x)
    assert model(x).shape == (3,) and logits.shape == (3,) and weights.shape == (3, 17)
    torch.testing.assert_close(model(x), logits)
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


def test_logit_is_the_head_on_the_attention_weighted_keys_with_scores_from_the_keys_alone():
    model, x = model_and_input(2)
    logits, weights = model.forward_with_weights(x)
    keys = model.encode(x)
    att = model.attention
    assert att.query_proj is None
    scores = att.v(torch.tanh(att.key_proj(keys))).squeeze(-1)
    torch.testing.assert_close(weights, torch.softmax(scores, dim=-1))
    context = (weights[..., None] * keys).sum(1)
    torch.testing.assert_close(logits, context @ model.head.weight[0] + model.head.bias[0])


def test_series_in_a_batch_do_not_see_each_other():
    model, x = model_and_input(3, batch=4)
    logits, weights = model.forward_with_weights(x)
    single_logit, single_weights = model.forward_with_weights(x[2:3])
    torch.testing.assert_close(logits[2:3], single_logit)
    torch.testing.assert_close(weights[2:3], single_weights)


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_pooling_classifier_is_the_head_on_the_pooled_states(pooling):
    torch.manual_seed(4)
    model, x = BiLSTMPoolingClassifier(2, hidden_size=5, pooling=pooling), torch.randn(3, 17, 2)
    states = model.encode(x)
    pooled = states.mean(1) if pooling == "mean" else states.max(1).values
    torch.testing.assert_close(model(x), pooled @ model.head.weight[0] + model.head.bias[0])
    assert model(x).shape == (3,)


def test_erased_attention_model_is_a_mean_pooling_model_with_the_same_encoder_and_head():
    model, x = model_and_input(5)
    pooling = BiLSTMPoolingClassifier(2, hidden_size=5, pooling="mean")
    pooling.lstm.load_state_dict(model.lstm.state_dict())
    pooling.head.load_state_dict(model.head.state_dict())
    torch.testing.assert_close(swap_weights(model)(x), pooling(x))


def test_unknown_pooling_is_rejected():
    with pytest.raises(ValueError, match="pooling must be one of"):
        BiLSTMPoolingClassifier(2, 5, pooling="sum")


def test_a_constant_query_folds_into_the_key_bias_without_changing_anything():
    torch.manual_seed(6)
    with_query, query, keys = AdditiveAttention(8, 6, 4), torch.randn(8), torch.randn(5, 11, 6)
    nn.init.normal_(with_query.key_proj.bias)
    folded = fold_constant_query(with_query, query)
    assert folded.query_proj is None
    context, weights = with_query(query.expand(5, -1), keys)
    folded_context, folded_weights = folded(None, keys)
    torch.testing.assert_close(folded_weights, weights)
    torch.testing.assert_close(folded_context, context)
    torch.testing.assert_close(with_query.key_proj.bias + with_query.query_proj(query), folded.key_proj.bias)


def test_fold_constant_query_rejects_a_query_free_module_and_a_batch_of_queries():
    with pytest.raises(ValueError, match="query_dim=None"):
        fold_constant_query(AdditiveAttention(None, 6, 4), torch.randn(8))
    with pytest.raises(ValueError, match="one vector of shape"):
        fold_constant_query(AdditiveAttention(8, 6, 4), torch.randn(2, 8))


def test_training_halves_the_loss_on_a_small_flat_section_task():
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
    first = F.binary_cross_entropy_with_logits(model(x), y).item()
    for _ in range(60):
        optimizer.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.5 * first
