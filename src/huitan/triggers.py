"""The trigger lexicon (``data/triggers.jsonl``) shared by events, mechanisms and statements.

Each entry is a word with a ``kind``: ``event`` (a verb or noun that states an
event of ``type``, with the roles of its subject and object), ``conference``
(a meeting noun), ``role`` (a verb giving conference roles), and cue words
(``backref``, ``before``, ``future``, ``invite``, ``delegation``, ``via``,
``plural``, ``place_marker``, ``topic``, ``intl_cue``, ``mech_suffix``,
``mech_stop``, ``mech_variant`` — a written variant inside a series name and its ``replace``,
``question`` — a sentence opening that marks a reporter's question).
"""

from __future__ import annotations

from typing import Any

from .kb import KnowledgeBase, Schema, check_country

KINDS = {
    "event", "conference", "role", "backref", "before", "future", "invite", "delegation", "via", "plural",
    "place_marker", "topic", "intl_cue", "mech_suffix", "mech_stop", "mech_variant", "welcome", "naval", "speech",
    "question",
}
TYPES = {"MEET", "TALKS", "VISIT", "CONFERENCE", "SIGN", "MESSAGE", "CALL", "CREDENTIALS", "EXERCISE", "AID"}


def _check(entry: dict[str, Any]) -> str | None:
    if entry["kind"] not in KINDS:
        return f"unknown trigger kind {entry['kind']!r}"
    if entry["kind"] in ("event", "conference") and entry.get("type") not in TYPES:
        return f"unknown event type {entry.get('type')!r}"
    if entry["kind"] == "event" and not entry.get("subject_role"):
        return "an event trigger needs a subject_role"
    return None


TRIGGER_SCHEMA = Schema(
    name="triggers",
    required={"word": str, "kind": str},
    optional={"type": str, "subject_role": str, "object_role": str, "subtype": str, "role": str, "place": str, "country": str,
              "weak": bool, "topic": str, "group": str, "replace": str},
    checks={"country": check_country},
    key=("word", "kind", "type"),
    entry_check=_check,
)


def cues(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """All validated entries of the trigger table."""
    return kb.table(TRIGGER_SCHEMA)


def words(kb: KnowledgeBase, kind: str) -> list[str]:
    """The words of one cue kind, longest first."""
    return kb.derived(f"triggers.words.{kind}", lambda k: sorted(
        {r["word"] for r in cues(k) if r["kind"] == kind}, key=len, reverse=True))
