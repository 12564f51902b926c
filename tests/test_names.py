"""Names across languages: knowledge base first, then Hán-Việt readings, pinyin, Latin aliases."""

from __future__ import annotations

import bz2
import json
import os
from pathlib import Path

import pytest

from huitan import names
from huitan.kb import DataError, KnowledgeBase


@pytest.mark.parametrize("name, country, vi, en", [
    ("潘文江", "VNM", "Phan Văn Giang", "Phan Van Giang"),
    ("张晋创", "VNM", "Trương Tấn Sang", "Truong Tan Sang"),
    ("董军", "CHN", None, "Dong Jun"),
    ("绍伊古", "RUS", None, "Sergei Shoigu"),
    ("谢尔盖·古如盖多维奇·绍伊古", "RUS", None, "Sergei Shoigu"),
    ("王毅", "CHN", None, "Wang Yi"),
    ("洪森", "KHM", None, "Hun Sen"),
])
def test_knowledge_base_wins(kb: KnowledgeBase, name: str, country: str, vi: str | None, en: str) -> None:
    got = names.names_for(kb, name, country)
    assert got["vi"] == vi
    assert got["en"] == en


@pytest.mark.parametrize("name, vi", [
    ("阮文山", "Nguyễn Văn Sơn"),         # the commonest surname and middle name
    ("黎氏秋香", "Lê Thị Thu Hương"),     # 氏 is Thị in women's names
    ("武德明", "Vũ Đức Minh"),            # 武 is Vũ as a surname, not Võ
    ("邓文和", "Đặng Văn Hòa"),           # tone mark on the o, as Vietnamese news writes it
    ("裴春翠", "Bùi Xuân Thúy"),
    ("郑光勇", "Trịnh Quang Dũng"),
    ("杜文贵", "Đỗ Văn Quý"),             # qu- keeps the mark on y
    ("胡志明", "Hồ Chí Minh"),
    ("丁黄海", "Đinh Hoàng Hải"),
    ("苏明创", "Tô Minh Sang"),
])
def test_vietnamese_reading(kb: KnowledgeBase, name: str, vi: str) -> None:
    got = names.names_for(kb, name, "VNM")
    assert got["vi"] == vi
    assert got["en"] == names.strip_diacritics(vi)


def test_latin_alias_picks_among_readings(kb: KnowledgeBase) -> None:
    # 武 can be read Võ or Vũ; an undiacritised alias on the page decides
    got = names.names_for(kb, "武光明", "VNM", ["Vo Quang Minh"])
    assert got["vi"] == "Võ Quang Minh"
    assert names.names_for(kb, "武光明", "VNM")["vi"] == "Vũ Quang Minh"


def test_alias_with_diacritics_is_taken_as_written(kb: KnowledgeBase) -> None:
    got = names.names_for(kb, "阮氏兰", "VNM", ["Nguyễn Thị Lan"])
    assert got["vi"] == "Nguyễn Thị Lan"


@pytest.mark.parametrize("name, pinyin", [
    ("马晓天", "Ma Xiaotian"),
    ("单志强", "Shan Zhiqiang"),     # 单 as a surname is Shan
    ("曾建国", "Zeng Jianguo"),
    ("解振华", "Xie Zhenhua"),
    ("欧阳明", "Ouyang Ming"),       # compound surname
    ("区家明", "Ou Jiaming"),
    ("刘建安", "Liu Jian'an"),       # apostrophe before a vowel-initial syllable
    ("吕军", "Lü Jun"),
])
def test_pinyin(kb: KnowledgeBase, name: str, pinyin: str) -> None:
    assert names.pinyin_name(kb, name) == pinyin


def test_chinese_not_in_kb_gets_pinyin_as_english(kb: KnowledgeBase) -> None:
    got = names.names_for(kb, "单志强", "CHN")
    assert got == {"vi": None, "en": "Shan Zhiqiang", "pinyin": "Shan Zhiqiang"}


def test_foreign_name_uses_latin_alias(kb: KnowledgeBase) -> None:
    got = names.names_for(kb, "约翰·史密斯", "GBR", ["John  Smith"])
    assert got == {"vi": None, "en": "John Smith", "pinyin": None}
    assert names.names_for(kb, "约翰·史密斯", "GBR")["en"] is None


def test_unknown_country_gives_no_reading(kb: KnowledgeBase) -> None:
    got = names.names_for(kb, "阮文山", None)
    assert got["vi"] is None and got["pinyin"] == "Ruan Wenshan"


def test_results_are_cached_copies(kb: KnowledgeBase) -> None:
    first = names.names_for(kb, "阮文山", "VNM")
    first["vi"] = "changed"
    assert names.names_for(kb, "阮文山", "VNM")["vi"] == "Nguyễn Văn Sơn"


def test_old_style_tone() -> None:
    assert names.old_style_tone("Hoà") == "Hòa"
    assert names.old_style_tone("Khoẻ") == "Khỏe"
    assert names.old_style_tone("Thuỵ") == "Thụy"
    assert names.old_style_tone("Quý") == "Quý"
    assert names.old_style_tone("Hoàng") == "Hoàng"


