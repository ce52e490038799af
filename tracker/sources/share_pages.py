"""Reading the pages of file-sharing hosts: what a share page says about the shared item.

Pure functions over what came back (status, where the redirects went, the body), so that each
host's wording is tested without a network. A share page says one of:

- the item is there (OK), with its name when the page names it, and for a Drive folder the
  entries of its listing;
- it was removed, never existed or its link expired (MISSING);
- it exists but access must be requested ("Request access", "You need permission": GATED,
  as a gated Hub repository);
- it is behind a login (a redirect to the host's sign-in page, a sign-in form served in its
  place, or a 401: PRIVATE);
- it was taken down for a terms-of-service or legal reason (BLOCKED);
- the host put a captcha in front of us (RATE_LIMITED: nothing is known about the item).

Markers are matched in the page's visible text (scripts and styles are skipped: a Drive page
carries every interface string of the product in its scripts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from tracker.kernel import LinkStatus
from tracker.sources.statuses import link_status

MAX_TEXT_CHARS = 20_000
MAX_ENTRIES = 2000

# Where a host sends an anonymous visitor of an item that needs an account.
LOGIN_HOSTS = frozenset({
    "accounts.google.com", "login.microsoftonline.com", "login.live.com",
    "login.windows.net", "passport.baidu.com",
})
_LOGIN_PATH_RE = re.compile(r"/(login|signin|sign-in|sign_in|sso|cas/login)(/|$|\?)", re.IGNORECASE)
# Bot walls: no answer about the item at all.
CAPTCHA_MARKERS = ("google.com/sorry", "wappass.baidu.com", "百度安全验证",
                   "unusual traffic from your computer network")

_COMMON = {
    LinkStatus.MISSING: (
        "does not exist", "doesn't exist", "no longer available", "has been deleted",
        "was deleted", "has been removed", "link has expired", "link expired",
        "can't find the page", "cannot find the page", "page not found", "item might not exist",
    ),
    LinkStatus.BLOCKED: (
        "removed for violating", "violation of our terms", "violates our terms",
        "in violation of", "copyright infringement", "disabled for legal reasons",
    ),
    LinkStatus.GATED: (
        "request access", "you need access", "you need permission", "ask for access",
        "access requested", "requires approval",
    ),
    # A sign-in form served in place of the item (no redirect): the item needs an account.
    LinkStatus.PRIVATE: (
        "to continue to google drive", "sign in to continue", "you need to sign in",
        "sign in to view", "log in to view", "login required",
    ),
}
_BAIDU = {
    LinkStatus.MISSING: ("页面不存在", "分享的文件已经被取消", "分享的文件已经被删除", "链接不存在",
                         "分享已过期", "链接已过期", "来晚了"),
    LinkStatus.BLOCKED: ("涉及侵权", "无法访问", "已被屏蔽"),
    LinkStatus.GATED: (),
    LinkStatus.PRIVATE: ("请登录后", "登录后查看"),
}
_BAIDU_CODE_MARKERS = ("请输入提取码", "提取码", "share/init")
# A page title is "<name> - Google Drive", "<name> - Dropbox", "<name>_免费高速下载|百度网盘...".
_TITLE_SUFFIX_RE = re.compile(
    r"\s*(?:[-–|]\s*(?:google drive|dropbox|onedrive|microsoft onedrive|sharepoint)"
    r"|_免费高速下载.*|\|\s*百度网盘.*)\s*$",
    re.IGNORECASE,
)
_GENERIC_TITLES = frozenset({"google drive", "dropbox", "onedrive", "sharepoint", "sign in",
                             "百度网盘", "meet google drive", "error 404 (not found)!!1"})
_DRIVE_FILE_HREF_RE = re.compile(r"/file/d/([A-Za-z0-9_-]{10,})")
_DRIVE_FOLDER_HREF_RE = re.compile(
    r"/(?:drive/(?:[^/]+/)*folders|folderview\?id=)/?([A-Za-z0-9_-]{10,})")


@dataclass
class PageReading:
    """What one share page showed: its title, the item's name, visible text, listed entries."""

    title: str | None = None
    og_title: str | None = None
    text: str = ""
    # (kind "file" | "folder", id, name) of a Drive folder listing's entries
    entries: list[tuple[str, str, str]] = field(default_factory=list)


