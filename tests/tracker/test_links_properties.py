"""Property tests: URL cleaning and normalisation are total, idempotent and tidy."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.links import clean_url, extract_links, normalise_url

FORBIDDEN_ENDINGS = tuple(".,;:!?)]}'\"")

FRAGMENTS = [
    "https://", "http://", "HTTP://", "www.", "github.com/", "GitHub.com/", "huggingface.co/",
    "hf.co/", "datasets/", "spaces/", "papers/", "osf.io/", "zenodo.org/records/",
    "doi.org/", "10.5281/zenodo.", "10.48550/arXiv.", "arxiv.org/abs/", "2409.18433", "v2",
    "x.github.io/", "example.org", "o/", "r", ".git", "/tree/main/", "(", ")", "[", "]", "{",
    "}", ".", ",", ";", ":", "!", "?", "'", '"', "<", ">", "{GitHub}", "\\url{", "\\", "#",
    "?view_only=", "abc123", "e25mu", "&", "=", "%29", " ", "\n", "-", "_", "é", "\u3002",
    # artefact hosts and direct files
    "drive.google.com/", "docs.google.com/", "file/d/", "1AbCdEfGhIjKlMnOp", "/view",
    "drive/folders/", "open?id=", "uc?id=", "resourcekey=", "1drv.ms/", "u/s!", "f/",
    "x.sharepoint.com/", ":u:/g/", ":f:/s/", "dropbox.com/", "scl/fi/", "s/", "sh/",
    "?rlkey=", "dl=0", "pan.baidu.com/", "share/init?surl=", "pwd=", "figshare.com/",
    "articles/", "12345678", "10.6084/m9.figshare.", ".v2", "model.pth", ".tar.gz", ".csv",
]

url_ish = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)
anything = st.one_of(
    st.text(), url_ish, st.builds(lambda a, b: a + b, url_ish, st.text(max_size=8))
)


@settings(max_examples=400)
@given(anything)
def test_clean_url_never_crashes_and_is_idempotent(raw: str) -> None:
    cleaned = clean_url(raw)
    assert isinstance(cleaned, str)
    assert clean_url(cleaned) == cleaned
    assert not cleaned.endswith(FORBIDDEN_ENDINGS)


@settings(max_examples=400)
@given(anything)
def test_normalise_url_never_crashes_and_is_idempotent(raw: str) -> None:
    link = normalise_url(raw)
    if link is None:
        return
    assert link.url.startswith(("https://", "http://"))
    assert not link.url.endswith(FORBIDDEN_ENDINGS)
    assert clean_url(link.url) == link.url
    again = normalise_url(link.url)
    assert again is not None
    assert (again.url, again.kind, again.host, again.target) == (
        link.url, link.kind, link.host, link.target,
    )


@settings(max_examples=200)
@given(st.lists(st.one_of(url_ish, st.text(max_size=10)), max_size=6).map(" ".join))
def test_extract_links_never_crashes_and_is_deduplicated(text: str) -> None:
    urls = [link.url for link in extract_links(text)]
    assert len(urls) == len(set(urls))
    assert not any(url.endswith(FORBIDDEN_ENDINGS) for url in urls)
