"""Reading inputs: every format and encoding, and every kind of bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from huitan.ingest import InputError, ReadOptions, decode, read_inputs

TEXT = "越南与老挝举行防务政策对话\n\n3月23日下午,越南国防部与老挝国防部在老挝华潘省举行第十次防务政策对话,双方回顾了两国防务合作。\n"
TRAD = "越南與老撾舉行防務政策對話\n\n3月23日下午，越南國防部與老撾國防部在老撾華潘省舉行第十次防務政策對話，雙方回顧了兩國防務合作。\n"


def pages(*paths: str | Path, **kw):
    return list(read_inputs([str(p) for p in paths], ReadOptions(**kw)))


def test_encodings_detected(tmp_path: Path):
    cases = {
        "utf8.txt": (TEXT.encode("utf-8"), "utf-8"),
        "bom.txt": (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        "u16.txt": (TEXT.encode("utf-16"), "utf-16"),
        "gb.txt": (TEXT.encode("gb18030"), "gb18030"),
        "big5.txt": (TRAD.encode("big5"), "big5"),
    }
    for name, (data, enc) in cases.items():
        (tmp_path / name).write_bytes(data)
        [p] = pages(tmp_path / name)
        assert not isinstance(p, InputError), (name, p)
        assert p.encoding == enc, name
        assert p.text.startswith("越南"), name


def test_folder_recursive_sorted(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "1.txt").write_text(TEXT, encoding="utf-8")
    got = pages(tmp_path)
    assert [Path(p.path).name for p in got] == ["1.txt", "2.txt"]


def test_jsonl_pages_and_bad_lines(tmp_path: Path):
    f = tmp_path / "pages.jsonl"
    f.write_text("\n".join([
        json.dumps({"url": "https://example.org/a", "text": TEXT, "published": "2024-03-23T10:00:00"}),
        json.dumps({"url": "https://example.org/b", "html": "<html><body><p>越南</p></body></html>"}),
        "{not json",
        json.dumps({"url": "https://example.org/c"}),
    ]), encoding="utf-8")
    a, b, bad1, bad2 = pages(f)
    assert a.url == "https://example.org/a" and a.published == "2024-03-23" and a.text
    assert b.html and b.text is None
    assert isinstance(bad1, InputError) and "invalid JSON" in bad1.reason
    assert isinstance(bad2, InputError) and "text" in bad2.reason


def warc_record(url: str, html: str) -> bytes:
    body = html.encode("utf-8")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-10-26T08:00:00Z\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def test_warc_records_with_url_and_date(tmp_path: Path):
    html = "<html><body><h1>标题</h1><p>越南国防部长会见中国驻越南大使。</p></body></html>"
    data = warc_record("https://example.org/1", html) + warc_record("https://example.org/2", html)
    f = tmp_path / "crawl.warc.gz"
    f.write_bytes(gzip.compress(data))
    got = pages(f)
    assert [p.url for p in got] == ["https://example.org/1", "https://example.org/2"]
    assert all(p.published == "2024-10-26" and p.html for p in got)


def test_truncated_warc_is_an_error(tmp_path: Path):
    html = "<html><body><p>越南国防部长会见中国驻越南大使。</p></body></html>"
    data = warc_record("https://example.org/1", html)
    f = tmp_path / "cut.warc"
    f.write_bytes(data[: len(data) // 2])
    got = pages(f)
    assert any(isinstance(p, InputError) for p in got)


def test_bad_inputs_each_get_an_error(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 3)
    (tmp_path / "big.txt").write_bytes(TEXT.encode() * 10)
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    got = pages(tmp_path / "empty.txt", tmp_path / "binary.txt", tmp_path / "big.txt", tmp_path / "missing.txt",
                tmp_path / "good.txt", max_bytes=1500)
    errors = {Path(p.path).name: p.reason for p in got if isinstance(p, InputError)}
    assert set(errors) == {"empty.txt", "binary.txt", "big.txt", "missing.txt"}
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"] and "large" in errors["big.txt"]
    assert not isinstance(got[-1], InputError)


def test_undecodable_bytes():
    import pytest

    with pytest.raises(ValueError):
        decode(b"\x81\x30" * 3 + b"\xff\xff\xff\xfe\x80\x80" * 50)


def test_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode("utf-8"))))
    [p] = pages("-")
    assert p.path == "-" and p.text.startswith("越南")


def test_fifty_megabyte_file_refused_without_reading_it(tmp_path: Path):
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.write(TEXT.encode("utf-8"))
        fh.truncate(50 * 1024 * 1024)
    [err] = pages(big)
    assert isinstance(err, InputError) and "too large" in err.reason and "52.4 MB" in err.reason
