"""Read a README (Markdown, reStructuredText or HTML-in-Markdown) into the facts the scorecard uses.

:func:`analyse_readme` returns exactly the keys of :data:`README_FACT_KEYS`:

- ``size``: characters in the text;
- ``headings``: heading texts in order (Markdown ``#`` and setext, reST underlines, HTML
  ``<h1>``..``<h6>``), at most :data:`MAX_HEADINGS`;
- ``links``: absolute http(s) URLs (Markdown, bare, ``href``), de-duplicated in order, at most
  :data:`MAX_LINKS`;
- ``has_install``: an install-like heading (:data:`INSTALL_HEADING`) or an install command
  anywhere in the text (:data:`INSTALL_COMMAND`: pip/conda/poetry/uv/docker ...). Commands
  are searched in the whole text, not only code blocks: they are distinctive enough;
- ``has_usage``: a usage-like heading (:data:`USAGE_HEADING`) or a run command
  (:data:`RUN_COMMAND`: ``python x.py``, ``bash scripts/x.sh``, ``torchrun`` ...);
- ``has_results_table``: a Markdown pipe table or HTML ``<table>`` with at least two data rows
  holding numbers, either under a results-like heading (:data:`RESULTS_HEADING`) or whose
  header names a metric (:data:`METRIC_HEADER`);
- ``promises_code`` / ``promise_phrases``: wording that promises a future release
  (:data:`PROMISE_PATTERNS`), at most five phrases;
- ``is_placeholder_text``: under :data:`PLACEHOLDER_BODY_CHARS` characters of body text
  (headings, images, tags, URLs and badges removed), or a promise with no code block and no
  install or usage instructions (a title, an abstract and "code coming soon").
"""

from __future__ import annotations

import html
import re
from typing import Any

README_FACT_KEYS = ("size", "headings", "links", "has_install", "has_usage", "has_results_table",
                    "promises_code", "is_placeholder_text", "promise_phrases")
MAX_HEADINGS = 100
MAX_LINKS = 200
MAX_PROMISE_PHRASES = 5
PLACEHOLDER_BODY_CHARS = 300

INSTALL_HEADING = re.compile(
    r"\b(install\w*|set[ -]?up|requirements?|dependenc(y|ies)|environments?|getting started"
    r"|get started|prerequisites?)\b", re.IGNORECASE)
INSTALL_COMMAND = re.compile(
    r"\b(pip3?\s+install|python3?\s+-m\s+pip\s+install|conda\s+(env\s+)?(create|install|update)"
    r"|mamba\s+(env\s+)?(create|install)|poetry\s+install|uv\s+(pip\s+install|sync|add)"
    r"|pipenv\s+install|pdm\s+install|docker\s+(pull|build|run)|docker[- ]compose\s+up"
    r"|python3?\s+setup\.py\s+(install|develop)|install\.packages\(|Pkg\.(add|instantiate)"
    r"|npm\s+install|cargo\s+build|apt(-get)?\s+install)", re.IGNORECASE)
USAGE_HEADING = re.compile(
    r"\b(usage|quick[ -]?start|training|train|evaluation|evaluate|eval|inference|run|running"
    r"|reproduc\w*|how to use|demo|examples?|tutorials?|testing|test)\b", re.IGNORECASE)
RUN_COMMAND = re.compile(
    r"(\bpython3?\s+(?!setup\.py)(-m\s+(?!pip\b)[\w.]+|[\w./-]+\.py)"
    r"|\b(bash|sh|zsh)\s+[\w./-]+\.sh\b|(^|\s)\./[\w./-]+\.sh\b"
    r"|\b(torchrun|deepspeed|accelerate\s+launch|Rscript|julia)\s+\S+"
    r"|\bjupyter\s+(notebook|lab)\b)", re.IGNORECASE | re.MULTILINE)
RESULTS_HEADING = re.compile(
    r"\b(results?|benchmarks?|performance|leaderboard|evaluation|experiments?|comparison"
    r"|model zoo|main results)\b", re.IGNORECASE)
METRIC_HEADER = re.compile(
    r"(?<![\w-])(acc(uracy)?|f1|bleu(-?\d)?|rouge(-?[l12])?|em|exact match|m?ap(\d+|@[\d.:]+)?"
    r"|psnr|ssim|lpips|fid|wer|cer|top-?[15]|pass@\d+|score|auc|mae|mse|rmse|m?iou"
    r"|perplexity|ppl|recall|precision|ndcg(@\d+)?|mrr|r@\d+|win rate|success rate)(?![\w-])",
    re.IGNORECASE)
