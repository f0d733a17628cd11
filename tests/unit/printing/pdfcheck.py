"""Read back what a PDF really holds: its text (pypdf and pdftotext), fonts, and word boxes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader

HAS_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def squash(text: str) -> str:
    """Text without whitespace: table cells wrap, so a name may be split over lines."""
    return re.sub(r"\s+", "", text)


def pypdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext_pages(pdf: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "sheet.pdf")
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def texts(pdf: bytes) -> list[str]:
    """The whole text by every extractor available (pypdf always, pdftotext where installed)."""
    found = ["".join(pypdf_pages(pdf))]
    if HAS_POPPLER:
        found.append("".join(pdftotext_pages(pdf)))
    return [squash(text) for text in found]


def assert_contains(pdf: bytes, *strings: str) -> None:
    for text in texts(pdf):
        missing = [s for s in strings if squash(s) not in text]
        assert not missing, f"not in the PDF text: {missing}"


def fonts(pdf: bytes) -> list[dict[str, Any]]:
    """Every font resource of every page: name, subtype and whether its outlines are embedded."""
    found: dict[str, dict[str, Any]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = {
                "name": str(font.get("/BaseFont")),
                "subtype": str(font.get("/Subtype")),
                "embedded": embedded,
            }
    return list(found.values())


def pdffonts_rows(pdf: bytes) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "sheet.pdf")
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def word_boxes(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word poppler lays out, in points."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "sheet.pdf")
        path.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
    boxes = []
    page = 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        )
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            boxes.append((page, x0, y0, x1, y1, match.group(5)))
    return boxes


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)
