"""figshare items through figshare's public API v2: files with sizes, license, embargo.

``GET {api}/articles/{id}`` answers the article with at most 10 files; when it lists 10, one
``GET {api}/articles/{id}/files?page_size=1000`` reads them all (more than 1,000 leaves the
listing incomplete, said in ``listing_gap``). Files in folders get their folder as a path
prefix (``folder_structure``). Status: 404 -> MISSING, 401/403 -> PRIVATE; a confidential
article or one whose downloads are disabled -> PRIVATE (nobody can have the files); an
embargoed one -> GATED (its files come later, or on request to the listed groups), like a
Zenodo embargo.
"""

from __future__ import annotations

from typing import Any

from tracker.kernel import LinkStatus, Observation
from tracker.sources.http import PoliteSession, endpoint_label
from tracker.sources.statuses import link_status

DEFAULT_FIGSHARE_API_URL = "https://api.figshare.com/v2"
ARTICLE_FILES_CAP = 10  # the article document lists at most this many files
FILES_PAGE_SIZE = 1000
MAX_FILE_NAMES = 2000


def _message(data: Any) -> str:
    message = data.get("message") if isinstance(data, dict) else None
    return f": {message}" if message else ""


def _access(article: dict[str, Any]) -> tuple[str, LinkStatus, str | None]:
    """(access_right, status, reason) of an article."""
    if article.get("is_confidential"):
        reason = article.get("confidential_reason") or "files are confidential"
        return "confidential", LinkStatus.PRIVATE, f"confidential: {reason}"
    if article.get("download_disabled"):
        return "download_disabled", LinkStatus.PRIVATE, "downloads are disabled"
    if article.get("is_embargoed"):
        until = article.get("embargo_date")
        when = f" until {until}" if until and until != "0" else ""
        kind = article.get("embargo_type") or "article"
        return "embargoed", LinkStatus.GATED, f"{kind} embargo{when}"
    return "open", LinkStatus.OK, None


def _file_entries(files: list[Any], folders: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for item in files:
        if not isinstance(item, dict) or not item.get("name"):
            continue
        folder = folders.get(str(item.get("id")))
        prefix = f"{str(folder).strip('/')}/" if folder else ""
        size = item.get("size") if isinstance(item.get("size"), int) else None
        entries.append({"path": prefix + str(item["name"]), "size": size,
                        **({"link_only": True} if item.get("is_link_only") else {})})
    return entries


def observe_figshare(session: PoliteSession, api_url: str, article_id: str,
                     observation: Observation) -> None:
    """Read one article (and its whole file list when the article shows only 10)."""
    url = f"{api_url}/articles/{article_id}"
    status, data, _ = session.get_json(url)
    observation.evidence.append(f"GET {endpoint_label(url)} -> {status}")
    said = f"HTTP {status}{_message(data)}"
    by_code, _ = link_status(status, "figshare")
    if by_code in (LinkStatus.MISSING, LinkStatus.PRIVATE, LinkStatus.BLOCKED):
        observation.status, observation.reason = by_code, said
        return
    if status != 200 or not isinstance(data, dict):
        observation.status = LinkStatus.ERROR
        observation.reason = f"unexpected {said}"
        return
    access_right, observation.status, observation.reason = _access(data)
    raw_files = data.get("files")
    files: list[Any] = raw_files if isinstance(raw_files, list) else []
    gap = None
    if len(files) >= ARTICLE_FILES_CAP:
        files_url = f"{url}/files"
        code, listed, _ = session.get_json(files_url, params={"page_size": FILES_PAGE_SIZE})
        observation.evidence.append(f"GET {endpoint_label(files_url)} -> {code}")
        if code == 200 and isinstance(listed, list):
            files = listed
            if len(listed) >= FILES_PAGE_SIZE:
                gap = f"only the first {FILES_PAGE_SIZE} files were listed"
        else:
            gap = f"the article lists {len(files)} files and its file list answered {code}"
    folders = data.get("folder_structure")
    folders = folders if isinstance(folders, dict) else {}
    entries = _file_entries(files, folders)
    if not entries and observation.status is not LinkStatus.OK:
        gap = f"the article's files are not shown ({access_right})"
    raw_license = data.get("license")
    license_info: dict[str, Any] = raw_license if isinstance(raw_license, dict) else {}
    options = data.get("embargo_options")
    options = options if isinstance(options, list) else []
    observation.facts.update(
        article_id=str(data.get("id", article_id)),
        title=data.get("title"),
        doi=data.get("doi"),
        published_date=data.get("published_date"),
        item_type=data.get("defined_type_name"),
        license=license_info.get("name"),
        license_url=license_info.get("url"),
        access_right=access_right,
        embargo_type=data.get("embargo_type") if data.get("is_embargoed") else None,
        embargo_date=data.get("embargo_date") if data.get("is_embargoed") else None,
        embargo_reason=data.get("embargo_reason") or None,
        embargo_options=[o.get("type") for o in options if isinstance(o, dict)],
        file_count=len(entries),
        files_total_size=sum(e["size"] or 0 for e in entries),
        file_names=entries[:MAX_FILE_NAMES],
        listing_complete=gap is None and len(entries) <= MAX_FILE_NAMES,
        listing_gap=gap or (f"only {MAX_FILE_NAMES} of {len(entries)} files were kept"
                            if len(entries) > MAX_FILE_NAMES else None),
    )
