"""End to end in headless Chromium: events page → filter by type → event → its evidence sentence.

Needs Debian's ``chromium`` (``apt-get install -y chromium``) and the ``playwright`` Python
package; it skips when either is missing. Uses the sample pages when ``../shared/samples``
exists, else the hand-made fixture database of ``test_web``. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from huitan.web.app import Settings, create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SAMPLES = ROOT.parent / "shared" / "samples"

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def browser_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SAMPLES.is_dir():
        from click.testing import CliRunner

        from huitan.cli import main

        db = tmp_path_factory.mktemp("browser") / "samples.db"
        runner = CliRunner()
        for args in (["ingest", str(SAMPLES), "--db", str(db), "--no-progress"], ["resolve", "--db", str(db)]):
            assert runner.invoke(main, args).exit_code == 0, args
        return db
    from tests.test_web import build_fixture_db

    return build_fixture_db(tmp_path_factory.mktemp("browser") / "fixture.db")


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """Run the view over ``db`` with uvicorn in a thread on a free port; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(Settings(db=str(db))), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(browser_db: Path) -> Iterator[str]:
    with serving(browser_db) as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        yield pg
        browser.close()


def test_events_filter_open_event_find_evidence(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/events")
    rows = page.locator("table.events tbody tr")
    total = rows.count()
    assert total > 0
    facet = page.locator('a[data-facet="type"]').first
    chosen = facet.get_attribute("data-value")
    facet.click()
    page.wait_for_url(f"**/events?type={chosen}*")
    filtered = page.locator("table.events tbody tr")
    assert 0 < filtered.count() <= total
    types = filtered.locator("td:nth-child(2)").all_inner_texts()
    assert types and all(t.strip() == chosen for t in types)
    page.screenshot(path=str(ARTIFACTS / "events-filtered.png"), full_page=True)
    filtered.first.locator("td:first-child a").click()
    page.wait_for_url("**/events/*")
    mark = page.locator(".evidence mark").first
    assert mark.is_visible()
    sentence = mark.inner_text().strip()
    assert len(sentence) > 5
    page.screenshot(path=str(ARTIFACTS / "event.png"), full_page=True)
    page.locator(".evidence a").first.click()
    page.wait_for_url("**/documents/*")
    marked = page.locator(".doctext mark").all_inner_texts()
    assert any(sentence in m.strip() or m.strip() in sentence for m in marked)
    page.screenshot(path=str(ARTIFACTS / "document.png"), full_page=True)


def test_charts_and_graph_render(server, page):
    """The vendored libraries load offline and draw: the per-year chart and the network."""
    page.goto(f"{server}/pairs")
    link = page.locator("table a").first
    if link.count() == 0:
        pytest.skip("no country pair in this database")
    link.click()
    page.wait_for_url("**/pair/*")
    page.wait_for_function("() => window.Chart && Chart.getChart('per-year') !== undefined")
    page.goto(f"{server}/network?mode=countries")
    page.wait_for_selector("#graph canvas")
    assert page.evaluate("() => typeof vis.Network") == "function"


@pytest.mark.skipif(not os.environ.get("HUITAN_SCREENSHOTS"), reason="set HUITAN_SCREENSHOTS=DIR to refresh the README screenshots")
def test_readme_screenshots(page, tmp_path):
    """Screenshots of each page over the example pages (our own words) and the hand-made fixture."""
    from click.testing import CliRunner

    from huitan.cli import main
    from tests.test_web import build_fixture_db

    out = Path(os.environ["HUITAN_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    examples = tmp_path / "examples.db"
    runner = CliRunner()
    for args in (["ingest", str(ROOT / "examples" / "pages"), "--db", str(examples), "--no-progress"],
                 ["resolve", "--db", str(examples)]):
        assert runner.invoke(main, args).exit_code == 0, args
    fixture = build_fixture_db(tmp_path / "fixture.db")
    with serving(examples) as base:
        page.goto(f"{base}/api/events")
        first = page.evaluate("() => JSON.parse(document.body.innerText).events")
        event = next(e for e in first if len(e["participants"]) > 1)
        person = next(p["person_id"] for p in event["participants"] if p.get("person_id"))
        pairs = page.evaluate("async () => (await (await fetch('/api/pairs')).json()).pairs")
        shots = {"events": "/events", "event": f"/events/{event['event_id']}", "person": f"/persons/{person}",
                 "pair": f"/pair/{pairs[0]['pair']}", "network": "/network"}
        for name, url in shots.items():
            page.goto(base + url)
            if name == "network":
                page.wait_for_selector("#graph[data-ready]", timeout=15000)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    with serving(fixture) as base:
        page.goto(f"{base}/mechanisms/越中边境国防友好交流")
        page.screenshot(path=str(out / "mechanism.png"), full_page=True)
        page.goto(f"{base}/documents/d-meet?event=e-meet")
        page.screenshot(path=str(out / "document.png"), full_page=True)
