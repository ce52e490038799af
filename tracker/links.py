"""Link extraction from free text, URL cleaning, canonicalisation and classification."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from urllib.parse import parse_qsl

from tracker import link_hosts
from tracker.identifiers import parse_arxiv_id, parse_doi


class LinkKind(StrEnum):
    """What a link points at; decides which source client observes it."""

    GITHUB_REPO = "github_repo"
    PROJECT_PAGE = "project_page"  # *.github.io pages
    HF_MODEL = "hf_model"
    HF_DATASET = "hf_dataset"
    HF_SPACE = "hf_space"
    HF_PAPER = "hf_paper"
    OSF_NODE = "osf_node"
    ZENODO_RECORD = "zenodo_record"
    ARXIV = "arxiv"
    DOI = "doi"
    WEB = "web"
    # Artefact hosts and direct files (tracker.link_hosts says which URL shapes each takes).
    DRIVE_FILE = link_hosts.DRIVE_FILE
    DRIVE_FOLDER = link_hosts.DRIVE_FOLDER
    ONEDRIVE_SHARE = link_hosts.ONEDRIVE_SHARE
    DROPBOX_SHARE = link_hosts.DROPBOX_SHARE
    BAIDU_SHARE = link_hosts.BAIDU_SHARE
    FIGSHARE_ITEM = link_hosts.FIGSHARE_ITEM
    DIRECT_FILE = link_hosts.DIRECT_FILE


# The kinds that name an artefact host's share or a downloadable file.
ARTEFACT_HOST_KINDS: frozenset[LinkKind] = frozenset({
    LinkKind.DRIVE_FILE, LinkKind.DRIVE_FOLDER, LinkKind.ONEDRIVE_SHARE, LinkKind.DROPBOX_SHARE,
    LinkKind.BAIDU_SHARE, LinkKind.FIGSHARE_ITEM, LinkKind.DIRECT_FILE,
})


@dataclass(frozen=True)
class NormalisedLink:
    """A classified link with its canonical URL and the service's identifier (`target`)."""

    url: str
    kind: LinkKind
    host: str
    target: str
    detail: str | None = None
    anonymous_review: bool = False
    access_key: str | None = None


_KNOWN_HOSTS = (
    r"(?:gist\.github\.com|github\.com|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.github\.io"
    r"|huggingface\.co|hf\.co|osf\.io|zenodo\.org|(?:export\.)?arxiv\.org|(?:dx\.)?doi\.org"
    # artefact hosts (https only, and often written without a scheme)
    r"|drive\.google\.com|docs\.google\.com|1drv\.ms|onedrive\.live\.com"
    r"|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.sharepoint\.com|dropbox\.com|pan\.baidu\.com"
    r"|figshare\.com)"
)
_SCHEME_RE = re.compile(r"(https?)://([^/?#]*)(.*)", re.IGNORECASE | re.DOTALL)
_KNOWN_HOST_RE = re.compile(_KNOWN_HOSTS, re.IGNORECASE)
_BARE_HOST_RE = re.compile(rf"(?:www\.)?{_KNOWN_HOSTS}(?:[/?#]|$)", re.IGNORECASE)
_MARKDOWN_RE = re.compile(r"\[[^\]]*\]\((.+)\)[.,;:!?'\"`*\s]*", re.DOTALL)
_LATEX_URL_RE = re.compile(r"\\(?:url|href)\{([^{}]*)\}", re.DOTALL)
_LATEX_TAIL_RE = re.compile(r"\{[^{}]*\}$")

_LEADING_JUNK = "([{<\"'`*"
_TRAILING_JUNK = ".,;:!?'\"`*<>"
_CLOSER_OPENER = {")": "(", "]": "[", "}": "{"}
# A balanced closing bracket is part of the URL (Wikipedia's `Foo_(bar)`); it is
# percent-encoded so the canonical form never ends in sentence-like punctuation.
_CLOSER_ESCAPE = {")": "%29", "]": "%5D"}


