"""Make the README figures from the published tables.

    python docs/make_figures.py                 # writes docs/img/forest.png and docs/img/switching.png
    python docs/make_figures.py --figures DIR   # writes them into DIR instead

Needs the plot extra (``pip install ".[plot]"``). The figures are drawn from
``jakdata.load``, so rerun this after ``jakdata build`` whenever the JUMP or switching data change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / "img"


def make_figures(out: Path, dpi: int = 150) -> list[Path]:
    """Draw every README figure into `out` (created if needed); the paths written."""
    from jakdata import plot

    plot._matplotlib()
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in (("forest", plot.forest), ("switching", plot.switching)):
        fig = draw()
        path = out / f"{name}.png"
        # No timestamp or software tag in the PNG, so that rerunning gives the same bytes.
        fig.savefig(path, dpi=dpi, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the README figures (docs/img/*.png).")
    parser.add_argument("--figures", type=Path, default=DEFAULT_DIR, metavar="DIR",
                        help=f"directory to write the PNGs into (default: {DEFAULT_DIR})")
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args(argv)
    try:
        written = make_figures(args.figures, args.dpi)
    except ImportError as exc:
        print(f"make_figures: {exc}", file=sys.stderr)
        return 2
    print("\n".join(str(p) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
