"""The site in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright, from file://.

Skipped locally, with the reason, when Playwright or Chromium is missing; under CI (the CI
environment variable set) a missing browser fails instead, so these tests always run there.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import jakdata
from jakdata.site import build_site
from jakdata.text import fold, spans
from test_site import HOSTILE_NOTE, HOSTILE_SEED_LINE, SCRIPT, hostile_package

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_screenshots", REPO / "docs" / "make_screenshots.py")
screenshots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshots)

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing() -> str | None:
    """Why no browser can be driven here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return 'Playwright is not installed (pip install ".[test]")'
    if not Path(screenshots.CHROMIUM).is_file() or shutil.which(screenshots.CHROMIUM) is None:
        return f"{screenshots.CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason and IN_CI:
        pytest.fail(f"browser tests must run in CI, but {reason}")
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = screenshots.launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out


class Watched:
    """A page that records dialogs, console errors and uncaught exceptions."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", self._dialog)

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog):
        self.problems.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path, fragment: str = ""):
        self.page.goto(path.as_uri() + (f"#{fragment}" if fragment else ""))
        return self.page


@pytest.fixture(scope="module")
def _tab(browser):
    w = Watched(browser)
    yield w
    w.page.close()


@pytest.fixture
def watched(_tab):
    """One browser tab for the module (a new tab costs more than a test), its record emptied."""
    _tab.problems.clear()
    return _tab


def _csv(name: str) -> list[dict[str, str]]:
    with (REPO / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_index_lists_every_table_and_its_downloads_resolve(site, watched):
    page = watched.open(site / "index.html")
    for name in jakdata.tables():
        row = page.locator(f"#t-{name}")
        assert row.locator("th a").inner_text() == name
        assert row.locator("[data-rows]").inner_text() == str(len(jakdata.load(name)))
    hrefs = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
    assert len(set(hrefs)) == 2 * len(jakdata.tables()) + 2 + 5
    for href in hrefs:
        path = Path(unquote(urlsplit(href).path))
        assert path.is_file() and path.stat().st_size > 0 and path.is_relative_to(site), href
    assert watched.problems == []


def test_jump_quote_link_lands_on_the_marked_span(site, watched):
    page = watched.open(site / "jump_predictors.html")
    row = next(r for r in _csv("jump_predictors") if r["predictor_id"] == "ipss_risk")
    link = page.locator("#ipss_risk td.quote a").first
    link.click()
    page.wait_for_url("**/seed_benchchem_2025.html#q-jump_predictors-ipss_risk-quote-1", timeout=5000)
    marked = page.evaluate("""() => {
        const marks = [...document.querySelectorAll('pre.seed mark')]
            .filter(m => getComputedStyle(m).outlineStyle === 'solid');
        const box = marks[0].getBoundingClientRect();
        return {text: marks.map(m => m.textContent).join(''), top: box.top, bottom: box.bottom,
                height: window.innerHeight, others: document.querySelectorAll('pre.seed mark').length};
    }""")
    assert fold(marked["text"]) == spans(row["quote"])[0]
    assert 0 <= marked["top"] < marked["bottom"] <= marked["height"], marked
    assert marked["others"] > 10
    assert watched.problems == []


def test_filtering_by_a_controlled_list_shows_exactly_the_matching_rows(site, watched):
    page = watched.open(site / "nct03558607_eligibility.html")
    rows = _csv("nct03558607_eligibility")
    page.select_option("select[data-column=kind]", "exclusion")
    visible = page.eval_on_selector_all("#data tbody tr:not([hidden])", "rows => rows.map(r => r.id)")
    assert visible == [r["criterion_id"] for r in rows if r["kind"] == "exclusion"] and visible
    page.select_option("select[data-column=category]", "laboratory")
    visible = page.eval_on_selector_all("#data tbody tr:not([hidden])", "rows => rows.map(r => r.id)")
    assert visible == [r["criterion_id"] for r in rows if r["kind"] == "exclusion" and r["category"] == "laboratory"]
    expected = sum(r["kind"] == "exclusion" and r["category"] == "laboratory" for r in rows)
    assert page.inner_text("[data-count]") == f"{expected} of {len(rows)} rows"
    page.select_option("select[data-column=kind]", "")
    page.select_option("select[data-column=category]", "")
    assert page.locator("#data tbody tr:not([hidden])").count() == len(rows)
    assert watched.problems == []


def test_sorting_a_numeric_column(site, watched):
    page = watched.open(site / "ponatinib_figures.html")
    page.click("th[data-column=value] button.sort")
    values = page.eval_on_selector_all("#data tbody tr", "rows => rows.map(r => r.cells[3].dataset.value)")
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers) and values[len(numbers):] == [""] * (len(values) - len(numbers))
    assert page.get_attribute("th[data-column=value]", "aria-sort") == "ascending"
    assert watched.problems == []


def test_no_console_errors_on_any_page(site, watched):
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 1 + len(jakdata.tables()) + 5
    for path in pages:
        page = watched.open(path)
        assert page.title(), path.name
    assert watched.problems == []


def test_hostile_copy_executes_nothing_and_shows_the_text(browser, tmp_path):
    root = hostile_package(tmp_path / "pkg")
    out = tmp_path / "site"
    build_site(out, root=root)
    w = Watched(browser)
    try:
        carrying = [p for p in sorted(out.glob("*.html")) if "__pwned" in p.read_text(encoding="utf-8")]
        assert {p.name for p in carrying} >= {"index.html", "jump_predictors.html", "sources.html",
                                              "source_issues.html", "seed_benchchem_2025.html"}
        for path in carrying:
            page = w.open(path)
            found = page.evaluate("""() => ({
                pwned: window.__pwned === undefined ? null : String(window.__pwned),
                images: document.images.length,
                scripts: [...document.scripts].map(s => s.getAttribute('src')),
                jsLinks: [...document.links].filter(a => a.protocol === 'javascript:').length,
                handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])
                    .filter(a => a.name.startsWith('on')).length,
            })""")
            assert found == {"pwned": None, "images": 0, "scripts": ["site.js"], "jsLinks": 0, "handlers": 0}, path.name
        page = w.open(out / "jump_predictors.html")
        note = page.eval_on_selector("#data thead tr",
                                     "tr => [...tr.cells].findIndex(c => c.dataset.column === 'note')")
        assert page.locator("#ipss_risk > *").nth(note).inner_text() == HOSTILE_NOTE
        page.locator("#ipss_risk td.quote a").last.click()
        page.wait_for_url("**/seed_benchchem_2025.html#q-jump_predictors-ipss_risk-quote-3", timeout=5000)
        seed = (root / "seeds" / "002_1b07119a1188f5c2.txt").read_text(encoding="utf-8")
        assert page.locator("pre.seed").text_content() == seed
        marked = page.evaluate("""() => [...document.querySelectorAll('pre.seed mark')]
            .filter(m => getComputedStyle(m).outlineStyle === 'solid').map(m => m.textContent).join('')""")
        assert marked == HOSTILE_SEED_LINE
        page = w.open(out / "sources.html")
        assert page.locator("#benchchem_2025").inner_text().count(SCRIPT) == 1
        assert w.problems == []
    finally:
        w.page.close()


def test_screenshots_for_the_readme(site, browser):
    shots = screenshots.shoot(browser, site)
    assert [p.name for p in shots] == ["site-table.png", "site-seed.png"]
    for path in shots:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, path
