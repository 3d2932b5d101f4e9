"""Chapter 4's task: reverse the word order of random sentences over a 34-word vocabulary."""
import numpy as np
import torch

# The 34 words of the reversal task.
WORDS = (
    "the", "cat", "sat", "dog", "ran", "big", "small", "red", "blue", "on", "in", "mat", "hat",
    "house", "car", "tree", "bird", "fish", "quick", "lazy", "brown", "fox", "jumps", "over",
    "eats", "drinks", "happy", "sad", "fast", "slow", "old", "new", "hot", "cold",
)
PAD, SOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<sos>", "<eos>", "<unk>")


class Vocabulary:
    """Word <-> id, with ``<pad>`` = 0, ``<sos>`` = 1, ``<eos>`` = 2, ``<unk>`` = 3, then the words."""

    def __init__(self, words=WORDS):
        words = list(words)
        if not words:
            raise ValueError("words must hold at least one word")
        clashes = sorted({w for w in words if words.count(w) > 1 or w in SPECIALS})
        if clashes:
            raise ValueError(f"words must be unique and differ from {SPECIALS}, got repeats/clashes {clashes}")
        self.itos = list(SPECIALS) + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def unknown(self, words) -> list[str]:
        """The words (in order) that are not in the vocabulary and would become ``<unk>``."""
        return [w for w in words if w not in self.stoi or w in SPECIALS]

    def encode(self, words, eos: bool = True) -> list[int]:
        """Word ids, unknown words -> ``<unk>``, plus a final ``<eos>`` unless ``eos=False``."""
        ids = [UNK if w in SPECIALS else self.stoi.get(w, UNK) for w in words]
        return ids + [EOS] if eos else ids

    def decode(self, ids) -> list[str]:
        """Words up to (without) the first ``<eos>``; ``<pad>`` and ``<sos>`` dropped."""
        words = []
        for i in (ids.tolist() if isinstance(ids, torch.Tensor) else ids):
            if i == EOS:
                break
            if i not in (PAD, SOS):
                words.append(self.itos[i])
        return words


def random_sentences(n: int, min_len: int = 3, max_len: int = 10, seed: int = 0, words=WORDS,
                     exclude=frozenset()) -> list[tuple[str, ...]]:
    """``n`` distinct sentences: lengths uniform in [min_len, max_len], words uniform, none in ``exclude``."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    if not 1 <= min_len <= max_len:
        raise ValueError(f"lengths must satisfy 1 <= min_len <= max_len, got min_len={min_len}, max_len={max_len}")
    words = tuple(words)
    possible = sum(len(words) ** k for k in range(min_len, max_len + 1)) - len(exclude)
    if n > possible // 2:
        raise ValueError(f"n must be <= {possible // 2} (half the {possible} possible distinct sentences "
                         f"of {min_len}-{max_len} words), got {n}")
    rng = np.random.default_rng(seed)
    seen, sentences = set(exclude), []
    while len(sentences) < n:
        length = int(rng.integers(min_len, max_len + 1))
        sentence = tuple(words[i] for i in rng.integers(0, len(words), size=length))
        if sentence not in seen:
            seen.add(sentence)
            sentences.append(sentence)
    return sentences


def reverse_dataset(n_train: int = 8000, n_val: int = 1000, n_test: int = 1000, min_len: int = 3,
                    max_len: int = 10, seed: int = 0, words=WORDS) -> dict[str, list[tuple[str, ...]]]:
    """Train/val/test source sentences (the target is each one reversed), all distinct, so no
    validation or test sentence also appears in training."""
    for name, size in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test)):
        if size < 1:
            raise ValueError(f"{name} must be >= 1, got {size}")
    sentences = random_sentences(n_train + n_val + n_test, min_len, max_len, seed, words)
    return {"train": sentences[:n_train], "val": sentences[n_train:n_train + n_val],
            "test": sentences[n_train + n_val:]}


def pad_collate(sequences, pad: int = PAD) -> torch.Tensor:
    """Id lists of different lengths -> (batch, longest) LongTensor, padded at the end with ``pad``."""
    sequences = [list(s) for s in sequences]
    if not sequences:
        raise ValueError("sequences is empty: there is nothing to pad")
    out = torch.full((len(sequences), max(len(s) for s in sequences)), pad, dtype=torch.long)
    for row, seq in zip(out, sequences):
        row[:len(seq)] = torch.tensor(seq, dtype=torch.long)
    return out


def reversal_tensors(sentences, vocab: Vocabulary) -> tuple[torch.Tensor, torch.Tensor]:
    """Sources ``w1 .. wn <eos>`` (batch, n+1) and targets ``<sos> wn .. w1 <eos>`` (batch, n+2), padded."""
    src = pad_collate(vocab.encode(s) for s in sentences)
    tgt = pad_collate([SOS] + vocab.encode(list(s)[::-1]) for s in sentences)
    return src, tgt
