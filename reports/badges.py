"""A paper's grade as a badge: a shields.io endpoint JSON and a self-contained flat SVG."""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape

LABEL = "reproducibility"
# shields.io's named colours, as hex for the static SVG.
COLOURS = {"brightgreen": "#4c1", "green": "#97ca00", "yellow": "#dfb317", "orange": "#fe7d37",
           "red": "#e05d44", "lightgrey": "#9f9f9f"}
GRADE_COLOURS = {"A": "brightgreen", "B": "green", "C": "yellow", "D": "orange", "F": "red"}
# Verdana 11px advance widths (px) of the characters a badge shows; others count as 7.
_WIDTHS = {**dict.fromkeys("ijlI.,:;|!' ", 3.5), **dict.fromkeys("frt()[]-/", 4.5),
           **dict.fromkeys("mwMW", 10.0), **dict.fromkeys("0123456789", 7.0)}


@dataclass(frozen=True)
class Badge:
    """What a badge says: its label, its message and its shields.io colour name."""

    label: str
    message: str
    colour: str


def grade_badge(grade: str | None, score: float | None, *, scored: bool = True) -> Badge:
    """The badge of a grade: `B · 0.78` in B's colour; grey when withheld or never scored."""
    if not scored:
        return Badge(LABEL, "not checked", "lightgrey")
    if grade is None:
        return Badge(LABEL, "no grade (incomplete)", "lightgrey")
    message = grade if score is None else f"{grade} · {score:.2f}"
    return Badge(LABEL, message, GRADE_COLOURS.get(grade, "lightgrey"))


def endpoint_json(badge: Badge) -> str:
    """The shields.io endpoint document (https://shields.io/badges/endpoint-badge)."""
    document = {"schemaVersion": 1, "label": badge.label, "message": badge.message,
                "color": badge.colour}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def text_width(text: str) -> float:
    """The approximate width of `text` in Verdana 11px, the font shields.io badges use."""
    return sum(_WIDTHS.get(char, 7.0) for char in text)


def badge_svg(badge: Badge) -> str:
    """A flat badge in the shields.io layout, as one standalone SVG (no fonts or links fetched)."""
    left = round(text_width(badge.label) + 10)
    right = round(text_width(badge.message) + 10)
    width = left + right
    fill = COLOURS.get(badge.colour, COLOURS["lightgrey"])
    label, message = escape(badge.label), escape(badge.message)
    title = f"{label}: {message}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{fill}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" '
        'font-size="11">'
        f'<text x="{left / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{label}</text>'
        f'<text x="{left / 2:.1f}" y="14">{label}</text>'
        f'<text x="{left + right / 2:.1f}" y="15" fill="#010101" fill-opacity=".3">{message}</text>'
        f'<text x="{left + right / 2:.1f}" y="14">{message}</text>'
        "</g></svg>\n"
    )
