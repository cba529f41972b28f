"""Turn report HTML into PDF with WeasyPrint, with a Thai-capable font embedded."""

from __future__ import annotations

import warnings
from pathlib import Path

#: Fonts tried in order; Thai glyphs come from the TLWG fonts (Debian package fonts-thai-tlwg).
FONT_STACK = '"Garuda", "Loma", "Norasi", "Kinnari", "DejaVu Sans", sans-serif'


def html_to_pdf(*, html: str, path: Path) -> Path:
    """Write ``html`` as a PDF at ``path`` and return the path."""
    with warnings.catch_warnings():
        # Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools: the same PDF, plus a
        # deprecation notice at import (scripts/system-deps.sh can install libharfbuzz-subset0).
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        try:
            from weasyprint import HTML
        except ImportError as exc:  # pragma: no cover - WeasyPrint is a dependency; this names the fix
            raise RuntimeError("PDF output needs WeasyPrint: pip install weasyprint") from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        # SARA AM is drawn as NIKHAHIT + SARA AA; written that way (its compatibility decomposition,
        # identical on paper) each glyph maps back to one character, so the PDF's text stays searchable.
        html = html.replace("\u0e33", "\u0e4d\u0e32")
        HTML(string=html).write_pdf(path)
    return path
