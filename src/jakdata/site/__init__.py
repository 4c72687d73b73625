"""`jakdata site`: a static website where every value is one click from the words it came from.

`build_site(out)` writes an index page, a page per table and a page per seed, plus copies of
every published file, into `out`. The pages need no server and no network, open from
`file://`, and are byte-identical from one build to the next. Needs Jinja2
(`pip install "jakdata[site]"`); every value and seed character is escaped by its autoescape.
"""

from __future__ import annotations

from ..catalog import SOURCES_TABLE

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from .package import SiteError

__all__ = ["SiteError", "build_site"]

_HERE = Path(__file__).resolve().parent
STATIC = ("site.css", "site.js")


def _environment():
    """Jinja2 with autoescape on for every template, so no value reaches a page unescaped."""
    try:
        import jinja2
    except ImportError:
        raise SiteError('the site needs Jinja2: pip install "jakdata[site]"') from None
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    from .pages import row_href

    env.globals["row_href"] = row_href
    return env


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def build_site(out, root=None) -> list[Path]:
    """Write the site for the package at `root` (default: the installed one) into `out`.

    Files already in `out` are replaced; nothing else there is removed. Returns the paths
    written, sorted.
    """
    env = _environment()
    from ..__about__ import CITATION, __version__
    from ..catalog import TABLES
    from .package import default_root, read_package
    from .pages import row_href, seed_context, seed_page, table_context, table_page, web_address
    from .quotes import locations

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a directory")
    package = read_package(root)
    installed = root is None or Path(root).resolve() == default_root().resolve()
    locs = locations(package)
    by_row = defaultdict(list)
    by_seed = defaultdict(list)
    for loc in locs:
        by_row[(loc.table, loc.key, loc.quote_column)].append(loc)
        by_seed[loc.source_id].append(loc)

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".jakdata-site-", dir=out) as tmp:
        staged = Path(tmp)
        data = staged / "data"
        (data / "tables").mkdir(parents=True)
        (data / "seeds").mkdir()
        shutil.copyfile(package.root / "datapackage.json", data / "datapackage.json")
        files = {}
        for name in TABLES:
            files[name] = []
            for fmt in ("csv", "parquet"):
                src = package.root / "tables" / f"{name}.{fmt}"
                if not src.is_file():
                    raise SiteError(f"{src}: table file missing")
                shutil.copyfile(src, data / "tables" / src.name)
                files[name].append({"href": f"data/tables/{src.name}", "label": src.name, "size": _size(src)})
        for source_id, rel in sorted(package.seed_files.items()):
            target = data / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(package.root / rel, target)
        if installed:
            from ..export import export

            export("sqlite", data)
        for name in STATIC:
            shutil.copyfile(_HERE / "static" / name, staged / name)

        common = {"package_name": package.descriptor.get("name", "jakdata"),
                  "version": package.descriptor.get("version", __version__),
                  "citation": package.descriptor.get("citation", CITATION)}
        seeds = {}
        for source in package.rows["sources"]:
            sid = source["source_id"]
            seeds[sid] = seed_context(package, sid, by_seed.get(sid, []))
            seeds[sid]["source_row"] = row_href(SOURCES_TABLE, sid)
            _write(env, "seed.html", staged / seed_page(sid), common, seeds[sid])
        for name in TABLES:
            _write(env, "table.html", staged / table_page(name), common,
                   {**table_context(package, name, by_row), "files": files[name]})

        downloads = [{"href": "data/datapackage.json", "label": "datapackage.json",
                      "size": _size(data / "datapackage.json"),
                      "note": "Frictionless Data Package descriptor: every table's schema, sizes and hashes"}]
        if installed:
            downloads.append({"href": "data/jakdata.sqlite", "label": "jakdata.sqlite",
                              "size": _size(data / "jakdata.sqlite"),
                              "note": "every table in one SQLite database, keys declared (jakdata export)"})
        for name in TABLES:
            downloads.extend({**f, "note": ""} for f in files[name])
        for source_id, rel in sorted(package.seed_files.items()):
            downloads.append({"href": f"data/{rel}", "label": rel, "size": _size(data / rel),
                              "note": f"verbatim seed {source_id}"})
        licenses = [{"name": lic.get("name", ""), "title": lic.get("title", ""),
                     "href": web_address(str(lic.get("path", "")))}
                    for lic in package.descriptor.get("licenses", [])]
        tables = [{"name": name, "kind": t.kind, "rows": len(package.rows[name]), "title": t.title,
                   "description": t.description, "page": table_page(name), "files": files[name]}
                  for name, t in TABLES.items()]
        sources = [{**s, "page": seed_page(s["source_id"]), "cited_pct": seeds[s["source_id"]]["cited_pct"]}
                   for s in package.rows["sources"]]
        _write(env, "index.html", staged / "index.html", common,
               {"title": package.descriptor.get("title", "jakdata"),
                "description": package.descriptor.get("description", ""), "licenses": licenses,
                "tables": tables, "sources": sources, "downloads": downloads, "sqlite": installed})

        written = []
        for path in sorted(p for p in staged.rglob("*") if p.is_file()):
            target = out / path.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), str(target))
            written.append(target)
    return written


def _write(env, template: str, path: Path, common: dict, context: dict) -> None:
    html = env.get_template(template).render(**common, **context)
    path.write_text(html, encoding="utf-8", newline="\n")
