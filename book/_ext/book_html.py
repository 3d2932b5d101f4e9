"""The book's local Sphinx extension (loaded from _config.yml): two chapter tables and an HTML fix.

``{chapter-map}`` (book/index.md) and ``{chapter-runtimes}`` (book/setup.md) list the chapters of the
numbered part of _toc.yml, in order, with the texts of book/chapters.yml; the run-time table glues
each chapter's recorded ``runtime_s``. A chapter added to _toc.yml appears in both without editing them.

sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``) once through
the application and once through the builder; Sphinx 7.4 keeps both copies (one with filename
``None``, one with ``''``), so every page declared the constant twice and the browser reported
"Identifier 'THEBE_JS_URL' has already been declared". This extension removes duplicate script
entries from each page, keeping the first.
"""


from pathlib import Path

import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _chapters(srcdir: Path) -> list[tuple[str, dict]]:
    """(doc path, texts) for each chapter of the numbered part of _toc.yml, in reading order."""
    toc = yaml.safe_load((srcdir / "_toc.yml").read_text())
    texts = yaml.safe_load((srcdir / "book" / "chapters.yml").read_text()) or {}
    chapters = []
    for part in toc.get("parts", []):
        if part.get("numbered"):
            for entry in part.get("chapters", []):
                doc = entry["file"].removesuffix(".ipynb").removesuffix(".md")
                chapters.append((doc, texts.get(Path(doc).name, {})))
    return chapters


class _ChapterTable(SphinxDirective):
    """A Markdown table with one row per chapter, parsed in place (so roles such as {doc} work)."""

    header: tuple[str, ...] = ()

    def row(self, doc: str, texts: dict) -> tuple[str, ...]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        srcdir = Path(self.env.srcdir)
        for name in ("_toc.yml", "book/chapters.yml"):
            self.env.note_dependency(str(srcdir / name))
        lines = ["| " + " | ".join(self.header) + " |", "|" + " --- |" * len(self.header)]
        for number, (doc, texts) in enumerate(_chapters(srcdir), start=1):
            # re-read this page when a chapter changes (its title, its recorded run time)
            self.env.note_dependency(str(srcdir / f"{doc}.ipynb"))
            cells = [cell.replace("|", "\\|").replace("\n", " ") for cell in self.row(doc, texts)]
            cells[0] = f"{number}. {cells[0]}"
            lines.append("| " + " | ".join(cells) + " |")
        container = nodes.container(classes=["chapter-table"])
        self.state.nested_parse(StringList(lines, source=self.env.docname), self.content_offset, container)
        return [container]


class ChapterMap(_ChapterTable):
    header = ("Chapter", "Question", "What it teaches")

    def row(self, doc, texts):
        return (f"{{doc}}`/{doc}`", texts.get("question", ""), texts.get("teaches", ""))


class ChapterRuntimes(_ChapterTable):
    header = ("Chapter", "Budget (full run)", "Recorded run time", "Quick run")

    def row(self, doc, texts):
        return (f"{{doc}}`/{doc}`", texts.get("budget", ""), f"{{glue:text}}`/{doc}.ipynb::runtime_s:.0f` s",
                "under 60 s")


def _key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (getattr(script, "filename", script) or "", tuple(sorted(attributes.items())))


def remove_duplicate_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    # late priority: after myst-nb adds the page's own scripts (widget state and manager)
    app.connect("html-page-context", remove_duplicate_scripts, priority=900)
    app.add_directive("chapter-map", ChapterMap)
    app.add_directive("chapter-runtimes", ChapterRuntimes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
