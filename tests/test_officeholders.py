"""Officeholder knowledge base: validation, lookups, role vocabulary and tenures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from huitan import officeholders as oh
from huitan.kb import DataError, KnowledgeBase

TODAY = dt.date(2026, 6, 1)

ROLE_LINES = [
    {"role": "defence_minister", "titles": ["国防部长", "国防部部长"], "en": "Minister of Defence", "source": "s"},
    {"role": "deputy_defence_minister", "titles": ["国防部副部长"], "en": "Deputy Minister of Defence", "source": "s"},
]
GOOD_PERSON = {"id": "xxx-test-person", "name": "甲乙丙", "country": "VNM", "positions": [
    {"role": "defence_minister", "title": "国防部长", "start": "2001-02", "end": "2003"}], "source": "s"}


def write_tables(tmp: Path, persons: list[object], roles: list[dict] | None = None) -> KnowledgeBase:
    (tmp / "roles.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in (roles or ROLE_LINES)) + "\n", encoding="utf-8")
    lines = [p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) for p in persons]
    (tmp / "persons.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return KnowledgeBase(data_dir=tmp)


# ------------------------------------------------------------- the shipped tables


def test_package_tables_load_and_validate(kb: KnowledgeBase) -> None:
    people = oh.persons(kb)
    assert len(people) >= 300
    countries = {p["country"] for p in people}
    for cc in ["VNM", "CHN", "RUS", "LAO", "KHM", "THA", "IDN", "PHL", "MYS", "SGP", "MMR", "USA", "JPN", "IND",
               "KOR", "AUS"]:
        assert cc in countries, cc
    vietnamese = [p for p in people if p["country"] == "VNM"]
    assert all(p.get("vi") for p in vietnamese)
    assert all(p.get("en") for p in people)


def test_every_title_reads_back_as_its_role(kb: KnowledgeBase) -> None:
    """Each title in the role vocabulary maps to its own role (no shorter title shadows it)."""
    for entry in kb.table(oh.ROLE_SCHEMA):
        for title in entry["titles"]:
            assert entry["role"] in oh.roles_of(kb, title), (title, entry["role"])


# ------------------------------------------------------------- validation errors


@pytest.mark.parametrize("bad, message", [
    ({**GOOD_PERSON, "positions": [{"role": "defence_minister", "title": "国防部长", "start": "2001-13"}]},
     "month out of range"),
    ({**GOOD_PERSON, "positions": [{"role": "defence_minister", "title": "国防部长", "start": "2005",
                                    "end": "2001"}]}, "after end"),
    ({**GOOD_PERSON, "positions": [{"role": "space_admiral", "title": "舰长", "start": "2001"}]}, "unknown role"),
    ({k: v for k, v in GOOD_PERSON.items() if k != "source"}, "source"),
    ({**GOOD_PERSON, "country": "Vietnam"}, "alpha-3"),
    ({**GOOD_PERSON, "id": "Bad Id"}, "person id"),
    ('{"id": "xxx-broken", "name": ', "invalid JSON"),
])
def test_broken_entry_names_file_and_line(tmp_path: Path, bad: object, message: str) -> None:
    kb = write_tables(tmp_path, [GOOD_PERSON | {"id": "xxx-first"}, bad])
    with pytest.raises(DataError) as err:
        oh.persons(kb)
    assert err.value.line == 2
    assert err.value.path.endswith("persons.jsonl")
    assert message in str(err.value)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    kb = write_tables(tmp_path, [GOOD_PERSON, GOOD_PERSON])
    with pytest.raises(DataError, match=r"persons.jsonl:2: duplicate id.*persons.jsonl:1"):
        oh.persons(kb)


def test_duplicate_role_is_rejected(tmp_path: Path) -> None:
    kb = write_tables(tmp_path, [GOOD_PERSON], roles=ROLE_LINES + [ROLE_LINES[0]])
    with pytest.raises(DataError, match="roles.jsonl:3: duplicate role"):
        oh.persons(kb)


def test_user_file_extends_and_is_validated(tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    person = {"table": "persons", "id": "vnm-user-added", "name": "丁丁丁", "country": "VNM", "vi": "Đinh Đinh Đinh",
              "positions": [{"role": "deputy_defence_minister", "title": "国防部副部长", "start": "2030"}],
              "source": "a user's own note"}
    extra.write_text(json.dumps(person, ensure_ascii=False) + "\n", encoding="utf-8")
    kb = KnowledgeBase(extra=[extra])
    assert [p["id"] for p in oh.lookup(kb, "丁丁丁")] == ["vnm-user-added"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n" + json.dumps({**person, "positions": [{"role": "nope", "title": "x", "start": None}]}) + "\n",
                   encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: unknown role"):
        oh.persons(KnowledgeBase(extra=[bad]))


# ------------------------------------------------------------- roles_of


@pytest.mark.parametrize("position, roles", [
    ("俄罗斯联邦国防部部长", {"defence_minister"}),
    ("中国人民解放军副总参谋长", {"deputy_chief_of_general_staff"}),
    ("越南人民军总参谋长", {"chief_of_general_staff"}),
    ("老挝国防部副部长", {"deputy_defence_minister"}),
    ("副国防部长", {"deputy_defence_minister"}),
    ("日本防卫大臣", {"defence_minister"}),
    ("美防长", {"defence_minister"}),
    ("政府副总理兼外交部长", {"deputy_head_of_government", "foreign_minister"}),
    ("柬埔寨副首相、国防大臣", {"deputy_head_of_government", "defence_minister"}),
    ("韩国国务总理", {"head_of_government"}),
    ("越南国家主席", {"head_of_state"}),
    ("中华人民共和国副主席", {"vice_head_of_state"}),
    ("老挝人民革命党中央总书记", {"party_leader"}),
    ("中共中央政治局委员", {"politburo_member"}),
    ("中共中央政治局常委", {"politburo_standing_committee_member"}),
    ("国务委员", {"state_councilor"}),
    ("中央军委副主席", {"cmc_vice_chair"}),
    ("越南公安部副部长", {"deputy_public_security_minister"}),
    ("美国国务卿", {"foreign_minister"}),
    ("外交部常务副部长", {"deputy_foreign_minister"}),
    ("新加坡国防部长官", {"defence_minister"}),
    ("越南友好组织联合会主席", set()),
    ("国防部部长助理", set()),
    ("外交部发言人", set()),
])
def test_roles_of(kb: KnowledgeBase, position: str, roles: set[str]) -> None:
    assert oh.roles_of(kb, position) == roles


# ------------------------------------------------------------- lookup


def test_lookup_full_and_short_foreign_names(kb: KnowledgeBase) -> None:
    full = oh.lookup(kb, "谢尔盖·古如盖多维奇·绍伊古")
    short = oh.lookup(kb, "绍伊古")
    assert full and [p["id"] for p in full] == [p["id"] for p in short]
    assert full[0]["country"] == "RUS"
    assert oh.lookup(kb, "绍伊古", "CHN") == []
    assert oh.lookup(kb, "弗拉基米尔•普京") == oh.lookup(kb, "普京")  # other middle dot


def test_lookup_hyphen_or_dot_between_given_names(tmp_path: Path) -> None:
    person = dict(GOOD_PERSON, name="让-伊夫·甲乙", country="FRA")
    kb = write_tables(tmp_path, [person])
    assert [p["id"] for p in oh.lookup(kb, "让·伊夫·甲乙")] == ["xxx-test-person"]
    assert [p["id"] for p in oh.lookup(kb, "让•伊夫•甲乙", "FRA")] == ["xxx-test-person"]


def test_lookup_romanised_name(tmp_path: Path) -> None:
    person = dict(GOOD_PERSON, en="Myint Swe", vi="Nguyễn Đình Tú")
    kb = write_tables(tmp_path, [person])
    for written in ("Myint Swe", "MyintSwe", "myint swe", "Nguyen Dinh Tu", "Nguyễn Đình Tú"):
        assert [p["id"] for p in oh.lookup(kb, written)] == ["xxx-test-person"], written
    assert oh.lookup(kb, "Myint") == []
    assert oh.lookup(kb, "VNA") == []


def test_lookup_unknown_name(kb: KnowledgeBase) -> None:
    assert oh.lookup(kb, "无此人") == []


# ------------------------------------------------------------- tenures


def test_tenure_single_position(kb: KnowledgeBase) -> None:
    assert oh.tenure_years(kb, "张晋创", ["国家主席"], "VNM") == set(range(2011, 2017))
    assert oh.tenure_years(kb, "马晓天", ["中国人民解放军副总参谋长"], "CHN") == set(range(2007, 2013))
    assert oh.tenure_years(kb, "冯光青", ["国防部部长"], "VNM") == set(range(2006, 2017))


def test_tenure_intersection_of_two_people_narrows_years(kb: KnowledgeBase) -> None:
    """A sentence naming both leaders can only date from the years both held office."""
    a = oh.tenure_years(kb, "张晋创", ["越南国家主席"], "VNM")
    b = oh.tenure_years(kb, "马晓天", ["副总参谋长"], "CHN")
    assert a is not None and b is not None
    assert a & b == {2011, 2012}


def test_tenure_intersects_positions_held_together(kb: KnowledgeBase) -> None:
    # deputy prime minister and foreign minister at once: from late 2013 to 2021
    assert oh.tenure_years(kb, "范平明", ["政府副总理", "外交部长"], "VNM") == set(range(2013, 2022))
    # state councillor and foreign minister at once: never in 2023 (the two spells did not overlap)
    assert oh.tenure_years(kb, "王毅", ["国务委员", "外交部长"], "CHN") == set(range(2018, 2023))


def test_tenure_open_end_runs_to_today(kb: KnowledgeBase) -> None:
    years = oh.tenure_years(kb, "董军", ["国防部长"], "CHN", today=TODAY)
    assert years == {2023, 2024, 2025, 2026}


def test_tenure_second_spell_is_kept(kb: KnowledgeBase) -> None:
    years = oh.tenure_years(kb, "王毅", ["外交部长"], "CHN", today=TODAY)
    assert years is not None and set(range(2013, 2027)) <= years


def test_tenure_unknown_cases(kb: KnowledgeBase) -> None:
    assert oh.tenure_years(kb, "无此人", ["国防部长"]) is None
    assert oh.tenure_years(kb, "张晋创", ["国防部长"], "VNM") is None  # never held that office
    assert oh.tenure_years(kb, "张晋创", ["越南友好组织联合会主席"], "VNM") is None  # not an office we know


def test_tenure_ignores_positions_not_recorded(kb: KnowledgeBase) -> None:
    """A written position the KB does not record for the person does not empty the answer."""
    both = oh.tenure_years(kb, "潘文江", ["中央军委副书记", "国防部部长"], "VNM", today=TODAY)
    assert both == oh.tenure_years(kb, "潘文江", ["国防部部长"], "VNM", today=TODAY)


def test_politburo_seat_narrows_a_long_tenure(kb: KnowledgeBase) -> None:
    """Foreign minister since 2013, but a Politburo member only from the 2022 congress."""
    fm = oh.tenure_years(kb, "王毅", ["外交部长"], "CHN", today=TODAY)
    both = oh.tenure_years(kb, "王毅", ["中共中央政治局委员", "外交部长"], "CHN", today=TODAY)
    assert fm is not None and both is not None
    assert both < fm and min(both) == 2022


def test_tenure_month_precision(tmp_path: Path) -> None:
    person = {**GOOD_PERSON, "positions": [
        {"role": "defence_minister", "title": "国防部长", "start": "2001-02", "end": "2003-01"},
        {"role": "deputy_defence_minister", "title": "国防部副部长", "start": "1999", "end": "2001-01"}]}
    kb = write_tables(tmp_path, [person])
    assert oh.tenure_years(kb, "甲乙丙", ["国防部长"]) == {2001, 2002, 2003}
    assert oh.tenure_years(kb, "甲乙丙", ["国防部长", "国防部副部长"]) == set()
    assert oh.held_on(kb, "甲乙丙", ["国防部长"], "VNM", 2002)
    assert not oh.held_on(kb, "甲乙丙", ["国防部长"], "VNM", 2004)
