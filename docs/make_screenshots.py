"""Screenshots of the site for the README: a table page and a seed page, from headless Chromium.

    python docs/make_screenshots.py          # builds the site in a temporary directory first

tests/test_site_browser.py calls `shoot` with its own browser, so every test run renews
docs/img/site-table.png and docs/img/site-seed.png. Needs `pip install ".[test]"` and the
Debian package chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: Headless, and nothing that reaches the network or a profile on its own.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
IMG = Path(__file__).resolve().parent / "img"


def launch(playwright):
    """The system Chromium under Playwright (Playwright's own browser download is never used)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def shoot(browser, site: Path, out: Path = IMG) -> list[Path]:
    """Write site-table.png (a JUMP row selected, scrolled to its quote) and site-seed.png (the quote marked)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=1)
    try:
        shots = []
        page.goto((site / "jump_predictors.html").as_uri() + "#ipss_risk")
        page.evaluate("""() => {
            document.getElementById('rows').scrollIntoView();
            const box = document.querySelector('#rows ~ .scroll');
            const quote = document.querySelector('#data th[data-column=quote]');
            box.scrollLeft = Math.round(quote.offsetLeft + quote.offsetWidth - box.clientWidth);
            return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        }""")
        shots.append(out / "site-table.png")
        page.screenshot(path=shots[-1])
        page.goto((site / "seed_benchchem_2025.html").as_uri() + "#q-jump_predictors-ipss_risk-quote-1")
        shots.append(out / "site-seed.png")
        page.screenshot(path=shots[-1])
        return shots
    finally:
        page.close()


def main() -> int:
    from playwright.sync_api import sync_playwright

    from jakdata.site import build_site

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        build_site(Path(tmp))
        browser = launch(p)
        try:
            for path in shoot(browser, Path(tmp)):
                print(path)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
