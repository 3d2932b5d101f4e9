"""Metrics files, run-time records and the chapter's metrics table."""
import json
import math
import os
import time
from pathlib import Path

import pandas as pd
import torch


def _significant(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}")


def save_metrics(stem: str, metrics: dict[str, float], results_dir: str | os.PathLike = ".") -> Path:
    """Write ``results_dir/metrics/<stem>.json``: a flat, sorted object of named numbers (6 significant digits)."""
    clean = {}
    for key, value in metrics.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ValueError(f"metric {key!r} must be a finite number, got {value!r}")
        clean[key] = value if isinstance(value, int) else _significant(value)
    path = Path(results_dir) / "metrics" / f"{stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(clean.items())), indent=2) + "\n")
    return path


def load_metrics(stem: str, results_dir: str | os.PathLike = ".") -> dict[str, float]:
    return json.loads((Path(results_dir) / "metrics" / f"{stem}.json").read_text())


def metrics_table(metrics: dict[str, float]) -> pd.DataFrame:
    """The chapter's headline numbers as a one-column table (shown on the page).

    pandas shows only the first and last rows of a frame longer than ``display.max_rows`` (60);
    the limit is raised to the table's length so that every metric is on the page.
    """
    frame = pd.DataFrame({"value": [metrics[k] for k in sorted(metrics)]}, index=sorted(metrics))
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


def glue(name: str, value, display: bool = False) -> None:
    """Make ``value`` citable in the page's prose as ``{glue:text}`name:.3f` ``.

    Uses myst-nb's ``glue`` (installed with the book); numpy scalars become plain Python numbers so
    that format specs work. Without myst-nb (e.g. on Colab) it does nothing.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    myst_glue(name, value, display=display)


def report_runtime(stem: str, start: float, results_dir: str | os.PathLike = ".") -> float:
    """Record and print the chapter's run time since ``start`` (a ``time.perf_counter()`` value)."""
    seconds = time.perf_counter() - start
    save_runtime(stem, seconds, results_dir)
    glue("runtime_s", round(seconds))
    where = "a CUDA GPU" if torch.cuda.is_available() else f"{torch.get_num_threads()} CPU threads"
    print(f"This chapter ran in {seconds:.0f} s on {where}.")
    return seconds
