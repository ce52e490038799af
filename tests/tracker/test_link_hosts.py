"""Examples for artefact-host links: Drive, OneDrive / SharePoint, Dropbox, Baidu Pan,
figshare and direct files, in the shapes READMEs write them."""

import pytest

from tracker.links import ARTEFACT_HOST_KINDS, LinkKind, extract_links, normalise_url

K = LinkKind
FILE_ID = "1AbCdEfGhIjKlMnOpQrStUv"
FOLDER_ID = "1XyZ_abcdefghijklmnop"
DRIVE_FILE = f"https://drive.google.com/file/d/{FILE_ID}/view"
DRIVE_FOLDER = f"https://drive.google.com/drive/folders/{FOLDER_ID}"


@pytest.mark.parametrize(
    "raw",
    [
        f"https://drive.google.com/file/d/{FILE_ID}/view?usp=sharing",
        f"https://drive.google.com/file/d/{FILE_ID}/view?usp=drive_link",
        f"https://drive.google.com/file/d/{FILE_ID}",
        f"https://drive.google.com/file/u/0/d/{FILE_ID}/edit",
        f"https://drive.google.com/open?id={FILE_ID}",
        f"https://drive.google.com/uc?id={FILE_ID}&export=download",
        f"https://drive.google.com/uc?export=download&id={FILE_ID}",
        f"https://docs.google.com/uc?export=download&id={FILE_ID}",
        f"https://drive.usercontent.google.com/download?id={FILE_ID}&export=download&confirm=t",
        f"http://drive.google.com/file/d/{FILE_ID}/view#heading",
    ],
)
def test_drive_file_shapes_share_one_canonical_url(raw: str) -> None:
    link = normalise_url(raw)
    assert link is not None
    assert (link.kind, link.url, link.target, link.host) == (
        K.DRIVE_FILE, DRIVE_FILE, FILE_ID, "drive.google.com")


@pytest.mark.parametrize(
    "raw",
    [
        f"https://drive.google.com/drive/folders/{FOLDER_ID}?usp=sharing",
        f"https://drive.google.com/drive/u/1/folders/{FOLDER_ID}",
        f"https://drive.google.com/drive/mobile/folders/{FOLDER_ID}?usp=drive_open",
        f"https://drive.google.com/embeddedfolderview?id={FOLDER_ID}#list",
        f"https://drive.google.com/folderview?id={FOLDER_ID}",
    ],
)
def test_drive_folder_shapes(raw: str) -> None:
    link = normalise_url(raw)
    assert link is not None
    assert (link.kind, link.url, link.target) == (K.DRIVE_FOLDER, DRIVE_FOLDER, FOLDER_ID)


def test_drive_resource_key_is_kept_in_the_url_and_as_the_access_key() -> None:
    link = normalise_url(f"https://drive.google.com/file/d/{FILE_ID}/view?usp=sharing"
                         "&resourcekey=0-AbC_dEf")
    assert link is not None and link.kind is K.DRIVE_FILE
    assert link.url == f"{DRIVE_FILE}?resourcekey=0-AbC_dEf"
    assert link.access_key == "0-AbC_dEf" and link.target == FILE_ID


