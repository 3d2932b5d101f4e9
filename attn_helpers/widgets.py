"""Interactive explorers built from a drawing function and ipywidgets controls.

The view is an ``ipywidgets.Image`` holding the PNG of the figure and an ``HTML`` caption,
so it updates (and can be tested) without a live kernel's display machinery.
"""
from typing import Callable

import ipywidgets as widgets
from matplotlib.figure import Figure

from .plots import figure_png


class Explorer(widgets.VBox):
    """Controls on top, then the figure and a caption; redrawn whenever a control changes.

    ``draw(**values) -> (Figure, caption_html)`` gets the current value of every control by name.
    """

    def __init__(self, draw: Callable[..., tuple[Figure, str]], **controls: widgets.ValueWidget):
        if not controls:
            raise ValueError("Explorer needs at least one control")
        self.draw, self.controls = draw, controls
        self.image = widgets.Image(format="png")
        self.caption = widgets.HTML()
        super().__init__([widgets.HBox(list(controls.values())), self.image, self.caption])
        for control in controls.values():
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        fig, caption = self.draw(**self.values())
        self.image.value = figure_png(fig)
        self.caption.value = caption
