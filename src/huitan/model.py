"""The records that flow between huitan's stages.

Every stage reads and writes these dataclasses; ``to_dict`` gives the export
shape of ``shared/spec/EXTRACTION.md``. Offsets (``start``/``end``) are
character offsets into the text of one *section* of a document
(:meth:`Document.section_text`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DocKind = Literal["article", "teaser"]
Section = Literal["title", "body", "teaser", "caption"]


@dataclass
class RawPage:
    """One page as read from an input, before cleaning (output of ``ingest``)."""

    path: str  # the input as the user gave it (file path, or "-")
    text: str | None = None  # decoded plain text (txt, jsonl ``text``)
    html: str | None = None  # raw HTML (html, warc, jsonl ``html``)
    url: str | None = None
    published: str | None = None  # ISO date when the input states one
    encoding: str | None = None  # detected encoding of a text input
    fmt: str = "txt"  # txt | html | warc | jsonl | stdin


@dataclass
class Document:
    """A cleaned article or teaser (output of ``page``)."""

    doc_id: str
    kind: DocKind
    title: str
    lead: str
    body: list[str]
    captions: list[str] = field(default_factory=list)
    outlet: str | None = None
    dateline: dict[str, str | None] | None = None
    published: str | None = None
    script: Literal["simplified", "traditional"] = "simplified"
    original: str | None = None  # the text as written, when it was converted from Traditional
    encoding: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    def section_text(self, section: str) -> str:
        """The text that offsets in ``section`` refer to.

        ``body`` (and ``teaser``, the body of a teaser document) is the
        paragraphs joined by newlines, the lead first; ``title`` is the
        headline; ``caption`` is the captions joined by newlines.
        """
        if section in ("body", "teaser"):
            return "\n".join(self.body)
        if section == "title":
            return self.title
        if section == "caption":
            return "\n".join(self.captions)
        raise ValueError(f"unknown section {section!r}")

    @property
    def body_section(self) -> str:
        """The section name of this document's body: ``body`` or ``teaser``."""
        return "teaser" if self.kind == "teaser" else "body"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PageResult:
    """A page split into its article and teasers (output of ``page``)."""

    article: Document | None
    teasers: list[Document] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return ([self.article] if self.article else []) + self.teasers


@dataclass
class Mention:
    """A typed actor mention: a person, organisation, place or country (output of ``actors``)."""

    kind: Literal["person", "organization", "place", "country"]
    name: str  # normalised name without titles or rank (Simplified)
    text: str  # the whole span as written, titles included
    section: str
    start: int
    end: int
    positions: list[str] = field(default_factory=list)
    rank: str | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    entity: int | None = None  # index into DocActors.persons (for person mentions)


@dataclass
class Person:
    """A person as known in one document (or, after ``resolve``, across the corpus)."""

    name: str
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    rank: str | None = None
    names: dict[str, str | None] = field(default_factory=dict)  # vi, en, pinyin
    kb_id: str | None = None  # id of the knowledge-base entry, when linked
    person_id: str | None = None  # corpus-level id, set by ``resolve``

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocActors:
    """Everything ``actors`` found in one document."""

    persons: list[Person] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Evidence:
    doc_id: str
    section: str
    evidence: str  # the sentence
    start: int
    end: int


@dataclass
class DateValue:
    """An event date as in spec §4."""

    start: str | None = None  # "2025-04-17", "--04-17", "2025-04"
    end: str | None = None
    precision: Literal["day", "month", "year", "unknown"] = "unknown"
    part_of_day: str | None = None  # morning | afternoon | evening | noon | night
    text: str | None = None  # the expression as written
    year_source: str = "none"  # text | document | page | published | knowledge | none
    year_candidates: list[int] = field(default_factory=list)


@dataclass
class Participant:
    name: str
    role: str
    kind: Literal["person", "organization", "country"] = "person"
    country: str | None = None
    person_id: str | None = None
    entity: int | None = None  # index into DocActors.persons within the document


@dataclass
class Event:
    """One event as in spec §3 (output of ``events``, dated by ``dates``)."""

    type: str
    participants: list[Participant] = field(default_factory=list)
    date: DateValue | None = None
    location: dict[str, str | None] | None = None  # {name, country}
    mechanism: dict[str, Any] | None = None  # {name, session}
    scope: Literal["international", "domestic"] = "international"
    document: str | None = None  # the signed instrument's title (SIGN)
    subtype: str | None = None
    amount: str | None = None
    plover: str | None = None
    cameo: str | None = None
    sources: list[Evidence] = field(default_factory=list)
    event_id: str | None = None
    date_expr: dict[str, Any] | None = None  # internal: the governing date expression, for ``dates``

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("date_expr", None)
        for p in d["participants"]:
            p.pop("entity", None)
        return d


@dataclass
class Statement:
    speaker: str
    topic: str
    instruments: list[str] = field(default_factory=list)
    sources: list[Evidence] = field(default_factory=list)
    country: str | None = None
    person_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DocAnalysis:
    """The per-document extraction result that ``store`` keeps and ``resolve`` reads."""

    doc_id: str
    actors: DocActors
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


def analysis_from_dict(d: dict[str, Any]) -> DocAnalysis:
    """Rebuild a :class:`DocAnalysis` from its stored JSON form (``dataclasses.asdict``)."""

    def ev(x: dict[str, Any]) -> Evidence:
        return Evidence(**x)

    def event(x: dict[str, Any]) -> Event:
        x = dict(x)
        x["participants"] = [Participant(**p) for p in x.get("participants", [])]
        x["date"] = DateValue(**x["date"]) if x.get("date") else None
        x["sources"] = [ev(s) for s in x.get("sources", [])]
        return Event(**x)

    actors = d.get("actors") or {}
    return DocAnalysis(
        doc_id=d["doc_id"],
        actors=DocActors(
            persons=[Person(**p) for p in actors.get("persons", [])],
            mentions=[Mention(**m) for m in actors.get("mentions", [])],
        ),
        events=[event(e) for e in d.get("events", [])],
        statements=[Statement(**{**s, "sources": [ev(x) for x in s.get("sources", [])]}) for s in d.get("statements", [])],
    )
