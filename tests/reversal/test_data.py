import pytest
import torch

from attn_helpers.reversal import data as reversal
from attn_helpers.reversal.data import EOS, PAD, SOS, UNK, Vocabulary


def test_vocabulary_has_the_special_tokens_then_the_34_words():
    vocab = Vocabulary()
    assert vocab.itos[:4] == ["<pad>", "<sos>", "<eos>", "<unk>"]
    assert (PAD, SOS, EOS, UNK) == (0, 1, 2, 3)
    assert len(reversal.WORDS) == 34 and len(vocab) == 38


def test_encode_decode_round_trip_and_unknown_words():
    vocab = Vocabulary()
    ids = vocab.encode(["the", "cat", "zebra"])
    assert ids[-1] == EOS and ids[2] == UNK
    assert vocab.unknown(["the", "zebra", "<eos>"]) == ["zebra", "<eos>"]
    assert vocab.encode(["<eos>"], eos=False) == [UNK]  # a typed special token is not a control token
    assert vocab.decode([SOS, *vocab.encode(["the", "cat"]), PAD, vocab.stoi["dog"]]) == ["the", "cat"]


def test_vocabulary_rejects_repeated_words():
    with pytest.raises(ValueError, match="unique"):
        Vocabulary(["a", "b", "a"])
    with pytest.raises(ValueError, match="unique"):
        Vocabulary(["a", "<pad>"])


def test_splits_have_the_requested_sizes_lengths_and_no_overlap():
    data = reversal.reverse_dataset(n_train=800, n_val=100, n_test=100, seed=3)
    assert [len(data[k]) for k in ("train", "val", "test")] == [800, 100, 100]
    lengths = [len(s) for split in data.values() for s in split]
    assert min(lengths) == 3 and max(lengths) == 10
    assert not set(data["test"]) & set(data["train"])
    assert not set(data["val"]) & set(data["train"])
    assert all(w in reversal.WORDS for s in data["train"] for w in s)


def test_splits_are_seeded():
    assert reversal.reverse_dataset(50, 10, 10, seed=1) == reversal.reverse_dataset(50, 10, 10, seed=1)
    assert reversal.reverse_dataset(50, 10, 10, seed=1) != reversal.reverse_dataset(50, 10, 10, seed=2)


def test_short_sentences_would_collide_without_deduplication():
    # 2-word sentences over 3 words: only 9 exist, so distinctness is enforced, not luck
    sentences = reversal.random_sentences(4, 2, 2, seed=0, words=("a", "b", "c"))
    assert len(set(sentences)) == 4
    with pytest.raises(ValueError, match="n must be <= 4"):
        reversal.random_sentences(5, 2, 2, seed=0, words=("a", "b", "c"))


def test_exclude_keeps_sentences_out():
    first = reversal.random_sentences(3, 2, 2, seed=0, words=("a", "b", "c"))
    second = reversal.random_sentences(3, 2, 2, seed=0, words=("a", "b", "c"), exclude=set(first))
    assert not set(first) & set(second)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_train=0), "n_train must be >= 1"),
    (dict(n_test=-1), "n_test must be >= 1"),
    (dict(min_len=0), "min_len"),
    (dict(min_len=5, max_len=4), "min_len <= max_len"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        reversal.reverse_dataset(**kwargs)


def test_pad_collate_pads_at_the_end():
    out = reversal.pad_collate([[5, 6, 7], [8]])
    assert out.dtype == torch.long
    assert out.tolist() == [[5, 6, 7], [8, PAD, PAD]]
    with pytest.raises(ValueError, match="empty"):
        reversal.pad_collate([])


def test_reversal_tensors_hold_source_and_reversed_target():
    vocab = Vocabulary()
    src, tgt = reversal.reversal_tensors([("the", "cat", "sat"), ("dog", "ran", "fast", "slow")], vocab)
    assert src.shape == (2, 5) and tgt.shape == (2, 6)
    assert vocab.decode(src[0]) == ["the", "cat", "sat"] and src[0, 3] == EOS and src[0, 4] == PAD
    assert tgt[0, 0] == SOS and vocab.decode(tgt[0]) == ["sat", "cat", "the"] and tgt[0, 4] == EOS
    assert vocab.decode(tgt[1]) == ["slow", "fast", "ran", "dog"]
