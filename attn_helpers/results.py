"""What a chapter publishes: glued numbers at reader precision, metrics and timing files, shown source."""
import inspect
import json
import math
import numbers
import os
import time
from pathlib import Path

import pandas as pd
import torch

MAX_DIGITS = 7  # the most significant digits a stored float may carry: the last bits differ between machines


def significant(x: float, digits: int = 6) -> float:
    """``x`` rounded to ``digits`` significant digits (1 to MAX_DIGITS)."""
    if not isinstance(digits, int) or not 1 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits must be an int in [1, {MAX_DIGITS}], got {digits!r}")
    return float(f"{x:.{digits}g}")


def save_metrics(stem: str, metrics: dict[str, float], results_dir: str | os.PathLike = ".") -> Path:
    """Write ``results_dir/metrics/<stem>.json``: a flat, sorted object of named numbers (6 significant digits)."""
    clean = {}
    for key, value in metrics.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"metric {key!r} must be a finite number, got {value!r}")
        clean[key] = value if isinstance(value, int) else significant(value)
    path = Path(results_dir) / "metrics" / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(clean.items())), indent=2) + "\n")
    return path


def load_metrics(stem: str, results_dir: str | os.PathLike = ".") -> dict[str, float]:
    return json.loads((Path(results_dir) / "metrics" / f"{stem}.json").read_text())


def metrics_table(metrics: dict[str, float]) -> pd.DataFrame:
    """The chapter's headline numbers as a one-column table (shown on the page), at the 6 significant
    digits of the metrics file: the last digits of a float differ between machines.

    pandas shows only the first and last rows of a frame longer than ``display.max_rows`` (60);
    the limit is raised to the table's length so that every metric is on the page.
    """
    shown = [v if isinstance(v, int) else significant(v) for v in (metrics[k] for k in sorted(metrics))]
    frame = pd.DataFrame({"value": shown}, index=sorted(metrics))
    frame.index.name = "metric"
    if len(frame) > (pd.get_option("display.max_rows") or len(frame)):
        pd.set_option("display.max_rows", len(frame))
    return frame


def save_runtime(stem: str, seconds: float, results_dir: str | os.PathLike = ".") -> Path:
    """Record a chapter's wall-clock run time in ``results_dir/timings/<stem>.json`` (kept out of the metrics)."""
    path = Path(results_dir) / "timings" / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seconds": round(seconds, 1), "threads": torch.get_num_threads()}) + "\n")
    return path


def _reader_precision(value, digits: int):
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # numpy or torch scalar
        value = value.item()
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return significant(float(value), digits) if math.isfinite(value) else float(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_reader_precision(v, digits) for v in value)
    return value


def glue(name: str, value, digits: int = 6, display: bool = False) -> None:
    """Make ``value`` citable in the page's prose as ``{glue:text}`name:.3f` ``.

    Floats (also numpy and torch scalars, and lists of them) are stored rounded to ``digits``
    significant digits, never as a full repr: their last bits differ between machines. Without
    myst-nb (e.g. on Colab) it does nothing.
    """
    value = _reader_precision(value, digits)
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=display)


class SourceCode:
    """Source code shown as a highlighted block: Markdown for the book and Jupyter, plain text elsewhere."""

    def __init__(self, source: str):
        self.source = source

    def _repr_markdown_(self) -> str:
        return f"````python\n{self.source}\n````"

    def __repr__(self) -> str:
        return self.source


def show(obj) -> SourceCode:
    """The source of a helper (function, class or module), to display as the cell's value.

    The book explains a helper by showing its code, so the code exists in one place only.
    """
    return SourceCode(inspect.getsource(obj).rstrip())


def report_runtime(stem: str, start: float, results_dir: str | os.PathLike = ".") -> float:
    """Record and print the chapter's run time since ``start`` (a ``time.perf_counter()`` value)."""
    seconds = time.perf_counter() - start
    save_runtime(stem, seconds, results_dir)
    glue("runtime_s", round(seconds))
    where = "a CUDA GPU" if torch.cuda.is_available() else f"{torch.get_num_threads()} CPU threads"
    print(f"This chapter ran in {seconds:.0f} s on {where}.")
    return seconds
