"""The ``huitan`` command: a thin layer over the library (click + rich)."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .export import KINDS, EventFilter, csv_text, jsonl, plover_modes, plover_record, query_events, records
from .store import Store

err = Console(stderr=True, soft_wrap=True)  # one line per message, never wrapped
DEFAULT_DB = "huitan.db"
TABLE_PAGE = 100  # events a table shows unless --limit says otherwise


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db", default=DEFAULT_DB, show_default=True, help="SQLite database file.")(fn)


def open_store(db: str, readonly: bool = True) -> Store:
    try:
        return Store(db, readonly=readonly)
    except FileNotFoundError:
        raise click.ClickException(f"no database at {db} (run `huitan ingest PATH --db {db}` first)") from None


def out(text: str) -> None:
    sys.stdout.write(text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="huitan")
def main() -> None:
    """huitan (会谈): Chinese-language diplomacy and defence news into a database of who met whom,
    when, where, and what they agreed."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--workers", default=1, show_default=True, help="Worker processes for cleaning and extraction.")
@click.option("--kb", "kb_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra knowledge-base file (JSON lines, each with a 'table' field). Repeatable.")
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
def ingest(paths: tuple[str, ...], db: str, workers: int, kb_files: tuple[str, ...], no_progress: bool) -> None:
    """Read pages (files, folders, '-' for stdin; .txt, .html, .warc[.gz], .jsonl) into the database.

    Idempotent: a document already stored is not stored again; a near-duplicate is linked to the
    stored one. Exits with status 1 if some inputs failed (each is reported on one line).
    """
    gc.disable()  # start-up makes long-lived objects only: the pipeline (tune_gc) collects again once warmed up
    try:
        run_ingest(paths, db, workers, kb_files, no_progress)
    finally:
        gc.enable()  # on again already, unless the start-up failed


