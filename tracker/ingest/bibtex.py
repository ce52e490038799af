"""BibTeX: one record per entry, each parsed on its own so a bad entry loses no others."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bibtexparser.bibdatabase import UndefinedString
from bibtexparser.bparser import BibTexParser
from bibtexparser.latexenc import latex_to_unicode

from tracker.identifiers import parse_arxiv_id
from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed, build_record, clean

_ENTRY_START_RE = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*([{(])", re.MULTILINE)
_IGNORED_TYPES = frozenset({"comment", "preamble"})
_FORMATTING_RE = re.compile(
    r"\\(?:textbf|textit|textsl|textsc|texttt|textrm|textsf|textup|textnormal|text|emph|"
    r"mathrm|mathbf|mathit|mathsf|mathtt|mathcal|mathbb|mbox|hbox)\s*\{"
)
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)\s*")
_JOURNAL_ARXIV_RE = re.compile(r"arxiv\s*[:/]?\s*(?:abs/)?(\S+)", re.IGNORECASE)
_URL_COMMAND_RE = re.compile(r"\\url\s*\{([^}]*)\}")


@dataclass
class _Block:
    """One `@type{...}` block of the file, as located by the splitter."""

    line: int
    kind: str
    text: str
    key: str | None
    error: str | None = None


def clean_latex(value: str) -> str:
    """Turn a BibTeX title into plain text: braces, formatting commands and accents resolved."""
    text = _FORMATTING_RE.sub("{", value)
    text = text.replace(r"\$", "\x00")
    # latex_to_unicode walks a table of ~1000 replacements: only worth it for commands.
    text = latex_to_unicode(text) if "\\" in text else text.replace("{", "").replace("}", "")
    text = text.replace("$", "").replace("\x00", "$")
    text = _COMMAND_RE.sub(lambda m: m.group(1), text)
    text = text.replace("~", " ").replace("\\", "")
    return " ".join(text.split())


def _closing_index(text: str, opener: int) -> int | None:
    """Index of the delimiter closing the entry opened at `text[opener]`, or None."""
    closer = "}" if text[opener] == "{" else ")"
    depth = 0
    i = opener + 1
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2  # an escaped \{ or \} does not count
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and closer == "}":
                return i
            depth -= 1
            if depth < 0:
                return None
        elif char == ")" and closer == ")" and depth == 0:
            return i
        i += 1
    return None


def _split(text: str) -> list[_Block]:
    """Locate every `@type{` block with its line, citation key and structural error."""
    starts = list(_ENTRY_START_RE.finditer(text))
    blocks = []
    for index, match in enumerate(starts):
        end_of_region = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        region = text[match.start() : end_of_region]
        line = text.count("\n", 0, match.start()) + 1
        kind = match.group(1).lower()
        opener = match.end() - 1 - match.start()
        head = region[opener + 1 :].split(",", 1)[0]
        key = head.strip() or None
        if key and ("=" in key or any(c.isspace() for c in key) or "}" in key):
            key = None
        block = _Block(line=line, kind=kind, text=region, key=key)
        closing = _closing_index(region, opener)
        name = f"entry {key!r}" if key else f"@{kind} entry"
        if closing is None:
            block.error = f"{name} has unbalanced braces: its opening brace is never closed"
        else:
            block.text = region[: closing + 1]
            rest = region[closing + 1 :]
            # BibTeX ignores text between entries, but field syntax there means a brace
            # closed the entry too early and the fields after it would be silently lost.
            if "=" in rest or "}" in rest:
                late = line + region.count("\n", 0, closing)
                block.error = (
                    f"{name} has unbalanced braces: it closes at line {late} "
                    "before all of its fields"
                )
        if block.error is None and key is None and kind not in _IGNORED_TYPES | {"string"}:
            block.error = f"@{kind} entry has no citation key"
        blocks.append(block)
    return blocks


def _first(entry: dict[str, str], *names: str) -> str | None:
    """The first of the named fields that has a value."""
    for name in names:
        value = clean(entry.get(name))
        if value:
            return value
    return None


def _arxiv(entry: dict[str, str]) -> tuple[str | None, str]:
    """The arXiv id an entry declares, and the field it came from."""
    eprint = _first(entry, "eprint")
    prefix = (_first(entry, "archiveprefix", "eprinttype") or "").lower()
    if eprint and (prefix == "arxiv" or (not prefix and parse_arxiv_id(eprint))):
        return eprint, "eprint"
    direct = _first(entry, "arxiv", "arxivid")
    if direct:
        return direct, "arxiv"
    for name in ("journal", "volume", "note"):
        value = _first(entry, name) or ""
        if name == "volume" and value.lower().startswith("abs/"):
            candidates = [value[4:]]
        else:
            # "arXiv preprint arXiv:2106.09685": the first "arXiv" is not followed by the id.
            candidates = [m.group(1).rstrip(".,;") for m in _JOURNAL_ARXIV_RE.finditer(value)]
        for candidate in candidates:
            if parse_arxiv_id(candidate):
                return candidate, name
    return None, "eprint"


def _record(block: _Block, entry: dict[str, str]) -> PaperRecord | InvalidRecord:
    """Build one record from a parsed entry."""
    key = entry.get("ID", block.key or "?")
    arxiv, arxiv_field = _arxiv(entry)
    urls: list[tuple[str, str]] = []
    if entry.get("url"):
        urls.append((_URL_COMMAND_RE.sub(r"\1", entry["url"]), "url"))
    for url in _URL_COMMAND_RE.findall(entry.get("howpublished", "")):
        urls.append((url, "howpublished"))
    title = entry.get("title")
    entry_repr = repr(key).replace("{", "{{").replace("}", "}}")
    return build_record(
        block.line,
        title=clean_latex(title) if title else None,
        arxiv=arxiv,
        doi=entry.get("doi"),
        abstract=entry.get("abstract"),
        urls=urls,
        arxiv_key=arxiv_field,
        doi_key="doi",
        label=f"entry {entry_repr}: field {{!r}}",
        missing=f"entry {key!r} has no title, eprint, doi or url",
    )


def parse(text: str, path: Path) -> Parsed:
    """Parse BibTeX; @comment and @preamble are ignored, @string macros are honoured."""
    parser = BibTexParser(ignore_nonstandard_types=False, common_strings=True)
    parser.expect_multiple_parse = True  # one parser, so @string macros reach later entries
    entries = parser.bib_database.entries
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    for block in _split(text):
        if block.kind in _IGNORED_TYPES:
            continue
        if block.error:
            invalid.append(InvalidRecord(block.line, block.error))
            continue
        before = len(entries)
        try:
            parser.parse(block.text)
        except UndefinedString as exc:
            name = f"entry {block.key!r}" if block.key else f"@{block.kind} entry"
            invalid.append(InvalidRecord(block.line, f"{name} uses an undefined @string {exc}"))
            continue
        except Exception as exc:  # pyparsing's errors carry no stable public type here
            reason = f"@{block.kind} entry cannot be parsed: {exc}"
            invalid.append(InvalidRecord(block.line, reason))
            continue
        if block.kind == "string":
            continue
        if len(entries) == before:
            invalid.append(
                InvalidRecord(
                    block.line,
                    f"entry {block.key!r} cannot be parsed: check its fields "
                    "(name = {value} or \"value\", separated by commas)",
                )
            )
            continue
        result = _record(block, entries[-1])
        if isinstance(result, PaperRecord):
            records.append(result)
        else:
            invalid.append(result)
    return records, invalid