def test_google_documents_are_not_artefact_shares() -> None:
    for raw in (f"https://docs.google.com/document/d/{FILE_ID}/edit",
                f"https://docs.google.com/spreadsheets/d/{FILE_ID}/edit#gid=0",
                "https://drive.google.com/file/d/short/view"):
        link = normalise_url(raw)
        assert link is not None and link.kind is K.WEB


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("https://contoso-my.sharepoint.com/:u:/g/personal/jane_doe_contoso_com/"
         "EaBcDeFgHiJkLmNoPqRsTuVwXyZ?e=AbC123", "file"),
        ("https://contoso.sharepoint.com/:f:/s/ResearchGroup/EqWeRtYuIoPaSdF?e=xYz789", "folder"),
        ("https://contoso-my.sharepoint.com/:f:/g/personal/jane_doe_contoso_com/EsFolder123",
         "folder"),
        ("https://contoso.sharepoint.com/:b:/r/sites/Lab/Shared%20Documents/paper.pdf?csf=1",
         "file"),
        ("https://contoso-my.sharepoint.com/personal/jane_doe_contoso_com/_layouts/15/"
         "onedrive.aspx?id=%2Fpersonal%2Fjane%2FDocuments%2Fckpt", None),
        ("https://1drv.ms/u/s!AkLmNoPqRsTuVwXyZ?e=abc123", "file"),
        ("https://1drv.ms/f/s!AkLmNoPqRsTuVwXyZ", "folder"),
        ("https://1drv.ms/f/c/0123456789abcdef/EgHiJkLmN", "folder"),
        ("https://onedrive.live.com/?authkey=%21ABCdef&id=89AB%21123&cid=89AB", None),
        ("https://onedrive.live.com/redir?resid=89AB%21123&authkey=%21ABCdef", None),
    ],
)
def test_onedrive_and_sharepoint_links_are_kept_whole(raw: str, detail: str | None) -> None:
    link = normalise_url(raw)
    assert link is not None
    assert link.kind is K.ONEDRIVE_SHARE and link.detail == detail
    assert link.url == raw and link.target == raw  # the query holds the share's key


def test_sharepoint_site_pages_and_bare_onedrive_are_web_pages() -> None:
    for raw in ("https://contoso.sharepoint.com/sites/Research",
                "https://onedrive.live.com/about/en-us/", "https://1drv.ms/"):
        link = normalise_url(raw)
        assert link is not None and link.kind is K.WEB


@pytest.mark.parametrize(
    ("raw", "url", "detail", "key"),
    [
        ("https://www.dropbox.com/scl/fi/abc123xyz/model_best.pth?rlkey=k3yk3y&dl=0",
         "https://dropbox.com/scl/fi/abc123xyz/model_best.pth?rlkey=k3yk3y", "file", "k3yk3y"),
        ("https://www.dropbox.com/scl/fo/fold3r/h?dl=0&rlkey=r1k2",
         "https://dropbox.com/scl/fo/fold3r/h?rlkey=r1k2", "folder", "r1k2"),
        ("https://www.dropbox.com/s/abc123/weights.zip?dl=1",
         "https://dropbox.com/s/abc123/weights.zip", "file", None),
        ("https://www.dropbox.com/sh/abc123/AADxyz-_q?dl=0",
         "https://dropbox.com/sh/abc123/AADxyz-_q", "folder", None),
        ("https://dl.dropboxusercontent.com/s/abc123/weights.zip",
         "https://dropbox.com/s/abc123/weights.zip", "file", None),
        ("https://dl.dropbox.com/scl/fi/abc123xyz/data.csv?rlkey=k3yk3y&raw=1",
         "https://dropbox.com/scl/fi/abc123xyz/data.csv?rlkey=k3yk3y", "file", "k3yk3y"),
    ],
)
def test_dropbox_links_keep_only_the_rlkey(raw: str, url: str, detail: str,
                                           key: str | None) -> None:
    link = normalise_url(raw)
    assert link is not None and link.kind is K.DROPBOX_SHARE
    assert (link.url, link.detail, link.access_key, link.host) == (url, detail, key, "dropbox.com")


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("https://pan.baidu.com/s/1AbCdEfGhIj?pwd=x1y2", "pwd=x1y2"),
        ("https://pan.baidu.com/s/1AbCdEfGhIj", None),
        ("https://pan.baidu.com/share/init?surl=AbCdEfGhIj&pwd=x1y2", "pwd=x1y2"),
        ("https://yun.baidu.com/s/1AbCdEfGhIj", None),
    ],
)
def test_baidu_extraction_code_is_a_detail_never_part_of_the_url(raw: str,
                                                                 detail: str | None) -> None:
    link = normalise_url(raw)
    assert link is not None and link.kind is K.BAIDU_SHARE
    assert link.url == "https://pan.baidu.com/s/1AbCdEfGhIj" and link.target == "1AbCdEfGhIj"
    assert link.detail == detail and "pwd" not in link.url and link.access_key is None


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("https://figshare.com/articles/dataset/Benchmark_data_2020/12345678", None),
        ("https://figshare.com/articles/dataset/Benchmark_data/12345678/2", "v2"),
        ("https://figshare.com/articles/12345678", None),
        ("https://figshare.com/articles/Benchmark_data/12345678", None),
        ("https://springernature.figshare.com/articles/dataset/Cells/12345678", None),
        ("https://doi.org/10.6084/m9.figshare.12345678.v3", "v3"),
        ("https://doi.org/10.6084/m9.figshare.12345678", None),
        ("https://api.figshare.com/v2/articles/12345678", None),
    ],
)
def test_figshare_items(raw: str, detail: str | None) -> None:
    link = normalise_url(raw)
    assert link is not None and link.kind is K.FIGSHARE_ITEM
    assert (link.url, link.target, link.detail) == (
        "https://figshare.com/articles/12345678", "12345678", detail)