def _clean_once(s: str) -> str:
    """One pass of clean_url; clean_url repeats it until nothing changes."""
    s = s.strip()
    if m := _MARKDOWN_RE.fullmatch(s):
        s = m.group(1).strip()
    if m := _LATEX_URL_RE.match(s):
        s = m.group(1).strip()
    if _SCHEME_RE.match(s) and "\\" in s:
        s = s[: s.index("\\")]  # a LaTeX command glued to the URL, e.g. `\footnote`
    s = s.lstrip(_LEADING_JUNK)
    while s:
        last = s[-1]
        if last in _TRAILING_JUNK or last.isspace():
            s = s[:-1]
        elif last == "}":
            tail = _LATEX_TAIL_RE.search(s)
            s = s[: tail.start()] if tail else s[:-1]
        elif last in _CLOSER_OPENER:
            if s.count(_CLOSER_OPENER[last]) < s.count(last):
                s = s[:-1]
            else:
                s = s[:-1] + _CLOSER_ESCAPE[last]
        else:
            break
    if m := _SCHEME_RE.match(s):
        host = m.group(2).lower()
        if host.startswith("www."):
            host = host[4:]
        # The services serve https only; an arbitrary site keeps its scheme, since forcing
        # https on an http-only page would make a live link look dead.
        scheme = "https" if _KNOWN_HOST_RE.fullmatch(host) else m.group(1).lower()
        s = f"{scheme}://{host}{m.group(3)}"
    elif _BARE_HOST_RE.match(s) or s[:4].lower() == "www.":
        s = "https://" + s
    return s


def clean_url(raw: str) -> str:
    """Strip the text around a URL and normalise its scheme and host.

    Removes wrapping brackets and quotes, trailing sentence punctuation, unbalanced closing
    brackets, LaTeX tails (`{GitHub}`, `}`), `\\url{...}` and markdown `[x](url)` wrappers;
    lower-cases scheme and host, upgrades http to https on the known services' hosts (other
    sites keep their scheme), drops `www.`, and adds `https://` to bare known hosts
    (`github.com/o/r`) and bare `www.` names. Never raises; idempotent.
    """
    if not isinstance(raw, str):
        return ""
    s = raw
    for _ in range(4 * len(raw) + 16):
        nxt = _clean_once(s)
        if nxt == s:
            break
        s = nxt
    return s


_URL_PARTS_RE = re.compile(r"https?://([^/?#]*)([^?#]*)(\?[^#]*)?", re.DOTALL)
_HOST_RE = re.compile(r"[\w-]+(?:\.[\w-]+)*(?::\d{1,5})?")
_GH_OWNER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_REPO_NAME_RE = re.compile(r"[A-Za-z0-9_.-]*[A-Za-z0-9_-]")
_OSF_GUID_RE = re.compile(r"[A-Za-z0-9]{5}")
_OSF_KEY_RE = re.compile(r"[A-Za-z0-9]+")
_ZENODO_DOI_RE = re.compile(r"10\.5281/zenodo\.([0-9]+)")
_FIGSHARE_DOI_RE = re.compile(r"10\.6084/m9\.figshare\.([0-9]+)(?:\.v([0-9]+))?", re.IGNORECASE)
_DIGITS_RE = re.compile(r"[0-9]+")

_GITHUB_RESERVED = frozenset(
    {
        "about", "apps", "collections", "contact", "customer-stories", "enterprise", "events",
        "explore", "features", "issues", "join", "login", "marketplace", "new",
        "notifications", "orgs", "organizations", "pricing", "pulls", "readme", "search",
        "security", "settings", "site", "sponsors", "topics", "trending",
    }
)
_HF_RESERVED = frozenset(
    {
        "api", "blog", "changelog", "chat", "collections", "datasets", "docs", "join",
        "learn", "login", "models", "new", "new-dataset", "new-space", "organizations",
        "papers", "posts", "pricing", "search", "settings", "spaces", "tasks",
    }
)
_OSF_RESERVED = frozenset({"login", "about", "legal", "users", "files", "nodes", "terms"})


def _detail(parts: list[str]) -> str | None:
    """Join the path segments below a target into a detail string (None when empty)."""
    rest = "/".join(parts).strip("/")
    return rest or None


def _repo_name(name: str) -> str | None:
    """Return a valid repository name (without `.git`), or None.

    GitHub refuses repository names that end in `.git`, so `x.git.git` names no repository
    (and accepting it would make canonicalisation depend on how often it is applied).
    """
    if name.lower().endswith(".git"):
        name = name[:-4]
    if name.lower().endswith(".git"):
        return None
    return name if _REPO_NAME_RE.fullmatch(name) and name not in {".", ".."} else None


def _github(parts: list[str]) -> NormalisedLink | None:
    if len(parts) < 2 or not _GH_OWNER_RE.fullmatch(parts[0]):
        return None
    if parts[0].lower() in _GITHUB_RESERVED:
        return None
    repo = _repo_name(parts[1])
    if repo is None:
        return None
    target = f"{parts[0]}/{repo}"
    return NormalisedLink(
        f"https://github.com/{target}", LinkKind.GITHUB_REPO, "github.com", target,
        _detail(parts[2:]),
    )


