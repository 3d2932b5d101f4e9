"""Student copies of the chapters for a workshop: solutions removed, outputs cleared.

    python tools/workshop.py [--out workshop] [notebooks/01_lstm_baseline.ipynb ...]

(`make workshop` runs it for every chapter.) For each chapter notebook it writes a copy in which
- code cells tagged ``solution`` are removed;
- solution admonitions in Markdown cells (```` ```{admonition} Solution ... ``` ````, also with
  ``:::`` fences or more backticks; any admonition whose title starts with "Solution") are removed,
  and a Markdown cell left empty is dropped;
- every output, execution count, stored widget state and execution timestamp is cleared.
Everything else is kept as it is, so the copy still runs from top to bottom, and the `parameters`
cell still takes papermill parameters (e.g. ``-p QUICK True``).
"""
from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTION_TAG = "solution"
# the opening line of a solution admonition: ```{admonition} Solution..., ::::{admonition} Solutions, ...
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{admonition\}[ \t]+solutions?\b.*$", re.I)


def strip_solution_admonitions(text: str) -> str:
    """Remove every admonition whose title starts with "Solution", with its body and closing fence.

    Raises ValueError if an opened solution admonition is never closed (the copy would leak it).
    """
    lines = text.splitlines(keepends=True)
    kept, i = [], 0
    while i < len(lines):
        match = _OPEN.match(lines[i].rstrip("\n"))
        if not match:
            kept.append(lines[i])
            i += 1
            continue
        fence = match.group("fence")
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j].rstrip("\n")):
            j += 1
        if j == len(lines):
            raise ValueError(f"a solution admonition opened with {fence!r} is never closed")
        i = j + 1
    return re.sub(r"\n{3,}", "\n\n", "".join(kept))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def student_copy(nb: dict) -> dict:
    """The student version of a notebook (a new dict; ``nb`` is not changed)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            continue
        if cell["cell_type"] == "markdown":
            text = strip_solution_admonitions(_source(cell))
            if not text.strip():
                continue
            cell["source"] = text
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)  # nbclient's timestamps
        cell.get("metadata", {}).pop("papermill", None)
        cells.append(cell)
    out["cells"] = cells
    for key in ("widgets", "papermill", "execution"):
        out["metadata"].pop(key, None)
    return out


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapter notebooks (default: notebooks/[0-9]*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "workshop",
                        help="folder for the copies (default: workshop/)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or chapter_notebooks()
    if not notebooks:
        print("no chapter notebooks found in notebooks/", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        nb = json.loads(path.read_text())
        copy_ = student_copy(nb)
        cells = sum(SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
        boxes = sum(bool(_OPEN.match(line)) for c in nb["cells"] if c["cell_type"] == "markdown"
                    for line in _source(c).splitlines())
        target = args.out / path.name
        target.write_text(json.dumps(copy_, indent=1, ensure_ascii=False) + "\n")
        print(f"{target}: {cells} solution cells and {boxes} solution admonitions removed, outputs cleared")
    (args.out / "README.md").write_text(
        "# Workshop copies\n\n"
        "Student copies of the chapters of *Attention for Sequences*, written by `make workshop`: the\n"
        "exercise solutions are removed and the outputs cleared. Run a chapter from top to bottom in\n"
        "Jupyter, or with papermill and its quick parameters (under 60 s on two CPU cores):\n\n"
        f"    papermill {notebooks[0].name} out.ipynb -p QUICK True\n\n"
        "The book's pages have the same chapters with their outputs and the solutions behind toggles.\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
