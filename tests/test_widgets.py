import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from attn_helpers.widgets import Explorer


def draw(n):
    fig, ax = plt.subplots()
    ax.plot(range(n + 2))
    return fig, f"<b>n = {n}</b>"


def test_explorer_redraws_when_a_control_changes():
    slider = widgets.IntSlider(value=1, min=0, max=5)
    explorer = Explorer(draw, n=slider)
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG") and explorer.caption.value == "<b>n = 1</b>"
    slider.value = 4
    assert explorer.caption.value == "<b>n = 4</b>" and bytes(explorer.image.value) != first
    assert explorer.values() == {"n": 4}


def test_explorer_without_controls_is_rejected():
    with pytest.raises(ValueError, match="at least one control"):
        Explorer(draw)