def _huggingface(parts: list[str]) -> NormalisedLink | None:
    if not parts or not parts[0]:
        return None
    first = parts[0]
    if first == "papers" and len(parts) >= 2:
        arxiv_id = parse_arxiv_id(parts[1])
        if arxiv_id is None or "/" in arxiv_id:
            return None
        url = f"https://huggingface.co/papers/{arxiv_id}"
        return NormalisedLink(url, LinkKind.HF_PAPER, "huggingface.co", arxiv_id)
    prefix, kind, rest = "", LinkKind.HF_MODEL, parts
    if first in ("datasets", "spaces"):
        prefix = f"{first}/"
        kind = LinkKind.HF_DATASET if first == "datasets" else LinkKind.HF_SPACE
        rest = parts[1:]
    elif first.lower() in _HF_RESERVED:
        return None
    if kind is LinkKind.HF_DATASET and len(rest) >= 1 and (len(rest) == 1 or not rest[1]):
        # Legacy canonical datasets have no owner: huggingface.co/datasets/squad.
        legacy = _repo_name(rest[0])
        if legacy is None:
            return None
        url = f"https://huggingface.co/datasets/{legacy}"
        return NormalisedLink(url, kind, "huggingface.co", legacy)
    if len(rest) < 2 or not _GH_OWNER_RE.fullmatch(rest[0]):
        return None
    name = _repo_name(rest[1])
    if name is None:
        return None
    target = f"{rest[0]}/{name}"
    url = f"https://huggingface.co/{prefix}{target}"
    return NormalisedLink(url, kind, "huggingface.co", target, _detail(rest[2:]))


def _osf(parts: list[str], query: str) -> NormalisedLink | None:
    if not parts or not _OSF_GUID_RE.fullmatch(parts[0]):
        return None
    guid = parts[0].lower()
    if guid in _OSF_RESERVED:
        return None
    key = None
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "view_only" and _OSF_KEY_RE.fullmatch(value):
            key = value
            break
    url = f"https://osf.io/{guid}/" + (f"?view_only={key}" if key else "")
    return NormalisedLink(
        url, LinkKind.OSF_NODE, "osf.io", guid, _detail(parts[1:]),
        anonymous_review=key is not None, access_key=key,
    )


def _zenodo(record_id: str, detail: str | None = None) -> NormalisedLink:
    url = f"https://zenodo.org/records/{record_id}"
    return NormalisedLink(url, LinkKind.ZENODO_RECORD, "zenodo.org", record_id, detail)


def _arxiv(arxiv_id: str) -> NormalisedLink:
    url = f"https://arxiv.org/abs/{arxiv_id}"
    return NormalisedLink(url, LinkKind.ARXIV, "arxiv.org", arxiv_id)


def _doi(doi_text: str) -> NormalisedLink | None:
    doi = parse_doi(doi_text)
    if doi is None:
        return None
    arxiv_id = parse_arxiv_id(doi)
    if arxiv_id is not None:
        return _arxiv(arxiv_id)
    if m := _ZENODO_DOI_RE.fullmatch(doi):
        return _zenodo(m.group(1))
    if m := _FIGSHARE_DOI_RE.fullmatch(doi):
        return _host_link(link_hosts.figshare_item(m.group(1), m.group(2)))
    return NormalisedLink(f"https://doi.org/{doi}", LinkKind.DOI, "doi.org", doi)


def _host_link(match: link_hosts.HostMatch) -> NormalisedLink:
    return NormalisedLink(match.url, LinkKind(match.kind), match.host, match.target,
                          match.detail, access_key=match.access_key)


