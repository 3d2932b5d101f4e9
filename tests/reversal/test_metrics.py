import pytest
import torch

from attn_helpers.reversal import data as reversal
from attn_helpers.reversal import metrics as reversal_metrics
from attn_helpers.reversal.data import EOS, PAD, Vocabulary


def batch(sentences=(("the", "cat", "sat"), ("dog", "ran", "fast", "slow", "old"))):
    return reversal.reversal_tensors(sentences, Vocabulary())


def test_sequence_scores_on_hand_made_outputs():
    _, tgt = batch()  # references: "sat cat the <eos>" and "old slow fast ran dog <eos>"
    ref = tgt[:, 1:]
    perfect = ref.clone()
    assert reversal_metrics.sequence_scores(perfect, tgt) == {"exact_match": 1.0, "token_accuracy": 1.0}
    wrong = perfect.clone()
    wrong[1, 0] = wrong[1, 1]  # one wrong word in the second sentence (6 tokens), 10 tokens in all
    assert reversal_metrics.sequence_scores(wrong, tgt) == {"exact_match": 0.5, "token_accuracy": 0.9}
    assert reversal_metrics.exact_per_sentence(wrong, tgt).tolist() == [True, False]
    longer = torch.cat([perfect[:, :4], torch.full((2, 4), EOS)], 1)  # first sentence ok, second cut
    longer[0, 4:] = PAD
    assert reversal_metrics.sequence_scores(longer, tgt)["exact_match"] == 0.5


def test_an_output_with_extra_words_is_not_an_exact_match():
    _, tgt = batch()
    too_long = torch.cat([tgt[:, 1:2], tgt[:, 1:]], 1)  # the first word twice, as in the source's printout
    assert reversal_metrics.exact_per_sentence(too_long, tgt).tolist() == [False, False]


def test_exact_match_by_length_counts_sentences_per_length():
    _, tgt = batch([("the", "cat", "sat"), ("red", "hat", "on"), ("dog", "ran", "fast", "slow", "old")])
    tokens = tgt[:, 1:].clone()
    tokens[1, 0] = tokens[1, 1]  # the second 3-word sentence is wrong
    table = reversal_metrics.exact_match_by_length(tokens, tgt)
    assert table.index.tolist() == [3, 5] and table.index.name == "words"
    assert table["sentences"].tolist() == [2, 1]
    assert table["exact_match"].tolist() == [0.5, 1.0]


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
