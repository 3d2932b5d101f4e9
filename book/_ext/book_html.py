"""Small HTML fixes for the book's pages (a local Sphinx extension, loaded from _config.yml).

sphinx-thebe registers its inline configuration script (``const THEBE_JS_URL = ...``) once through
the application and once through the builder; Sphinx 7.4 keeps both copies (one with filename
``None``, one with ``''``), so every page declared the constant twice and the browser reported
"Identifier 'THEBE_JS_URL' has already been declared". This extension removes duplicate script
entries from each page, keeping the first.
"""


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
