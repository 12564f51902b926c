"""An ingest's start-up runs without the garbage collector; it is on again afterwards, whatever happened."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from huitan.cli import main
from huitan.kb import KnowledgeBase
from huitan.pipeline import IngestOptions, ingest
from huitan.store import Store

from .conftest import EXAMPLES


@pytest.fixture
def collector() -> Iterator[None]:
    """The test process's collector as it was: on, nothing frozen, its thresholds."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.enable()


def test_cli_ingest_turns_the_collector_on_again(tmp_path, collector):
    r = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "ex.db")])
    assert r.exit_code == 0, r.output
    assert gc.isenabled()


def test_cli_ingest_failing_at_start_up_turns_the_collector_on_again(tmp_path, collector):
    r = CliRunner().invoke(main, ["ingest", str(EXAMPLES), "--db", str(tmp_path / "no-such-dir" / "ex.db")])
    assert r.exit_code != 0
    assert gc.isenabled()


def test_pipeline_warms_up_without_the_collector(tmp_path, collector):
    seen: list[bool] = []
    ingest([str(EXAMPLES)], Store(tmp_path / "ex.db"), IngestOptions(tune_gc=True, resolve=False),
           on_page=lambda _: seen.append(gc.isenabled()), kb=KnowledgeBase())
    assert seen[0] is False  # the first page warms up
    assert all(seen[1:]) and len(seen) > 1
    assert gc.isenabled()
