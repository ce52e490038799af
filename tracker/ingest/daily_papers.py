"""The Hugging Face Daily Papers text scrape: page chrome, then title / blank / abstract blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed

# An abstract is a long paragraph; a title is a short one. Real titles stay well under
# TITLE_MAX, real abstracts well over ABSTRACT_MIN.
ABSTRACT_MIN = 200
TITLE_MAX = 300
# A short abstract still reads as prose: several words ending like a sentence.
_PROSE_MIN_WORDS = 12
_KNOWN_CHROME = frozenset(
    s.casefold()
    for s in (
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        "Trending Papers",
        "Previous",
        "Next",
        "Submitted by",
        "Upvote",
        "Search papers",
        "Sign Up",
        "Log In",
        "Hugging Face",
    )
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_RE = re.compile(
    rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}",
    re.IGNORECASE,
)
# Upvote and comment counters ("42", "1.2k", "Submitted by akhaliq") around each card.
_COUNTER_RE = re.compile(r"[\d.,]+k?|submitted by \S+", re.IGNORECASE)


@dataclass
class _Paragraph:
    """A run of non-blank lines, joined with single spaces."""

    line: int
    text: str


def _paragraphs(text: str) -> list[_Paragraph]:
    """Split the text into paragraphs separated by blank lines, keeping start lines."""
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            paragraphs.append(_Paragraph(start, " ".join(current)))
            current = []
    if current:
        paragraphs.append(_Paragraph(start, " ".join(current)))
    return paragraphs


def is_chrome(text: str) -> bool:
    """Whether a paragraph is a known piece of page chrome (menus, dates, counters)."""
    return (
        text.casefold() in _KNOWN_CHROME
        or _DATE_RE.fullmatch(text) is not None
        or _COUNTER_RE.fullmatch(text) is not None
    )


def _is_abstract(text: str) -> bool:
    """Whether a paragraph reads as an abstract: long, or prose ending like a sentence."""
    if len(text) >= ABSTRACT_MIN:
        return True
    return len(text.split()) >= _PROSE_MIN_WORDS and text.endswith((".", "!", ")"))


def _starts_paper(paragraphs: list[_Paragraph], i: int) -> bool:
    """Whether paragraph i is a title: short, not chrome, followed by an abstract."""
    title = paragraphs[i].text
    if len(title) > TITLE_MAX or is_chrome(title) or i + 1 >= len(paragraphs):
        return False
    following = paragraphs[i + 1].text
    return not is_chrome(following) and _is_abstract(following) and len(following) > len(title)


def looks_like(text: str) -> bool:
    """Whether the text has the title / blank line / abstract paragraph structure."""
    paragraphs = _paragraphs(text)
    return any(_starts_paper(paragraphs, i) for i in range(len(paragraphs)))


def parse(text: str, path: Path) -> Parsed:
    """Parse the scrape: skip the leading chrome, then read title / abstract pairs.

    Chrome is everything before the first title/abstract pair (short lines followed by other
    short lines) plus known chrome anywhere (menus, dates, counters). After that, a title
    whose next paragraph is another title, or the end of the file, has no abstract.
    """
    paragraphs = _paragraphs(text)
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    first = next((i for i in range(len(paragraphs)) if _starts_paper(paragraphs, i)), None)
    if first is None:
        # No pair at all (a list of bare titles): every non-chrome short line is a title.
        first = 0
    i = first
    while i < len(paragraphs):
        paragraph = paragraphs[i]
        if is_chrome(paragraph.text):
            i += 1
            continue
        if len(paragraph.text) > TITLE_MAX:
            invalid.append(
                InvalidRecord(
                    paragraph.line,
                    f"a paragraph of {len(paragraph.text)} characters where a paper title was "
                    "expected (a title is a short line, then a blank line, then the abstract)",
                )
            )
            i += 1
            continue
        record = PaperRecord(line=paragraph.line, title=paragraph.text)
        if _starts_paper(paragraphs, i):
            record.abstract = paragraphs[i + 1].text
            i += 2
        else:
            i += 1
        records.append(record)
    return records, invalid
