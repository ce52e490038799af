"""Recognise the hosts papers put weights and data on, and the direct links to such files.

Kinds (plain strings in ``link.kind``; :class:`tracker.links.LinkKind` names them):

- ``drive_file``: a Google Drive file (``file/d/ID/view``, ``open?id=``, ``uc?id=`` on
  drive.google.com, docs.google.com and drive.usercontent.google.com); canonical
  ``https://drive.google.com/file/d/ID/view``, target the file id;
- ``drive_folder``: a Drive folder (``drive/folders/ID``, ``drive/u/0/folders/ID``,
  ``folderview?id=``, ``embeddedfolderview?id=``); canonical
  ``https://drive.google.com/drive/folders/ID``. A ``resourcekey`` (older shares need it) is
  kept in the URL and as the access key;
- ``onedrive_share``: a OneDrive or SharePoint share (1drv.ms, onedrive.live.com with an item
  id, ``*.sharepoint.com/:u:/g/...`` style links and ``_layouts/15/*.aspx`` pages); the URL
  is kept whole (its query holds the share's key), detail ``file`` or ``folder``;
- ``dropbox_share``: ``dropbox.com/s/``, ``/sh/``, ``/scl/fi/``, ``/scl/fo/`` (also from
  dl.dropbox.com and dl.dropboxusercontent.com); canonical ``https://dropbox.com/<path>``
  with only ``rlkey`` kept (it grants access: also the access key), detail file or folder;
- ``baidu_share``: ``pan.baidu.com/s/KEY`` (and ``share/init?surl=``, ``yun.baidu.com``);
  canonical without the extraction code, which is kept as detail ``pwd=xxxx`` only: it is
  never sent anywhere;
- ``figshare_item``: ``figshare.com/articles/...ID[/VERSION]`` on figshare.com or an
  institution's ``*.figshare.com`` portal, ``api.figshare.com/v2/articles/ID``; canonical
  ``https://figshare.com/articles/ID`` (the DOI ``10.6084/m9.figshare.ID`` is mapped in
  tracker.links), detail ``v2`` when a version was linked;
- ``direct_file``: any other URL whose path ends in a weight, data or archive extension
  (:data:`FILE_EXTENSIONS`), and figshare's ``ndownloader`` file links; the URL is kept as
  written (minus its fragment).

Hosts are matched without ``www.`` (tracker.links strips it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

DRIVE_FILE = "drive_file"
DRIVE_FOLDER = "drive_folder"
ONEDRIVE_SHARE = "onedrive_share"
DROPBOX_SHARE = "dropbox_share"
BAIDU_SHARE = "baidu_share"
FIGSHARE_ITEM = "figshare_item"
DIRECT_FILE = "direct_file"

# A file behind the URL is a weight, a data file or an archive of either.
FILE_EXTENSIONS = (
    ".pth", ".pth.tar", ".ckpt", ".pt", ".bin", ".safetensors", ".gguf", ".ggml", ".onnx",
    ".h5", ".hdf5", ".keras", ".tflite", ".pb", ".caffemodel", ".pdparams", ".msgpack",
    ".nemo", ".joblib", ".pkl", ".pickle", ".npz", ".npy", ".mat", ".parquet", ".arrow",
    ".feather", ".tfrecord", ".jsonl", ".jsonl.gz", ".ndjson", ".csv", ".csv.gz", ".tsv",
    ".lmdb", ".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".7z",
    ".rar", ".gz", ".xz", ".zst",
)

_DRIVE_HOSTS = frozenset({"drive.google.com", "docs.google.com", "drive.usercontent.google.com"})
_DROPBOX_HOSTS = frozenset({"dropbox.com", "dl.dropbox.com", "dl.dropboxusercontent.com"})
_BAIDU_HOSTS = frozenset({"pan.baidu.com", "yun.baidu.com"})
_FIGSHARE_SERVICE_HOSTS = frozenset({"api.figshare.com", "ndownloader.figshare.com",
                                     "docs.figshare.com", "help.figshare.com",
                                     "knowledge.figshare.com", "info.figshare.com"})
_DRIVE_ID_RE = re.compile(r"[A-Za-z0-9_-]{10,}")
_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_BAIDU_KEY_RE = re.compile(r"[A-Za-z0-9_-]{5,}")
_SHAREPOINT_LINK_RE = re.compile(r":([a-z]):")
_DIGITS_RE = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class HostMatch:
    """An artefact-host URL recognised: its kind, canonical URL and identifiers."""

    kind: str
    url: str
    host: str
    target: str
    detail: str | None = None
    access_key: str | None = None


def _params(query: str) -> dict[str, str]:
    """The query's parameters (the first value of each name)."""
    found: dict[str, str] = {}
    for name, value in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        found.setdefault(name, value)
    return found