def _classify(host: str, path: str, query: str) -> NormalisedLink | None:
    """Recognise a known service from host and path; None means a plain web link."""
    parts = path.split("/")[1:] if path.startswith("/") else []
    if host == "github.com":
        return _github(parts)
    if host.endswith(".github.io") and host != "github.io":
        url = f"https://{host}{path}{query}"
        return NormalisedLink(url, LinkKind.PROJECT_PAGE, host, url)
    if host in ("huggingface.co", "hf.co"):
        return _huggingface(parts)
    if host == "osf.io":
        return _osf(parts, query.lstrip("?"))
    if host == "zenodo.org":
        if parts[:2] == ["api", "records"]:  # the API's file links name the record too
            parts = parts[1:]
        is_record = len(parts) >= 2 and parts[0] in ("record", "records")
        if is_record and _DIGITS_RE.fullmatch(parts[1]):
            return _zenodo(parts[1], _detail(parts[2:]))
        if len(parts) >= 3 and parts[0] == "doi":
            return _doi("/".join(parts[1:]))
        return None
    if host in ("arxiv.org", "export.arxiv.org"):
        arxiv_id = parse_arxiv_id(f"https://arxiv.org{path}")
        return _arxiv(arxiv_id) if arxiv_id else None
    if host in ("doi.org", "dx.doi.org"):
        return _doi(path[1:])
    return None


def normalise_url(raw: str) -> NormalisedLink | None:
    """Clean, canonicalise and classify one URL; None when it is not an http(s) URL.

    Deep links are reduced to the repository/record level with the rest kept in `detail`
    (a Zenodo record's file stays the record, `detail` "files/<name>"); shares on artefact
    hosts and direct file links get their own kinds (tracker.link_hosts); unrecognised hosts
    become `LinkKind.WEB` with the cleaned URL minus its fragment.
    """
    s = clean_url(raw)
    # Dropping the fragment can expose new trailing punctuation, hence the loop.
    for _ in range(len(s) + 2):
        nxt = clean_url(s.split("#", 1)[0])
        if nxt == s:
            break
        s = nxt
    m = _URL_PARTS_RE.fullmatch(s)
    # No store takes NUL (PostgreSQL) or a lone surrogate (no encoder does): not a URL.
    if m is None or any(c.isspace() or c == "\x00" or "\ud800" <= c <= "\udfff" for c in s):
        return None
    host, path, query = m.group(1), m.group(2), m.group(3) or ""
    if not _HOST_RE.fullmatch(host) or "_" in host.split(":")[0]:
        return None
    if "." not in host and not host.startswith("localhost"):
        return None
    link = _classify(host, path, query)
    if link is None or link.kind is LinkKind.PROJECT_PAGE:
        # A share on a file host, or a file served from any site (a project page included).
        match = link_hosts.classify_artefact_host(s, host, path, query)
        link = _host_link(match) if match is not None else link
    # A canonical form must itself be clean, or it would not survive a second pass.
    if link is not None and clean_url(link.url) == link.url:
        return link
    return NormalisedLink(s, LinkKind.WEB, host, s)


_CANDIDATE_RE = re.compile(
    r"(?:https?://|(?<![\w@./-])(?:www\.[\w-]+(?:\.[\w-]+)+|" + _KNOWN_HOSTS + r")/)"
    # Stop at whitespace, quotes, brackets, backslashes, LaTeX braces and CJK punctuation.
    "[^\\s<>\"'`\\\\\\[\\]{}\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09\u3011\u300d"
    "\u300f\u201c\u201d\u2018\u2019\u00ab\u00bb]*",
    re.IGNORECASE,
)


# "提取码: x1y2", "密码：x1y2", "(code: x1y2)" right after a Baidu link: its extraction code.
_BAIDU_CODE_RE = re.compile(
    r"[^\S\n]*[(（\[]?[^\S\n]*(?:提取码|密码|code|pwd|password)[^\S\n]*[:：=]?[^\S\n]*"
    r"([A-Za-z0-9]{4})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _with_baidu_code(link: NormalisedLink, text: str, end: int) -> NormalisedLink:
    """A Baidu share without a code in its URL takes the one written right after it."""
    if link.kind is not LinkKind.BAIDU_SHARE or link.detail:
        return link
    found = _BAIDU_CODE_RE.match(text, end)
    return replace(link, detail=f"pwd={found.group(1)}") if found else link


def extract_links(text: str) -> list[NormalisedLink]:
    """Return every URL in free text, normalised, in order of first appearance.

    Finds `http(s)://` URLs and bare known hosts (`github.com/o/r`, `huggingface.co/...`,
    `www.example.org/...`); duplicates by canonical URL are dropped. A Baidu Pan link
    followed by its extraction code ("提取码: x1y2") keeps the code as its detail.
    """
    seen: set[str] = set()
    links: list[NormalisedLink] = []
    for m in _CANDIDATE_RE.finditer(text):
        link = normalise_url(m.group(0))
        if link is not None:
            link = _with_baidu_code(link, text, m.end())
        if link is not None and link.url not in seen:
            seen.add(link.url)
            links.append(link)
    return links
