"""Paper identifiers: arXiv ids, DOIs and the normalised-title merge key."""

from __future__ import annotations

import re
import unicodedata

# Archives that issued old-style (pre-April-2007) identifiers such as hep-th/9901001.
_OLD_ARCHIVES = frozenset(
    {
        "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an",
        "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an",
        "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th",
        "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio",
        "quant-ph", "solv-int", "supr-con",
    }
)

_NEW_ID = r"(?P<yymm>\d{4})\.(?P<num>\d{4,5})"
_OLD_ID = r"(?P<arch>[a-z]+(?:-[a-z]+)?)(?:\.[a-z]{2})?/(?P<old>\d{7})"
_ID = rf"(?:{_NEW_ID}|{_OLD_ID})(?:v\d+)?"

_BARE_RE = re.compile(rf"(?:arxiv:\s*)?{_ID}", re.IGNORECASE)
_ARXIV_URL_RE = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format|ps)/"
    rf"(?:arxiv:)?{_ID}(?:\.pdf)?/?(?:[?#].*)?",
    re.IGNORECASE,
)
_HF_PAPER_RE = re.compile(
    rf"(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/papers/{_ID}/?(?:[?#].*)?",
    re.IGNORECASE,
)
_ARXIV_DOI_RE = re.compile(
    rf"(?:doi:\s*|(?:https?://)?(?:www\.)?(?:dx\.)?doi\.org/)?10\.48550/arxiv\.{_ID}/?",
    re.IGNORECASE,
)

_DOI_RE = re.compile(
    r"(?:doi:\s*|(?:https?://)?(?:www\.)?(?:dx\.)?doi\.org/)?(?P<doi>10\.\d{4,9}(?:\.\d+)*/\S+)",
    re.IGNORECASE,
)
_TRAILING_PUNCT = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _id_from_match(m: re.Match[str]) -> str | None:
    """Validate the captured id parts and build the versionless id, or None."""
    if m.group("yymm") is not None:
        yymm, num = m.group("yymm"), m.group("num")
        year, month = int(yymm[:2]), int(yymm[2:])
        if not 1 <= month <= 12 or int(yymm) < 704:
            return None
        # Four-digit sequence numbers ran 0704-1412; five digits from 1501 on.
        if (len(num) == 5) != (year >= 15):
            return None
        return f"{yymm}.{num}"
    arch, old = m.group("arch").lower(), m.group("old")
    if arch not in _OLD_ARCHIVES:
        return None
    year, month = int(old[:2]), int(old[2:4])
    if not 1 <= month <= 12 or not (year >= 91 or year <= 7):
        return None
    if year == 7 and month > 3:  # old-style numbering ended in March 2007
        return None
    # The subject class (math.GT) is not part of the identifier, so it is dropped.
    return f"{arch}/{old}"


def parse_arxiv_id(text: str) -> str | None:
    """Return the versionless arXiv id in `text`, or None.

    `text` must be exactly one of: a bare id (optionally `arXiv:`-prefixed), an arxiv.org
    abs/pdf URL, a Hugging Face papers URL, or an arXiv DOI (bare or as a doi.org URL).
    Old-style ids lose their subject class: `math.GT/0309136` -> `math/0309136`.
    """
    if not isinstance(text, str):
        return None
    s = text.strip()
    for pattern in (_BARE_RE, _ARXIV_URL_RE, _HF_PAPER_RE, _ARXIV_DOI_RE):
        m = pattern.fullmatch(s)
        if m:
            return _id_from_match(m)
    return None


def _strip_trailing(s: str) -> str:
    """Drop trailing sentence punctuation and unbalanced closing brackets."""
    while s:
        last = s[-1]
        if last in _TRAILING_PUNCT:
            s = s[:-1]
        elif last in _CLOSERS and s.count(_CLOSERS[last]) < s.count(last):
            s = s[:-1]
        else:
            break
    return s


def parse_doi(text: str) -> str | None:
    """Return the lowercased DOI in `text` (bare, `doi:` or doi.org URL form), or None."""
    if not isinstance(text, str):
        return None
    m = _DOI_RE.fullmatch(text.strip())
    if not m:
        return None
    doi = _strip_trailing(m.group("doi")).lower()
    _, _, suffix = doi.partition("/")
    return doi if suffix else None


_LATEX_AMP_RE = re.compile(r"\\?&")
_LATEX_CMD_RE = re.compile(r"\\(?:[a-zA-Z]+\*?|[^a-zA-Z\s])")
_QUOTES_RE = re.compile("['\"`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00b4\u2032\u2033]")
_NON_WORD_RE = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Return a key under which two spellings of the same paper title compare equal.

    NFKC, LaTeX markup removed (`{F}ramework` -> framework, `\\textbf{X}` -> x, `\\&` and `&`
    -> and), accents and case folded, quotes deleted, other punctuation and dashes turned
    into spaces, whitespace collapsed.
    """
    s = unicodedata.normalize("NFKC", title)
    s = _LATEX_AMP_RE.sub(" and ", s)
    s = _LATEX_CMD_RE.sub("", s)
    s = s.replace("{", "").replace("}", "").replace("$", "")
    s = _QUOTES_RE.sub("", s)
    s = s.casefold()
    # Fold accents so a LaTeX `\'e` (which became "e") meets a unicode "é".
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = unicodedata.normalize("NFC", s)
    s = _NON_WORD_RE.sub(" ", s)
    return " ".join(s.split())


# host.tld/path with no spaces: what a URL list titles a paper with until it is identified.
_LINK_TITLE_RE = re.compile(
    r"(?:(?:[\w-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?/\S*", re.IGNORECASE)


def link_title(url: str) -> str:
    """The stand-in title of a paper known only by a link: the URL without its scheme."""
    return url.split("://", 1)[-1].rstrip("/")


def is_link_title(title: str | None) -> bool:
    """Whether `title` is only a stand-in (`github.com/lab/method`), not a paper's title: it
    is replaced when the paper's real title is learnt, and never searched for in an index."""
    return bool(title) and _LINK_TITLE_RE.fullmatch(title or "") is not None
