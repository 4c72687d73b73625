"""examples/explore.ipynb runs top to bottom in a fresh kernel, headless, without errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "examples" / "explore.ipynb"


def test_example_notebook_runs_without_errors(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")

    work = tmp_path / "run"
    work.mkdir()
    shutil.copy2(NOTEBOOK, work / NOTEBOOK.name)  # run outside the checkout: jakdata comes from the install
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))
    for var in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    nb = nbformat.read(work / NOTEBOOK.name, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"

    client = nbclient.NotebookClient(nb, timeout=120, startup_timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(work)}})
    client.execute()  # raises CellExecutionError on the first failing cell

    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    assert all(c.execution_count for c in code)
    images = [o for o in code[-1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1, "the forest plot is shown once"
