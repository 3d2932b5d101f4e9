"""Static rules every chapter notebook follows, so that each one runs on Colab, in a workshop and in CI.

For every notebook in notebooks/:
- the first code cell installs attn_helpers from exactly the repository URL of _config.yml, only when
  it is missing and without touching torch, and calls repro.setup before anything imports torch;
- the second code cell is tagged `parameters` and offers QUICK = False and RESULTS_DIR = ".";
- no cell tagged `nbval-ignore-output` prints or glues a metric (those outputs escape the exact check);
- the last code cell reports the run time, tagged `nbval-ignore-output` and `remove-input`, and its
  committed output is the "This chapter ran in N s" line;
- every figure in the committed outputs is stored as an image, not only as '<Figure size ...>' text;
- every widget shown in the committed outputs has its state stored, so it renders on the static page;
- every glue key is recorded once (the book build treats a duplicate as an error);
- no glued float carries more than 7 significant digits, and no output prints a float's full repr
  (their last digits differ between machines: numpy's BLAS picks its kernels by CPU).
"""
import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY_URL = CONFIG["repository"]["url"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + [ROOT / "book" / "reproducibility.ipynb"]
CHAPTERS = [p for p in NOTEBOOKS if p.parent.name == "notebooks"]
# what must not run in a cell whose output nbval ignores
METRIC_PRINTING = re.compile(r"save_metrics|metrics_table|history\.log|\.log\(\)|\bglue\(")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _code_cells(nb) -> list:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]


def _python(source: str) -> ast.Module:
    """Parse a cell with its IPython magics (%pip, !cmd) replaced by `pass`, indentation kept."""
    return ast.parse("\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", l) for l in source.splitlines()))


