"""The workshop kit: tools/workshop.py (`make workshop`) writes student copies of every chapter."""
import ast
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("workshop", ROOT / "tools" / "workshop.py")
workshop = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(workshop)

CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTION_BOX = re.compile(r"^[ \t]*(`{3,}|:{3,})\{admonition\}[ \t]+solution", re.I | re.M)


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


# --- removing solution admonitions from Markdown --------------------------------------------------

def test_strips_a_backtick_solution_and_keeps_the_exercise():
    text = "1. Why?\n\n```{admonition} Solution\n:class: dropdown\nBecause.\n```\n\n2. And then?\n"
    assert workshop.strip_solution_admonitions(text) == "1. Why?\n\n2. And then?\n"


def test_strips_longer_fences_with_code_inside():
    text = ("Q\n````{admonition} Solution to exercise 2\n:class: dropdown\n```python\nx = 1\n```\n"
            "still the solution\n````\nafter\n")
    assert workshop.strip_solution_admonitions(text) == "Q\nafter\n"


def test_strips_colon_fences_and_plural_titles():
    text = "Q\n:::{admonition} Solutions\n:class: dropdown\nA.\n:::\nnext\n"
    assert workshop.strip_solution_admonitions(text) == "Q\nnext\n"


def test_keeps_other_admonitions():
    text = "```{admonition} Hint\n:class: dropdown\nLook at the trend.\n```\n"
    assert workshop.strip_solution_admonitions(text) == text


def test_unclosed_solution_is_an_error():
    with pytest.raises(ValueError, match="never closed"):
        workshop.strip_solution_admonitions("```{admonition} Solution\nforever\n")


def test_student_copy_of_a_small_notebook():
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# T\n"},
            {"cell_type": "code", "metadata": {"tags": ["parameters"], "execution": {"x": 1}},
             "source": "QUICK = False\n", "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
             "execution_count": 1},
            {"cell_type": "markdown", "metadata": {}, "source": "```{admonition} Solution\n:class: dropdown\nA\n```\n"},
            {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "answer = 42\n", "outputs": [],
             "execution_count": 2},
        ],
        "metadata": {"widgets": {"state": {}}, "kernelspec": {"name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    student = workshop.student_copy(nb)
    assert [c["cell_type"] for c in student["cells"]] == ["markdown", "code"]
    code = student["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None and "execution" not in code["metadata"]
    assert "widgets" not in student["metadata"] and student["metadata"]["kernelspec"] == {"name": "python3"}
    assert nb["cells"][1]["outputs"], "the original must not be changed"


# --- the student copies of the book's chapters -----------------------------------------------------

@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    if not CHAPTERS:
        pytest.fail("no chapter notebooks in notebooks/")
    out = tmp_path_factory.mktemp("workshop")
    assert workshop.main(["--out", str(out)]) == 0
    return out


def _parse(code: str) -> ast.Module:
    """Parse a cell with its IPython magics (%pip, !cmd) replaced by `pass`, indentation kept."""
    return ast.parse("\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", l) for l in code.splitlines()))


def _assigned(code: str) -> set:
    tree = _parse(code)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used(code: str) -> set:
    tree = _parse(code)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def test_one_copy_per_chapter(copies):
    assert sorted(p.name for p in copies.glob("*.ipynb")) == [p.name for p in CHAPTERS]
    assert (copies / "README.md").exists()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_copy(copies, path):
    original = json.loads(path.read_text())
    student = json.loads((copies / path.name).read_text())
    assert student["nbformat"] == original["nbformat"]

    # the chapter has solutions to remove (exercises with folded solutions are part of every chapter)
    boxes = sum(len(SOLUTION_BOX.findall(_source(c))) for c in original["cells"] if c["cell_type"] == "markdown")
    solution_cells = [c for c in original["cells"] if "solution" in _tags(c)]
    assert boxes + len(solution_cells) > 0, f"{path.name} has no solution admonition or cell tagged 'solution'"

    # solutions gone, outputs cleared
    assert not [c for c in student["cells"] if "solution" in _tags(c)]
    for cell in student["cells"]:
        if cell["cell_type"] == "markdown":
            assert not SOLUTION_BOX.search(_source(cell)), f"{path.name}: a solution admonition is left"
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "execution" not in cell.get("metadata", {})
    assert "widgets" not in student["metadata"]

    # everything else is kept, in order: every other code cell, the parameters cell, the exercises
    kept = [_source(c) for c in original["cells"] if c["cell_type"] == "code" and "solution" not in _tags(c)]
    assert [_source(c) for c in student["cells"] if c["cell_type"] == "code"] == kept
    params = [c for c in student["cells"] if "parameters" in _tags(c)]
    assert len(params) == 1 and re.search(r"^QUICK\s*=", _source(params[0]), re.M)
    headings = [l for c in original["cells"] if c["cell_type"] == "markdown"
                for l in _source(c).splitlines() if re.match(r"#+ .*exercise", l, re.I)]
    student_md = "\n".join(_source(c) for c in student["cells"] if c["cell_type"] == "markdown")
    assert all(h in student_md for h in headings), f"{path.name}: the exercises were removed with the solutions"

    # the copy still runs top to bottom: no kept cell uses a name that only a solution cell defined
    defined_outside = set().union(*(_assigned(src) for src in kept)) if kept else set()
    assigned_in_solutions = set().union(*(_assigned(_source(c)) for c in solution_cells)) if solution_cells else set()
    only_in_solutions = assigned_in_solutions - defined_outside
    used_later = set().union(*(_used(src) for src in kept)) if kept else set()
    assert not (only_in_solutions & used_later), (
        f"{path.name}: cells after the solutions use {sorted(only_in_solutions & used_later)}, "
        "defined only in solutions")
