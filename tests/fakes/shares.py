"""A loopback fake of file hosts and share pages, with fixture `fake_shares`.

One server, one prefix per host family (the source's endpoints point there):

- ``/files/...``: direct downloads that honour HEAD and ``Range: bytes=a-b`` (206 with
  ``Content-Range``), with variants: HEAD refused (405), HEAD that lies (404 while GET
  works, as signed-URL CDNs do), Range ignored (a plain 200), a redirect to a "CDN" path, a
  permanent move, a login redirect, an HTML landing page, 403, 404 and 410;
- ``/drive/file/d/{id}/view`` and ``/drive/embeddedfolderview?id=``: Drive's file page and
  its plain folder listing (``flip-entry`` rows), removed (404), request-access, login
  redirect, terms-of-service removal and captcha variants;
- ``/onedrive/...``: a 1drv.ms short link redirecting twice, SharePoint "anyone" and
  organisation-only links, an expired link, a request-access page;
- ``/dropbox/...``: file and folder pages, a deleted link (404), a "was deleted" page, a
  team-only link (login redirect);
- ``/baidu/...``: a share asking for its extraction code (302 to ``share/init``), an open
  share, cancelled, missing, blocked, captcha and login variants (Baidu answers 200 and says
  it in the page);
- ``/figshare/v2/articles/{id}`` (and ``/files``): public, 12-file (the article shows 10),
  embargoed, confidential and unknown articles, in the API's JSON shape.

The pages are written for these tests; they only follow the hosts' patterns (status codes,
redirect targets, where a name or a listing appears).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from fakes.server import FakeRequest, FakeResponse, FakeServer

HTML = "text/html; charset=utf-8"
DRIVE_FILE_OK = "1DriveFileOk_abcdefgh"
DRIVE_FOLDER_OK = "1DriveFolderOk_abcdef"
DRIVE_SUBFOLDER = "1DriveSubfolder_abcde"


@dataclass
class FakeFile:
    """A downloadable file and how its host misbehaves."""

    size: int
    content_type: str = "application/octet-stream"
    head: str = "ok"  # ok | refused (405) | lies (404 on HEAD only) | forbidden (403, signed URL)
    ranges: bool = True
    disposition: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


def _page(title: str, body: str, *, og_title: str | None = None, script: str = "") -> str:
    og = f'<meta property="og:title" content="{og_title}">' if og_title else ""
    return (f"<!doctype html><html><head>{og}<title>{title}</title>"
            f"<script>{script}</script></head><body>{body}</body></html>")


# Interface strings in a script must never be read as what the page says.
_DRIVE_SCRIPT = 'var strings={"a":"Request access","b":"Sorry, the file does not exist"};'


def drive_file_page(name: str) -> str:
    """A Drive file viewer page naming the file."""
    return _page(f"{name} - Google Drive", '<div role="main">Preview</div>', og_title=name,
                 script=_DRIVE_SCRIPT)


def drive_folder_listing(title: str, entries: list[tuple[str, str, str]]) -> str:
    """Drive's embedded folder view: one ``flip-entry`` per file or folder."""
    rows = []
    for kind, entry_id, name in entries:
        href = (f"https://drive.google.com/drive/folders/{entry_id}" if kind == "folder"
                else f"https://drive.google.com/file/d/{entry_id}/view?usp=drive_web")
        rows.append(
            f'<div class="flip-entry" id="entry-{entry_id}"><div class="flip-entry-info">'
            f'<a href="{href}" target="_blank"><div class="flip-entry-list-icon"></div>'
            f'<div class="flip-entry-title">{name}</div></a></div>'
            f'<div class="flip-entry-last-modified"><div>Mar 1, 2024</div></div></div>')
    return _page(title, f'<div class="flip-entries">{"".join(rows)}</div>',
                 script=_DRIVE_SCRIPT)


