"""Benchmark: huitan ingest against a plain segmenter (jieba) and a regex floor; memory; query latency.

    python benchmarks/ingest.py     # the full run: 1k and 10k pages (the ratio line at 10k), peak RSS at
                                    # 10k and 100k pages, queries on 1M events
    python benchmarks/ingest.py --pages 200 --rss-pages 0 --query-events 20000   # quick

Builds a corpus of N pages from real pages (examples/, ../shared/samples/,
../shared/corpus/pages/), varied so near-duplicate detection does not collapse
them: body paragraphs shuffled, days changed, person names swapped for other
officeholders of the same country from ``src/huitan/data/persons.jsonl``. The
pages are written as JSON lines in a temporary folder and fed to the real
``huitan ingest`` command (a child process, so its peak memory is measured with
``getrusage(RUSAGE_CHILDREN)``). jieba and the regex pass read exactly the same
text. With 1 and 2 workers, a probe also measures what this machine gives two
processes: the same CPU-bound Python loop run alone and then twice at once (the
2-worker speed-up cannot exceed that ceiling), and two 1-worker ingests run at
once give the same ceiling for huitan's own work. The last line printed is
``huitan/jieba throughput ratio: X.XX``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SOURCE_DIRS = (ROOT / "examples", SHARED / "samples", SHARED / "corpus" / "pages")
PERSONS = ROOT / "src" / "huitan" / "data" / "persons.jsonl"

DAY = re.compile(r"(?<![0-9０-９])([0-9]{1,2})(\s*)日")
LONG_PARA = re.compile(r"^.{40,}[。”」]\s*$")


# ---------------------------------------------------------------- corpus


def source_pages() -> list[tuple[str, str]]:
    """The real pages the corpus is made from, as (field, content): "text" or "html" (any encoding huitan reads)."""
    sys.path.insert(0, str(ROOT / "src"))
    from huitan.ingest import decode

    pages = []
    for d in SOURCE_DIRS:
        if d.is_dir():
            for f in sorted(d.rglob("*")):
                if f.is_file() and f.suffix.lower() in {".txt", ".html", ".htm"}:
                    text, _ = decode(f.read_bytes())
                    pages.append(("html" if f.suffix.lower() in {".html", ".htm"} else "text", text))
    if not pages:
        sys.exit("no source pages found under examples/ or ../shared/")
    return pages


def person_names() -> dict[str, list[str]]:
    """Officeholders' names by country, from the knowledge base (empty when the file is absent)."""
    by_country: dict[str, list[str]] = {}
    if PERSONS.exists():
        for line in PERSONS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                rec = json.loads(line)
                by_country.setdefault(rec.get("country") or "", []).append(rec["name"])
    return by_country


class Varier:
    """Makes variants of real pages: shuffled body paragraphs, changed days, swapped names.

    A page with few body paragraphs also gets one paragraph of another real page
    (given in ``pool``) next to one of its own, so that its opening differs.
    """

    def __init__(self, names: dict[str, list[str]], seed: int, pool: list[str] | None = None) -> None:
        self.rng = random.Random(seed)
        self.pool = pool or []
        self.country_of = {n: c for c, ns in names.items() for n in ns if len(n) >= 2}
        self.names = names
        alt = "|".join(sorted(map(re.escape, self.country_of), key=len, reverse=True))
        self.name_re = re.compile(alt) if alt else None

    def vary(self, text: str) -> str:
        lines = text.split("\n")
        body = [i for i, line in enumerate(lines) if LONG_PARA.match(line)]
        moved = [lines[i] for i in body]
        self.rng.shuffle(moved)
        for i, line in zip(body, moved, strict=True):
            lines[i] = line
        if body and self.pool:
            at = self.rng.choice(body[:3])
            lines[at] = lines[at] + "\n" + self.rng.choice(self.pool)
        out = "\n".join(lines)
        days: dict[str, str] = {}
        out = DAY.sub(lambda m: days.setdefault(m.group(1), str(self.rng.randint(1, 28))) + m.group(2) + "日", out)
        if self.name_re is not None:
            swap: dict[str, str] = {}
            out = self.name_re.sub(lambda m: swap.setdefault(m.group(0), self._other(m.group(0))), out)
        return out

    def _other(self, name: str) -> str:
        pool = self.names.get(self.country_of[name], [])
        return self.rng.choice(pool) if pool else name


