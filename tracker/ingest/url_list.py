"""The URL list format: one repository, Hub entry, OSF node, arXiv, DOI or other URL per line.

A line naming a paper (an arXiv id or URL, a Hugging Face paper URL, a DOI) becomes that paper,
as in the `ids` format. Any other URL becomes a paper carrying that link, titled by the URL
without its scheme (`github.com/microsoft/LoRA`) until discovery or a later import names it:
unique per link, so that two repositories never merge by a shared name.
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.identifiers import link_title
from tracker.ingest import id_list
from tracker.ingest.records import InvalidRecord, PaperRecord, Parsed, shorten
from tracker.links import LinkKind, normalise_url

# A comment after the URL needs whitespace before '#': URLs may carry a #fragment.
_INLINE_COMMENT_RE = re.compile(r"\s+#.*$")
# With a scheme anything goes; without one, the host must end in a name (2106.0968x is not).
_URL_RE = re.compile(r"https?://\S+|(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE)
# Hosts whose pages are only worth tracking as a repository, entry, node or record.
_SERVICE_HOSTS = {"github.com", "huggingface.co", "hf.co", "osf.io", "zenodo.org"}


def parse_line(line: str) -> PaperRecord | str | None:
    """One line as a record; a reason when it is a URL that names nothing trackable; None
    when it is not a URL or identifier at all."""
    text = _INLINE_COMMENT_RE.sub("", line).strip()
    if not text:
        return None
    named = id_list.parse_line(text)
    if named is not None:
        return named
    if not _URL_RE.fullmatch(text):
        return None
    link = normalise_url(text if "://" in text else f"https://{text}")
    if link is None:
        return None
    if link.kind == LinkKind.WEB and link.host.removeprefix("www.") in _SERVICE_HOSTS:
        return (f"{shorten(text)} is a {link.host} page but not a repository, Hub entry, OSF "
                "node or Zenodo record")
    return PaperRecord(line=0, title=link_title(link.url), urls=[(link.url, "url")])


def looks_like_urls(lines: list[str]) -> bool:
    """Whether every meaningful line is a URL or identifier this format reads."""
    return bool(lines) and all(isinstance(parse_line(line), PaperRecord) for line in lines)


def parse(text: str, path: Path) -> Parsed:
    """Parse a list of URLs; blank lines and `#` comments are skipped."""
    records: list[PaperRecord] = []
    invalid: list[InvalidRecord] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parsed = parse_line(stripped)
        if isinstance(parsed, PaperRecord):
            parsed.line = number
            records.append(parsed)
            continue
        reason = parsed or (f"line {shorten(stripped)} is not a URL: expected a repository, Hub, "
                            "OSF, Zenodo, arXiv or DOI URL, one a line")
        invalid.append(InvalidRecord(number, reason))
    return records, invalid
