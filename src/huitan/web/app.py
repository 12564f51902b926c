"""``huitan serve``: a read-only browser view on a huitan database (Starlette + Jinja2).

Every HTML page has a JSON twin under ``/api``; tables download as CSV; ``/openapi.json``
describes the API. Only GET and HEAD are answered. Arbitrary SQL (``/sql``) exists only
when the app is built with ``allow_sql=True``, and then runs on a read-only connection.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from ..export import csv_text, flat
from ..store import Store
from . import api

HERE = Path(__file__).parent
READ_METHODS = {"GET", "HEAD"}


@dataclass
class Settings:
    """What ``create_app`` needs: the database and whether ``/sql`` is on."""

    db: str
    allow_sql: bool = False
    title: str = "huitan"


@dataclass
class Endpoint:
    """One API route, as data: path, summary and query parameters (for routing and /openapi.json)."""

    path: str
    name: str
    summary: str
    params: list[str] = field(default_factory=list)
    path_params: list[str] = field(default_factory=list)


API = [
    Endpoint("/api/events", "events", "Events with facets (type, country, year, mechanism, scope) and full-text search",
             ["type", "country", "year", "mechanism", "scope", "person", "q", "limit", "format"]),
    Endpoint("/api/events/{event_id}", "event", "One event: date, participants, place, mechanism, codes, evidence",
             path_params=["event_id"]),
    Endpoint("/api/documents/{doc_id}", "document", "A cleaned document with evidence spans marked",
             ["event"], ["doc_id"]),
    Endpoint("/api/persons", "persons", "Every person with their number of events", ["format"]),
    Endpoint("/api/persons/{person_id}", "person", "A person: names, positions over time, events, counterparts",
             path_params=["person_id"]),
    Endpoint("/api/pairs", "pairs", "Country pairs that met", ["format"]),
    Endpoint("/api/pair/{pair}", "pair", "A country pair such as VNM-CHN: events per year and type, and the list",
             path_params=["pair"]),
    Endpoint("/api/network", "network", "Who met whom; edge weight = number of events",
             ["mode", "year", "type", "scope"]),
    Endpoint("/api/mechanisms", "mechanisms", "Mechanisms with their sessions", ["format"]),
    Endpoint("/api/mechanisms/{name}", "mechanism", "A mechanism's sessions in order with dates, places, chairs",
             path_params=["name"]),
    Endpoint("/api/statements", "statements", "Statements on disputed topics", ["format"]),
    Endpoint("/api/search", "search", "Full-text search of documents (two-character names work)", ["q", "limit"]),
    Endpoint("/api/stats", "stats", "Counts of what the database holds"),
]
DOWNLOADS = [("/network.graphml", "Network as GraphML for Gephi", ["mode", "year", "type", "scope"]),
             *((f"/{t}.csv", f"The {t} table as CSV", []) for t in api.CSV_TABLES)]


class ReadOnlyMiddleware:
    """Answer 405 to every method but GET and HEAD, before any route sees the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in READ_METHODS:
            await Response("method not allowed (this view is read-only)", status_code=405,
                           headers={"Allow": "GET, HEAD"})(scope, receive, send)
            return
        await self.app(scope, receive, send)


def marked(snippet: str) -> Markup:
    """A search snippet with its \\x02…\\x03 hit markers as <mark>, everything else escaped."""
    text = str(escape(snippet or ""))
    return Markup(text.replace("\x02", "<mark>").replace("\x03", "</mark>"))