def test_unihan_is_optional(tmp_path: Path) -> None:
    assert names.unihan_vietnamese(tmp_path / "missing.txt.bz2") == {}


def test_unihan_readings_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The readings are parsed once into the user's cache; a changed source file is parsed again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "Unihan_Readings.txt.bz2"
    lines = ["# comment", "U+962E\tkMandarin\truǎn", "U+962E\tkVietnamese\tnguyễn ngoạn", "U+6587\tkVietnamese\tvăn"]
    source.write_bytes(bz2.compress("\n".join(lines).encode("utf-8")))
    names.unihan_vietnamese.cache_clear()
    assert names.unihan_vietnamese(source) == {"阮": ("nguyễn", "ngoạn"), "文": ("văn",)}
    (cached,) = (tmp_path / "cache" / "huitan").glob("unihan-kvietnamese-*.tsv")
    cached.write_text("阮\tnguyên\n", encoding="utf-8")  # the cache, not the source, is read
    names.unihan_vietnamese.cache_clear()
    assert names.unihan_vietnamese(source) == {"阮": ("nguyên",)}
    source.write_bytes(bz2.compress("U+6587\tkVietnamese\tvăn vân".encode()))
    os.utime(source, ns=(1, 1))
    names.unihan_vietnamese.cache_clear()
    assert names.unihan_vietnamese(source) == {"文": ("văn", "vân")}
    assert len(list((tmp_path / "cache" / "huitan").glob("unihan-kvietnamese-*.tsv"))) == 1
    names.unihan_vietnamese.cache_clear()


def test_hanviet_table_validates(tmp_path: Path) -> None:
    (tmp_path / "hanviet.jsonl").write_text(
        json.dumps({"char": "阮", "vi": "Nguyễn", "source": "s"}, ensure_ascii=False) + "\n"
        + json.dumps({"char": "阮阮", "vi": "Nguyễn", "source": "s"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"hanviet.jsonl:2: .*single Chinese character"):
        KnowledgeBase(data_dir=tmp_path).table(names.HANVIET_SCHEMA)


def test_surname_table_validates(tmp_path: Path) -> None:
    (tmp_path / "surnames.jsonl").write_text(
        json.dumps({"surname": "单", "pinyin": "shàn", "source": "s"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"surnames.jsonl:1: .*pinyin"):
        KnowledgeBase(data_dir=tmp_path).table(names.SURNAME_SCHEMA)


def test_gold_vietnamese_names(kb: KnowledgeBase) -> None:
    """Readings of the reference persons' names (from ../shared/gold, when present)."""
    gold_dir = Path(__file__).resolve().parents[2] / "shared" / "gold"
    if not gold_dir.is_dir():
        pytest.skip("../shared/gold is not present")
    pairs = {}
    for f in ("seeds.json", "corpus-dev.json"):
        path = gold_dir / f
        if path.exists():
            for p in json.loads(path.read_text(encoding="utf-8"))["persons"]:
                if p.get("country") == "VNM" and p.get("vi"):
                    pairs[p["name"]] = (p["vi"], p.get("aliases", []))
    right = sum(names.names_for(kb, n, "VNM", a)["vi"] == vi for n, (vi, a) in pairs.items())
    assert pairs and right / len(pairs) >= 0.9


@pytest.mark.parametrize("alias, plain", [
    ("Datuk Seri Ahmad Faizal bin Osman", "Ahmad Faizal Osman"),
    ("Tan Sri Dr. Aminah binti Yusof", "Aminah Yusof"),
    ("Samdech Pichey Sena Tea Banh", "Tea Banh"),
    ("H.E. General Somsak Chaiyaphon", "Somsak Chaiyaphon"),
    ("Luo Bin", "Luo Bin"),          # a final "Bin" is a name, not a connector
    ("Datuk", "Datuk"),              # never strip a name down to nothing
    ("EdouardPhilippe", "Edouard Philippe"),  # printed without the space
    ("Karl-HeinzMuster", "Karl-Heinz Muster"),
    ("Datuk SomchaiKhamvong", "Somchai Khamvong"),
    ("MacArthur", "MacArthur"),      # a short first chunk is part of one name
    ("McDonald", "McDonald"),
])
def test_plain_latin_name(kb: KnowledgeBase, alias: str, plain: str) -> None:
    assert names.plain_latin_name(kb, alias) == plain


def test_foreign_alias_loses_honorifics(kb: KnowledgeBase) -> None:
    got = names.names_for(kb, "艾哈迈德·法伊扎尔", "MYS", ["Dato' Sri Ahmad Faizal bin Osman"])
    assert got["en"] == "Ahmad Faizal Osman"


@pytest.mark.parametrize("name, en", [
    ("韩国瑜", "Han Kuo-yu"),       # names spelt in regular Wade-Giles
    ("卓荣泰", "Cho Jung-tai"),
    ("谢长廷", "Hsieh Chang-ting"),
    ("吕秀莲", "Lu Hsiu-lien"),
])
def test_taiwanese_names_use_wade_giles(kb: KnowledgeBase, name: str, en: str) -> None:
    assert names.names_for(kb, name, "TWN")["en"] == en
