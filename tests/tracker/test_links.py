"""Examples for tracker.links: cleaning, canonicalising, classifying and extracting URLs."""

from pathlib import Path

import pytest

from tracker.links import LinkKind, NormalisedLink, clean_url, extract_links, normalise_url

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "daily-papers.txt"

SEED_URLS = [
    "https://github.com/EIT-NLP/LLaSO",
    "https://github.com/VisionXLab/Earth-Adapter",
    "https://github.com/zanchangtong/CSR4mBART",
    "https://github.com/psunlpgroup/FoVer",
    "https://github.com/HaitaoWuTJU/Uncertainty-aware-Blur-Prior",
    "https://github.com/owenzx/data4comp",
    "https://lucky-light-sun.github.io/proj/shortcut-learning-in-grps/",
    "https://github.com/rioyokotalab/optimal-sparsity",
    "https://github.com/swarnaHub/ExplanationHardness",
    "https://github.com/NeverMoreLCH/MSCG",
    "https://github.com/FreedomIntelligence/Med-MAT",
    "https://github.com/shlomenu/symbolically_synthesized_networks",
    "https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18",
    "https://huggingface.co/datasets/furonghuang-lab/Easy2Hard-Bench",
    "https://huggingface.co/YiDuo1999/Llama-3-Physician-8B-Instruct",
]


def test_seed_file_yields_exactly_the_known_links() -> None:
    links = extract_links(SEED.read_text(encoding="utf-8"))
    assert [link.url for link in links] == SEED_URLS


def test_seed_file_kinds() -> None:
    kinds = [link.kind for link in extract_links(SEED.read_text(encoding="utf-8"))]
    assert kinds.count(LinkKind.GITHUB_REPO) == 11
    assert kinds[6] is LinkKind.PROJECT_PAGE
    assert kinds[-3:] == [LinkKind.OSF_NODE, LinkKind.HF_DATASET, LinkKind.HF_MODEL]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/EIT-NLP/LLaSO.", "https://github.com/EIT-NLP/LLaSO"),
        ("https://github.com/o/r{GitHub}.", "https://github.com/o/r"),
        ("https://github.com/o/r}", "https://github.com/o/r"),
        ("https://github.com/o/r}}.", "https://github.com/o/r"),
        ("\\url{https://github.com/o/r}", "https://github.com/o/r"),
        ("\\href{https://github.com/o/r}{code}", "https://github.com/o/r"),
        ("https://github.com/o/r\\footnote", "https://github.com/o/r"),
        ("[code](https://github.com/o/r)", "https://github.com/o/r"),
        ("[code](https://github.com/o/r).", "https://github.com/o/r"),
        ("(https://github.com/o/r)", "https://github.com/o/r"),
        ("(see https://x.org/a)", "see https://x.org/a"),
        ("<https://github.com/o/r>", "https://github.com/o/r"),
        ('"https://github.com/o/r",', "https://github.com/o/r"),
        ("'https://github.com/o/r'", "https://github.com/o/r"),
        ("**https://github.com/o/r**", "https://github.com/o/r"),
        ("https://github.com/o/r);", "https://github.com/o/r"),
        ("https://github.com/o/r?!", "https://github.com/o/r"),
        ("HTTP://WWW.GitHub.COM/O/R", "https://github.com/O/R"),
        ("http://example.org/Path", "http://example.org/Path"),  # other sites keep their scheme
        ("HTTP://WWW.Example.org/Path", "http://example.org/Path"),
        ("https://example.org/Path", "https://example.org/Path"),
        ("github.com/o/r", "https://github.com/o/r"),
        ("www.example.org/x", "https://example.org/x"),
        # a balanced closing bracket belongs to the URL; it is escaped, never left at the end
        ("https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar%29"),
        ("  https://x.org/a  ", "https://x.org/a"),
        ("", ""),
        ("...", ""),
        ("not a url", "not a url"),
    ],
)
def test_clean_url(raw: str, expected: str) -> None:
    assert clean_url(raw) == expected
    assert clean_url(expected) == expected


GH = "https://github.com/EIT-NLP/LLaSO"
HF = "https://huggingface.co"
K = LinkKind