class FakeShares(FakeServer):
    """Direct downloads, share pages of four hosts and figshare's API on one server."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, FakeFile] = {}
        self.pages: dict[str, FakeResponse] = {}
        self.folders: dict[str, FakeResponse] = {}
        self.articles: dict[str, FakeResponse] = {}
        self.article_files: dict[str, list[dict[str, Any]]] = {}
        self.route("GET", r"/figshare/v2/articles/(\d+)", self._article)
        self.route("GET", r"/figshare/v2/articles/(\d+)/files", self._article_files)
        self.route("GET", r"/drive/embeddedfolderview", self._folder)
        self.route("GET", r".*", self._get)
        self.route("HEAD", r".*", self._head)

    # -- building --------------------------------------------------------------
    def add_file(self, path: str, file: FakeFile) -> None:
        """Serve a downloadable file at ``path``."""
        self.files[path] = file

    def add_page(self, path: str, body: str = "", status: int = 200,
                 headers: dict[str, str] | None = None) -> None:
        """Serve an HTML page (or any status) at ``path`` for GET and HEAD."""
        self.pages[path] = FakeResponse(status, body, {"Content-Type": HTML, **(headers or {})})

    def add_redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect ``path`` to ``location`` (relative, or absolute to another host)."""
        self.add_page(path, "", status, {"Location": location})

    def add_folder(self, folder_id: str, body: str, status: int = 200,
                   headers: dict[str, str] | None = None) -> None:
        """Answer ``/drive/embeddedfolderview?id=folder_id``."""
        self.folders[folder_id] = FakeResponse(status, body,
                                               {"Content-Type": HTML, **(headers or {})})

    def add_article(self, article_id: int, files: list[tuple[str, int]] | None = None,
                    **fields: Any) -> dict[str, Any]:
        """Publish a figshare article; returns the JSON the API answers."""
        listed = [
            {"id": 9000 + i, "name": name, "size": size, "is_link_only": False,
             "download_url": f"https://ndownloader.figshare.com/files/{9000 + i}",
             "supplied_md5": "", "computed_md5": "0" * 32, "mimetype": "application/octet-stream"}
            for i, (name, size) in enumerate(files or [])
        ]
        article: dict[str, Any] = {
            "id": article_id, "title": f"Data of article {article_id}",
            "doi": f"10.6084/m9.figshare.{article_id}",
            "url": f"https://api.figshare.com/v2/articles/{article_id}",
            "figshare_url": f"https://figshare.com/articles/dataset/x/{article_id}",
            "published_date": "2024-03-01T10:00:00Z", "defined_type": 3,
            "defined_type_name": "dataset", "version": 1,
            "license": {"value": 1, "name": "CC BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
            "is_embargoed": False, "embargo_date": None, "embargo_type": "article",
            "embargo_title": "", "embargo_reason": "", "embargo_options": [],
            "is_confidential": False, "confidential_reason": "", "download_disabled": False,
            "folder_structure": {}, "files": listed[:10],
        }
        article.update(fields)
        self.articles[str(article_id)] = FakeResponse.json(article)
        self.article_files[str(article_id)] = listed
        return article

    def stock(self) -> FakeShares:
        """Install every variant the tests rely on."""
        self._stock_files()
        self._stock_drive()
        self._stock_onedrive()
        self._stock_dropbox()
        self._stock_baidu()
        self._stock_figshare()
        return self

    def _stock_files(self) -> None:
        self.add_file("/files/ckpt/model_best.pth",
                      FakeFile(4_000_000, disposition='attachment; filename="model_best.pth"'))
        self.add_file("/files/head-refused/train.parquet", FakeFile(3_000_000, head="refused"))
        self.add_file("/files/signed/weights.safetensors", FakeFile(2_500_000, head="forbidden"))
        self.add_file("/files/head-lies/data.zip", FakeFile(1_500_000, head="lies"))
        self.add_file("/files/no-range/labels.csv", FakeFile(20_000, content_type="text/csv",
                                                             ranges=False, head="refused"))
        self.add_file("/files/empty.npz", FakeFile(0))
        self.add_file("/cdn/blob/8f3a", FakeFile(
            5_000_000, disposition="attachment; filename*=UTF-8''pretrained%20model.ckpt"))
        self.add_redirect("/files/release/model.ckpt", "/cdn/blob/8f3a", 302)
        self.add_redirect("/files/old/model_best.pth", "/files/ckpt/model_best.pth", 301)
        self.add_redirect("/files/private/weights.pth",
                          "https://accounts.google.com/ServiceLogin?continue=x", 302)
        self.add_redirect("/files/sso/data.tar.gz", "/idp/login?next=/files/sso/data.tar.gz", 302)
        self.add_page("/files/landing/model.pth",
                      _page("Download", "<p>Fill in the form to download</p>"))
        self.add_page("/files/denied/model.pth", "<Error><Code>AccessDenied</Code></Error>",
                      403, {"Content-Type": "application/xml"})
        self.add_page("/files/gone/model.pth", "<h1>Gone</h1>", 410)

    def _stock_drive(self) -> None:
        self.add_page(f"/drive/file/d/{DRIVE_FILE_OK}/view", drive_file_page("resnet50_best.pth"))
        self.add_page("/drive/file/d/1DriveFileGone_abcdefg/view",
                      _page("Google Drive - Page Not Found",
                            "<p>Sorry, the file you have requested does not exist.</p>"), 404)
        self.add_page("/drive/file/d/1DriveFileAsk_abcdefgh/view",
                      _page("Google Drive", "<h1>You need access</h1><p>Ask for access, or "
                            "switch to an account with access.</p><button>Request access</button>"))
        self.add_redirect("/drive/file/d/1DriveFileLogin_abcdef/view",
                          "https://accounts.google.com/ServiceLogin?service=wise&continue=x")
        self.add_page("/drive/file/d/1DriveFileSignin_abcde/view",
                      _page("Google Drive: Sign-in", "<h1>Sign in</h1><p>to continue to Google "
                            "Drive</p><input type=email>"))
        self.add_page("/drive/file/d/1DriveFileTos_abcdefgh/view",
                      _page("Google Drive", "<p>This item has been removed for violating our "
                            "Terms of Service.</p>"), 403)
        self.add_redirect("/drive/file/d/1DriveFileBusy_abcdefg/view",
                          "https://www.google.com/sorry/index?continue=x")
        self.add_redirect(f"/drive/file/d/{DRIVE_FOLDER_OK}/view",
                          f"/drive/drive/folders/{DRIVE_FOLDER_OK}")
        self.add_folder(DRIVE_FOLDER_OK, drive_folder_listing("checkpoints", [
            ("file", "1FileA_abcdefghijk", "vit_b16.pth"),
            ("file", "1FileB_abcdefghijk", "README.txt"),
            ("folder", DRIVE_SUBFOLDER, "data"),
        ]))
        self.add_folder(DRIVE_SUBFOLDER, drive_folder_listing("data", [
            ("file", "1FileC_abcdefghijk", "train.jsonl"),
        ]))
        self.add_folder("1DriveFolderGone_abcde", "<h1>Not Found</h1>", 404)
        self.add_folder("1DriveFolderLogin_abcd", "", 302,
                        {"Location": "https://accounts.google.com/ServiceLogin?continue=x"})

    def _stock_onedrive(self) -> None:
        self.add_redirect("/onedrive/u/s!AkOk", "/onedrive/redir?resid=AB%21101&authkey=%21k",
                          301)
        self.add_redirect("/onedrive/redir", "/onedrive/?cid=AB&id=AB%21101&authkey=%21k", 302)
        self.add_page("/onedrive/", _page("checkpoint_epoch50.ckpt - OneDrive", "<div></div>"))
        self.add_redirect("/onedrive/:u:/g/personal/jane_lab_edu/EaOk",
                          "/onedrive/personal/jane_lab_edu/_layouts/15/onedrive.aspx?id=%2Fx")
        self.add_page("/onedrive/personal/jane_lab_edu/_layouts/15/onedrive.aspx",
                      _page("OneDrive", "<div>Shared files</div>"))
        self.add_redirect("/onedrive/:f:/s/Lab/EqOrgOnly",
                          "https://login.microsoftonline.com/common/oauth2/authorize?x=1")
        self.add_page("/onedrive/:u:/g/personal/jane_lab_edu/EaExpired",
                      _page("Error", "<p>This item might not exist or is no longer "
                            "available</p><p>This item might have been deleted, expired, or "
                            "you might not have permission to view it.</p>"), 404)
        self.add_page("/onedrive/:u:/g/personal/jane_lab_edu/EaAsk",
                      _page("Access required", "<p>You need permission to access this item."
                            "</p><button>Request access</button>"), 403)

    def _stock_dropbox(self) -> None:
        self.add_page("/dropbox/scl/fi/okid/model_best.pth",
                      _page("Dropbox - model_best.pth - Simplify your life", "<div></div>",
                            og_title="model_best.pth"))
        self.add_page("/dropbox/sh/okfolder/AAx", _page("Dropbox - dataset", "<div></div>",
                                                          og_title="dataset"))
        self.add_page("/dropbox/s/gone/weights.zip",
                      _page("Dropbox - 404", "<h1>Error (404)</h1><p>We can't find the page "
                            "you're looking for.</p>"), 404)
        self.add_page("/dropbox/scl/fi/deleted/data.zip",
                      _page("Dropbox", "<p>This file was deleted.</p>"))
        self.add_redirect("/dropbox/scl/fo/teamonly/h",
                          "https://www.dropbox.com/login?cont=https%3A%2F%2Fwww.dropbox.com")

    def _stock_baidu(self) -> None:
        self.add_redirect("/baidu/s/1okCode", "/baidu/share/init?surl=okCode")
        self.add_page("/baidu/share/init", _page("百度网盘 请输入提取码",
                                                 "<p>请输入提取码：</p><button>提取文件</button>"))
        self.add_page("/baidu/s/1okOpen",
                      _page("checkpoints.zip_免费高速下载|百度网盘-分享无限制", "<div></div>"))
        self.add_page("/baidu/s/1gone", _page("百度网盘-链接不存在",
                                              "<p>啊哦，你所访问的页面不存在了。</p>"))
        self.add_page("/baidu/s/1cancel", _page("百度网盘", "<p>分享的文件已经被取消了</p>"))
        self.add_page("/baidu/s/1blocked", _page("百度网盘", "<p>此链接分享内容可能因为涉及侵权、"
                                                 "色情、反动、低俗等信息，无法访问！</p>"))
        self.add_redirect("/baidu/s/1captcha",
                          "https://wappass.baidu.com/static/captcha/tuxing.html?ak=x")
        self.add_redirect("/baidu/s/1login", "https://passport.baidu.com/v2/?login")

    def _stock_figshare(self) -> None:
        self.add_article(1001, [("model.pth", 400_000_000), ("train.csv", 12_345),
                                ("README.txt", 900)],
                         folder_structure={"9001": "data"})
        self.add_article(1002, [(f"shard_{i:02d}.parquet", 1000 + i) for i in range(12)])
        self.add_article(1003, [], is_embargoed=True, embargo_date="2031-01-01",
                         embargo_reason="Under review", embargo_options=[
                             {"id": 1, "type": "logged_in", "ip_name": ""}])
        self.add_article(1004, [("patients.csv", 5_000)], is_confidential=True,
                         confidential_reason="Contains personal data")

    # -- handlers --------------------------------------------------------------
    def _head(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        file = self.files.get(request.path)
        if file is None:
            return self._get(request, match)
        if file.head == "refused":
            return FakeResponse(405, b"", {"Allow": "GET"})
        if file.head == "lies":
            return FakeResponse(404, b"")
        if file.head == "forbidden":
            return FakeResponse(403, b"", {"Content-Type": "application/xml"})
        return self._serve(file, request)

    def _get(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        file = self.files.get(request.path)
        if file is not None:
            return self._serve(file, request)
        page = self.pages.get(request.path)
        if page is None:
            return FakeResponse(404, _page("Not Found", "<h1>Not Found</h1>"),
                                {"Content-Type": HTML})
        return page

    def _serve(self, file: FakeFile, request: FakeRequest) -> FakeResponse:
        headers = {"Content-Type": file.content_type, **file.extra_headers}
        if file.disposition:
            headers["Content-Disposition"] = file.disposition
        if file.ranges:
            headers["Accept-Ranges"] = "bytes"
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", request.header("Range") or "")
        if wanted and file.ranges:
            start = int(wanted.group(1))
            if start >= file.size:
                return FakeResponse(416, b"", {**headers, "Content-Range": f"bytes */{file.size}"})
            end = min(int(wanted.group(2) or file.size - 1), file.size - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{file.size}"
            return FakeResponse(206, b"\0" * (end - start + 1), headers)
        return FakeResponse(200, b"\0" * file.size, headers)

    def _folder(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        folder_id = (request.query.get("id") or [""])[0]
        answer = self.folders.get(folder_id)
        if answer is None:
            return FakeResponse(404, _page("Not Found", "<h1>Not Found</h1>"),
                                {"Content-Type": HTML})
        return answer

    def _article(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        answer = self.articles.get(match.group(1))
        if answer is None:
            return FakeResponse.json({"message": "Entity not found: article",
                                      "code": "EntityNotFound"}, 404)
        return answer

    def _article_files(self, request: FakeRequest, match: re.Match[str]) -> FakeResponse:
        if match.group(1) not in self.articles:
            return FakeResponse.json({"message": "Entity not found: article",
                                      "code": "EntityNotFound"}, 404)
        size = int((request.query.get("page_size") or ["10"])[0])
        return FakeResponse.json(self.article_files[match.group(1)][:size])


@pytest.fixture
def fake_shares() -> Iterator[FakeShares]:
    """A running FakeShares with every stock variant installed."""
    with FakeShares() as server:
        server.stock()
        yield server
