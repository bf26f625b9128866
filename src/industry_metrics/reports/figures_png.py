"""Plotly figures to PNG bytes for the PDF, all of a pack's charts in one browser session.

kaleido 1.x draws with a headless Chrome; on these machines it finds Debian's
/usr/bin/chromium by itself. Starting the browser is the expensive part (about 4 s on a
loaded 2-core machine; each further figure well under a second), so a pack's figures go
to kaleido as one batch (`write_fig_from_object_sync` with a list) rather than one
`to_image` call per figure, and without touching kaleido's process-wide sync server, which
the app or another caller may own.

PNG, not SVG or PDF: fpdf2's SVG import does not lay out Plotly's text reliably, and a
raster at twice the drawn size prints sharply at A4 width.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import kaleido
import plotly.graph_objects as go
from kaleido.errors import ChromeNotFoundError

WIDTH_PX = 1000
DEFAULT_HEIGHT_PX = 420
SCALE = 2  # device pixels per CSS pixel: sharp when printed
CHROMIUM_PACKAGE = "chromium"
# MathJax is fetched from a CDN unless turned off; these machines have no internet and
# the charts use no LaTeX.
KALEIDO_OPTIONS = {"mathjax": False}


@dataclass(frozen=True)
class Image:
    png: bytes
    width_px: int  # CSS pixels, before SCALE: gives the aspect ratio on the page
    height_px: int


def for_print(figure: go.Figure) -> go.Figure:
    """A copy without the figure's own title (the PDF prints it as text, searchable) and tighter top margin."""
    printable = go.Figure(figure)
    printable.update_layout(title=None, margin={"t": 20})
    return printable


def _size(figure: go.Figure) -> tuple[int, int]:
    return int(figure.layout.width or WIDTH_PX), int(figure.layout.height or DEFAULT_HEIGHT_PX)


def render(figures: list[go.Figure]) -> list[Image]:
    """PNG images of `figures`, in order, drawn in one kaleido (Chrome) session."""
    if not figures:
        return []
    sizes = [_size(f) for f in figures]
    with tempfile.TemporaryDirectory(prefix="pack-charts-") as folder:
        paths = [Path(folder) / f"{i:03d}.png" for i in range(len(figures))]
        jobs = [
            {"fig": figure, "path": path, "opts": {"format": "png", "width": w, "height": h, "scale": SCALE}}
            for figure, path, (w, h) in zip(figures, paths, sizes)
        ]
        try:
            # cancel_on_error: a figure that fails raises here instead of coming back in a list
            kaleido.write_fig_from_object_sync(jobs, kopts=KALEIDO_OPTIONS, cancel_on_error=True)
        except ChromeNotFoundError as error:
            raise RuntimeError(
                f"charts need a Chrome for kaleido: install the Debian package {CHROMIUM_PACKAGE} "
                f"(scripts/install.sh does): {error}"
            ) from error
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise RuntimeError(f"kaleido wrote no image for chart(s) {missing}")
        return [Image(p.read_bytes(), w, h) for p, (w, h) in zip(paths, sizes)]
