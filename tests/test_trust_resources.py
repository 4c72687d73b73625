"""Bounded resources, copies checked whole, interrupted builds (issue 11, items 5, 6, 9 and 11).

Only regular files inside the directory being validated are read; Parquet is read in batches
within documented limits; a copy's descriptor is compared key by key with what jakdata
generates; a build killed at any moment leaves the package old or (after the next build) new.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jakdata import build as build_mod, reading
from jakdata.catalog import TABLES
from jakdata.cli import main
from jakdata.errors import InputError
from jakdata.package import load_descriptor, validate_package
from jakdata.paths import JOURNAL, STAGING_PREFIX
from jakdata.validation import validate_file

from conftest import REPO, copy_checkout

SECRET = "root:TOPSECRET-HASH:19000:0:99999:7:::"


@contextmanager
def deadline(seconds: int):
    """Fail (instead of hanging the suite) if the block blocks for longer than `seconds`."""
    def expire(signum, frame):
        raise TimeoutError(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_main(capsys, *args: str) -> tuple[int, str, str]:
    with deadline(20):
        code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the directory under validation, as /etc/shadow would be."""
    path = tmp_path / "outside" / "shadow.csv"
    path.parent.mkdir()
    path.write_text(SECRET + "\nx\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- 5: only regular files

def test_fifo_is_refused_without_blocking(tmp_path, capsys):
    fifo = tmp_path / "data" / "studies.csv"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    code, out, err = run_main(capsys, "validate", "--table", "studies", str(fifo))
    assert (code, out) == (2, "")
    assert err == f"jakdata: error: {fifo}: is a FIFO (named pipe), not a regular file; jakdata reads only " \
                  "regular files\n"


def test_device_through_a_link_is_refused(tmp_path):
    """/dev/zero never ends; read in a child process with a memory cap, so main's bug cannot hurt the machine."""
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    r = subprocess.run([sys.executable, "-m", "jakdata", "validate", "--table", "studies", str(link)],
                       capture_output=True, text=True, timeout=60, preexec_fn=cap)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == f"jakdata: error: {link}: is a character device, not a regular file; jakdata reads only " \
                       "regular files\n"


def test_link_out_of_the_files_directory_is_refused_without_its_content(tmp_path, secret, capsys):
    link = tmp_path / "data" / "studies.csv"
    link.parent.mkdir()
    link.symlink_to(secret)
    code, out, err = run_main(capsys, "validate", "--table", "studies", str(link))
    assert (code, out) == (2, "")
    assert err == f"jakdata: error: {link}: is a symbolic link that leads outside {link.parent}; jakdata reads " \
                  "only files inside the directory being validated\n"
    assert "TOPSECRET" not in out + err and str(secret) not in err


def test_link_inside_the_files_directory_is_read(tmp_path, capsys):
    real = tmp_path / "drugs-real.csv"
    shutil.copyfile(REPO / "tables" / "drugs.csv", real)
    (tmp_path / "drugs.csv").symlink_to(real.name)
    code, out = run_main(capsys, "validate", "--table", "drugs", str(tmp_path / "drugs.csv"))[:2]
    assert code == 0 and out.startswith(f"valid: 1 table(s) checked in {tmp_path / 'drugs.csv'} (drugs)\n")


def test_package_files_that_are_not_regular_are_never_opened(package, secret, capsys):
    (package / "tables" / "drugs.csv").unlink()
    os.mkfifo(package / "tables" / "drugs.csv")
    (package / "tables" / "studies.parquet").unlink()
    (package / "tables" / "studies.parquet").symlink_to(secret)
    code, out, err = run_main(capsys, "validate", str(package), "--format", "json")
    assert code == 1, err
    found = {(p["table"], p["check"]): p for p in json.loads(out)["problems"]}
    assert found["drugs", "resource_path"]["message"] == \
        "the file is a FIFO (named pipe), not a regular file; jakdata reads only regular files"
    assert found["studies-parquet", "resource_path"]["message"] == \
        "resource path leads outside the package (through a link)"
    assert "TOPSECRET" not in out + err


def test_descriptor_that_is_a_fifo_or_links_outside_is_refused(tmp_path, secret, capsys):
    (tmp_path / "a").mkdir()
    os.mkfifo(tmp_path / "a" / "datapackage.json")
    code, _, err = run_main(capsys, "validate", str(tmp_path / "a"))
    assert (code, err) == (2, f"jakdata: error: {tmp_path / 'a' / 'datapackage.json'}: is a FIFO (named pipe), "
                              "not a regular file; jakdata reads only regular files\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "datapackage.json").symlink_to(secret)
    code, out, err = run_main(capsys, "validate", str(tmp_path / "b"))
    assert code == 2 and "is a symbolic link that leads outside" in err and "TOPSECRET" not in out + err


# ----------------------------------------------------------------------------- 6: Parquet in batches, big CSV cells

def _replicated(name: str, n: int) -> pa.Table:
    """`n` rows cycling through a published table's rows (keys repeat: a file full of problems)."""
    table = pq.read_table(REPO / "tables" / f"{name}.parquet")
    return pa.concat_tables([table] * (n // table.num_rows + 1)).slice(0, n)


def test_parquet_above_the_row_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "drugs.parquet"
    pq.write_table(_replicated("drugs", 120), path)
    monkeypatch.setattr(reading, "MAX_PARQUET_ROWS", 100)
    monkeypatch.setattr(pq.ParquetFile, "iter_batches", lambda *a, **k: pytest.fail("data was read"))
    with pytest.raises(InputError) as exc:
        validate_file(path, "drugs")
    assert str(exc.value) == f"{path}: the Parquet file holds 120 rows; jakdata reads at most 100 rows of a " \
                             "Parquet file"


def test_parquet_values_expanding_past_the_byte_limit_are_refused(tmp_path, monkeypatch):
    """One long note repeated on every row: small on disk (a dictionary), large once expanded."""
    table = _replicated("drugs", 400)
    note = table.schema.get_field_index("note")
    table = table.set_column(note, "note", pa.array(["n" * 10_000] * 400, type=table.schema.field(note).type))
    path = tmp_path / "drugs.parquet"
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(reading, "MAX_PARQUET_BYTES", 2_000_000)  # the footer's own sizes are small
    with pytest.raises(InputError) as exc:
        validate_file(path, "drugs")
    assert str(exc.value) == f"{path}: the Parquet file's values expand to more than 2,000,000 bytes; jakdata " \
                             "reads at most that much"


def test_parquet_nested_columns_are_refused(tmp_path):
    path = tmp_path / "drugs.parquet"
    pq.write_table(_replicated("drugs", 3).append_column("extra", pa.array([[1, 2]] * 3)), path)
    with pytest.raises(InputError) as exc:
        validate_file(path, "drugs")
    assert str(exc.value) == f"{path}: Parquet column(s) 'extra' hold nested values (lists, structs or maps); a " \
                             "jakdata table has flat columns only"


def test_parquet_validated_in_batches_reports_what_a_whole_read_does(tmp_path, monkeypatch):
    path = tmp_path / "drugs.parquet"
    pq.write_table(_replicated("drugs", 40), path, row_group_size=7)
    whole = validate_file(path, "drugs")
    assert {p.check for p in whole} == {"unique"} and len(whole) > 20  # the keys repeat
    monkeypatch.setattr(reading, "CHUNK_ROWS", 6)
    monkeypatch.setattr(reading, "PIECE_BYTES", 5_000)  # and each batch decoded in slices
    monkeypatch.setattr(reading, "read_parquet_raw", lambda *a: pytest.fail("read whole"))
    assert validate_file(path, "drugs") == whole


def test_package_parquet_with_more_rows_than_its_csv_is_not_read(package, monkeypatch):
    pq.write_table(_replicated("drugs", 5000), package / "tables" / "drugs.parquet")
    whole = reading.read_parquet_raw
    monkeypatch.setattr(reading, "read_parquet_raw",
                        lambda path: pytest.fail("read whole") if path.name == "drugs.parquet" else whole(path))
    problems, _ = validate_package(package)
    rows = len(pd.read_csv(REPO / "tables" / "drugs.csv"))
    agree = [p for p in problems if p.check == "formats_agree"]
    assert [(p.table, p.message, p.value) for p in agree] == \
        [("drugs", "drugs-parquet has another number of rows than the CSV", f"{rows} vs 5000")]


def test_csv_cells_as_large_as_parquet_allows(tmp_path):
    with open(REPO / "tables" / "drugs.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("note")] = "a long note " * 20_000  # 240,000 characters; the csv module stops at 131,072
    path = tmp_path / "drugs.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    limit = csv.field_size_limit(131_072)  # the csv module's default (a library imported earlier may raise it)
    try:
        assert validate_file(path, "drugs") == []
        assert csv.field_size_limit() == 131_072  # the process-wide limit is put back
    finally:
        csv.field_size_limit(limit)


# ----------------------------------------------------------------------------- 9: copies checked whole

def _edit(package: Path, change) -> None:
    path = package / "datapackage.json"
    desc = json.loads(path.read_text(encoding="utf-8"))
    change(desc)
    path.write_text(json.dumps(desc, indent=2), encoding="utf-8")


def test_copy_metadata_differences_are_each_reported(package):
    def change(d):
        d["version"] = "9.9.9"
        d["licenses"][0]["title"] = "All rights reserved"
        d["contributors"].append({"title": "someone"})
        d["homepage"] = "https://example.org"
        del d["citation"]
        drugs = next(r for r in d["resources"] if r["name"] == "drugs")
        drugs["description"] = "changed"
        drugs["sources"][0]["title"] = "another paper"
        drugs["schema"]["fields"][1]["type"] = "integer"

    _edit(package, change)
    problems, _ = validate_package(package)
    found = [(p.table, p.check, p.value) for p in problems if p.check in ("descriptor_metadata", "resource_schema")]
    assert found == [
        ("drugs", "resource_schema", "schema.fields[1].type"),
        ("datapackage", "descriptor_metadata", "version"),
        ("datapackage", "descriptor_metadata", "licenses[0].title"),
        ("datapackage", "descriptor_metadata", "contributors"),
        ("datapackage", "descriptor_metadata", "citation"),
        ("datapackage", "descriptor_metadata", "homepage"),
        ("drugs", "descriptor_metadata", "resources[drugs].description"),
        ("drugs", "descriptor_metadata", "resources[drugs].sources[0].title"),
    ]
    assert problems[[p.value for p in problems].index("version")].message == \
        "the descriptor's version differs from what this version of jakdata generates"


def test_files_in_tables_that_the_descriptor_does_not_list(package, capsys):
    (package / "tables" / "drugs_old.csv").write_text("x\n", encoding="utf-8")
    (package / "tables" / "notes").mkdir()
    code, out, _ = run_main(capsys, "validate", str(package))
    assert code == 1
    assert out.splitlines()[-3:] == [
        "datapackage: 2 problem(s)",
        "  table: [file_unlisted] tables/drugs_old.csv is in tables/ but the descriptor lists no resource for it",
        "  table: [file_unlisted] tables/notes is in tables/ but the descriptor lists no resource for it",
    ]


def test_duplicate_json_keys_are_malformed_input(package, capsys):
    path = package / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"name": "jakdata",', '"name": "jakdata",\n  "name": "other",', 1), encoding="utf-8")
    code, out, err = run_main(capsys, "validate", str(package))
    assert (code, out) == (2, "")
    assert err == f"jakdata: error: {path}: malformed JSON (the key 'name' appears twice in one object)\n"


# ----------------------------------------------------------------------------- 11: interrupted builds

def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and STAGING_PREFIX not in str(p)}


def _small_build(root: Path) -> tuple[Path, list[str], list[str], dict, dict]:
    """An old package and a staged new one: three files changed, one new, one left over to remove."""
    old = {"datapackage.json": "old descriptor", "tables/a.csv": "old a", "tables/b.csv": "old b",
           "tables/gone.csv": "old gone", "docs/tables/a.md": "old doc", "tables/same.csv": "same"}
    new = {"datapackage.json": "new descriptor", "tables/a.csv": "new a", "tables/b.csv": "new b",
           "docs/tables/a.md": "new doc", "docs/tables/c.md": "new c", "tables/same.csv": "same"}
    for rel, text in old.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    staged = root / (STAGING_PREFIX + "test")
    moves = [rel for rel in new if old.get(rel) != new[rel]]
    for rel in moves:
        (staged / rel).parent.mkdir(parents=True, exist_ok=True)
        (staged / rel).write_text(new[rel])
    before = _hashes(root)
    after = {**{k: v for k, v in before.items() if k != "tables/gone.csv"},
             **{rel: hashlib.sha256(new[rel].encode()).hexdigest() for rel in new}}
    return staged, moves, ["tables/gone.csv"], before, dict(sorted(after.items()))


def _killed_commit(root: Path, staged: Path, moves, removals, at: int) -> bool:
    """Run the commit in a forked child that SIGKILLs itself at its `at`-th file-system step; True if killed."""
    pid = os.fork()
    if pid == 0:  # the child: count every step that changes or flushes the disk
        steps = [0]

        def counted(fn):
            def step(*args, **kwargs):
                steps[0] += 1
                if steps[0] == at:
                    os.kill(os.getpid(), signal.SIGKILL)
                return fn(*args, **kwargs)
            return step

        for name in ("replace", "unlink", "rmdir", "fsync"):
            setattr(os, name, counted(getattr(os, name)))
        try:
            build_mod._commit(root, staged, moves, removals)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def test_a_build_killed_at_any_step_is_old_or_new_after_the_next_build(tmp_path):
    outcomes = set()
    for at in range(1, 100):
        root = tmp_path / str(at)
        root.mkdir()
        staged, moves, removals, before, after = _small_build(root)
        killed = _killed_commit(root, staged, moves, removals, at)
        journal = (staged / JOURNAL).exists()
        if journal:  # half moved: validate and build --check refuse it
            with pytest.raises(InputError, match="a `jakdata build` was interrupted while moving files"):
                load_descriptor(root)
        else:
            assert _hashes(root) in (before, after)
        build_mod._complete_interrupted(root)  # what the next `jakdata build` does first
        state = _hashes(root)
        assert state in (before, after), f"kill at step {at}: a mix of old and new"
        assert not list(root.glob(STAGING_PREFIX + "*")), f"kill at step {at}: staging left behind"
        outcomes.add((killed, journal, state == after))
        if not killed:
            break
    assert at > 10 and outcomes == {(True, False, False), (True, True, True), (True, False, True),
                                    (False, False, True)}


SITECUSTOMIZE = '''
import os, signal
_replace = os.replace
_moves = [0]

def _replace_counted(src, dst, *args, **kwargs):
    if ".jakdata-build-" in str(src) and ".jakdata-build-" not in str(dst):
        _moves[0] += 1
        if _moves[0] == int(os.environ["JAKDATA_TEST_AT"]):
            os.kill(os.getpid(), getattr(signal, os.environ["JAKDATA_TEST_SIGNAL"]))
    return _replace(src, dst, *args, **kwargs)

if os.environ.get("JAKDATA_TEST_AT"):
    os.replace = _replace_counted
'''


def _cli_with_signal(tmp_path: Path, args: list[str], at: int, sig: str) -> subprocess.CompletedProcess:
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hook), "JAKDATA_TEST_AT": str(at), "JAKDATA_TEST_SIGNAL": sig}
    return subprocess.run([sys.executable, "-m", "jakdata", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_real_build_killed_then_interrupted_then_complete(tmp_path):
    """SIGKILL at the third move of a real build; the next build, Ctrl-C'd mid-move, still completes the moves."""
    root = copy_checkout(tmp_path / "repo")
    curated = root / "src" / "jakdata" / "curated" / "drugs.toml"
    curated.write_text(curated.read_text(encoding="utf-8").replace("No brand name given.", "No brand name given!"),
                       encoding="utf-8")
    old = _hashes(root)
    r = _cli_with_signal(tmp_path, ["build", "--root", str(root)], 3, "SIGKILL")
    assert r.returncode == -signal.SIGKILL
    assert len([k for k in old if _hashes(root).get(k) != old[k]]) == 2  # a mix, on disk, for now
    with pytest.raises(InputError, match="run `jakdata build` to complete it"):
        validate_package(root)
    with pytest.raises(InputError, match="run `jakdata build` to complete it"):
        build_mod.build(root, check=True, curated=root / "src" / "jakdata" / "curated")
    r = _cli_with_signal(tmp_path, ["build", "--root", str(root)], 1, "SIGINT")
    assert (r.returncode, r.stdout, r.stderr) == (130, "", "jakdata: interrupted\n")
    assert not (set(root.glob(STAGING_PREFIX + "*/" + JOURNAL)))
    result = build_mod.build(root, check=True, curated=root / "src" / "jakdata" / "curated")
    assert (result.stale, result.problems) == ([], [])  # as the interrupted build would have left it


def test_stale_staging_is_removed_by_the_next_build(tmp_path):
    root = tmp_path / "repo"
    (root / (STAGING_PREFIX + "old") / "tables").mkdir(parents=True)
    (root / (STAGING_PREFIX + "old") / "tables" / "drugs.csv").write_text("half written")
    build_mod._complete_interrupted(root)
    assert list(root.iterdir()) == []


def test_ctrl_c_during_validate_is_one_line_and_130(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "jakdata", "validate", str(REPO)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=0.6)
        pytest.skip("validate finished before the signal")
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err) == (130, "", "jakdata: interrupted\n")


@pytest.mark.benchmark
def test_worst_inputs_benchmark_runs():
    """`benchmarks/worst_inputs.py --smoke` (~15 s, so with the benchmark smoke run): every input bounded."""
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "worst_inputs.py"), "--smoke"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = {line.split()[0]: line.split()[-8:] for line in r.stdout.splitlines()[2:]}
    assert set(rows) == {"parquet-over-limit", "parquet-long-text", "parquet-at-limit", "csv-1M-cell", "fifo",
                         "dev-zero", "link-outside"}


def test_standalone_schema_files_are_checked_not_unlisted(package, capsys):
    """tables/<name>.schema.json are generated beside their tables: checked against jakdata's schema."""
    path = package / "tables" / "drugs.schema.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"required": true', '"required": false', 1),
                    encoding="utf-8")
    (package / "tables" / "studies.schema.json").unlink()
    code, out, _ = run_main(capsys, "validate", str(package))
    assert code == 1
    assert "[schema_file] tables/drugs.schema.json differs from jakdata's schema for this table" in out
    assert "[schema_file] tables/studies.schema.json is missing" in out
    assert "file_unlisted" not in out

