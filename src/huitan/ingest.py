"""Stage 1: read inputs into :class:`~huitan.model.RawPage` records.

Reads files and folders (recursively), ``-`` for standard input, plain text in
any of the encodings Chinese pages come in, HTML, WARC response records and
JSON lines. Each bad input yields an :class:`InputError` instead of a page, so
a caller can report it and go on with the batch.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import RawPage

TEXT_EXT = {".txt", ".text", ".md", ""}
HTML_EXT = {".html", ".htm", ".xhtml"}
WARC_EXT = {".warc", ".warc.gz", ".arc.gz"}
JSONL_EXT = {".jsonl", ".ndjson"}
# Encodings tried in order when there is no BOM; GB18030 before Big5 because it is a superset of GBK.
FALLBACK_ENCODINGS = ("utf-8", "gb18030", "big5")


@dataclass
class InputError:
    """An input that could not be read; ``reason`` is one line for the user."""

    path: str
    reason: str


@dataclass
class ReadOptions:
    max_bytes: int = 20 * 1024 * 1024  # a single page larger than this is refused


def suffix(path: Path) -> str:
    name = path.name.lower()
    for ext in (".warc.gz", ".arc.gz"):
        if name.endswith(ext):
            return ext
    return path.suffix.lower()


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and files under folders named (sorted), ``-`` kept as is."""
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.startswith("."):
                    yield str(f)
        else:
            yield p


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NULs outside UTF-16, control bytes)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        # UTF-16 without BOM: every other byte is NUL for mostly-ASCII text, rarely for CJK
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl > max(8, len(head) // 50)


def decode(data: bytes) -> tuple[str, str]:
    """Decode page bytes; returns (text, encoding). Raises ValueError when no encoding fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if looks_binary(data):
        raise ValueError("binary content, not text")
    for enc in FALLBACK_ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and _big5_fits_better(data, text):
            return data.decode("big5"), "big5"
        return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ValueError("undecodable bytes (not UTF-8, UTF-16, GB18030 or Big5)")
    return str(best), best.encoding


def _big5_fits_better(data: bytes, gb_text: str) -> bool:
    """Big5 bytes also decode as GB18030 (into rare characters): let charset-normalizer choose between the two."""
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    from charset_normalizer import from_bytes

    best = from_bytes(data[:20000], cp_isolation=["gb18030", "big5"]).best()
    return best is not None and best.encoding == "big5"


def read_text_bytes(path: str, data: bytes, fmt: str) -> RawPage:
    text, enc = decode(data)
    if not text.strip():
        raise ValueError("empty page")
    return RawPage(path=path, text=text, encoding=enc, fmt=fmt)


def read_html_bytes(path: str, data: bytes, url: str | None = None, published: str | None = None) -> RawPage:
    html, enc = decode(data)
    if not html.strip():
        raise ValueError("empty page")
    return RawPage(path=path, html=html, encoding=enc, url=url, published=published, fmt="html")


def read_warc(path: str, stream: io.BufferedIOBase) -> Iterator[RawPage | InputError]:
    """Each WARC response record with an HTML or text payload is a page."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n = 0
    try:
        for rec in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            url = rec.headers.get("WARC-Target-URI")
            date = (rec.headers.get("WARC-Date") or "")[:10] or None
            ctype = (rec.http_headers.get("Content-Type") if rec.http_headers else "") or ""
            body = rec.reader.read()
            n += 1
            where = f"{path}#{n}"
            try:
                if "html" in ctype or body.lstrip()[:1] == b"<":
                    yield read_html_bytes(where, body, url=url, published=date)
                else:
                    page = read_text_bytes(where, body, "warc")
                    page.url, page.published = url, date
                    yield page
            except ValueError as exc:
                yield InputError(where, str(exc))
    except Exception as exc:  # fastwarc raises plain exceptions on damaged streams
        yield InputError(path, f"broken WARC after {n} records: {exc}")
    if n == 0:
        yield InputError(path, "no WARC response records (truncated or not a WARC file)")


def read_jsonl_lines(path: str, lines: Iterable[str]) -> Iterator[RawPage | InputError]:
    """One page a line: ``url``, and ``text`` or ``html``, optional ``published``."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"invalid JSON: {exc.msg}")
            continue
        if not isinstance(rec, dict) or not (rec.get("text") or rec.get("html")):
            yield InputError(where, "a line needs a 'text' or 'html' field")
            continue
        yield RawPage(
            path=path,
            text=rec.get("text"),
            html=rec.get("html") if not rec.get("text") else None,
            url=rec.get("url"),
            published=(str(rec["published"])[:10] if rec.get("published") else None),
            encoding="utf-8",
            fmt="jsonl",
        )


def stream_jsonl(path: str, p: Path) -> Iterator[RawPage | InputError]:
    """A large JSON-lines file, line by line (memory stays flat); such files must be UTF-8."""
    with p.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError:
                yield InputError(f"{path}:{n}", "a line of a large JSON-lines file is not UTF-8")
                continue
            for item in read_jsonl_lines(path, [line]):
                if isinstance(item, InputError):
                    item.path = f"{path}:{n}"
                yield item


def read_path(path: str, opts: ReadOptions) -> Iterator[RawPage | InputError]:
    """Pages of one input (a file, or ``-`` for standard input)."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
            ext = ".html" if data.lstrip()[:1] == b"<" else ".txt"
        else:
            p = Path(path)
            if not p.exists():
                yield InputError(path, "no such file")
                return
            ext = suffix(p)
            if ext in WARC_EXT:
                with p.open("rb") as fh:
                    yield from read_warc(path, fh)
                return
            size = p.stat().st_size
            if ext in JSONL_EXT and size > opts.max_bytes:
                yield from stream_jsonl(path, p)
                return
            if ext not in JSONL_EXT and size > opts.max_bytes:
                yield InputError(path, f"file too large for one page ({size / 1e6:.1f} MB > {opts.max_bytes / 1e6:.0f} MB)")
                return
            data = p.read_bytes()
        if not data.strip():
            yield InputError(path, "empty file")
        elif ext in JSONL_EXT:
            text, _ = decode(data)
            yield from read_jsonl_lines(path, text.splitlines())
        elif ext in HTML_EXT:
            yield read_html_bytes(path, data)
        elif ext in TEXT_EXT or ext not in WARC_EXT:
            yield read_text_bytes(path, data, "stdin" if path == "-" else "txt")
    except ValueError as exc:
        yield InputError(path, str(exc))
    except OSError as exc:
        yield InputError(path, f"cannot read: {exc.strerror or exc}")


def read_inputs(paths: Iterable[str], opts: ReadOptions | None = None) -> Iterator[RawPage | InputError]:
    """All pages of all inputs, in order; bad inputs as :class:`InputError`."""
    opts = opts or ReadOptions()
    for path in expand(paths):
        yield from read_path(path, opts)
