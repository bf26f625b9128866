"""Plotly figures to PNG bytes for the PDF, all of a pack's charts in one browser session.

kaleido 1.x draws with a headless Chrome. Its launcher (choreographer) takes $BROWSER_PATH if
set, else a chromium/chrome on PATH, else typical install paths: Debian's /usr/bin/chromium
(scripts/install.sh installs the `chromium` package) is found with no setting, even with an
empty PATH (checked). Starting the browser is the expensive part (about 4 s on a
loaded 2-core machine; each further figure well under a second), so a pack's figures go
to kaleido as one batch (`write_fig_from_object_sync` with a list) rather than one
`to_image` call per figure. If kaleido's process-wide sync server is already running (see
session()), the batch goes to it; otherwise kaleido starts a browser for this batch alone.

Several packs in a row (a burst of member packs) can share one browser: inside
`with figures_png.session():` kaleido's sync server stays up and each pack's batch goes to it
(measured on the 7-chart regulator pack: 8.7 s alone, 2.8–4.7 s with the browser already up).

PNG, not SVG: fpdf2 2.8.9 cannot read kaleido's SVG (it ignores <clipPath> and then fails
with "Could not parse file", checked), and a raster at twice the drawn size prints sharply
at A4 width. Equal figures give equal PNG bytes, so equal packs give equal PDFs (checked).
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
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


def _server_running() -> bool:
    server = getattr(kaleido, "_global_server", None)  # kaleido 1.x's process-wide sync server
    return bool(server is not None and server.is_running())


@contextmanager
def session():
    """Keep one browser up for every render inside the block; stop it after only if this started it."""
    if _server_running():
        yield
        return
    kaleido.start_sync_server(**KALEIDO_OPTIONS)
    try:
        yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


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
            # a running server has its own options (and warns about kopts); else a one-off browser
            kopts = None if _server_running() else KALEIDO_OPTIONS
            kaleido.write_fig_from_object_sync(jobs, kopts=kopts, cancel_on_error=True)
        except ChromeNotFoundError as error:
            raise RuntimeError(
                f"charts need a Chrome for kaleido: install the Debian package {CHROMIUM_PACKAGE} "
                f"(scripts/install.sh does): {error}"
            ) from error
        missing = [p.name for p in paths if not p.is_file()]
        if missing:
            raise RuntimeError(f"kaleido wrote no image for chart(s) {missing}")
        return [Image(p.read_bytes(), w, h) for p, (w, h) in zip(paths, sizes)]
