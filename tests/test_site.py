"""`jakdata site`: quote locations, every row's link to its highlighted span, escaping, determinism.

The pages are read back with the standard library's HTML parser; tests/test_site_browser.py
opens them in Chromium.
"""

from __future__ import annotations

import csv
import html.parser
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jakdata
from conftest import copy_package
from jakdata.catalog import TABLES
from jakdata.site import SiteError, build_site
from jakdata.site.locate import locate_spans
from jakdata.text import folded_with_map
from jakdata.site.pages import quote_anchor, slug, web_address
from jakdata.text import fold, spans


REPO = Path(__file__).resolve().parents[1]

#: Strings that would run code if any page let them through unescaped or as a link.
SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "\"><img src=x onerror=\"window.__pwned = 'img'\">"
JS_LINK = "javascript:window.__pwned = 'link'"
HOSTILE_NOTE = f"{SCRIPT} {IMG} [click]({JS_LINK}) & <b>not bold</b>"
HOSTILE_SEED_LINE = f"Hostile line: {SCRIPT} {IMG} [click]({JS_LINK}) &amp; <i>not italic</i>"


# --- reading pages back --------------------------------------------------------------------------

class Page(html.parser.HTMLParser):
    """Ids, links, highlighted text per class, and the :target rules of one built page."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, id of the enclosing table row or "")
        self.marks: dict[str, list[str]] = {}  # class -> texts of the <mark>s carrying it, in order
        self.tags: list[tuple[str, dict]] = []
        self.style = ""
        self.rows: dict[str, list[str]] = {}  # row id -> its cells' texts
        self._stack: list[tuple[str, dict]] = []
        self._row = ""
        self._cell: list[str] | None = None
        self._in_style = False
        self.source = path.read_text(encoding="utf-8")
        self.feed(self.source)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "tr":
            self._row = a.get("id", "")
            if self._row:
                self.rows[self._row] = []
        if tag in ("td", "th") and self._row:
            self._cell = []
        if tag == "a" and "href" in a:
            self.links.append((a["href"], self._row))
        if tag == "style":
            self._in_style = True
        if tag not in ("br", "meta", "link", "img", "input"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row:
            self.rows[self._row].append("".join(self._cell))
            self._cell = None
        if tag == "tr":
            self._row = ""
        if tag == "style":
            self._in_style = False
        if self._stack and self._stack[-1][0] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        if self._cell is not None:
            self._cell.append(data)
        for tag, a in self._stack:
            if tag == "mark":
                for cls in a.get("class", "").split():
                    self.marks.setdefault(cls, []).append(data)

    def target_class(self, anchor: str) -> str | None:
        """The class that the seed page's CSS marks when `anchor` is the URL's target."""
        for rule in re.finditer(r":root:has\(([^)]*)\) \.(r\d+) \{", self.style):
            if f"#{anchor}:target" in [s.strip() for s in rule.group(1).split(",")]:
                return rule.group(2)
        return None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, Page]:
    return {p.name: Page(p) for p in sorted(site.glob("*.html"))}


def _rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- quote locations -----------------------------------------------------------------------------

def test_locate_spans_maps_folded_offsets_to_raw_text():
    seed = "Intro.\n\n  The  e\u0301tude\u00a0found\tﬁve cases  of\nJAK2 (１２%).  End."
    quote = "The étude found five cases … of JAK2 (12%)."
    (a, b), (c, d) = locate_spans(seed, quote)
    assert seed[a:b] == "The  e\u0301tude\u00a0found\tﬁve cases"
    assert seed[c:d] == "of\nJAK2 (１２%)."
    assert [fold(seed[a:b]), fold(seed[c:d])] == list(spans(quote))


def test_locate_spans_takes_repeats_in_order_and_reports_missing_spans():
    seed = "alpha beta. gamma. alpha beta."
    assert locate_spans(seed, "gamma. … alpha beta.") == [(12, 18), (19, 30)]
    assert locate_spans(seed, "alpha beta.") == [(0, 11)]
    assert locate_spans(seed, "alpha beta. … delta … gamma.") == [(0, 11), None, (12, 18)]


#: Spaces of several kinds, a ligature, a full-width digit, combining marks, Hangul jamo and syllables.
AWKWARD = list("ab \t\n\u00a0\u3000ﬁ１\u0301\u0327\u1100\u1161\u11a8가é")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(AWKWARD), max_size=40), st.data())
def test_fold_map_agrees_with_fold_and_every_span_is_found(text, data):
    folded, starts, ends = folded_with_map(text)
    assert folded == fold(text)
    if not folded.strip():
        return
    i = data.draw(st.integers(0, len(folded) - 1))
    j = data.draw(st.integers(i + 1, len(folded)))
    span = folded[i:j].strip()
    if not span or "…" in span or "..." in span:
        return
    [(a, b)] = locate_spans(text, span)
    assert span in fold(text[a:b])


def test_every_quote_of_the_package_is_located_exactly():
    from jakdata.site.package import read_package
    from jakdata.site.quotes import locations

    locs = locations(read_package())
    expected = sum(len(spans(row[p.quote])) for name, t in TABLES.items() for row in _rows(REPO, name)
                   for p in t.provenance if row[p.quote])
    assert len(locs) == expected > 200
    for loc in locs:
        assert loc.start is not None, f"{loc.table} {loc.key} {loc.quote_column} span {loc.span} not located"
        assert fold(loc.exact) == loc.quoted, (loc.table, loc.key)
        assert (loc.end - loc.start) == len(loc.exact) and len(loc.prefix) <= 32 and len(loc.suffix) <= 32


# --- the built site ------------------------------------------------------------------------------

def test_every_row_links_to_exactly_its_highlighted_span(pages):
    """Walk every quoted span of every row of every table: link, anchor, marked text."""
    walked = 0
    for name, table in TABLES.items():
        page = pages[f"{name}.html"]
        for row in _rows(REPO, name):
            key = row[table.primary_key]
            assert slug(key) in page.ids, f"{name}.html has no anchor for row {key}"
            links = [href for href, row_id in page.links if row_id == slug(key) and "#q-" in href]
            for prov in table.provenance:
                if not row[prov.quote]:
                    continue
                for n, span in enumerate(spans(row[prov.quote]), start=1):
                    anchor = f"q-{name}-{slug(key)}-{prov.quote}-{n}"
                    href = f"seed_{slug(row[prov.source])}.html#{anchor}"
                    assert href in links, f"{name} {key}: no link {href}"
                    seed = pages[href.split("#")[0]]
                    assert anchor in seed.ids
                    cls = seed.target_class(anchor)
                    assert cls is not None, f"no :target rule for {anchor}"
                    assert fold("".join(seed.marks[cls])) == span, f"{anchor} marks other text"
                    walked += 1
    # every located span of the package's own quote_locations table, no more and no fewer
    located = jakdata.load("quote_locations")[["table_name", "row_key", "quote_column", "span"]].drop_duplicates()
    assert walked == len(located)


def test_ids_are_stable_and_safe():
    assert slug("ipss_risk") == "ipss_risk"
    assert slug("a b<\"'>") == "a-20-b-3c--22--27--3e-"
    assert slug("") == "-" and slug("-") == "-2d-"
    assert re.fullmatch(r"[A-Za-z0-9_-]+", slug("\u00e9\n\U0001f600 javascript:x"))


def test_only_plain_web_addresses_become_links():
    assert web_address("https://www.cancer.gov/types/leukemia") == "https://www.cancer.gov/types/leukemia"
    for bad in ("javascript:alert(1)", " https://x.org", "JaVaScRiPt:alert(1)", "https://x.org/\"><b>",
                "data:text/html,x", "//x.org", "https://x.org/a b", "https://x.org\n"):
        assert web_address(bad) is None, bad


def test_internal_links_resolve(site, pages):
    for name, page in pages.items():
        for href, _ in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme, f"{name}: unexpected link {href}"
            target = site / unquote(parts.path) if parts.path else site / name
            assert target.is_file(), f"{name}: broken link {href}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target.name].ids, f"{name}: no #{parts.fragment} in {target.name}"


def test_index_lists_every_table_and_every_download(site, pages):
    index = pages["index.html"]
    for name in jakdata.tables():
        assert index.rows[f"t-{name}"][:3] == [name, TABLES[name].kind, str(len(jakdata.load(name)))]
    downloads = {href for href, _ in index.links if href.startswith("data/")}
    expected = {"data/datapackage.json", "data/jakdata.sqlite"}
    expected |= {f"data/tables/{n}.{f}" for n in jakdata.tables() for f in ("csv", "parquet")}
    expected |= {f"data/{p.relative_to(REPO).as_posix()}" for p in (REPO / "seeds").glob("*.txt")}
    assert downloads == expected
    for href in downloads - {"data/jakdata.sqlite"}:
        assert (site / href).read_bytes() == (REPO / href.removeprefix("data/")).read_bytes(), href
    import sqlite3

    con = sqlite3.connect(site / "data" / "jakdata.sqlite")
    assert con.execute('SELECT count(*) FROM "jump_predictors"').fetchone() == (3,)
    con.close()


def test_seed_page_states_what_is_cited(pages):
    page = pages["seed_benchchem_2025.html"]
    text = page.source.split("<dd data-cited>")[1].split("</dd>")[0]
    assert re.fullmatch(r"\d+ of 10353 characters \(\d+\.\d%\) are quoted by at least one row; "
                        r"\d+ \(\d+\.\d%\) by the errata ledger", text), text
    assert "issue" in page.marks and "q" in page.marks
    assert any(tag == "mark" and "issue" in a.get("class", "") and a.get("title", "").startswith("SI")
               for tag, a in page.tags)


def test_derived_columns_show_their_formula(pages):
    page = pages["jump_predictors.html"]
    assert "= ln(adjusted_or)" in page.source
    assert 'href="source_issues.html#SI' in pages["switching_failure_rates.html"].source


def _expected_files() -> int:
    """CSV, Parquet and a page per table; text and a page per seed; index, descriptor, SQLite, CSS, JS."""
    return 3 * len(jakdata.tables()) + 2 * len(jakdata.load("sources")) + 5


def test_building_twice_gives_identical_bytes(site, tmp_path):
    again = tmp_path / "again"
    build_site(again)
    first = {p.relative_to(site): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first.keys() == second.keys() and len(first) == _expected_files()
    assert [k for k in first if first[k] != second[k]] == []


# --- hostile input -------------------------------------------------------------------------------

def _edit_rows(root: Path, name: str, edit) -> None:
    path = root / "tables" / f"{name}.csv"
    rows = _rows(root, name)
    fields = list(rows[0])
    for row in rows:
        edit(row)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def hostile_package(dest: Path) -> Path:
    """A copy of the package whose rows and one seed carry markup, script and javascript: links."""
    root = copy_package(dest)
    seed = root / "seeds" / "002_1b07119a1188f5c2.txt"
    seed.write_bytes(seed.read_bytes() + f"\n{HOSTILE_SEED_LINE}\n".encode())

    def jump(row):
        if row["predictor_id"] == "ipss_risk":
            row["note"] = HOSTILE_NOTE
            row["quote"] += " … " + HOSTILE_SEED_LINE

    def sources(row):
        if row["source_id"] == "benchchem_2025":
            row["url"] = JS_LINK
            row["publisher"] = SCRIPT

    def issues(row):
        if row["issue_id"] == "SI22":
            row["description"] = IMG + " " + SCRIPT

    _edit_rows(root, "jump_predictors", jump)
    _edit_rows(root, "sources", sources)
    _edit_rows(root, "source_issues", issues)
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = hostile_package(tmp_path_factory.mktemp("hostile") / "pkg")
    out = root.parent / "site"
    build_site(out, root=root)
    return out


def test_hostile_text_is_escaped_and_never_a_link(hostile_site):
    for path in sorted(hostile_site.glob("*.html")):
        page = Page(path)
        assert [t for t, a in page.tags if t in ("img", "b", "i", "iframe", "object")] == [], path.name
        assert [a for t, a in page.tags if t == "script"] == [{"src": "site.js", "defer": None}], path.name
        assert not [a for t, a in page.tags for k in a if k.startswith("on")], path.name
        for href, _ in page.links:
            assert urlsplit(href.strip()).scheme in ("", "http", "https"), f"{path.name}: {href}"
    jump = Page(hostile_site / "jump_predictors.html")
    assert HOSTILE_NOTE in jump.rows["ipss_risk"]
    seed = Page(hostile_site / "seed_benchchem_2025.html")
    assert HOSTILE_SEED_LINE in seed.marks["q"]
    assert SCRIPT in Page(hostile_site / "sources.html").rows["benchchem_2025"]
    assert "data/jakdata.sqlite" not in {h for h, _ in Page(hostile_site / "index.html").links}


# --- command line and errors ---------------------------------------------------------------------

def test_cli_builds_the_site(cli, tmp_path):
    out = cli("site", "--out", str(tmp_path / "web"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == \
        f"site: {tmp_path / 'web' / 'index.html'} ({_expected_files()} files; open it in a browser)"


def test_cli_usage_errors_exit_2_without_traceback(tmp_path, capsys):
    from jakdata.cli import main

    (tmp_path / "file").write_text("x")
    assert main(["site", "--out", str(tmp_path / "file")]) == 2
    assert capsys.readouterr().err == f"jakdata: error: {tmp_path / 'file'}: exists and is not a directory\n"
    assert main(["site"]) == 2
    assert "the following arguments are required: --out" in capsys.readouterr().err


def test_without_jinja2_the_cli_says_what_to_install(tmp_path, capsys, monkeypatch):
    from jakdata.cli import main

    monkeypatch.setitem(sys.modules, "jinja2", None)  # `import jinja2` now fails as if not installed
    assert main(["site", "--out", str(tmp_path / "web")]) == 2
    assert capsys.readouterr().err == 'jakdata: error: the site needs Jinja2: pip install "jakdata[site]"\n'
    assert not (tmp_path / "web").exists()


def test_a_broken_package_is_an_input_error(tmp_path):
    root = copy_package(tmp_path / "pkg")
    (root / "seeds" / "000_9a35f2075fef5ec8.txt").unlink()
    with pytest.raises(SiteError, match=r"000_9a35f2075fef5ec8\.txt: seed file missing"):
        build_site(tmp_path / "web", root=root)
    with pytest.raises(SiteError, match=r"datapackage\.json: not found"):
        build_site(tmp_path / "web", root=tmp_path / "nowhere")
    assert not (tmp_path / "web" / "index.html").exists()


def test_pages_example_runs_the_readme_commands():
    import yaml

    workflow = yaml.safe_load((REPO / "docs" / "examples" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == ['pip install ".[site]"', "jakdata site --out _site"]
    assert steps[-1]["with"]["path"] == "_site"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'pip install ".[site]"' in readme and "jakdata site --out _site" in readme


def test_quote_anchor_format():
    from jakdata.site.quotes import Location

    loc = Location("jump_predictors", "ipss_risk", "quote", 1, "benchchem_2025", 0, 1, "x", "", "", "x")
    assert quote_anchor(loc) == "q-jump_predictors-ipss_risk-quote-1"
