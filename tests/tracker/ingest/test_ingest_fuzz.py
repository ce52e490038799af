"""Fuzzing every importer and the link normaliser with hostile bytes: a file of papers is read
into storable records or refused with InputError (exit 2), never anything else.

Bounded in CI; `REPROTRACK_FUZZ_EXAMPLES=20000 pytest tests/tracker/ingest/test_ingest_fuzz.py`
runs a long campaign (docs/fuzzing.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import InputError
from tracker.importing import import_file, record_links
from tracker.ingest import FORMATS, PaperRecord, read_papers
from tracker.links import extract_links, normalise_url
from tracker.store.engine import open_store

EXAMPLES = int(os.environ.get("REPROTRACK_FUZZ_EXAMPLES", "25"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example,
                                       HealthCheck.function_scoped_fixture])

# Pieces that broke, or could break, a reader: surrogates raw and escaped, NUL raw and
# escaped, quotes, braces, delimiters, line ends, BOMs, URL and identifier shapes.
HOSTILE = [
    "\ud800", "\udfff", "\ud83d", "\x00", "\\u0000", "\\ud800", "\\udc00", "\ufeff", "\ufffd",
    '"', "'", "{", "}", "[", "]", "(", ")", ",", ";", "\t", "\r", "\n", "\r\n", "\\", "@",
    "=HYPERLINK(", "%", "%00", "%ED%A0%80", "https://", "http://", "github.com/a/b",
    "huggingface.co/", "osf.io/e25mu/?view_only=", "arxiv.org/abs/", "2401.00001", "10.1000/x",
    "doi.org/", "javascript:", "file:///etc/passwd", "[::1]", "é", "\u202e", " ", "x" * 64,
]
piece = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
hostile_text = st.lists(piece, max_size=24).map("".join)
# A few huge values: one line of up to ~200 KB.
huge_text = st.builds(lambda s, n: s * n, st.sampled_from(["a", "\"", "{", "https://x/", "é"]),
                      st.integers(1_000, 20_000))
value = st.one_of(hostile_text, hostile_text, hostile_text, huge_text)


def _encode(text: str) -> bytes:
    """Bytes as a careless tool writes them: lone surrogates become invalid UTF-8."""
    return text.encode("utf-8", "surrogatepass")


def _nested(depth: int, opener: str) -> str:
    """A JSON value nested `depth` levels deep in arrays or objects."""
    if opener == "[":
        return "[" * depth + "1" + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["object", "object", "nested", "raw", "list"]))
        if kind == "object":
            keys = draw(st.lists(st.sampled_from(["title", "arxiv_id", "doi", "url", "urls",
                                                  "abstract", "code", "other"]), max_size=5))
            obj = {key: draw(st.one_of(value, st.lists(value, max_size=3), st.integers(),
                                       st.none())) for key in keys}
            lines.append(json.dumps(obj, ensure_ascii=draw(st.booleans())))
        elif kind == "nested":
            lines.append(_nested(draw(st.sampled_from([10, 999, 1_001, 5_000, 100_000])),
                                 draw(st.sampled_from(["[", "{"]))))
        elif kind == "list":
            lines.append(json.dumps(draw(st.lists(value, max_size=3))))
        else:
            lines.append(draw(value))
    return _encode("\n".join(lines))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(st.sampled_from(["title", "arxiv_id", "url", "doi", "abstract",
                                            "notes"]), min_size=1, max_size=5, unique=True))
    rows = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 6))):
        cells = [draw(value) for _ in range(draw(st.integers(0, len(header) + 1)))]
        quoted = draw(st.booleans())
        rows.append(delimiter.join(f'"{c}"' if quoted else c for c in cells))
    return _encode(draw(st.sampled_from(["\n", "\r\n", "\r"])).join(rows))


@st.composite
def bibtex_files(draw: st.DrawFn) -> bytes:
    entries = []
    for number in range(draw(st.integers(1, 4))):
        fields = ",\n".join(
            f"  {name} = {{{draw(value)}}}"
            for name in draw(st.lists(st.sampled_from(["title", "eprint", "doi", "url",
                                                       "abstract", "journal"]), max_size=4))
        )
        entries.append(f"@{draw(st.sampled_from(['article', 'misc', 'inproceedings']))}"
                       f"{{key{number},\n{fields}\n{draw(st.sampled_from(['}', '', '}}', ')']))}")
    entries.append(draw(value))
    return _encode("\n\n".join(entries))


@st.composite
def daily_papers_files(draw: st.DrawFn) -> bytes:
    blocks = [f"{draw(value)}\n\n{draw(value)}" for _ in range(draw(st.integers(1, 4)))]
    return _encode("\n\n".join(blocks))


@st.composite
def id_files(draw: st.DrawFn) -> bytes:
    ids = st.one_of(value, st.sampled_from(["2401.00001", "arXiv:2401.00001v2",
                                            "https://arxiv.org/abs/2401.00001", "10.1000/x",
                                            "https://huggingface.co/papers/2401.00001"]))
    return _encode("\n".join(draw(st.lists(ids, min_size=1, max_size=8))))


@st.composite
def url_files(draw: st.DrawFn) -> bytes:
    urls = st.one_of(value, st.sampled_from([
        "https://github.com/lab/method", "https://huggingface.co/lab/model",
        "https://huggingface.co/datasets/lab/data", "https://osf.io/abcde/",
        "https://arxiv.org/abs/2401.00001", "https://doi.org/10.1000/x", "github.com/o/r",
        "https://github.com/o/r/tree/main/src", "# a comment"]))
    return _encode("\n".join(draw(st.lists(urls, min_size=1, max_size=8))))


FILES = {"jsonl": jsonl_files(), "csv": csv_files(), "bibtex": bibtex_files(),
         "daily-papers": daily_papers_files(), "ids": id_files(), "urls": url_files()}
assert set(FILES) == set(FORMATS)  # a new importer needs a strategy here


def _storable(text: str | None) -> None:
    """PostgreSQL and SQLite accept it: valid UTF-8, no NUL."""
    if text is not None:
        text.encode("utf-8")
        assert "\x00" not in text


def _check_records(records: list[PaperRecord]) -> None:
    for record in records:
        for text in (record.title, record.arxiv_id, record.doi, record.abstract):
            _storable(text)
        for url, _field in record.urls:
            _storable(url)
        for link, _provenance in record_links(record):
            _storable(link.url)
            _storable(link.target)


def _read(path: Path, data: bytes, format: str) -> None:
    path.write_bytes(data)
    try:
        batch = read_papers(path, format)
    except InputError as exc:
        message = str(exc)
        assert str(path) in message and "\n" not in message
        return
    _check_records(batch.records)
    for bad in batch.invalid:
        assert bad.line >= 1 and "\n" not in bad.reason
        bad.reason.encode("utf-8")  # printable: no lone surrogate in a message


@pytest.mark.parametrize("format", sorted(FILES))
def test_each_importer_reads_or_refuses_hostile_files(format: str, tmp_path: Path) -> None:
    @fuzz
    @given(data=FILES[format])
    def run(data: bytes) -> None:
        _read(tmp_path / f"papers.{format}", data, format)
        _read(tmp_path / "papers.txt", data, "auto")

    run()


@fuzz
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_are_read_or_refused(data: bytes, tmp_path: Path) -> None:
    for format in ("auto", *FORMATS):
        _read(tmp_path / "papers.txt", data, format)


@fuzz
@given(text=value)
def test_the_link_normaliser_takes_any_text(text: str) -> None:
    for link in extract_links(text):
        _storable(link.url)
    link = normalise_url(text)
    if link is not None:
        _storable(link.url)


def test_hostile_json_lines_import_into_the_database_or_are_refused(
    db_url: str, tmp_path: Path
) -> None:
    engine = open_store(db_url)
    path = tmp_path / "papers.jsonl"

    @settings(fuzz, max_examples=max(EXAMPLES // 4, 5))
    @given(data=jsonl_files())
    def run(data: bytes) -> None:
        path.write_bytes(data)
        try:
            import_file(engine, path, skip_invalid=True)
        except InputError:
            pass

    run()
    engine.dispose()