def build_corpus(path: Path, n: int, seed: int = 7) -> int:
    """Write ``n`` varied pages as JSON lines to ``path``; returns the UTF-8 bytes of their text."""
    sources = source_pages()
    pool = [ln for kind, t in sources if kind == "text" for ln in t.split("\n") if LONG_PARA.match(ln)]
    varier = Varier(person_names(), seed, pool)
    total = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            kind, text = sources[i % len(sources)]
            text = text if i < len(sources) else varier.vary(text)
            total += len(text.encode("utf-8"))
            fh.write(json.dumps({"url": f"https://bench.invalid/{i}", kind: text}, ensure_ascii=False) + "\n")
    return total


def texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            yield rec.get("text") or rec.get("html") or ""


# ---------------------------------------------------------------- measurements


@dataclass
class Row:
    name: str
    pages: int
    mb: float
    seconds: float
    rss_mb: float | None = None
    note: str = ""
    cpu: float | None = None  # CPU seconds (all processes): robust when the machine is shared

    @property
    def mbps(self) -> float:
        return self.mb / self.seconds if self.seconds else float("inf")

    @property
    def pps(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")


# Runs a command as its child and reports wall time and the peak RSS of its largest descendant.
RUSAGE_WRAPPER = """
import resource, subprocess, sys, time, json
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "seconds": dt, "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss,
                  "stderr": p.stderr[-2000:]}))
"""


# Counts the character pairs of a text: interpreter-bound work (dict lookups, small strings), as huitan's
# stages are. Prints the seconds of the loop alone (start-up left out).
PROBE = """
import sys, time
n = int(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as fh:
    text = fh.read(n)
text = (text * (n // max(len(text), 1) + 1))[:n]  # a small corpus read again
t = time.perf_counter()
counts = {}
for i in range(len(text) - 1):
    pair = text[i:i + 2]
    counts[pair] = counts.get(pair, 0) + 1
print(time.perf_counter() - t)
"""


def _probe(corpus: Path, chars: int, copies: int) -> float:
    """Seconds of the slowest of ``copies`` probe processes run at once."""
    procs = [subprocess.Popen([sys.executable, "-c", PROBE, str(corpus), str(chars)], stdout=subprocess.PIPE,
                              text=True) for _ in range(copies)]
    return max(float(p.communicate()[0]) for p in procs)


def parallel_ceiling(corpus: Path, chars: int, rounds: int) -> list[float]:
    """How much more CPU-bound Python work two processes get through than one on this machine, per round:
    2 × (one process alone) / (the slower of two at once). On two cores that do not slow each other down this
    is 2.00; a 2-worker speed-up cannot go beyond it."""
    out = []
    for _ in range(rounds):
        alone = _probe(corpus, chars, 1)
        out.append(2 * alone / _probe(corpus, chars, 2))
    return out


def paired_ingest(corpus: Path, work: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds of two 1-worker ingests of ``corpus`` run at once, into two databases: what this machine gives
    two processes of huitan's own work."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # each thread waits for its own child process
        runs = [pool.submit(run_ingest, corpus, work / f"pair-{i}.db", 1, env) for i in (1, 2)]
        a, b = (r.result()[0] for r in runs)
    for i in (1, 2):
        remove_db(work / f"pair-{i}.db")
    return a, b


def remove_db(db: Path) -> None:
    """A SQLite database file and its write-ahead log files, if there."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def run_ingest(corpus: Path, db: Path, workers: int, env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``huitan ingest`` as a child; returns (seconds, CPU seconds, peak RSS in MB, its summary line)."""
    remove_db(db)
    cmd = [sys.executable, "-m", "huitan", "ingest", str(corpus), "--db", str(db), "--workers", str(workers),
           "--no-progress"]
    out = subprocess.run([sys.executable, "-c", RUSAGE_WRAPPER, *cmd], capture_output=True, text=True, env=env,
                         check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    flat = " ".join(res["stderr"].split())  # the console may wrap the summary line
    summary = flat[flat.rindex("pages read"):] if "pages read" in flat else ""
    if res["rc"] not in (0, 1) or not summary:
        sys.exit(f"huitan ingest failed (status {res['rc']}):\n{res['stderr']}")
    return res["seconds"], res["cpu"], res["maxrss_kb"] / 1024, summary


def _counts(summary: str) -> str:
    """'new N, known N, near-dup N' from the ingest summary line."""
    m = re.search(r"new (\d+), already stored (\d+),\s*near-duplicates linked (\d+)", summary)
    return f"docs new {m[1]}, known {m[2]}, near-dup {m[3]}" if m else summary


def ingest_env() -> tuple[dict[str, str], bool]:
    """Environment for the ingest child; a stub analyse stage is injected only when the real one cannot import."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    ok = subprocess.run([sys.executable, "-c", "import huitan.analyse"], env=env, capture_output=True).returncode == 0
    if ok:
        # the bytecode an installed package has (pip writes it; an editable install under
        # PYTHONDONTWRITEBYTECODE would compile every module again at each start)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "huitan")], env=env, check=True)
        return env, False
    stub = Path(tempfile.mkdtemp(prefix="huitan-stub-"))
    (stub / "sitecustomize.py").write_text(
        "import sys, types\n"
        "from huitan.model import DocActors, DocAnalysis\n"
        "m = types.ModuleType('huitan.analyse')\n"
        "m.analyse_documents = lambda docs, kb, only=None: [DocAnalysis(doc_id=d.doc_id, actors=DocActors(),"
        " events=[], statements=[]) for d in docs if only is None or d.doc_id in only]\n"
        "sys.modules['huitan.analyse'] = m\n",
        encoding="utf-8",
    )
    env["PYTHONPATH"] = os.pathsep.join([str(stub), env["PYTHONPATH"]])
    return env, True


def build_note(env: dict[str, str]) -> str:
    """Whether the huitan measured runs compiled modules (setup.py) or pure Python."""
    out = subprocess.run([sys.executable, "-c", "from huitan.build import compiled_modules, stale_modules;"
                          "print(len(compiled_modules()), ' '.join(stale_modules()))"],
                         env=env, capture_output=True, text=True)
    if out.returncode:
        return "huitan build: unknown"
    n, _, stale = out.stdout.strip().partition(" ")
    if n == "0":
        return "huitan build: pure Python (no compiled modules)"
    return f"huitan build: {n} modules compiled with mypyc" + (f" (STALE: {stale})" if stale else "")


def jieba_pass(corpus: Path) -> tuple[float, float]:
    """Seconds and CPU seconds for jieba's default ``lcut`` over every page's text (dictionary loaded first)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    pages = list(texts(corpus))
    t, c = time.perf_counter(), time.process_time()
    for text in pages:
        jieba.lcut(text)
    return time.perf_counter() - t, time.process_time() - c


FLOOR_RE = re.compile(r"[\u4e00-\u9fff]+|\d+")


def regex_pass(corpus: Path) -> tuple[float, float]:
    """Seconds and CPU seconds to read the JSON lines and run one regex over every page: the floor."""
    t, c = time.perf_counter(), time.process_time()
    n = 0
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            n += len(FLOOR_RE.findall(rec.get("text") or rec.get("html") or ""))
    return time.perf_counter() - t, time.process_time() - c


# ---------------------------------------------------------------- query latency


def synthesise_events(src_db: Path, dst_db: Path, n: int, seed: int = 11) -> int:
    """A database of ``n`` events made from the real events in ``src_db`` (new ids, dates and countries)."""
    sys.path.insert(0, str(ROOT / "src"))
    from huitan.store import Store

    src = sqlite3.connect(str(src_db))
    templates = []
    for event_id, etype, mech, session, scope, location, plover, cameo, record in src.execute(
            "SELECT event_id, type, mechanism, session, scope, location, plover, cameo, record FROM events"):
        parts = src.execute("SELECT name, role, kind, country, person_id FROM participants WHERE event_id=?",
                            (event_id,)).fetchall()
        templates.append((etype, mech, session, scope, location, plover, cameo, json.loads(record), parts))
    mechanisms = src.execute("SELECT * FROM mechanisms").fetchall()
    src.close()
    if not templates:
        return 0
    countries = sorted({p[3] for t in templates for p in t[8] if p[3]}) or ["VNM", "CHN"]
    rng = random.Random(seed)
    remove_db(dst_db)
    store = Store(dst_db)
    db = store.db
    db.execute("PRAGMA synchronous=OFF")
    batch = 20000
    # bulk load without the secondary indexes, then build them: the same schema, minutes faster
    with store.transaction(), store.indexes_rebuilt(("events", "participants")):
        for lo in range(0, n, batch):
            ev_rows, part_rows = [], []
            for i in range(lo, min(n, lo + batch)):
                etype, mech, session, scope, location, plover, cameo, rec, parts = templates[i % len(templates)]
                eid = f"bench-{i:07d}"
                y, m, d = rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)
                start = f"{y}-{m:02d}-{d:02d}"
                swap = {c: rng.choice(countries) for c in {p[3] for p in parts if p[3]}}
                new_parts = [(eid, nm, role, kind, swap.get(c, c), pid, start, etype) for nm, role, kind, c, pid in parts]
                rec = dict(rec, event_id=eid, date=dict(rec.get("date") or {}, start=start, end=start),
                           participants=[dict(p, country=swap.get(p.get("country"), p.get("country")))
                                         for p in rec.get("participants") or []])
                ev_rows.append((eid, etype, start, start, y, "text", mech, session, scope, location, plover, cameo,
                                json.dumps(rec, ensure_ascii=False)))
                part_rows += new_parts
            db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", ev_rows)
            db.executemany("INSERT INTO participants(event_id, name, role, kind, country, person_id, date_start,"
                           " event_type) VALUES (?,?,?,?,?,?,?,?)", part_rows)  # as Store.replace_corpus fills it
        db.executemany("INSERT OR IGNORE INTO mechanisms VALUES (?,?,?,?,?,?)", mechanisms)
    store.close()  # no ANALYZE: the planner sees what a real `huitan ingest` leaves
    return n


def query_mix(db_path: Path, k: int, seed: int = 13) -> list[dict[str, str | int | None]]:
    """``k`` filters like an analyst's: type+country+year, person, mechanism, country+month, with limits."""
    db = sqlite3.connect(str(db_path))
    types = [r[0] for r in db.execute("SELECT DISTINCT type FROM events")]
    countries = [r[0] for r in db.execute("SELECT DISTINCT country FROM participants WHERE country IS NOT NULL")]
    people = [r[0] for r in db.execute("SELECT DISTINCT name FROM participants WHERE kind='person' LIMIT 500")]
    mechs = [r[0] for r in db.execute("SELECT DISTINCT mechanism FROM events WHERE mechanism IS NOT NULL")]
    db.close()
    rng = random.Random(seed)
    out: list[dict[str, str | int | None]] = []
    for i in range(k):
        y = rng.randint(1995, 2025)
        kind = i % 5
        if kind == 0 and types and countries:
            out.append({"type": rng.choice(types), "country": rng.choice(countries),
                        "date_from": f"{y}-01-01", "date_to": f"{y}-12-31"})
        elif kind == 1 and people:
            out.append({"person": rng.choice(people), "date_from": f"{y}-01-01", "date_to": f"{y}-12-31"})
        elif kind == 2 and mechs:
            out.append({"mechanism": rng.choice(mechs)[:6], "limit": 100})
        elif kind == 3 and countries:
            m = rng.randint(1, 12)
            out.append({"country": rng.choice(countries), "date_from": f"{y}-{m:02d}-01", "date_to": f"{y}-{m:02d}-28"})
        else:
            out.append({"country": rng.choice(countries) if countries else None, "limit": 50})
    return out


def query_latency(db_path: Path, k: int) -> tuple[float, float, int]:
    """Cold ``huitan events`` queries (a new read-only connection each): p50 and p95 in ms, rows returned."""
    sys.path.insert(0, str(ROOT / "src"))
    from huitan.export import EventFilter, query_events
    from huitan.store import Store

    times, rows = [], 0
    for f in query_mix(db_path, k):
        t = time.perf_counter()
        store = Store(db_path, readonly=True)
        rows += len(query_events(store, EventFilter(**f)))  # type: ignore[arg-type]
        store.close()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, rows


# ---------------------------------------------------------------- report


def table(rows: list[Row]) -> str:
    head = (f"{'measure':<36}{'pages':>8}{'MB':>8}{'s':>8}{'CPU s':>8}{'pages/s':>9}{'MB/s':>7}"
            f"{'MB/CPU s':>9}{'peak RSS MB':>12}  note")
    lines = [head, "-" * len(head)]
    for r in rows:
        rss = f"{r.rss_mb:.0f}" if r.rss_mb is not None else "-"
        cpu = f"{r.cpu:.2f}" if r.cpu is not None else "-"
        per_cpu = f"{r.mb / r.cpu:.2f}" if r.cpu else "-"
        lines.append(f"{r.name:<36}{r.pages:>8}{r.mb:>8.2f}{r.seconds:>8.2f}{cpu:>8}{r.pps:>9.1f}{r.mbps:>7.2f}"
                     f"{per_cpu:>9}{rss:>12}  {r.note}")
    return "\n".join(lines)


def ints(s: str) -> list[int]:
    return [int(x) for x in s.split(",") if x.strip() and int(x) > 0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default="1000,10000",
                    help="corpus sizes for the throughput runs (comma-separated; the last gives the ratio line)")
    ap.add_argument("--workers", default="1,2", help="worker counts for huitan ingest")
    ap.add_argument("--rss-pages", default="10000,100000", help="corpus sizes for peak memory (0: skip)")
    ap.add_argument("--probe-rounds", type=int, default=3,
                    help="rounds of the 2-process ceiling probe, run with the 2-worker ingest (0: skip)")
    ap.add_argument("--probe-chars", type=int, default=3_000_000, help="characters each probe process reads")
    ap.add_argument("--pair-ingest", type=int, default=1,
                    help="1: also run two 1-worker ingests at once (huitan's own 2-process ceiling); 0: skip")
    ap.add_argument("--query-events", type=int, default=1_000_000, help="events in the query database (0: skip)")
    ap.add_argument("--queries", type=int, default=200, help="number of timed queries")
    ap.add_argument("--dir", help="work folder (kept); default a temporary folder, removed at the end")
    args = ap.parse_args(argv)

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="huitan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env, stubbed = ingest_env()
    rows: list[Row] = []
    notes: list[str] = []
    notes.append(build_note(env))
    if stubbed:
        notes.append("STUB: huitan.analyse could not be imported; ingest ran with a stub extraction stage")
    ratio = float("nan")
    first_db: Path | None = None
    try:
        workers = ints(args.workers) or [1]
        ceil: list[float] = []
        for n in ints(args.pages):
            corpus = work / f"corpus-{n}.jsonl"
            mb = build_corpus(corpus, n) / 1e6
            by_workers: dict[int, Row] = {}
            for w in workers:
                db = work / f"ingest-{n}-w{w}.db"
                secs, cpu, rss, summary = run_ingest(corpus, db, w, env)
                row = Row(f"huitan ingest, {w} worker{'s' if w > 1 else ''}", n, mb, secs, rss,
                          _counts(summary), cpu)
                rows.append(row)
                by_workers[w] = row
                first_db = first_db or db
            secs, cpu = jieba_pass(corpus)
            jb = Row("jieba.lcut (default, 1 core)", n, mb, secs, cpu=cpu)
            secs, cpu = regex_pass(corpus)
            rx = Row("read + regex (floor)", n, mb, secs, cpu=cpu)
            rows += [jb, rx]
            one = by_workers.get(1) or next(iter(by_workers.values()))
            ratio = one.mbps / jb.mbps
            notes.append(f"N={n}: huitan/jieba {ratio:.2f}x (wall clock), {jb.cpu / one.cpu:.2f}x (CPU time); "
                         f"floor/huitan {rx.mbps / one.mbps:.1f}x" if one.cpu and jb.cpu else
                         f"N={n}: huitan/jieba {ratio:.2f}x; floor/huitan {rx.mbps / one.mbps:.1f}x")
            if 1 in by_workers and 2 in by_workers:
                speedup = by_workers[1].seconds / by_workers[2].seconds
                note = f"N={n}: 2-worker speed-up {speedup:.2f}x"
                if args.probe_rounds > 0:
                    ceil = ceil or parallel_ceiling(corpus, args.probe_chars, args.probe_rounds)  # once per run
                    mid = statistics.median(ceil)
                    note += (f"; this machine's 2-process ceiling {mid:.2f}x (median of "
                             f"{', '.join(f'{c:.2f}' for c in ceil)}), so {speedup / mid:.0%} of it")
                if args.pair_ingest:
                    a, b = paired_ingest(corpus, work, env)
                    note += (f"; two 1-worker ingests at once took {a:.2f} s and {b:.2f} s (alone "
                             f"{by_workers[1].seconds:.2f} s), so with nothing serial and no overhead 2 workers "
                             f"would reach {2 * by_workers[1].seconds / max(a, b):.2f}x")
                notes.append(note)
        rss_rows = []
        measured = {r.pages: r for r in rows if r.name.startswith(f"huitan ingest, {max(workers)} worker")}
        for n in ints(args.rss_pages):
            if n in measured:  # the throughput run at this size already measured its peak memory
                rss_rows.append(measured[n])
                continue
            corpus = work / f"corpus-{n}.jsonl"
            mb = build_corpus(corpus, n) / 1e6
            w = max(workers)
            secs, cpu, rss, summary = run_ingest(corpus, work / f"rss-{n}.db", w, env)
            row = Row(f"huitan ingest, {w} worker{'s' if w > 1 else ''} (memory)", n, mb, secs, rss,
                      _counts(summary), cpu)
            rows.append(row)
            rss_rows.append(row)
            corpus.unlink()
            remove_db(work / f"rss-{n}.db")
        if len(rss_rows) >= 2 and rss_rows[0].rss_mb:
            notes.append(f"peak RSS growth {rss_rows[0].pages}→{rss_rows[-1].pages} pages: "
                         f"{(rss_rows[-1].rss_mb or 0) / rss_rows[0].rss_mb:.2f}x")
        if args.query_events and first_db is not None:
            qdb = work / "events.db"
            t = time.perf_counter()
            made = synthesise_events(first_db, qdb, args.query_events)
            if made:
                p50, p95, got = query_latency(qdb, args.queries)
                notes.append(f"huitan events on {made:,} events ({time.perf_counter() - t:.0f} s to build): "
                             f"p50 {p50:.1f} ms, p95 {p95:.1f} ms over {args.queries} cold queries ({got} rows)")
            else:
                notes.append("huitan events: no events extracted to synthesise from")
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {os.cpu_count()} CPUs; load average at the end {os.getloadavg()[0]:.2f}")
    print(table(rows))
    for note in notes:
        print(note)
    print(f"huitan/jieba throughput ratio: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