def _with_key(url: str, name: str, value: str | None) -> str:
    return f"{url}?{urlencode({name: value})}" if value else url


def _drive(parts: list[str], params: dict[str, str]) -> HostMatch | None:
    """Google Drive file and folder links."""
    key = params.get("resourcekey")
    key = key if key and _KEY_RE.fullmatch(key) else None
    file_id = folder_id = None
    if parts[:1] == ["file"] and "d" in parts[1:4]:
        at = parts.index("d", 1)
        file_id = parts[at + 1] if at + 1 < len(parts) else None
    elif parts[:1] in (["open"], ["uc"], ["download"]):
        file_id = params.get("id")
    elif parts[:1] == ["drive"] and "folders" in parts[1:4]:
        at = parts.index("folders", 1)
        folder_id = parts[at + 1] if at + 1 < len(parts) else None
    elif parts[:1] in (["folderview"], ["embeddedfolderview"]):
        folder_id = params.get("id")
    if file_id and _DRIVE_ID_RE.fullmatch(file_id):
        url = _with_key(f"https://drive.google.com/file/d/{file_id}/view", "resourcekey", key)
        return HostMatch(DRIVE_FILE, url, "drive.google.com", file_id, None, key)
    if folder_id and _DRIVE_ID_RE.fullmatch(folder_id):
        url = _with_key(f"https://drive.google.com/drive/folders/{folder_id}", "resourcekey",
                        key)
        return HostMatch(DRIVE_FOLDER, url, "drive.google.com", folder_id, None, key)
    return None


def _onedrive(host: str, path: str, query: str) -> HostMatch | None:
    """OneDrive (1drv.ms, onedrive.live.com) and SharePoint share links, kept whole."""
    parts = [p for p in path.split("/") if p]
    params = _params(query)
    detail: str | None = "file"
    if host == "1drv.ms":
        if len(parts) < 2:
            return None
        detail = "folder" if parts[0] == "f" else "file"
    elif host == "onedrive.live.com":
        if not {"resid", "id", "cid", "redeem"} & set(params):
            return None
        detail = None
    else:  # *.sharepoint.com
        code = _SHAREPOINT_LINK_RE.fullmatch(parts[0]) if parts else None
        is_page = "_layouts" in parts and path.lower().endswith(".aspx")
        if code is None and not is_page:
            return None
        detail = "folder" if code is not None and code.group(1) == "f" else \
            None if code is None else "file"
    url = f"https://{host}{path}{query}"
    return HostMatch(ONEDRIVE_SHARE, url, host, url, detail)


def _dropbox(parts: list[str], params: dict[str, str]) -> HostMatch | None:
    """Dropbox shared links: legacy /s/ and /sh/, current /scl/fi/ and /scl/fo/."""
    if len(parts) >= 2 and parts[0] in ("s", "sh") and _KEY_RE.fullmatch(parts[1]):
        detail = "file" if parts[0] == "s" else "folder"
    elif len(parts) >= 3 and parts[:2] in (["scl", "fi"], ["scl", "fo"]) \
            and _KEY_RE.fullmatch(parts[2]):
        detail = "file" if parts[1] == "fi" else "folder"
    else:
        return None
    target = "/".join(quote(p, safe="!$&'()*+,;=:@%") for p in parts)
    key = params.get("rlkey")
    key = key if key and _KEY_RE.fullmatch(key) else None
    url = _with_key(f"https://dropbox.com/{target}", "rlkey", key)
    return HostMatch(DROPBOX_SHARE, url, "dropbox.com", target, detail, key)


