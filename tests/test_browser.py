"""The built book in a real browser: every page of _toc.yml opened in headless Chromium.

Run after `make book` (tests/run_all.sh does, through `make browser`): pytest -q tests -m browser.
The pages are served from _build/html on 127.0.0.1; every request to another host is blocked, so the
test also proves that the pages work offline. For every chapter page it checks the title and its
number, that every image loaded, the metrics table (against notebooks/metrics/<stem>.json), the
run-time line, the Colab and download buttons, that no traceback, error or warning output is shown,
that no console error comes from the page's own assets, that solutions are folded away and that
embedded widgets rendered. It also searches for each chapter by a word of its title. A full-page
screenshot of each page is saved in _build/screenshots/, and _build/screenshots/report.txt lists
the pages checked, what each showed, and the time taken.
"""
import functools
import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--no-first-run",
]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
TIMEOUT_MS = 60_000  # generous: the machine may be busy with other work
STOPWORDS = {"with", "from", "that", "this", "against", "their", "about", "which", "where", "into"}


def _toc_pages() -> list[dict]:
    """Every page of the table of contents in reading order, chapters numbered as the book numbers them."""
    pages = [{"file": TOC["root"], "chapter": None}]

    def sections(entry):  # pages nested under a chapter, if any
        for sub in entry.get("sections", []):
            if "file" in sub:
                pages.append({"file": sub["file"], "chapter": None})
            sections(sub)

    for part in TOC.get("parts", []):
        for number, entry in enumerate(part.get("chapters", []), start=1):
            pages.append({"file": entry["file"], "chapter": number if part.get("numbered") else None})
            sections(entry)
    for page in pages:
        page["file"] = re.sub(r"\.(md|ipynb)$", "", page["file"])
        page["html"] = page["file"] + ".html"
        page["notebook"] = ROOT / (page["file"] + ".ipynb")
    return pages


PAGES = _toc_pages()
CHAPTERS = [p for p in PAGES if p["chapter"] is not None and p["file"].startswith("notebooks/")]


def _notebook(page: dict) -> dict:
    return json.loads(page["notebook"].read_text())


