"""Figures from attn_helpers.plots display as images in a Jupyter kernel (what the book's pages show).

matplotlib activates its inline backend lazily, at the first pyplot figure; figures made with
plots.new_figure never touch pyplot, so without help a notebook stored '<Figure size ...>' text and
no image. This runs a real kernel on a two-line notebook and checks the stored output.
"""
import nbformat
from nbclient import NotebookClient


def _run(source: str) -> list[dict]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return nb.cells[0].outputs


def test_new_figure_is_stored_as_png():
    outputs = _run("from attn_helpers import plots\n"
                   "fig, ax = plots.new_figure((3, 2))\nax.plot([1, 2, 3])\nfig")
    data = [o["data"] for o in outputs if o["output_type"] == "execute_result"]
    assert len(data) == 1 and "image/png" in data[0], [list(d) for d in data]
    # shown once: the figure is the cell's value, not also a pyplot figure drawn at the end of the cell
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 1