def openapi(settings: Settings) -> dict[str, Any]:
    """The OpenAPI 3.0 description of the JSON API and the downloads."""
    paths: dict[str, Any] = {}
    for ep in API:
        params = [{"name": p, "in": "query", "required": False, "schema": {"type": "string"}} for p in ep.params]
        params += [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in ep.path_params]
        paths[ep.path] = {"get": {"operationId": ep.name, "summary": ep.summary, "parameters": params,
                                  "responses": {"200": {"description": "JSON", "content": {"application/json": {}}},
                                                "404": {"description": "not found"}}}}
    for path, summary, qp in DOWNLOADS:
        media = "application/graphml+xml" if path.endswith(".graphml") else "text/csv"
        paths[path] = {"get": {"summary": summary,
                               "parameters": [{"name": p, "in": "query", "schema": {"type": "string"}} for p in qp],
                               "responses": {"200": {"description": summary, "content": {media: {}}}}}}
    if settings.allow_sql:
        paths["/api/sql"] = {"get": {"summary": "One read-only SQL statement (enabled by --allow-sql)",
                                     "parameters": [{"name": "sql", "in": "query", "required": True,
                                                     "schema": {"type": "string"}}],
                                     "responses": {"200": {"description": "columns and rows"}}}}
    return {"openapi": "3.0.3", "info": {"title": f"{settings.title} (read-only)", "version": "1"}, "paths": paths}