def _assignments(source: str) -> dict:
    values = {}
    for node in _python(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = node.value.value
    return values


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def nb(request):
    return json.loads(request.param.read_text())


GLUED = "application/papermill.record/text/plain"
FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?")
MAX_GLUED_DIGITS = 7  # results.MAX_DIGITS
FULL_REPR_DIGITS = 12  # a float printed with this many significant digits is a full repr, not a reading


def significant_digits(number: str) -> int:
    """Significant digits of a decimal literal as written: '0.001230' -> 4, '1.1683795551481253' -> 17."""
    mantissa = re.split("[eE]", number.lstrip("-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def long_floats(outputs: list, glued_only: bool, limit: int) -> list[str]:
    """Floats in the outputs written with more than ``limit`` significant digits."""
    found = []
    for out in outputs:
        data = out.get("data", {})
        texts = [data.get(GLUED, "")] if glued_only else [out.get("text", ""), data.get("text/plain", ""),
                                                           data.get("text/html", ""), data.get("text/markdown", "")]
        for text in texts:
            text = "".join(text) if isinstance(text, list) else text
            found += [f for f in FLOAT.findall(text) if significant_digits(f) > limit]
    return found


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def any_nb(request):
    return json.loads(request.param.read_text())


def test_significant_digits_counts_what_is_written():
    assert [significant_digits(s) for s in ["0.001230", "1.1683795551481253", "-12.5", "1.5e-07"]] == [4, 17, 3, 2]


def test_the_digit_check_catches_a_planted_full_repr():
    planted = [{"output_type": "display_data", "data": {GLUED: "1.1683795551481253", "text/plain": "1.168380"}}]
    assert long_floats(planted, glued_only=True, limit=MAX_GLUED_DIGITS) == ["1.1683795551481253"]
    assert long_floats([{"output_type": "stream", "text": "ratio 0.33333333333333331\n"}], False, FULL_REPR_DIGITS)
    reader = [{"output_type": "display_data", "data": {GLUED: "1.16838"}},
              {"output_type": "stream", "text": "1.168380"}]
    assert long_floats(reader, True, MAX_GLUED_DIGITS) == long_floats(reader, False, FULL_REPR_DIGITS) == []


def test_glued_floats_are_stored_at_reader_precision(any_nb):
    for i, cell in enumerate(_code_cells(any_nb)):
        found = long_floats(cell.get("outputs", []), glued_only=True, limit=MAX_GLUED_DIGITS)
        assert not found, f"code cell {i} glues {found[0]}: more than {MAX_GLUED_DIGITS} significant digits"


def glue_keys(nb: dict) -> list[str]:
    """The names of every glued output, in order, as myst-nb reads them."""
    return [o["metadata"]["scrapbook"]["name"] for c in _code_cells(nb) for o in c.get("outputs", [])
            if "scrapbook" in o.get("metadata", {})]


def test_glue_key_check_finds_a_duplicate():
    record = lambda name: {"output_type": "display_data", "metadata": {"scrapbook": {"name": name}}}  # noqa: E731
    nb = {"cells": [{"cell_type": "code", "source": "x", "outputs": [record("a"), record("b")]},
                    {"cell_type": "code", "source": "y", "outputs": [record("a")]}]}
    assert glue_keys(nb) == ["a", "b", "a"]


def test_every_glue_key_is_recorded_once(any_nb):
    keys = glue_keys(any_nb)
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"glued more than once: {duplicates}"


def test_no_output_prints_a_full_precision_float(any_nb):
    for i, cell in enumerate(_code_cells(any_nb)):
        found = long_floats(cell.get("outputs", []), glued_only=False, limit=FULL_REPR_DIGITS - 1)
        assert not found, f"code cell {i} prints {found[0]}: round it to what a reader needs"


def test_there_are_chapters():
    assert CHAPTERS, "no notebooks in notebooks/"


def test_repository_url_is_set_once():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", REPOSITORY_URL), REPOSITORY_URL
    assert (ROOT / "_config.yml").read_text().count(REPOSITORY_URL) == 1


def test_first_cell_installs_from_the_repository_and_sets_up(nb):
    first = _source(_code_cells(nb)[0])
    installs = [l for l in first.splitlines() if re.search(r"\bpip\b.*\binstall\b", l)]
    assert installs, "the first code cell does not install attn_helpers (Colab has no copy)"
    for line in installs:
        urls = re.findall(r"git\+(https://[^\s\"'@#]+)", line)
        assert urls == [REPOSITORY_URL], f"installs from {urls}, not the repository URL of _config.yml {REPOSITORY_URL}"
        assert "requirements" not in line and not re.search(r"\btorch\b", line), f"the install touches torch: {line!r}"
        assert line.startswith((" ", "\t")), \
            f"the install must be conditional (only when attn_helpers is missing): {line!r}"
    assert re.search(r"find_spec\(\s*[\"']attn_helpers[\"']\s*\)\s+is\s+None", first), \
        "the install is not guarded by importlib.util.find_spec('attn_helpers') is None"
    setup = re.search(r"repro\.setup\(", first)
    assert setup, "the first code cell does not call repro.setup"
    torch_import = re.search(r"^\s*(import torch|from torch)", first, re.M)
    assert torch_import is None or torch_import.start() > first.index("import repro"), \
        "torch is imported before attn_helpers.repro sets the CPU numeric environment"


def test_parameters_cell(nb):
    code = _code_cells(nb)
    tagged = [c for c in code if "parameters" in _tags(c)]
    assert len(tagged) == 1, "exactly one code cell must be tagged 'parameters' (papermill)"
    assert tagged[0] is code[1], "the parameters cell must be the second code cell"
    values = _assignments(_source(tagged[0]))
    assert values.get("QUICK") is False, "the parameters cell must set QUICK = False"
    assert values.get("RESULTS_DIR") == ".", "the parameters cell must set RESULTS_DIR = '.'"


def test_ignored_outputs_hold_no_metrics(nb):
    for i, cell in enumerate(_code_cells(nb)):
        if "nbval-ignore-output" in _tags(cell):
            found = METRIC_PRINTING.findall(_source(cell))
            assert not found, f"code cell {i} is tagged nbval-ignore-output but prints or glues metrics: {found}"


def test_last_cell_reports_the_run_time(nb):
    last = _code_cells(nb)[-1]
    assert "report_runtime(" in _source(last), "the last code cell must call results.report_runtime"
    assert {"nbval-ignore-output", "remove-input"} <= set(_tags(last)), \
        "the run-time cell must be tagged nbval-ignore-output and remove-input"
    text = "".join("".join(o.get("text", "")) for o in last.get("outputs", []) if o.get("output_type") == "stream")
    assert re.search(r"This chapter ran in \d+ s on ", text), \
        "the committed run-time line is missing (run make execute)"


def test_figures_are_images(nb):
    """A Figure shown only as '<Figure size ...>' text means the inline backend was not active."""
    for i, cell in enumerate(_code_cells(nb)):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = "".join(data.get("text/plain", ""))
            if text.startswith("<Figure size") and not any(k.startswith("image/") for k in data):
                raise AssertionError(f"code cell {i} shows a figure as text only ({text!r}): no image is "
                                     "stored, so the page has no plot (was it executed with MPLBACKEND=Agg?)")


def test_widgets_have_stored_state(nb):
    views = [o["data"][WIDGET_VIEW]["model_id"] for c in _code_cells(nb) for o in c.get("outputs", [])
             if WIDGET_VIEW in o.get("data", {})]
    if not views:
        return
    state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing = [m for m in views if m not in state]
    assert not missing, (f"{len(missing)} widget(s) shown without stored state: the static page would show "
                         "nothing; execute with `make execute` (it stores widget state)")