def test_figshare_pages_that_are_not_items() -> None:
    for raw in ("https://figshare.com/browse", "https://figshare.com/articles/dataset/x",
                "https://docs.figshare.com/articles/12345"):
        link = normalise_url(raw)
        assert link is not None and link.kind is K.WEB


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.org/models/best.pth",
        "http://lab.example.edu/~jane/ckpt/model.ckpt",
        "https://example.org/weights/llama.Q4_K_M.gguf",
        "https://example.org/m/model.safetensors",
        "https://example.org/m/model.onnx",
        "https://example.org/m/model.h5",
        "https://example.org/m/pytorch_model.bin",
        "https://example.org/d/train.jsonl?download=1",
        "https://example.org/d/test.parquet",
        "https://example.org/d/labels.csv",
        "https://example.org/d/features.npz",
        "https://example.org/d/split.pkl",
        "https://example.org/d/DATA.ZIP",
        "https://example.org/d/release.tar.gz",
        "https://example.org/d/release.tgz",
        "https://raw.githubusercontent.com/o/r/main/weights/model.pt",
        "https://x.github.io/files/ckpt.tar.gz",
        "https://ndownloader.figshare.com/files/555123",
        "https://figshare.com/ndownloader/files/555123",
    ],
)
def test_direct_files_by_extension_on_any_host(raw: str) -> None:
    link = normalise_url(raw)
    assert link is not None and link.kind is K.DIRECT_FILE
    assert link.url == raw and link.target == raw


def test_service_hosts_keep_their_own_kinds_for_file_links() -> None:
    cases = {
        "https://zenodo.org/records/123/files/model.pth?download=1":
            (K.ZENODO_RECORD, "123", "files/model.pth"),
        "https://zenodo.org/record/123/files/data.zip":
            (K.ZENODO_RECORD, "123", "files/data.zip"),
        "https://zenodo.org/api/records/123/files/model.pth/content":
            (K.ZENODO_RECORD, "123", "files/model.pth/content"),
        "https://github.com/o/r/releases/download/v1/model.pth":
            (K.GITHUB_REPO, "o/r", "releases/download/v1/model.pth"),
        "https://huggingface.co/o/m/resolve/main/model.safetensors":
            (K.HF_MODEL, "o/m", "resolve/main/model.safetensors"),
    }
    for raw, (kind, target, detail) in cases.items():
        link = normalise_url(raw)
        assert link is not None and (link.kind, link.target, link.detail) == (kind, target, detail)


def test_pages_and_papers_are_not_files() -> None:
    for raw in ("https://example.org/paper.pdf", "https://example.org/index.html",
                "https://example.org/checkpoints/", "https://example.org/model.pth/readme"):
        link = normalise_url(raw)
        assert link is not None and link.kind is K.WEB


