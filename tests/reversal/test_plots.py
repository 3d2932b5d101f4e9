import ipywidgets
import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from attn_helpers import training, widgets
from attn_helpers.reversal import model as seq2seq
from attn_helpers.reversal import plots as reversal_plots
from attn_helpers.reversal.data import Vocabulary


def small_model(seed=0):
    torch.manual_seed(seed)
    return seq2seq.Seq2Seq(len(Vocabulary()), embed_dim=8, hidden_dim=12).eval()


@pytest.mark.parametrize("kind", reversal_plots.DIAGRAMS)
def test_architecture_draws_each_model(kind):
    fig = reversal_plots.architecture(kind)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert isinstance(fig, Figure) and "<eos>" in texts
    assert ("<pad>" in texts) == (kind == "padded")
    assert any("attention" in t for t in texts) == (kind != "final state")


def test_architecture_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        reversal_plots.architecture("transformer")


def test_training_curves_show_loss_and_exact_match_from_epoch_0():
    hist = training.History(train_loss=[float("nan"), 1.0, 0.5], val_loss=[3.0, 0.8, 0.4],
                            val_metrics=[{"exact": 0.0}, {"exact": 0.4}, {"exact": 0.9}], best_epoch=2)
    fig = reversal_plots.training_curves(hist, "model")
    assert len(fig.axes) == 2
    assert fig.axes[1].lines[0].get_xdata().tolist() == [0, 1, 2]
    assert fig.axes[1].lines[0].get_ydata().tolist() == [0.0, 0.4, 0.9]


def test_exact_match_by_length_draws_one_line_per_model_and_the_seed_band():
    table = pd.DataFrame({"exact_match": [1.0, 0.5, 0.0], "low": [0.9, 0.4, 0.0], "high": [1.0, 0.6, 0.1]},
                         index=pd.Index([9, 10, 11], name="words"))
    fig = reversal_plots.exact_match_by_length({"a": table, "b": table[["exact_match"]]})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.lines] == ["a", "b"]
    assert len(ax.collections) == 1  # only "a" has a band
    assert len(ax.patches) == 1  # lengths 11 and over are shaded as longer than any training sentence
    within = reversal_plots.exact_match_by_length({"a": table.loc[[9, 10]]})
    assert len(within.axes[0].patches) == 0


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