def run_ingest(paths: tuple[str, ...], db: str, workers: int, kb_files: tuple[str, ...], no_progress: bool) -> None:
    """The work of ``huitan ingest`` (the caller has turned the garbage collector off for its start-up)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest import expand
    from .kb import DataError, KnowledgeBase
    from .pipeline import IngestOptions, PageOutcome
    from .pipeline import ingest as run

    try:
        kb = KnowledgeBase(kb_files)
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    store = Store(db)
    files = list(expand(paths))
    show = not no_progress and len(files) > 5 and err.is_terminal
    progress = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, disable=not show)

    def report(o: PageOutcome) -> None:
        if o.error:
            err.print(f"[red]error[/red] {o.path}: {o.error}", highlight=False)
        progress.advance(task)

    with progress:
        task = progress.add_task("pages", total=len(files))
        try:
            summary = run(files, store, IngestOptions(workers=workers, kb_files=kb_files, tune_gc=True), on_page=report, kb=kb)
        except DataError as exc:
            raise click.ClickException(str(exc)) from None
    store.close()
    err.print(
        f"pages read {summary.pages}; documents new {summary.new}, already stored {summary.known}, "
        f"near-duplicates linked {summary.near_duplicates}; inputs failed {summary.failed}",
        highlight=False,
    )
    if summary.failed:
        sys.exit(1)


@main.command()
@db_option
@click.option("--what", type=click.Choice(KINDS), default="events", show_default=True, help="Which records.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "plover"]), default="jsonl", show_default=True,
              help="Output format (plover: events only).")
def export(db: str, what: str, fmt: str) -> None:
    """Export records to standard output (JSON lines by default, spec §6)."""
    store = open_store(db)
    rows = records(store, what)
    if fmt == "plover":
        if what != "events":
            raise click.UsageError("--format plover exports events only")
        from .kb import KnowledgeBase

        modes = plover_modes(KnowledgeBase())
        for line in jsonl(plover_record(e, modes) for e in rows):
            out(line)
    elif fmt == "csv":
        for chunk in csv_text(rows, what):
            out(chunk)
    else:
        for line in jsonl(rows):
            out(line)


@main.command()
@db_option
@click.option("--kind", type=click.Choice(["article", "teaser"]), help="Only articles or only teasers.")
@click.option("--limit", default=50, show_default=True)
def docs(db: str, kind: str | None, limit: int) -> None:
    """List stored documents as a table."""
    store = open_store(db)
    t = Table("doc_id", "kind", "title", "paragraphs", "outlet", "sources")
    for i, d in enumerate(store.documents(kind)):
        if i >= limit:
            break
        t.add_row(d["doc_id"], d["kind"], d["title"][:50], str(len(d["body"])), d["outlet"] or "", str(len(d["sources"])))
    Console().print(t)


@main.command()
@click.argument("query")
@db_option
@click.option("--limit", default=20, show_default=True)
def search(query: str, db: str, limit: int) -> None:
    """Full-text search of titles and bodies (Chinese names of two characters work), ranked."""
    store = open_store(db)
    hits = store.search(query, limit)
    if not hits:
        err.print("no matches")
        return
    from rich.text import Text

    console = Console()
    for h in hits:
        line = Text("    ")
        for i, part in enumerate(h["snippet"].replace("\x03", "\x02").split("\x02")):
            line.append(part, style="bold yellow" if i % 2 else "")
        console.print(Text(f"{h['doc_id']} ", style="cyan") + Text(f"{h['kind']} {h['title']}"))
        console.print(line)


@main.command()
@db_option
def stats(db: str) -> None:
    """Counts of documents, sources, persons, events, mechanisms and statements."""
    store = open_store(db)
    s = store.stats()
    t = Table("what", "count")
    for k, v in s.items():
        if isinstance(v, dict):
            for kk, vv in v.items():
                t.add_row(f"  events {kk}", str(vv))
        else:
            t.add_row(k, str(v))
    Console().print(t)


def event_filters(fn: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed([
        click.option("--type", "type_", help="Event type (MEET, TALKS, VISIT, ...)."),
        click.option("--country", help="A participant's country (ISO alpha-3)."),
        click.option("--person", help="A participant's name or person_id."),
        click.option("--mechanism", help="Mechanism name (substring)."),
        click.option("--from", "date_from", help="Earliest start date (YYYY[-MM[-DD]])."),
        click.option("--to", "date_to", help="Latest start date (YYYY[-MM[-DD]])."),
        click.option("--scope", type=click.Choice(["international", "domestic"])),
    ]):
        fn = opt(fn)
    return fn


@main.command()
@db_option
@event_filters
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@click.option("--limit", type=click.IntRange(min=0),
              help=f"At most this many events (0: all). Default: all with --json, else {TABLE_PAGE}.")
def events(db: str, type_: str | None, country: str | None, person: str | None, mechanism: str | None,
           date_from: str | None, date_to: str | None, scope: str | None, as_json: bool, limit: int | None) -> None:
    """List events in date order as a table (a first page of them unless --limit says otherwise), filtered."""
    store = open_store(db)
    page = limit if limit is not None else (0 if as_json else TABLE_PAGE)
    f = EventFilter(type_, country, person, mechanism, date_from, date_to, scope, page + 1 if page else None)
    rows = query_events(store, f)
    more = bool(page) and len(rows) > page
    rows = rows[:page] if more else rows
    if as_json:
        for line in jsonl(rows):
            out(line)
        return
    t = Table("date", "type", "participants", "place", "mechanism", "year from")
    for e in rows:
        d = e.get("date") or {}
        when = d.get("start") or "?"
        if d.get("end") and d["end"] != d.get("start"):
            when += f"…{d['end'][-5:]}"
        if d.get("year_candidates") and len(d["year_candidates"]) > 1:
            when += f" ({'/'.join(map(str, d['year_candidates']))})"
        parts = ", ".join(f"{p['name']}[{p['role']}]" for p in e.get("participants", []))
        mech = e.get("mechanism") or {}
        t.add_row(when, e["type"], parts, (e.get("location") or {}).get("name") or "",
                  f"{mech.get('name', '')} {mech.get('session', '')}".strip(), d.get("year_source") or "")
    Console().print(t)
    err.print(f"first {len(rows)} events in date order; more with --limit N (0: all)" if more else f"{len(rows)} events")


def kb_positions(p: dict[str, Any]) -> list[dict[str, Any]]:
    """The person's offices over time from the knowledge base (empty when the person is not in it)."""
    if not p.get("kb_id"):
        return []
    from .kb import KnowledgeBase
    from .officeholders import persons as kb_persons

    entry = next((e for e in kb_persons(KnowledgeBase()) if e["id"] == p["kb_id"]), None)
    return sorted(entry.get("positions", []), key=lambda h: h.get("start") or "") if entry else []