def test_a_readme_paragraph_yields_each_host_once() -> None:
    text = (
        "Checkpoints: [Google Drive](https://drive.google.com/file/d/" + FILE_ID
        + "/view?usp=sharing) | [Baidu](https://pan.baidu.com/s/1AbCdEfGhIj?pwd=x1y2) "
        "(code: x1y2), also on https://drive.google.com/open?id=" + FILE_ID + " and "
        "<https://www.dropbox.com/s/abc123/weights.zip?dl=0>. Data: "
        "https://figshare.com/articles/dataset/Data/12345678."
    )
    kinds = [(link.kind, link.target) for link in extract_links(text)]
    assert kinds == [
        (K.DRIVE_FILE, FILE_ID), (K.BAIDU_SHARE, "1AbCdEfGhIj"),
        (K.DROPBOX_SHARE, "s/abc123/weights.zip"), (K.FIGSHARE_ITEM, "12345678"),
    ]


def test_artefact_host_kinds_are_the_new_kinds() -> None:
    assert {str(kind) for kind in ARTEFACT_HOST_KINDS} == {
        "drive_file", "drive_folder", "onedrive_share", "dropbox_share", "baidu_share",
        "figshare_item", "direct_file"}


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("模型: https://pan.baidu.com/s/1AbCdEfGhIj 提取码: x1y2", "pwd=x1y2"),
        ("模型: https://pan.baidu.com/s/1AbCdEfGhIj 提取码：x1y2", "pwd=x1y2"),
        ("[Baidu](https://pan.baidu.com/s/1AbCdEfGhIj) (code: ab12)", "pwd=ab12"),
        ("https://pan.baidu.com/s/1AbCdEfGhIj (code: ab12)", "pwd=ab12"),
        ("https://pan.baidu.com/s/1AbCdEfGhIj 密码:Zz90 then more", "pwd=Zz90"),
        ("https://pan.baidu.com/s/1AbCdEfGhIj?pwd=q1w2 提取码: x1y2", "pwd=q1w2"),
        ("https://pan.baidu.com/s/1AbCdEfGhIj\ncode: x1y2", None),
        ("https://pan.baidu.com/s/1AbCdEfGhIj code: x1y2z", None),
    ],
)
def test_a_baidu_extraction_code_written_after_the_link_is_kept(text: str,
                                                                detail: str | None) -> None:
    [link] = extract_links(text)
    assert link.kind is K.BAIDU_SHARE and link.detail == detail
    assert link.url == "https://pan.baidu.com/s/1AbCdEfGhIj"


def test_artefact_hosts_written_without_a_scheme_are_found() -> None:
    text = (f"模型下载：pan.baidu.com/s/1AbCdEfGhIj 提取码：x1y2；备用 drive.google.com/drive/folders/"
            f"{FOLDER_ID} and www.dropbox.com/s/abc123/weights.zip?dl=0")
    found = [(link.kind, link.url, link.detail) for link in extract_links(text)]
    assert found == [
        (K.BAIDU_SHARE, "https://pan.baidu.com/s/1AbCdEfGhIj", "pwd=x1y2"),
        (K.DRIVE_FOLDER, DRIVE_FOLDER, None),
        (K.DROPBOX_SHARE, "https://dropbox.com/s/abc123/weights.zip", "file"),
    ]


def test_http_artefact_host_links_are_upgraded_but_other_files_keep_their_scheme() -> None:
    share = normalise_url("http://1drv.ms/u/s!AkLmNoPqRsTuVwXyZ")
    assert share is not None and share.url == "https://1drv.ms/u/s!AkLmNoPqRsTuVwXyZ"
    plain = normalise_url("http://lab.example.edu/ckpt/model.pth")
    assert plain is not None and plain.url == "http://lab.example.edu/ckpt/model.pth"