def _notebook_title(nb: dict) -> str:
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            match = re.search(r"^#\s+(.+?)\s*$", "".join(cell["source"]), flags=re.M)
            if match:  # as the page shows it: without Markdown emphasis, code or math markers
                return re.sub(r"\s+", " ", re.sub(r"[*`$]|(?<!\w)_|_(?!\w)", "", match.group(1))).strip()
    raise AssertionError("the notebook has no '# Title' heading")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.fail(f"{HTML} has no index.html: build the book first (make book)")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(HTML)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make browser` installs it (apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report():
    lines, start = [], time.perf_counter()
    yield lines
    total = time.perf_counter() - start
    SHOTS.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines + [f"browser test: {len(lines)} checks in {total:.1f} s"]) + "\n"
    (SHOTS / "report.txt").write_text(text)


def _open(browser, server: str, path: str):
    """Open ``path`` with other hosts blocked; collect console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    host = urlparse(server).netloc
    events = {"blocked": [], "console": [], "pageerror": []}

    def route(request_route):
        if urlparse(request_route.request.url).netloc == host:
            request_route.continue_()
        else:
            events["blocked"].append(request_route.request.url)
            request_route.abort()

    def on_console(message):
        if message.type == "error":
            events["console"].append((message.text, message.location.get("url", "")))

    page.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: events["pageerror"].append(str(error)))
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/{path}", wait_until="load")
    return context, page, events


def _wait_for_widgets(page) -> tuple[int, int]:
    """Embedded widgets render after load: wait until every widget view has its rendered area."""
    views = page.locator(WIDGET_VIEW).count()
    if views:
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('.widget-subarea').length >= n", arg=views, timeout=TIMEOUT_MS
            )
        except PlaywrightTimeout:
            rendered = page.locator(".widget-subarea").count()
            raise AssertionError(f"only {rendered} of {views} stored widget views rendered") from None
    return views, page.locator(".widget-subarea").count()


def _wait_for_images(page) -> list[dict]:
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=TIMEOUT_MS)
    return page.evaluate(
        "Array.from(document.images).map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth,"
        " figure: !!img.closest('.cell_output, figure, .widget-subarea')}))"
    )


def _own_console_errors(events: dict, server: str) -> list:
    """Console errors from the page itself or its own assets (blocked other hosts are not counted)."""
    return [(text, url) for text, url in events["console"] if not url or url.startswith(server)]


def _check_common(page, events, server, name: str) -> dict:
    """Checks for every page: a title, all images loaded, no error output, no own console errors."""
    h1 = page.locator("main h1, article h1").first
    assert h1.count() == 1 and h1.inner_text().strip(), f"{name}: no page title (h1)"
    widget_views, widgets_rendered = _wait_for_widgets(page)
    images = _wait_for_images(page)
    broken = [img["src"] for img in images if img["width"] == 0]
    assert not broken, f"{name}: images that did not load: {broken}"
    body = page.locator("article").inner_text()
    assert "Traceback (most recent call last)" not in body, f"{name}: a traceback is shown"
    error_outputs = page.locator(".cell_output .traceback, .cell_output .output.error, .cell_output .stderr")
    stderr = [error_outputs.nth(i).inner_text()[:200] for i in range(error_outputs.count())]
    assert not stderr, f"{name}: error or stderr output shown: {stderr}"
    assert not events["pageerror"], f"{name}: uncaught script errors: {events['pageerror']}"
    own = _own_console_errors(events, server)
    assert not own, f"{name}: console errors from the page's own assets: {own}"
    assert not events["blocked"], f"{name}: the page needs other hosts (it must work offline): {events['blocked']}"
    return {
        "title": h1.inner_text().strip(),
        "images": len(images),
        "figures": sum(img["figure"] for img in images),
        "widget_views": widget_views,
        "widgets_rendered": widgets_rendered,
        "blocked": sorted({urlparse(u).netloc for u in events["blocked"]}),
    }


def _screenshot(page, path: str) -> Path:
    """Full-page screenshot, also taken when a check failed (then it shows what was wrong)."""
    shot = SHOTS / (path.replace("/", "__").removesuffix(".html") + ".png")
    try:
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)  # let the sticky header and sidebar settle
        page.screenshot(path=str(shot), full_page=True)
    except Exception as error:  # never hide the failure being reported
        print(f"no screenshot of {path}: {error}")
    return shot


@pytest.mark.parametrize("page_info", [p for p in PAGES if p not in CHAPTERS], ids=lambda p: p["file"])
def test_front_matter_page(browser, server, report, page_info):
    context, page, events = _open(browser, server, page_info["html"])
    try:
        seen = _check_common(page, events, server, page_info["file"])
        tables = page.locator(".chapter-table tbody tr")  # the chapter map and the run-time table
        if tables.count():
            rows = tables.all_inner_texts()
            links = page.locator(".chapter-table a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
            assert len(rows) == len(CHAPTERS), \
                f"{page_info['file']}: {len(rows)} chapter rows for {len(CHAPTERS)} chapters"
            for chapter in CHAPTERS:
                assert any(link.endswith(chapter["html"]) for link in links), f"no link to {chapter['html']}"
            headers = [h.strip().lower() for h in page.locator(".chapter-table thead th").all_inner_texts()]
            if "recorded run time" in headers:
                column = headers.index("recorded run time")
                times = [tables.nth(i).locator("td").nth(column).inner_text().strip() for i in range(tables.count())]
                assert all(re.fullmatch(r"\d+ s", t) for t in times), f"a chapter has no recorded run time: {times}"
    finally:
        shot = _screenshot(page, page_info["html"])
        context.close()
    report.append(f"{page_info['html']}: '{seen['title']}', {seen['images']} images, "
                  f"blocked hosts {seen['blocked'] or 'none'}, screenshot {shot.name}")


@pytest.mark.parametrize("page_info", CHAPTERS, ids=lambda p: p["file"])
def test_chapter_page(browser, server, report, page_info):
    nb = _notebook(page_info)
    stem = Path(page_info["file"]).name
    title = _notebook_title(nb)
    context, page, events = _open(browser, server, page_info["html"])
    try:
        seen = _check_common(page, events, server, page_info["file"])
        # title, and its chapter number (added by the book, so the notebook's heading carries none)
        assert seen["title"] == title, f"page title {seen['title']!r} is not the notebook's {title!r}"
        assert not re.match(r"^\d+\.\s", title), \
            f"{stem}: the heading {title!r} numbers itself; _toc.yml numbers chapters"
        assert page.title().startswith(f"{page_info['chapter']}. {title}"), f"{stem}: <title> {page.title()!r}"
        assert seen["figures"] >= 1, f"{stem}: no figure on the page"

        # the metrics table, showing the committed metrics
        metrics_file = ROOT / "notebooks" / "metrics" / f"{stem}.json"
        assert metrics_file.exists(), f"{stem}: no committed metrics file {metrics_file.relative_to(ROOT)}"
        metrics = json.loads(metrics_file.read_text())
        tables = page.locator("table.dataframe")
        headers = [tables.nth(i).locator("th").all_inner_texts() for i in range(tables.count())]
        table = next((h for h in headers if "metric" in h and "value" in h), None)
        assert table is not None, f"{stem}: no metrics table (index 'metric', column 'value') on the page"
        missing = sorted(set(metrics) - set(table))
        assert not missing, f"{stem}: metrics missing from the page's table: {missing}"

        # the run-time line printed by results.report_runtime
        body = page.locator("article").inner_text()
        runtime = re.search(r"This chapter ran in (\d+) s on ([^.\n]+)", body)
        assert runtime, f"{stem}: no 'This chapter ran in N s' line"

        # launch and download buttons: Colab opens this .ipynb from the repository set in _config.yml
        repo = urlparse(CONFIG["repository"]["url"]).path.strip("/")
        colab = (f"{CONFIG['launch_buttons']['colab_url']}/github/{repo}/blob/"
                 f"{CONFIG['repository']['branch']}/notebooks/{stem}.ipynb")
        assert page.locator(f'a[href="{colab}"]').count() >= 1, f"{stem}: no Colab button to {colab}"
        download = page.locator(f'a[href$="_sources/notebooks/{stem}.ipynb"]')
        assert download.count() >= 1, f"{stem}: no .ipynb download button"
        response = page.request.get(f"{server}/_sources/notebooks/{stem}.ipynb")
        assert response.ok and json.loads(response.body())["cells"], f"{stem}: the downloaded .ipynb is not a notebook"

        # solutions folded behind a toggle until clicked
        solutions = page.locator(".admonition.dropdown", has=page.locator(".admonition-title", has_text="Solution"))
        hidden = [not solutions.nth(i).locator(":scope > :not(.admonition-title)").first.is_visible()
                  for i in range(solutions.count())]
        assert all(hidden), f"{stem}: a solution is visible without clicking its toggle"
        unfolded = page.locator(".admonition", has=page.locator(".admonition-title", has_text="Solution"))
        assert unfolded.count() == solutions.count(), f"{stem}: a Solution admonition lacks ':class: dropdown'"
        code_solutions = page.locator(".cell.tag_solution")
        assert not any(code_solutions.nth(i).is_visible() for i in range(code_solutions.count())), \
            f"{stem}: a code cell tagged 'solution' is visible without clicking its toggle"
        if solutions.count():  # the toggle really opens
            solutions.first.locator(".admonition-title").click()
            page.wait_for_timeout(300)
            assert solutions.first.locator(":scope > :not(.admonition-title)").first.is_visible(), \
                f"{stem}: clicking a solution's toggle does not show it"

        # widgets stored by `make execute` render from the page alone
        assert seen["widgets_rendered"] >= seen["widget_views"]
        folded = solutions.count() + code_solutions.count()
    finally:
        shot = _screenshot(page, page_info["html"])
        context.close()
    report.append(
        f"{page_info['html']}: '{page_info['chapter']}. {title}', {seen['figures']} figures, metrics table "
        f"({len(metrics)} metrics), run time {runtime.group(1)} s, {folded} folded solutions, "
        f"{seen['widgets_rendered']}/{seen['widget_views']} widget views rendered, "
        f"blocked hosts {seen['blocked'] or 'none'}, screenshot {shot.name}"
    )


def _title_word(page_info: dict) -> str:
    """The most distinctive word of the chapter's title: in no other chapter's title, and long."""
    title = _notebook_title(_notebook(page_info))
    others = " ".join(_notebook_title(_notebook(p)) for p in CHAPTERS if p is not page_info).lower()
    words = [w for w in re.findall(r"[A-Za-z]{5,}", title) if w.lower() not in STOPWORDS]
    assert words, f"no searchable word in {title!r}"
    return max(words, key=lambda w: (w.lower() not in others, len(w)))


@pytest.mark.parametrize("page_info", CHAPTERS, ids=lambda p: p["file"])
def test_search_finds_chapter(browser, server, report, page_info):
    word = _title_word(page_info)
    context, page, events = _open(browser, server, f"search.html?q={word}")
    try:
        results = page.locator("#search-results a")
        page.wait_for_function(
            "document.querySelector('#search-results') && "
            "document.querySelector('#search-results').innerText"
            ".match(/Search finished|found \\d+ page|did not match/i)",
            timeout=TIMEOUT_MS,
        )
        links = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        ranks = [i for i, link in enumerate(links, start=1) if page_info["html"] in (link or "")]
        assert ranks, f"search for {word!r} did not find {page_info['html']}: {links}"
        assert ranks[0] <= 3, f"search for {word!r} ranks {page_info['html']} only {ranks[0]}th: {links}"
        assert not events["pageerror"] and not _own_console_errors(events, server)
    finally:
        context.close()
    report.append(f"search.html?q={word}: found {page_info['html']} at rank {ranks[0]} of {len(links)} results")
