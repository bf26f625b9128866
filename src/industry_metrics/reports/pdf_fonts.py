"""The one font the PDF writer embeds: Noto Sans CJK SC, which covers Chinese and Latin text.

Why this font: scripts/install.sh already installs Debian's fonts-noto-cjk for the browser
and the charts (charts/base.py asks for "Noto Sans CJK SC"), so the PDF's tables read in the
same face as its chart images. Debian ships it as .ttc collections (JP, KR, SC, TC, HK and
their Mono faces in one file); fpdf2 2.8 reads a collection face by index
(`collection_font_number`), so no face has to be extracted to a cached .ttf. The face is
found by its name, not a fixed index, because the order inside the collection is the font
vendor's choice. fpdf2 subsets the CFF outlines on output: only the glyphs used are embedded.

Noto Sans CJK lacks a few symbols the packs print (the breach tier's ✗, U+2717): DejaVu Sans
(Debian's fonts-dejavu-core, a TrueType font) is registered as fpdf2's fallback for any
character the CJK face does not have.
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
FALLBACK_FAMILY = "symbols"
FALLBACK_PACKAGE = "fonts-dejavu-core"
FALLBACK_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
FALLBACK_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class FontMissing(RuntimeError):
    """The CJK font is not installed: the message names the package that provides it."""


@dataclass(frozen=True)
class Face:
    style: str  # "" regular, "B" bold
    path: Path
    index: int  # the face's number inside the .ttc collection


def _find_file(name: str, dirs: tuple[Path, ...], package: str = DEBIAN_PACKAGE) -> Path:
    for folder in dirs:
        if (folder / name).is_file():
            return folder / name
    searched = ", ".join(str(d) for d in dirs)
    raise FontMissing(
        f"the PDF needs the font {name}, not found in {searched}: install the Debian package "
        f"{package} (scripts/install.sh does: apt-get install {package})"
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


def fallback_faces(dirs: tuple[Path, ...] | None = None) -> tuple[Face, ...]:
    """The symbol fallback's regular and bold faces (single-face .ttf files)."""
    folders = FALLBACK_DIRS if dirs is None else dirs
    return tuple(Face(style, _find_file(name, folders, FALLBACK_PACKAGE), 0) for style, name in FALLBACK_FILES.items())


def register(pdf) -> str:
    """Add the CJK faces and the symbol fallback to an FPDF document; returns the family for set_font."""
    for face in faces():
        pdf.add_font(FAMILY, face.style, str(face.path), collection_font_number=face.index)
    for face in fallback_faces():
        pdf.add_font(FALLBACK_FAMILY, face.style, str(face.path))
    pdf.set_fallback_fonts([FALLBACK_FAMILY], exact_match=False)
    return FAMILY