@pytest.mark.parametrize(
    ("raw", "url", "kind", "target", "detail"),
    [
        # GitHub repositories: deep links are reduced to the repository
        (GH, GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", None),
        ("http://www.github.com/EIT-NLP/LLaSO/", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", None),
        (GH + ".git", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", None),
        ("GITHUB.COM/0/.GIT.GIT", "https://github.com/0/.GIT.GIT", K.WEB,  # no repo ends in .git
         "https://github.com/0/.GIT.GIT", None),
        (GH + "/tree/main/src/", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", "tree/main/src"),
        (GH + "/blob/main/README.md#install", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO",
         "blob/main/README.md"),
        (GH + "/releases/tag/v1.0", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", "releases/tag/v1.0"),
        (GH + "?tab=readme-ov-file", GH, K.GITHUB_REPO, "EIT-NLP/LLaSO", None),
        # GitHub pages that are not repositories
        ("https://github.com/EIT-NLP", "https://github.com/EIT-NLP", K.WEB,
         "https://github.com/EIT-NLP", None),
        ("https://github.com/orgs/x/repositories", "https://github.com/orgs/x/repositories",
         K.WEB, "https://github.com/orgs/x/repositories", None),
        ("https://gist.github.com/u/abc123", "https://gist.github.com/u/abc123", K.WEB,
         "https://gist.github.com/u/abc123", None),
        # project pages keep their path (and trailing slash) as written
        ("https://lucky-light-sun.github.io/proj/shortcut-learning-in-grps/.",
         "https://lucky-light-sun.github.io/proj/shortcut-learning-in-grps/", K.PROJECT_PAGE,
         "https://lucky-light-sun.github.io/proj/shortcut-learning-in-grps/", None),
        ("https://Foo.GitHub.io/Page#top", "https://foo.github.io/Page", K.PROJECT_PAGE,
         "https://foo.github.io/Page", None),
        # Hugging Face
        (HF + "/datasets/furonghuang-lab/Easy2Hard-Bench.",
         HF + "/datasets/furonghuang-lab/Easy2Hard-Bench", K.HF_DATASET,
         "furonghuang-lab/Easy2Hard-Bench", None),
        (HF + "/datasets/o/n/tree/main/data", HF + "/datasets/o/n", K.HF_DATASET, "o/n",
         "tree/main/data"),
        (HF + "/datasets/squad", HF + "/datasets/squad", K.HF_DATASET, "squad", None),
        (HF + "/spaces/o/demo", HF + "/spaces/o/demo", K.HF_SPACE, "o/demo", None),
        (HF + "/YiDuo1999/Llama-3-Physician-8B-Instruct",
         HF + "/YiDuo1999/Llama-3-Physician-8B-Instruct", K.HF_MODEL,
         "YiDuo1999/Llama-3-Physician-8B-Instruct", None),
        (HF + "/o/m/resolve/main/model.safetensors?download=true", HF + "/o/m", K.HF_MODEL,
         "o/m", "resolve/main/model.safetensors"),
        (HF + "/o/m/blob/main/README.md", HF + "/o/m", K.HF_MODEL, "o/m", "blob/main/README.md"),
        ("https://hf.co/o/m", HF + "/o/m", K.HF_MODEL, "o/m", None),
        ("huggingface.co/o/m", HF + "/o/m", K.HF_MODEL, "o/m", None),
        (HF + "/papers/2409.18433", HF + "/papers/2409.18433", K.HF_PAPER, "2409.18433", None),
        (HF + "/papers/2409.18433v2", HF + "/papers/2409.18433", K.HF_PAPER, "2409.18433", None),
        (HF + "/meta-llama", HF + "/meta-llama", K.WEB, HF + "/meta-llama", None),
        (HF + "/docs/hub/index", HF + "/docs/hub/index", K.WEB, HF + "/docs/hub/index", None),
        (HF + "/blog/post", HF + "/blog/post", K.WEB, HF + "/blog/post", None),
        # OSF: the node guid, lower-cased
        ("https://osf.io/E25MU", "https://osf.io/e25mu/", K.OSF_NODE, "e25mu", None),
        ("http://osf.io/e25mu/files/?utm_source=x", "https://osf.io/e25mu/", K.OSF_NODE, "e25mu",
         "files"),
        # Zenodo: record pages and Zenodo DOIs meet on one canonical URL
        ("https://zenodo.org/record/123", "https://zenodo.org/records/123", K.ZENODO_RECORD,
         "123", None),
        ("https://zenodo.org/records/123/files/a.zip?download=1",
         "https://zenodo.org/records/123", K.ZENODO_RECORD, "123", "files/a.zip"),
        ("https://doi.org/10.5281/zenodo.123", "https://zenodo.org/records/123",
         K.ZENODO_RECORD, "123", None),
        # arXiv: abs, pdf and DOI forms meet on the versionless abs page
        ("https://arxiv.org/abs/2409.18433v2", "https://arxiv.org/abs/2409.18433", K.ARXIV,
         "2409.18433", None),
        ("http://export.arxiv.org/pdf/2409.18433.pdf", "https://arxiv.org/abs/2409.18433",
         K.ARXIV, "2409.18433", None),
        ("https://doi.org/10.48550/arXiv.2409.18433", "https://arxiv.org/abs/2409.18433",
         K.ARXIV, "2409.18433", None),
        ("https://arxiv.org/list/cs.CL/recent", "https://arxiv.org/list/cs.CL/recent", K.WEB,
         "https://arxiv.org/list/cs.CL/recent", None),
        # DOIs are case-insensitive, so lower-cased
        ("https://doi.org/10.1038/NATURE14539", "https://doi.org/10.1038/nature14539", K.DOI,
         "10.1038/nature14539", None),
        ("http://dx.doi.org/10.1145/3368089", "https://doi.org/10.1145/3368089", K.DOI,
         "10.1145/3368089", None),
        # everything else: cleaned, fragment dropped, query kept
        ("https://Example.ORG/a/b?q=1#frag", "https://example.org/a/b?q=1", K.WEB,
         "https://example.org/a/b?q=1", None),
        ("https://example.org/a.#frag", "https://example.org/a", K.WEB, "https://example.org/a",
         None),
    ],
)
def test_normalise_url(
    raw: str, url: str, kind: LinkKind, target: str, detail: str | None
) -> None:
    got = normalise_url(raw)
    assert got is not None
    assert (got.url, got.kind, got.target, got.detail) == (url, kind, target, detail)
    assert got.host == url.split("/")[2]
    assert not got.anonymous_review and got.access_key is None
    again = normalise_url(got.url)
    assert again is not None
    assert (again.url, again.kind, again.target) == (url, kind, target)


def test_osf_view_only_link_is_an_anonymous_review_link() -> None:
    got = normalise_url("https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18.")
    assert got == NormalisedLink(
        url="https://osf.io/e25mu/?view_only=399daff5a14d4b16b09473cf19043f18",
        kind=LinkKind.OSF_NODE,
        host="osf.io",
        target="e25mu",
        anonymous_review=True,
        access_key="399daff5a14d4b16b09473cf19043f18",
    )


@pytest.mark.parametrize(
    "raw",
    [
        "", "not a url", "ftp://example.org/x", "mailto:a@b.org", "https://", "https://nodot/x",
        "https://a b.org/x", "e.g.", "3.75x", "ImageNet-{A,R,V2,Sketch}",
    ],
)
def test_normalise_url_rejects_non_http(raw: str) -> None:
    assert normalise_url(raw) is None


def test_osf_view_only_key_is_kept_and_other_params_dropped() -> None:
    got = normalise_url("https://osf.io/abcde/?utm=1&view_only=KEY123&x=2")
    assert got is not None
    assert got.url == "https://osf.io/abcde/?view_only=KEY123"
    assert got.anonymous_review and got.access_key == "KEY123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code: https://github.com/o/r. Data: huggingface.co/datasets/o/d.",
         ["https://github.com/o/r", "https://huggingface.co/datasets/o/d"]),
        ("twice https://github.com/o/r and github.com/o/r/tree/main", ["https://github.com/o/r"]),
        ("in LaTeX \\url{https://github.com/o/r} and https://github.com/o/s{GitHub}.",
         ["https://github.com/o/r", "https://github.com/o/s"]),
        ("markdown [code](https://github.com/o/r) here", ["https://github.com/o/r"]),
        ("[https://github.com/o/r](https://github.com/o/r)", ["https://github.com/o/r"]),
        ("(see https://x.org/page), then", ["https://x.org/page"]),
        ("\u4ee3\u7801\uff1ahttps://github.com/o/r\u3002", ["https://github.com/o/r"]),
        ("ImageNet-{A,R,V2,Sketch} e.g. 3.75x faster on 85.7% of arXiv:2409.18433", []),
        ("mail me@github.com/o/r", []),
        ("https://osf.io/abcde/?view_only=k1 and https://osf.io/abcde/",
         ["https://osf.io/abcde/?view_only=k1", "https://osf.io/abcde/"]),
        ("", []),
    ],
)
def test_extract_links(text: str, expected: list[str]) -> None:
    assert [found.url for found in extract_links(text)] == expected
