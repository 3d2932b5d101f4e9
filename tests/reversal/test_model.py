import pytest
import torch
import torch.nn.functional as F

from attn_helpers.attention import swap_weights
from attn_helpers.reversal import data as reversal
from attn_helpers.reversal import model as seq2seq
from attn_helpers.reversal.data import EOS, PAD, SOS, Vocabulary


def small_model(seed=0, cls=seq2seq.Seq2Seq):
    torch.manual_seed(seed)
    return cls(len(Vocabulary()), embed_dim=8, hidden_dim=12).eval()


def batch(sentences=(("the", "cat", "sat"), ("dog", "ran", "fast", "slow", "old"))):
    return reversal.reversal_tensors(sentences, Vocabulary())


def test_encoder_ignores_padding():
    model = small_model()
    src, _ = batch()
    keys, final = model.encoder(src)
    alone_keys, alone_final = model.encoder(src[:1, :4])  # the short sentence without padding
    torch.testing.assert_close(final[0], alone_final[0])
    torch.testing.assert_close(keys[0, :4], alone_keys[0])
    assert torch.all(keys[0, 4:] == 0)


def test_encoder_keys_are_the_two_directions_of_a_gru():
    model = small_model(8)
    src, _ = batch()
    keys, final = model.encoder(src[1:])  # the 5-word sentence, no padding
    gru, emb = model.encoder.gru, model.encoder.embedding(src[1:])
    forward = torch.nn.GRU(8, 6, batch_first=True)
    backward = torch.nn.GRU(8, 6, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(forward, name).copy_(getattr(gru, name))
            getattr(backward, name).copy_(getattr(gru, name + "_reverse"))
    fwd, _ = forward(emb)
    bwd, _ = backward(emb.flip(1))
    bwd = bwd.flip(1)
    torch.testing.assert_close(keys[0], torch.cat([fwd[0], bwd[0]], -1))
    torch.testing.assert_close(final[0], torch.cat([fwd[0, -1], bwd[0, 0]]))


def test_encoder_rejects_empty_input():
    model = small_model()
    src, _ = batch()
    with pytest.raises(ValueError, match="src must hold >= 1 sentence"):
        model.encoder(src[:0])
    with pytest.raises(ValueError, match="1 empty row"):
        model.encoder(torch.cat([src, torch.zeros(1, src.shape[1], dtype=torch.long)]))


def test_encoder_needs_an_even_hidden_size():
    with pytest.raises(ValueError, match="hidden_dim must be an even number"):
        seq2seq.Encoder(10, 4, 7)


def test_decoder_step_uses_additive_attention_with_the_padding_mask():
    model = small_model(1)
    src, _ = batch()
    keys, state = model.encoder(src)
    mask = src != PAD
    token = torch.full((2,), SOS)
    logits, new_state, weights = model.decoder(token, state, keys, mask)
    context, ref_weights = model.decoder.attention(state, keys, mask)
    torch.testing.assert_close(weights, ref_weights)
    assert torch.all(weights[0, 4:] == 0) and torch.allclose(weights.sum(1), torch.ones(2))
    gru_in = torch.cat([model.decoder.embedding(token), context], -1)
    ref_state = model.decoder.cell(gru_in, state)
    torch.testing.assert_close(new_state, ref_state)
    torch.testing.assert_close(logits, model.decoder.out(torch.cat([ref_state, context], -1)))


def test_teacher_forcing_reads_the_previous_reference_token():
    model = small_model(2)
    src, tgt = batch()
    logits, weights = model.forward_with_weights(src, tgt)
    torch.testing.assert_close(model(src, tgt), logits)  # forward is the prediction alone
    assert logits.shape == (2, tgt.shape[1] - 1, len(Vocabulary()))
    assert weights.shape == (2, tgt.shape[1] - 1, src.shape[1])
    # step by step by hand: step k reads tgt[:, k]
    keys, state = model.encoder(src)
    for k in range(tgt.shape[1] - 1):
        step_logits, state, _ = model.decoder(tgt[:, k], state, keys, src != PAD)
        torch.testing.assert_close(logits[:, k], step_logits)


def test_miswired_model_reads_the_token_it_must_predict():
    src, tgt = batch()
    good, bad = small_model(3), small_model(3, seq2seq.MiswiredSeq2Seq)
    assert torch.equal(good.decoder_inputs(tgt), tgt[:, :-1])
    assert torch.equal(bad.decoder_inputs(tgt), tgt[:, 1:])  # the target itself: a leak
    assert not torch.allclose(good(src, tgt), bad(src, tgt))


def test_sequence_loss_ignores_padding():
    model = small_model(4)
    src, tgt = batch()
    logits = model(src, tgt)
    ref = tgt[:, 1:]
    keep = ref != PAD
    expected = F.cross_entropy(logits[keep], ref[keep])
    torch.testing.assert_close(seq2seq.sequence_loss(model, (src, tgt)), expected)


def test_greedy_decode_feeds_back_its_own_state_and_token_and_stops_at_eos():
    model = small_model(5)
    src, _ = batch()
    tokens, weights = seq2seq.greedy_decode_with_weights(model, src, max_steps=6)
    assert tokens.shape[1] <= 6 and weights.shape[:2] == tokens.shape
    assert torch.equal(seq2seq.greedy_decode(model, src, max_steps=6), tokens)
    keys, state = model.encoder(src)
    token = torch.full((2,), SOS)
    for k in range(tokens.shape[1]):  # the same loop written out, without the stop logic
        logits, state, w = model.decoder(token, state, keys, src != PAD)
        token = logits.argmax(-1)
        for b in range(2):
            row = tokens[b].tolist()
            if EOS not in row[:k]:  # before (and at) the first EOS the outputs agree
                assert tokens[b, k] == token[b]
                torch.testing.assert_close(weights[b, k], w[b])
            else:
                assert tokens[b, k] == PAD


def test_greedy_decode_of_a_model_that_always_says_eos_stops_after_one_step():
    model = small_model(6)
    with torch.no_grad():
        model.decoder.out.weight.zero_()
        model.decoder.out.bias.zero_()
        model.decoder.out.bias[EOS] = 1.0
    tokens = seq2seq.greedy_decode(model, batch()[0])
    assert tokens.tolist() == [[EOS], [EOS]]
    with pytest.raises(ValueError, match="max_steps must be >= 1"):
        seq2seq.greedy_decode(model, batch()[0], max_steps=0)


def test_erased_attention_spreads_one_over_t_on_the_real_tokens():
    model = small_model(7)
    src, tgt = batch()
    _, weights = swap_weights(model).forward_with_weights(src, tgt)
    torch.testing.assert_close(weights[0], torch.tensor([[0.25] * 4 + [0.0] * 2] * weights.shape[1]))
    torch.testing.assert_close(weights[1], torch.full_like(weights[1], 1 / 6))
    assert not torch.equal(model.forward_with_weights(src, tgt)[1], weights)  # the original keeps its attention


def test_padded_encoder_reads_the_padding_and_the_packed_one_does_not():
    torch.manual_seed(0)
    encoder = seq2seq.PaddedEncoder(len(Vocabulary()), 8, 12)
    src, _ = batch()  # the 3-word sentence has 2 padding tokens, the 5-word one none
    keys, final = encoder(src)
    alone_keys, alone_final = encoder(src[:1, :4])
    assert not torch.allclose(final[0], alone_final[0])  # the state after the padding is another state
    assert not torch.allclose(keys[0, :4], alone_keys[0])  # the backward half of the keys read the padding
    torch.testing.assert_close(keys[0, :4, :6], alone_keys[0, :, :6])  # the forward half reads it only later
    longest_keys, longest_final = encoder(src[1:])
    torch.testing.assert_close(final[1], longest_final[0])  # a sentence without padding is unchanged
    packed = seq2seq.Encoder(len(Vocabulary()), 8, 12)
    packed.load_state_dict(encoder.state_dict())
    torch.testing.assert_close(packed(src[:1, :4])[1], alone_final)  # without padding the two agree


def test_padded_model_starts_from_the_same_weights_as_the_packed_one():
    good, padded = small_model(9), small_model(9, seq2seq.PaddedSeq2Seq)
    assert isinstance(padded.encoder, seq2seq.PaddedEncoder) and type(good.encoder) is seq2seq.Encoder
    for (name, p), (other, q) in zip(good.state_dict().items(), padded.state_dict().items()):
        assert name == other and torch.equal(p, q)


def test_model_without_attention_sees_only_the_final_state():
    model = small_model(10, seq2seq.Seq2SeqWithoutAttention)
    src, tgt = batch()
    logits = model(src, tgt)
    assert logits.shape == (2, tgt.shape[1] - 1, len(Vocabulary()))
    assert not hasattr(model, "forward_with_weights")
    _, final = model.encoder(src)
    state = final
    for k in range(tgt.shape[1] - 1):  # every step: the reference token and the same final state, nothing else
        step_logits, state = model.decoder(tgt[:, k], state, final)
        torch.testing.assert_close(logits[:, k], step_logits)
    with pytest.raises(ValueError, match="has no attention weights"):
        seq2seq.greedy_decode_with_weights(model, src)
    assert seq2seq.greedy_decode(model, src).shape[0] == 2


def test_length_groups_split_by_real_tokens():
    src, _ = batch()
    groups = seq2seq.length_groups(src)
    assert list(groups) == [4, 6] and groups[4].tolist() == [0] and groups[6].tolist() == [1]


def sentences_of_mixed_lengths():
    return reversal.reversal_tensors(reversal.random_sentences(12, 2, 6, seed=4), Vocabulary())


def test_unpadded_decoding_is_decoding_each_sentence_alone():
    model = small_model(11, seq2seq.PaddedSeq2Seq)
    src, _ = sentences_of_mixed_lengths()
    tokens = seq2seq.greedy_decode_unpadded(model, src, max_steps=9)
    for i, row in enumerate(src):
        alone = seq2seq.greedy_decode(model, row[row != PAD][None], max_steps=9)[0]
        assert tokens[i, :len(alone)].tolist() == alone.tolist()
        assert torch.all(tokens[i, len(alone):] == PAD)


def test_padding_changes_nothing_for_the_packed_model():
    model = small_model(12)
    src, tgt = sentences_of_mixed_lengths()
    padded = seq2seq.greedy_decode(model, src)
    unpadded = seq2seq.greedy_decode_unpadded(model, src)
    assert torch.equal(F.pad(padded, (0, unpadded.shape[1] - padded.shape[1]), value=PAD), unpadded)
    padded_loss = float(seq2seq.sequence_loss(model, (src, tgt)).detach())
    assert seq2seq.unpadded_loss(model, src, tgt) == pytest.approx(padded_loss, rel=1e-5)


def test_unpadded_loss_is_the_token_mean_over_sentences_run_alone():
    model = small_model(13, seq2seq.PaddedSeq2Seq)
    src, tgt = sentences_of_mixed_lengths()
    total, count = 0.0, 0
    for s, t in zip(src, tgt):
        s, t = s[s != PAD][None], t[t != PAD][None]
        total += float(seq2seq.sequence_loss(model, (s, t)).detach()) * (t.shape[1] - 1)
        count += t.shape[1] - 1
    assert seq2seq.unpadded_loss(model, src, tgt) == pytest.approx(total / count, rel=1e-5)
    padded = float(seq2seq.sequence_loss(model, (src, tgt)).detach())
    assert abs(seq2seq.unpadded_loss(model, src, tgt) - padded) > 1e-3  # this model reads the padding


@pytest.mark.parametrize("cls, attention", [(seq2seq.Seq2Seq, True), (seq2seq.Seq2SeqWithoutAttention, False)])
def test_shape_walkthrough_names_every_tensor_with_its_shape(cls, attention):
    src, tgt = batch()
    rows = dict(seq2seq.shape_walkthrough(small_model(14, cls), src, tgt))
    assert rows["keys h_j (encoder outputs)"] == (2, src.shape[1], 12)
    assert rows["GRU input [E y_0; c_1]"] == (2, 8 + 12)
    assert rows["all steps: logits"] == (2, tgt.shape[1] - 1, len(Vocabulary()))
    assert ("weights a_1j" in rows) == attention
    if attention:
        assert rows["all steps: weights"] == (2, tgt.shape[1] - 1, src.shape[1])
