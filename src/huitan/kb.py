"""Knowledge base: validated data files shipped in ``huitan/data``.

Every file is JSON lines, one entry a line, each with a ``source``. A stage
loads the tables it needs through :meth:`KnowledgeBase.table`, giving a
:class:`Schema`; the table is read and validated once per knowledge base.
A user file (``--kb extra.jsonl``) adds entries: each of its lines names the
table it belongs to in a ``table`` field.

Errors name the file and the line: :class:`DataError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ISO3_RE = re.compile(r"^([A-Z]{3}|EU|ASEAN|UN)$")


class DataError(ValueError):
    """A knowledge-base entry is malformed; the message names file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def check_date(value: Any) -> str | None:
    """Validator for an ISO date at year, month or day precision (or null)."""
    if value is None:
        return None
    if not isinstance(value, str) or not DATE_RE.match(value):
        return f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}"
    parts = [int(p) for p in value.split("-")]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return f"month out of range: {value!r}"
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return f"day out of range: {value!r}"
    return None


def check_country(value: Any) -> str | None:
    """Validator for an ISO 3166-1 alpha-3 code (or EU/ASEAN/UN, or null)."""
    if value is None or (isinstance(value, str) and ISO3_RE.match(value)):
        return None
    return f"not an ISO 3166-1 alpha-3 code: {value!r}"


@dataclass(frozen=True)
class Schema:
    """The shape of one table: required and optional fields with their types.

    ``checks`` maps a field to a validator returning an error message or None;
    ``key`` names the field (or tuple of fields) that must be unique.
    """

    name: str
    required: dict[str, type | tuple[type, ...]]
    optional: dict[str, type | tuple[type, ...]] = field(default_factory=dict)
    checks: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)
    key: str | tuple[str, ...] | None = None
    entry_check: Callable[[dict[str, Any]], str | None] | None = None

    @cached_property
    def fields(self) -> dict[str, type | tuple[type, ...]]:
        """Every field an entry may have, with its type."""
        return {**self.required, **self.optional, "source": str, "table": str}

    def validate(self, entry: Any, path: str, line: int) -> dict[str, Any]:
        if not isinstance(entry, dict):
            raise DataError(path, line, "an entry must be a JSON object")
        for name in self.required:
            if name not in entry:
                raise DataError(path, line, f"missing field {name!r}")
        if not str(entry.get("source") or "").strip():
            raise DataError(path, line, "missing field 'source' (every entry needs one)")
        fields, checks = self.fields, self.checks
        for name, value in entry.items():
            typ = fields.get(name)
            if typ is None:
                raise DataError(path, line, f"unknown field {name!r} for table {self.name!r}")
            if value is None:
                if name in self.required:
                    raise DataError(path, line, f"field {name!r} is null")
            elif not isinstance(value, typ):
                raise DataError(path, line, f"field {name!r} has type {type(value).__name__}")
            check = checks.get(name)
            if check and (msg := check(value)):
                raise DataError(path, line, f"field {name!r}: {msg}")
        if self.entry_check and (msg := self.entry_check(entry)):
            raise DataError(path, line, msg)
        return entry


def read_jsonl(path: str, lines: Iterable[str]) -> Iterable[tuple[int, Any]]:
    """Parse JSON lines, skipping blank lines and ``#`` comments."""
    for n, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        try:
            yield n, json.loads(s)
        except json.JSONDecodeError as exc:
            raise DataError(path, n, f"invalid JSON: {exc.msg}") from None


class KnowledgeBase:
    """Loads and caches the package's data tables plus optional user files."""

    def __init__(self, extra: Iterable[str | Path] = (), data_dir: str | Path | None = None) -> None:
        self._extra = [Path(p) for p in extra]
        self._data_dir = Path(data_dir) if data_dir else None
        self._tables: dict[str, list[dict[str, Any]]] = {}
        self._derived: dict[str, Any] = {}
        self._extra_lines: dict[str, list[tuple[str, int, dict[str, Any]]]] | None = None

    def _package_lines(self, name: str) -> tuple[str, list[str]]:
        if self._data_dir is not None:
            p = self._data_dir / f"{name}.jsonl"
            return str(p), p.read_text(encoding="utf-8").splitlines() if p.exists() else []
        res = resources.files("huitan") / "data" / f"{name}.jsonl"
        if not res.is_file():
            return f"huitan/data/{name}.jsonl", []
        return f"huitan/data/{name}.jsonl", res.read_text(encoding="utf-8").splitlines()

    def _user_entries(self) -> dict[str, list[tuple[str, int, dict[str, Any]]]]:
        if self._extra_lines is None:
            self._extra_lines = {}
            for path in self._extra:
                text = path.read_text(encoding="utf-8").splitlines()
                for n, entry in read_jsonl(str(path), text):
                    if not isinstance(entry, dict) or not isinstance(entry.get("table"), str):
                        raise DataError(str(path), n, "a user entry needs a 'table' field naming its table")
                    self._extra_lines.setdefault(entry["table"], []).append((str(path), n, entry))
        return self._extra_lines

    def table(self, schema: Schema) -> list[dict[str, Any]]:
        """The validated entries of one table (package file first, then user files)."""
        if schema.name in self._tables:
            return self._tables[schema.name]
        path, lines = self._package_lines(schema.name)
        rows: list[dict[str, Any]] = []
        seen: dict[Any, tuple[str, int]] = {}

        def add(p: str, n: int, entry: Any) -> None:
            entry = schema.validate(entry, p, n)
            entry.pop("table", None)
            if schema.key is not None:
                k = tuple(entry.get(f) for f in schema.key) if isinstance(schema.key, tuple) else entry.get(schema.key)
                if k in seen:
                    first = seen[k]
                    raise DataError(p, n, f"duplicate {schema.key}={k!r} (first at {first[0]}:{first[1]})")
                seen[k] = (p, n)
            rows.append(entry)

        for n, entry in read_jsonl(path, lines):
            add(path, n, entry)
        for p, n, entry in self._user_entries().get(schema.name, []):
            add(p, n, entry)
        self._tables[schema.name] = rows
        return rows

    def derived(self, key: str, build: Callable[[KnowledgeBase], Any]) -> Any:
        """Memoise an index built from tables (an automaton, a lookup dict) on this knowledge base."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]