def _baidu(parts: list[str], params: dict[str, str]) -> HostMatch | None:
    """Baidu Pan shares; the extraction code stays a detail, never part of the URL."""
    key = None
    if len(parts) >= 2 and parts[0] == "s":
        key = parts[1]
    elif parts[:2] == ["share", "init"] and params.get("surl"):
        key = "1" + params["surl"]
    if key is None or not _BAIDU_KEY_RE.fullmatch(key):
        return None
    code = params.get("pwd") or params.get("password")
    detail = f"pwd={code}" if code and _KEY_RE.fullmatch(code) else None
    return HostMatch(BAIDU_SHARE, f"https://pan.baidu.com/s/{key}", "pan.baidu.com", key,
                     detail)


def figshare_item(article_id: str, version: str | None = None) -> HostMatch:
    """The canonical figshare item of an article id (and the version linked, as detail)."""
    return HostMatch(FIGSHARE_ITEM, f"https://figshare.com/articles/{article_id}",
                     "figshare.com", article_id, f"v{version}" if version else None)


def _figshare(host: str, parts: list[str]) -> HostMatch | None:
    """figshare articles on figshare.com, institutional portals and the API."""
    if host == "api.figshare.com":
        if len(parts) >= 3 and parts[:2] == ["v2", "articles"] and _DIGITS_RE.fullmatch(parts[2]):
            return figshare_item(parts[2])
        return None
    if host in _FIGSHARE_SERVICE_HOSTS or not parts or parts[0] != "articles":
        return None
    rest = parts[1:]
    if not rest or len(rest) > 4:
        return None
    if len(rest) >= 2 and rest[-1].isdigit() and rest[-2].isdigit() and len(rest[-1]) <= 3:
        article, version = rest[-2], rest[-1]
    elif rest[-1].isdigit():
        article, version = rest[-1], None
    else:
        return None
    return figshare_item(article, version) if _DIGITS_RE.fullmatch(article) else None


def is_file_path(path: str) -> bool:
    """True when a URL path names a weight, data or archive file by its extension."""
    return path.lower().endswith(FILE_EXTENSIONS)


def _is_figshare_download(host: str, parts: list[str]) -> bool:
    if host == "ndownloader.figshare.com":
        return parts[:1] == ["files"] and len(parts) >= 2
    return host.endswith("figshare.com") and parts[:2] == ["ndownloader", "files"]


def classify_artefact_host(url: str, host: str, path: str, query: str) -> HostMatch | None:
    """Recognise an artefact host or a direct file link; None means neither.

    ``url`` is the cleaned URL without its fragment, ``host`` its lower-case host without
    ``www.``, ``path`` starts with ``/`` (or is empty), ``query`` is empty or starts with ``?``.
    """
    parts = [p for p in path.split("/") if p]
    params = _params(query)
    bare = host.split(":")[0]
    found: HostMatch | None = None
    if bare in _DRIVE_HOSTS:
        found = _drive(parts, params)
    elif bare == "1drv.ms" or bare == "onedrive.live.com" or bare.endswith(".sharepoint.com"):
        found = _onedrive(bare, path, query)
    elif bare in _DROPBOX_HOSTS:
        found = _dropbox(parts, params)
    elif bare in _BAIDU_HOSTS:
        found = _baidu(parts, params)
    elif bare == "figshare.com" or bare.endswith(".figshare.com"):
        found = _figshare(bare, parts)
    if found is not None:
        return found
    if is_file_path(path) or _is_figshare_download(bare, parts):
        return HostMatch(DIRECT_FILE, url, host, url)
    return None
