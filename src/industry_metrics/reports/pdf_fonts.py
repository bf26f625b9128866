"""The one font the PDF writer embeds: Noto Sans CJK SC, which covers Chinese and Latin text.

Why this font: scripts/install.sh already installs Debian's fonts-noto-cjk for the browser
and the charts (charts/base.py asks for "Noto Sans CJK SC"), so the PDF's tables read in the
same face as its chart images. Debian ships it as .ttc collections (JP, KR, SC, TC, HK and
their Mono faces in one file); fpdf2 2.8 reads a collection face by index
(`collection_font_number`), so no face has to be extracted to a cached .ttf. The face is
found by its name, not a fixed index, because the order inside the collection is the font
vendor's choice. fpdf2 subsets the CFF outlines on output: only the glyphs used are embedded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection

FAMILY = "cjk"
FACE_NAME = "Noto Sans CJK SC"
DEBIAN_PACKAGE = "fonts-noto-cjk"
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"),)
FILES = {"": "NotoSansCJK-Regular.ttc", "B": "NotoSansCJK-Bold.ttc"}  # fpdf2 style -> file


class FontMissing(RuntimeError):
    """The CJK font is not installed: the message names the package that provides it."""


@dataclass(frozen=True)
class Face:
    style: str  # "" regular, "B" bold
    path: Path
    index: int  # the face's number inside the .ttc collection


def _find_file(name: str, dirs: tuple[Path, ...]) -> Path:
    for folder in dirs:
        if (folder / name).is_file():
            return folder / name
    searched = ", ".join(str(d) for d in dirs)
    raise FontMissing(
        f"the PDF needs the CJK font {name} ({FACE_NAME}), not found in {searched}: install the "
        f"Debian package {DEBIAN_PACKAGE} (scripts/install.sh does: apt-get install {DEBIAN_PACKAGE})"
    )


def _face_index(path: Path, face_name: str) -> int:
    """The index of `face_name` (the full name without the weight) inside a collection."""
    collection = TTCollection(str(path), lazy=True)
    try:
        for index, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""  # family name, e.g. "Noto Sans CJK SC"
            if family == face_name:
                return index
    finally:
        collection.close()
    raise FontMissing(f"{path} has no face {face_name!r}: reinstall the Debian package {DEBIAN_PACKAGE}")


def faces(dirs: tuple[Path, ...] | None = None) -> tuple[Face, ...]:
    """The regular and bold faces, or FontMissing naming the package to install."""
    found = []
    for style, name in FILES.items():
        path = _find_file(name, FONT_DIRS if dirs is None else dirs)
        found.append(Face(style, path, _face_index(path, FACE_NAME)))
    return tuple(found)


def register(pdf, dirs: tuple[Path, ...] | None = None) -> str:
    """Add the CJK faces to an FPDF document; returns the family name for set_font."""
    for face in faces(dirs):
        pdf.add_font(FAMILY, face.style, str(face.path), collection_font_number=face.index)
    return FAMILY