@main.command()
@click.argument("name")
@db_option
def person(name: str, db: str) -> None:
    """Show a person: names, positions over time, and their events."""
    store = open_store(db)
    rows = store.db.execute(
        "SELECT record FROM persons WHERE name = ? OR person_id = ? OR aliases LIKE ?", (name, name, f'%"{name}"%')
    ).fetchall()
    if not rows:
        raise click.ClickException(f"no person named {name}")
    console = Console()
    for r in rows:
        p = json.loads(r[0])
        names = p.get("names") or {}
        console.print(f"[bold]{p['name']}[/bold] ({p.get('country') or '?'})  vi: {names.get('vi') or '-'}  "
                      f"en: {names.get('en') or '-'}  pinyin: {names.get('pinyin') or '-'}", highlight=False)
        if p.get("aliases"):
            console.print(f"  aliases: {', '.join(p['aliases'])}", highlight=False)
        console.print(f"  positions as reported: {'、'.join(p.get('positions') or []) or '-'}  "
                      f"rank: {p.get('rank') or '-'}", highlight=False)
        for held in kb_positions(p):
            console.print(f"    {held.get('start') or '?'} – {held.get('end') or 'now'}  {held.get('title') or held['role']}",
                          highlight=False)
        evs = query_events(store, EventFilter(person=p["person_id"]))
        t = Table("date", "type", "with", "year from")
        for e in evs:
            others = ", ".join(q["name"] for q in e["participants"] if q.get("person_id") != p["person_id"])
            t.add_row((e.get("date") or {}).get("start") or "?", e["type"], others,
                      (e.get("date") or {}).get("year_source") or "")
        console.print(t)


@main.command()
@db_option
@click.option("--mechanism", help="A mechanism (substring of its name).")
@click.option("--person", help="A person's name.")
@click.option("--pair", help="A country pair such as VNM-CHN.")
def timeline(db: str, mechanism: str | None, person: str | None, pair: str | None) -> None:
    """Events in date order for a mechanism, a person or a country pair."""
    from .dates import timeline as build

    if not (mechanism or person or pair):
        raise click.UsageError("give --mechanism, --person or --pair")
    store = open_store(db)
    rows = build(list(records(store, "events")), mechanism=mechanism, person=person, pair=pair)
    t = Table("date", "type", "participants", "mechanism", "year from")
    for r in rows:
        when = r["date"] or "?"
        if len(r["year_candidates"]) > 1:
            when += f" ({'/'.join(map(str, r['year_candidates']))})"
        t.add_row(when, r["type"], ", ".join(r["participants"]), r["mechanism"] or "", r["year_source"])
    Console().print(t)


@main.command()
@db_option
@click.option("--kb", "kb_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra knowledge-base file. Repeatable.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="More than 1: sessions are dated and mention rows made in other processes, side by side.")
def resolve(db: str, kb_files: tuple[str, ...], workers: int) -> None:
    """Rebuild the corpus-level tables (persons, merged events, mechanisms) from the stored documents."""
    from .kb import KnowledgeBase
    from .resolve import resolve as run

    store = Store(db)
    sizes = run(store, KnowledgeBase(kb_files), workers=workers)
    err.print(", ".join(f"{k} {v}" for k, v in sizes.items()))


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (local only by default).")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-sql", is_flag=True, help="Enable a read-only /sql endpoint (off by default).")
def serve(db: str, host: str, port: int, allow_sql: bool) -> None:
    """Start the read-only browser view: events, persons, country pairs, network, mechanisms, JSON API."""
    import uvicorn

    from .web.app import Settings, create_app

    open_store(db).close()
    err.print(f"huitan view of {db} on http://{host}:{port}/ (read-only{', SQL enabled' if allow_sql else ''})")
    uvicorn.run(create_app(Settings(db=db, allow_sql=allow_sql)), host=host, port=port, log_level="warning")