class _ShareParser(HTMLParser):
    """Collects the title, og:title, visible text and Drive folder-listing entries."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.reading = PageReading()
        self._skip = 0  # inside <script> / <style>
        self._in_title = False
        self._title: list[str] = []
        self._text: list[str] = []
        self._text_len = 0
        self._href: str | None = None
        self._entry_title_depth = 0
        self._entry_name: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag == "title" and self.reading.title is None:
            self._in_title = True
        elif tag == "meta" and values.get("property") == "og:title":
            self.reading.og_title = values.get("content") or None
        elif tag == "a" and values.get("href"):
            self._href = urljoin(self.base_url, values["href"])
        if self._entry_title_depth:
            self._entry_title_depth += 1
        elif "flip-entry-title" in values.get("class", "").split():
            self._entry_title_depth = 1
            self._entry_name = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1
        elif tag == "title" and self._in_title:
            self._in_title = False
            self.reading.title = " ".join("".join(self._title).split())[:300] or None
        if self._entry_title_depth:
            self._entry_title_depth -= 1
            if not self._entry_title_depth:
                self._add_entry(" ".join("".join(self._entry_name).split()))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        if self._entry_title_depth:
            self._entry_name.append(data)
        if not self._skip and self._text_len < MAX_TEXT_CHARS:
            self._text.append(data)
            self._text_len += len(data)

    def _add_entry(self, name: str) -> None:
        if not name or not self._href or len(self.reading.entries) >= MAX_ENTRIES:
            return
        if match := _DRIVE_FOLDER_HREF_RE.search(self._href):
            self.reading.entries.append(("folder", match.group(1), name))
        elif match := _DRIVE_FILE_HREF_RE.search(self._href):
            self.reading.entries.append(("file", match.group(1), name))

    def close(self) -> None:
        super().close()
        self.reading.text = " ".join(" ".join(self._text).split())[:MAX_TEXT_CHARS]


def read_page(body: str, base_url: str) -> PageReading:
    """Parse a share page's HTML (never raises on malformed HTML)."""
    parser = _ShareParser(base_url)
    parser.feed(body)
    parser.close()
    return parser.reading


def is_login_redirect(location: str) -> bool:
    """True when a redirect leads to a sign-in page (the item needs an account)."""
    parts = urlsplit(location)
    host = parts.netloc.lower().split(":")[0]
    if host in LOGIN_HOSTS:
        return True
    return bool(_LOGIN_PATH_RE.search(parts.path + ("?" if parts.query else "")))


def is_captcha(location_or_text: str) -> bool:
    """True when a redirect target or a page is a host's bot wall."""
    lowered = location_or_text.lower()
    return any(marker in lowered for marker in CAPTCHA_MARKERS)


def item_name(reading: PageReading) -> str | None:
    """The shared item's name from og:title or the title, minus the host's suffix."""
    for candidate in (reading.og_title, reading.title):
        if not candidate:
            continue
        name = _TITLE_SUFFIX_RE.sub("", candidate.strip()).strip()
        if name and name.lower() not in _GENERIC_TITLES:
            return name[:300]
    return None


def judge_page(
    family: str, code: int, reading: PageReading | None
) -> tuple[LinkStatus, str | None]:
    """The status a share page's HTTP code and visible text give, with the reason.

    ``family`` is ``drive``, ``onedrive``, ``dropbox`` or ``baidu``. A page whose wording
    matches nothing is taken at its HTTP code: 2xx OK, 404/410 MISSING, 401 and 403 PRIVATE
    (no permission, nothing to request), 451 BLOCKED.
    """
    text = (reading.text if reading else "").lower()
    title = ((reading.title or "") if reading else "").lower()
    if reading is not None and (is_captcha(text) or is_captcha(title)):
        return LinkStatus.RATE_LIMITED, "the host answered with a captcha page"
    markers = _BAIDU if family == "baidu" else _COMMON
    by_code = link_status(code, "share_page")
    # Gone, blocked or a login wall: the code says it all. Any other page may say more.
    if by_code[0] in (LinkStatus.MISSING, LinkStatus.BLOCKED) or code == 401:
        return by_code
    for status in (LinkStatus.BLOCKED, LinkStatus.MISSING, LinkStatus.GATED, LinkStatus.PRIVATE):
        said = next((m for m in markers[status] if m in text or m in title), None)
        if said is not None:
            return status, f"the page says {said!r}"
    return by_code


def baidu_code_required(reading: PageReading | None, final_url: str) -> bool:
    """True when a Baidu share asks for its extraction code (its own page, or share/init)."""
    if "share/init" in final_url:
        return True
    text = reading.text if reading else ""
    return any(marker in text for marker in _BAIDU_CODE_MARKERS[:2])


def name_from_path(url: str) -> str | None:
    """The last path segment of a URL, unquoted (a file's name in most download links)."""
    segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return unquote(segment) or None
