import ipywidgets
import pytest
import torch
import torch.nn.functional as F

from attn_helpers import widgets
from attn_helpers.reversal import data as reversal
from attn_helpers.reversal import metrics as reversal_metrics
from attn_helpers.reversal import model as seq2seq
from attn_helpers.reversal import plots as reversal_plots
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
    logits, weights = model(src, tgt)
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
    assert not torch.allclose(good(src, tgt)[0], bad(src, tgt)[0])


def test_sequence_loss_ignores_padding():
    model = small_model(4)
    src, tgt = batch()
    logits, _ = model(src, tgt)
    ref = tgt[:, 1:]
    keep = ref != PAD
    expected = F.cross_entropy(logits[keep], ref[keep])
    torch.testing.assert_close(seq2seq.sequence_loss(model, (src, tgt)), expected)


def test_greedy_decode_feeds_back_its_own_state_and_token_and_stops_at_eos():
    model = small_model(5)
    src, _ = batch()
    tokens, weights = seq2seq.greedy_decode(model, src, max_steps=6)
    assert tokens.shape[1] <= 6 and weights.shape[:2] == tokens.shape
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
    tokens, _ = seq2seq.greedy_decode(model, batch()[0])
    assert tokens.tolist() == [[EOS], [EOS]]
    with pytest.raises(ValueError, match="max_steps must be >= 1"):
        seq2seq.greedy_decode(model, batch()[0], max_steps=0)


def test_sequence_scores_on_hand_made_outputs():
    _, tgt = batch()  # references: "sat cat the <eos>" and "old slow fast ran dog <eos>"
    ref = tgt[:, 1:]
    perfect = ref.clone()
    assert reversal_metrics.sequence_scores(perfect, tgt) == {"exact_match": 1.0, "token_accuracy": 1.0}
    wrong = perfect.clone()
    wrong[1, 0] = wrong[1, 1]  # one wrong word in the second sentence (6 tokens), 10 tokens in all
    assert reversal_metrics.sequence_scores(wrong, tgt) == {"exact_match": 0.5, "token_accuracy": 0.9}
    longer = torch.cat([perfect[:, :4], torch.full((2, 4), EOS)], 1)  # first sentence ok, second cut
    longer[0, 4:] = PAD
    scores = reversal_metrics.sequence_scores(longer, tgt)
    assert scores["exact_match"] == 0.5


def test_alignment_rate_counts_mirrored_argmax():
    src, _ = batch()  # 3 and 5 words
    steps = 6
    perfect = torch.zeros(2, steps, src.shape[1])
    for b, n in enumerate([3, 5]):
        for k in range(n):
            perfect[b, k, n - 1 - k] = 1.0
        perfect[b, n:, n] = 1.0  # <eos> steps look at <eos>: not counted
    assert reversal_metrics.alignment_rate(perfect, src) == 1.0
    shifted = perfect.roll(1, dims=2)
    assert reversal_metrics.alignment_rate(shifted, src) == 0.0
    half = perfect.clone()
    half[1, :, :] = 0
    half[1, :, 0] = 1.0  # second sentence always looks at its first word: right only at its last step
    assert reversal_metrics.alignment_rate(half, src) == pytest.approx((3 + 1) / 8)


def test_uniform_attention_spreads_over_real_steps():
    src, _ = batch()
    keys = torch.randn(2, src.shape[1], 4)
    context, weights = seq2seq.UniformAttention()(None, keys, src != PAD)
    torch.testing.assert_close(weights[0], torch.tensor([0.25] * 4 + [0.0] * 2))
    torch.testing.assert_close(context[0], keys[0, :4].mean(0))


def test_explorer_updates_on_typed_sentences():
    draw = reversal_plots.explorer_draw(small_model(7), Vocabulary())
    text = ipywidgets.Text(value="the cat sat")
    explorer = widgets.Explorer(draw, sentence=text)
    first_image, first_caption = explorer.image.value, explorer.caption.value
    assert "Input: the cat sat" in first_caption and "Reference: sat cat the" in first_caption
    text.value = "the big dog ran"
    assert explorer.image.value != first_image and "Reference: ran dog big the" in explorer.caption.value
    text.value = "the zebra <b>"
    assert "Notice" in explorer.caption.value and "zebra" in explorer.caption.value
    assert "Input: the zebra &lt;b&gt;" in explorer.caption.value  # typed text is escaped, not rendered
    text.value = "   "
    assert "Empty input" in explorer.caption.value
    text.value = " ".join(["cat"] * 12)
    assert "longer than any training sentence" in explorer.caption.value
    text.value = " ".join(["cat"] * 31)
    assert "Too long" in explorer.caption.value
