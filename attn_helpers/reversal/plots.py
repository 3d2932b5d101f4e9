"""Chapter 4's figures: the sentence explorer (a reversed sentence and its attention map)."""
import html

import torch

from ..plots import heatmap, new_figure
from .data import EOS, UNK, Vocabulary
from .model import Seq2Seq, greedy_decode


def explorer_draw(model: Seq2Seq, vocab: Vocabulary, max_words: int = 30, train_max_len: int = 10):
    """Explorer view: ``draw(sentence) -> (Figure, caption_html)`` with the greedy output and its attention."""

    def message(text: str, caption: str):
        fig, ax = new_figure((5, 1.2))
        ax.text(0.5, 0.5, text, ha="center", va="center")
        ax.set_axis_off()
        return fig, caption

    def draw(sentence: str):
        words = sentence.lower().split()
        if not words:
            return message("empty input", "<b>Empty input:</b> type a few words, e.g. <i>the cat sat on the mat</i>.")
        if len(words) > max_words:
            return message("input too long", f"<b>Too long:</b> {len(words)} words; type at most {max_words}.")
        unknown = vocab.unknown(words)
        src = torch.tensor([vocab.encode(words)])
        tokens, weights = greedy_decode(model, src, max_steps=len(words) + 5)
        ids = tokens[0].tolist()
        steps = ids.index(EOS) + 1 if EOS in ids else len(ids)
        shown = [vocab.itos[i] for i in ids[:steps]]
        source = [vocab.itos[i] for i in src[0].tolist()]
        output = vocab.decode(ids)
        reference = [vocab.itos[i] for i in vocab.encode(words[::-1], eos=False)]
        fig = heatmap(weights[0, :steps].numpy(), x_labels=source, y_labels=shown,
                                title="attention of each decoder step", xlabel="encoder token",
                                ylabel="decoder step")
        esc = lambda ws: html.escape(" ".join(ws))  # noqa: E731
        lines = [f"Input: {esc(words)}", f"Output: {esc(output)}", f"Reference: {esc(reference)}",
                 "<b>match</b>" if output == reference else "<b>no match</b>"]
        if unknown:
            lines.append(f"<b>Notice:</b> {html.escape(', '.join(unknown))} not in the vocabulary, "
                         f"read as {html.escape(vocab.itos[UNK])} (never a target in training, "
                         "so it cannot be copied).")
        if len(words) > train_max_len:
            lines.append(f"<b>Notice:</b> {len(words)} words is longer than any training sentence "
                         f"(at most {train_max_len}).")
        return fig, "<br>".join(lines)

    return draw