# Promises of a future release; "has been released" and "we release" match none of them.
PROMISE_PATTERNS = tuple(re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\bwill\s+be\s+(made\s+)?(publicly\s+|openly\s+|fully\s+)?(released|open[- ]?sourced"
    r"|uploaded)\b",
    # "available"/"published" need an artefact as subject: "the paper will be available" is no
    # promise of code.
    r"\b(code|codes|implementation|models?|weights|checkpoints?|data(sets?)?|repo(sitory)?"
    r"|source|scripts?)\b[^.\n]{0,60}?\bwill\s+be\s+(made\s+)?(publicly\s+|openly\s+"
    r"|fully\s+)?(available|public|published|accessible)\b",
    r"\b(will|'ll|plan\s+to|plans\s+to|are\s+going\s+to|intend\s+to)\s+(soon\s+)?(release"
    r"|open[- ]?source|publish|upload)\b",
    r"\b(yet\s+|soon\s+)?to\s+be\s+(released|open[- ]?sourced|uploaded)\b",
    r"\bcoming\s+soon\b",
    r"\b(code|codes|weights|models?|checkpoints?|data(set)?s?)\s+(is|are)\s+coming\b",
    r"\brelease[sd]?\s+soon\b",
    r"\bstay\s+tuned\b",
    r"\bTBD\b",
    r"\bTBA\b",
    r"\bunder\s+construction\b",
    "\U0001f6a7",  # construction sign emoji
    r"-\s*\[\s\]\s*(release|open[- ]?source|upload)\b[^\n]{0,60}",  # unchecked TODO item
))

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(\n|\Z)", re.DOTALL)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^\s*([=\-~^\"'`#*+:._])\1{2,}\s*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://[^\s<>\"'()\[\]{}`|\\]+", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_PIPE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)+\|?\s*$")
_NUMERIC_CELL = re.compile(
    r"[~<>≈±+\-−]?\d+(?:[.,]\d+)?\s*%?(?:\s*(?:±|\+/-|\+-)\s*\d+(?:\.\d+)?)?"
    r"(?:\s*\([^)]*\))?\s*[*†‡✓]*")
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ROW = re.compile(r"<tr\b.*?</tr\s*>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(r"<t([dh])\b[^>]*>(.*?)</t[dh]\s*>", re.IGNORECASE | re.DOTALL)


def _clean_inline(text: str) -> str:
    """Strip Markdown link syntax, emphasis, tags and entities from a heading or cell."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = html.unescape(_TAG.sub("", text))
    return " ".join(text.replace("**", "").replace("__", "").replace("`", "").split()).strip("*_ ")


def _lines_outside_fences(text: str) -> list[tuple[int, str, bool]]:
    """Each line with its number and whether it is inside a fenced code block."""
    marked: list[tuple[int, str, bool]] = []
    fenced, previous = False, ""
    for number, line in enumerate(text.split("\n")):
        # A reST "~~~~~" under a title is an underline, not a fence opener.
        underline = not fenced and previous.strip() != "" and bool(_UNDERLINE.match(line))
        previous = line
        if _FENCE.match(line) and not underline:
            marked.append((number, line, True))
            fenced = not fenced
            continue
        marked.append((number, line, fenced))
    return marked


def _headings_by_line(text: str) -> list[tuple[int, str]]:
    """(line number, heading text) for ATX, setext/reST and HTML headings, in order."""
    lines = _lines_outside_fences(text)
    found: list[tuple[int, str]] = []
    for index, (number, line, fenced) in enumerate(lines):
        if fenced:
            continue
        atx = _ATX.match(line)
        if atx:
            found.append((number, _clean_inline(atx.group(1))))
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if (following and not following[2] and _UNDERLINE.match(following[1]) and line.strip()
                and not _UNDERLINE.match(line)
                and not line.lstrip().startswith(("|", "-", "*", ">"))):
            found.append((number, _clean_inline(line)))
    for match in _HTML_HEADING.finditer(text):
        found.append((text.count("\n", 0, match.start()), _clean_inline(match.group(2))))
    return sorted((number, heading) for number, heading in found if heading)


def _links(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?*_'\"")
        seen.setdefault(url, None)
        if len(seen) >= MAX_LINKS:
            break
    return list(seen)


def _is_numeric(cell: str) -> bool:
    return bool(_NUMERIC_CELL.fullmatch(_clean_inline(cell)))


def _numeric_rows(rows: list[list[str]]) -> int:
    return sum(1 for row in rows if any(_is_numeric(cell) for cell in row))


# A table as (line number of its header, header cells, data rows of cells).
_Table = tuple[int, list[str], list[list[str]]]


def _pipe_tables(lines: list[tuple[int, str, bool]]) -> list[_Table]:
    """(line number, header cells, data rows) of each Markdown pipe table."""
    tables: list[_Table] = []
    for index in range(1, len(lines)):
        number, line, fenced = lines[index]
        header = lines[index - 1][1]
        if fenced or "|" not in header or not _PIPE_DELIMITER.match(line):
            continue
        rows = []
        for _, row_line, row_fenced in lines[index + 1:]:
            if row_fenced or "|" not in row_line or not row_line.strip():
                break
            rows.append([cell.strip() for cell in row_line.strip().strip("|").split("|")])
        tables.append((number - 1, [c.strip() for c in header.strip().strip("|").split("|")],
                       rows))
    return tables


def _html_tables(text: str) -> list[_Table]:
    tables: list[_Table] = []
    for table in _HTML_TABLE.finditer(text):
        header: list[str] = []
        rows: list[list[str]] = []
        for row in _HTML_ROW.finditer(table.group(0)):
            cells = _HTML_CELL.findall(row.group(0))
            texts = [_clean_inline(cell) for _, cell in cells]
            if not header and all(kind.lower() == "h" for kind, _ in cells):
                header = texts
            else:
                rows.append(texts)
        tables.append((text.count("\n", 0, table.start()), header, rows))
    return tables


def _has_results_table(text: str, headings: list[tuple[int, str]]) -> bool:
    tables = _pipe_tables(_lines_outside_fences(text)) + _html_tables(text)
    for line_number, header, rows in tables:
        if _numeric_rows(rows) < 2:
            continue
        section = [heading for number, heading in headings if number <= line_number]
        under_results = bool(section) and bool(RESULTS_HEADING.search(section[-1]))
        first_row = header or (rows[0] if rows else [])
        if under_results or any(METRIC_HEADER.search(_clean_inline(cell)) for cell in first_row):
            return True
    return False


def promises_code(text: str) -> list[str]:
    """Phrases promising a future release ("code will be released", "coming soon"), in order.

    Usable on a README or on a paper's abstract; at most :data:`MAX_PROMISE_PHRASES`.
    """
    matches = sorted(
        (match.start(), " ".join(match.group(0).split()))
        for pattern in PROMISE_PATTERNS for match in pattern.finditer(text or "")
    )
    phrases: dict[str, None] = {}
    for _, phrase in matches:
        phrases.setdefault(phrase, None)
    return list(phrases)[:MAX_PROMISE_PHRASES]


def _body_text(text: str, headings: list[tuple[int, str]]) -> str:
    heading_lines = {number for number, _ in headings}
    kept = [line for number, line in enumerate(text.split("\n"))
            if number not in heading_lines and not _UNDERLINE.match(line)]
    body = _MD_IMAGE.sub("", "\n".join(kept))
    body = _MD_LINK.sub(r"\1", _HTML_HEADING.sub("", body))
    body = _URL.sub("", _TAG.sub("", body))
    return " ".join(body.split())


def _blank_front_matter(text: str) -> str:
    """Blank a Hugging Face card's YAML front matter, keeping line numbers."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text
    return "\n" * match.group(0).count("\n") + text[match.end():]


def analyse_readme(text: str) -> dict[str, Any]:
    """Return the README facts (keys: :data:`README_FACT_KEYS`) of a README's text."""
    full_text = text or ""
    # One line convention everywhere, so line numbers of tables and headings agree.
    text = _blank_front_matter(full_text.replace("\r\n", "\n").replace("\r", "\n"))
    headings = _headings_by_line(text)
    heading_texts = [heading for _, heading in headings]
    has_install = any(INSTALL_HEADING.search(h) for h in heading_texts) or bool(
        INSTALL_COMMAND.search(text))
    has_usage = any(USAGE_HEADING.search(h) for h in heading_texts) or bool(
        RUN_COMMAND.search(text))
    phrases = promises_code(text)
    has_code_block = any(fenced for _, _, fenced in _lines_outside_fences(text)) or (
        "::\n" in text)
    short = len(_body_text(text, headings)) < PLACEHOLDER_BODY_CHARS
    only_promise = bool(phrases) and not (has_code_block or has_install or has_usage)
    return {
        "size": len(full_text),
        "headings": heading_texts[:MAX_HEADINGS],
        "links": _links(text),
        "has_install": has_install,
        "has_usage": has_usage,
        "has_results_table": _has_results_table(text, headings),
        "promises_code": bool(phrases),
        "is_placeholder_text": short or only_promise,
        "promise_phrases": phrases,
    }