def csv_response(rows: list[dict[str, Any]], name: str, events: bool = False) -> Response:
    """Rows as a CSV download; event records are flattened like ``huitan export --format csv``."""
    if events:
        body = "".join(csv_text(rows, "events"))
    else:
        buf = io.StringIO()
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        writer = csv.DictWriter(buf, fieldnames=cols)
        writer.writeheader()
        for r in rows:
            writer.writerow({k: flat(v) for k, v in r.items()})
        body = buf.getvalue()
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def create_app(settings: Settings) -> Starlette:
    """The Starlette application for ``settings.db`` (opened read-only, one connection per thread)."""
    Store(settings.db, readonly=True).close()  # fail early when the file is missing
    local = threading.local()
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters["marked"] = marked
    env.globals["allow_sql"] = settings.allow_sql

    def store() -> Store:
        if getattr(local, "store", None) is None:
            local.store = Store(settings.db, readonly=True)
        return local.store

    def render(request: Request, template: str, data: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = env.get_template(template).render(request=request, data=data, page=template.split(".")[0],
                                                  title=settings.title)
        return HTMLResponse(html, status_code=status)

    def page(template: str, build: Callable[[Request], Any], csv_name: str | None = None) -> Callable[..., Response]:
        """An HTML page and its JSON twin from one builder; ``?format=json|csv`` switches."""

        def html(request: Request) -> Response:
            data = build(request)
            fmt = request.query_params.get("format")
            if fmt == "json":
                return JSONResponse(data)
            if fmt == "csv" and csv_name:
                return csv_rows(data, csv_name)
            return render(request, template, data)

        def js(request: Request) -> Response:
            data = build(request)
            if request.query_params.get("format") == "csv" and csv_name:
                return csv_rows(data, csv_name)
            return JSONResponse(data)

        html.json = js  # type: ignore[attr-defined]
        return html

    def csv_rows(data: Any, name: str) -> Response:
        if name == "events":
            ids = [e["event_id"] for e in data["events"]]
            recs = {r[0]: json.loads(r[1]) for r in store().db.execute(
                f"SELECT event_id, record FROM events WHERE event_id IN ({','.join('?' * len(ids)) or 'NULL'})", ids)}
            return csv_response([recs[i] for i in ids if i in recs], name, events=True)
        rows = data if isinstance(data, list) else data.get(name, [])
        return csv_response(rows, name)

    def found(value: Any, what: str) -> Any:
        if value is None:
            raise HTTPException(404, f"no such {what}")
        return value

    def query(request: Request) -> api.EventQuery:
        try:
            return api.EventQuery.from_params(request.query_params)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None

    def pair_codes(request: Request) -> tuple[str, str]:
        a, sep, b = request.path_params["pair"].partition("-")
        if not (sep and a and b):
            raise HTTPException(400, "a pair is written like VNM-CHN")
        return a, b

    def net(request: Request) -> dict[str, Any]:
        q = query(request)
        try:
            return api.network(store(), request.query_params.get("mode") or "persons", q.year, q.type, q.scope)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None

    builders: dict[str, tuple[str, Callable[[Request], Any], str | None]] = {
        "events": ("events.html", lambda r: api.events(store(), query(r)), "events"),
        "event": ("event.html", lambda r: found(api.event(store(), r.path_params["event_id"]), "event"), None),
        "document": ("document.html", lambda r: found(
            api.document(store(), r.path_params["doc_id"], r.query_params.get("event") or None), "document"), None),
        "persons": ("persons.html", lambda r: {"persons": api.persons(store())}, "persons"),
        "person": ("person.html", lambda r: found(api.person(store(), r.path_params["person_id"]), "person"), None),
        "pairs": ("pairs.html", lambda r: {"pairs": api.countries(store())}, "pairs"),
        "pair": ("pair.html", lambda r: api.pair(store(), *pair_codes(r)), "events"),
        "network": ("network.html", net, None),
        "mechanisms": ("mechanisms.html", lambda r: {"mechanisms": api.mechanisms(store())}, "mechanisms"),
        "mechanism": ("mechanism.html", lambda r: found(api.mechanism(store(), r.path_params["name"]), "mechanism"),
                      None),
        "statements": ("statements.html", lambda r: {"statements": api.statements(store())}, "statements"),
        "search": ("search.html", lambda r: {"q": r.query_params.get("q", ""), "hits": store().search(
            r.query_params.get("q", ""), limit=int(r.query_params.get("limit") or 50))}, None),
        "stats": ("stats.html", lambda r: store().stats(), None),
    }
    html_paths = {"events": "/events", "event": "/events/{event_id}", "document": "/documents/{doc_id}",
                  "persons": "/persons", "person": "/persons/{person_id}", "pairs": "/pairs", "pair": "/pair/{pair}",
                  "network": "/network", "mechanisms": "/mechanisms", "mechanism": "/mechanisms/{name:path}",
                  "statements": "/statements", "search": "/search", "stats": "/stats"}
    routes: list[Any] = [Route("/", lambda r: RedirectResponse("/events"))]
    for ep in API:
        template, build, csv_name = builders[ep.name]
        handler = page(template, build, csv_name)
        routes.append(Route(html_paths[ep.name], handler, name=ep.name))
        routes.append(Route(ep.path.replace("{name}", "{name:path}"), handler.json, name=f"api-{ep.name}"))  # type: ignore[attr-defined]

    def graphml(request: Request) -> Response:
        return Response(api.graphml(net(request)), media_type="application/graphml+xml",
                        headers={"Content-Disposition": 'attachment; filename="huitan-network.graphml"'})

    def table_csv(request: Request) -> Response:
        table = request.path_params["table"]
        if table not in api.CSV_TABLES:
            raise HTTPException(404, f"no table {table!r}")
        return csv_response(api.table_rows(store(), table), table, events=table == "events")

    def sql(request: Request) -> Response:
        text = request.query_params.get("sql", "").strip()
        result: dict[str, Any] = {"sql": text}
        if text:
            try:
                result.update(api.run_sql(str(Path(settings.db).resolve()), text))
            except Exception as e:  # any SQLite error is the user's query, reported on the page
                result["error"] = str(e)
        if request.url.path.startswith("/api/"):
            return JSONResponse(result, status_code=400 if "error" in result else 200)
        return render(request, "sql.html", result)

    routes += [
        Route("/network.graphml", graphml),
        Route("/{table}.csv", table_csv),
        Route("/openapi.json", lambda r: JSONResponse(openapi(settings))),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    if settings.allow_sql:
        routes += [Route("/sql", sql), Route("/api/sql", sql)]

    async def error(request: Request, exc: Exception) -> Response:
        code = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "error")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": detail}, status_code=code)
        return render(request, "error.html", {"status": code, "detail": detail}, status=code)

    app = Starlette(routes=routes, exception_handlers={HTTPException: error})
    app.add_middleware(ReadOnlyMiddleware)
    return app
