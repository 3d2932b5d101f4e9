"""The package's layout: a small core at the top of attn_helpers, one subpackage per chapter, and no core
module that imports a chapter's code."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "attn_helpers"
CHAPTERS = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def imported_modules(source: str) -> set[str]:
    """Every module a source imports, relative ones written with their dots ('.forecasting.data')."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.update([base] if node.module else [base + alias.name for alias in node.names])
    return found


def chapter_imports(source: str) -> set[str]:
    """The imports of a module inside attn_helpers that reach a chapter subpackage."""
    def reaches_a_chapter(module: str) -> bool:
        if module.startswith("attn_helpers."):
            module = module.removeprefix("attn_helpers.")
        elif module.startswith("."):
            module = module.lstrip(".")
        else:
            return False
        return module.split(".")[0] in CHAPTERS

    return {m for m in imported_modules(source) if reaches_a_chapter(m)}


def test_the_chapter_subpackages_are_there():
    assert CHAPTERS == ["anomaly", "distributions", "forecasting", "reversal"]


def test_the_import_check_sees_relative_and_absolute_imports():
    assert chapter_imports("from .forecasting import data\nimport numpy") == {".forecasting"}
    assert chapter_imports("from . import reversal") == {".reversal"}
    assert chapter_imports("import attn_helpers.anomaly.model as m") == {"attn_helpers.anomaly.model"}
    assert chapter_imports("from .attention import MaskedSoftmax\nfrom . import results") == set()


def test_no_core_module_imports_a_chapter():
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "__init__.py":
            continue
        assert not chapter_imports(path.read_text()), f"{path.name} imports chapter code"
