"""The talent search box: one box for a Chinese name, its full pinyin or initials, a university, a
discipline, a keyword, or the phone's last four digits.

Every talent carries ``search_text``: space-separated tokens derived from those fields. A query term
becomes the tokens it needs, and a talent matches when its tokens contain them all. On PostgreSQL a
GIN index over ``string_to_array(search_text, ' ')`` answers that containment (``@>``) from the index
for a term of any length, 1- and 2-character Chinese names included, whatever the database's
LC_CTYPE (pg_trgm finds no trigrams in Chinese under the C locale and none in 1-2 character terms
under any locale). Elsewhere (SQLite, the embedded default) the same tokens are matched with LIKE.

Tokens:
- Chinese text (name, university, discipline names, keywords): every substring of up to eight
  characters and the whole text, so any term of up to eight characters is one token (a longer term
  needs all its 8-character windows, and then the whole term is checked as a substring).
- Name pinyin: every prefix of the full pinyin ("z", "zh", … "zhangwei") and of the initials ("z",
  "zw"), with ü as both v and u. The surname is read as a surname (``surname_readings``: 单 shan,
  曾 zeng, 解 xie, and also their everyday reading, dan, ceng, jie, which people who do not know the
  surname reading type), never by a character's other readings (方 is fang, not wang); a known
  compound surname (万俟 moqi, 尉迟 yuchi) adds its own reading. The given name is read with each
  character's everyday reading.
- Latin words (keywords, codes): lower-cased whole words; discipline codes such as 0812.
- Phone: ``t:`` and the last four digits. The masked phone shows them anyway.
"""

import re
from itertools import product

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from pypinyin import Style, pinyin

CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[0-9a-z]+")
PHONE_TAIL = "t:"
MAX_PINYIN_PREFIX = 24
# Chinese substrings up to this length are tokens, so a term of up to 8 characters is one token:
# one index look-up with a frequency the planner knows, not several pairs whose combined
# selectivity it would guess.
MAX_CJK_TOKEN = 8


def _chinese_tokens(text: str) -> set[str]:
    """Every substring of up to ``MAX_CJK_TOKEN`` characters of each run of Chinese, and the whole run."""
    tokens = set()
    for run in CJK_RUN.findall(text or ""):
        for start in range(len(run)):
            tokens.update(run[start : start + length] for length in range(1, MAX_CJK_TOKEN + 1))
        tokens.add(run)
    return tokens


def _latin_tokens(text: str) -> set[str]:
    return set(WORD.findall((text or "").lower()))


# Surnames read otherwise than their character's everyday reading, or read in two ways, with the
# readings dictionaries give them as surnames; the everyday reading is added to these (see
# ``surname_readings``). Any other surname is read with its everyday reading only: pypinyin's other
# readings of 方 (pang, wang, feng) or 王 (yu) are not how anyone says those names.
SURNAME_READINGS = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "区": ("ou",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge", "gai"),
    "覃": ("qin", "tan"),
    "翟": ("zhai", "di"),
    "缪": ("miao",),
    "尉": ("wei", "yu"),
    "乐": ("yue", "le"),
    "种": ("chong",),
    "重": ("chong",),
    "繁": ("po",),
    "折": ("she",),
    "佴": ("nai",),
    "粘": ("nian",),
    "藏": ("zang",),
    "都": ("du",),
    "六": ("lu",),
    "薄": ("bo",),
    "阚": ("kan",),
    "卜": ("bu",),
    "秘": ("bi",),
    "员": ("yun",),
    "莘": ("shen", "xin"),
    "郇": ("xun", "huan"),
    "句": ("gou",),
    "隗": ("wei", "kui"),
    "宓": ("mi", "fu"),
    "祭": ("zhai",),
    "召": ("shao",),
    "能": ("nai",),
    "长": ("chang",),
}
# Two-character surnames read otherwise than character by character as above. Each adds a reading:
# 单于飞 may be 单于 + 飞 or 单 + 于飞, so both are found.
COMPOUND_SURNAME_READINGS = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
}


def _variants(readings) -> list[str]:
    """``readings`` with ü also written as v and as u (吕: lv, lu)."""
    variants = set()
    for reading in readings:
        variants.add(reading)
        variants.add(reading.replace("v", "u").replace("ü", "u"))
    return sorted(variants)


def _everyday_reading(character: str) -> list[str]:
    found = pinyin(character, style=Style.NORMAL, heteronym=False, errors="ignore")
    return found[0] if found else []


def surname_readings(characters: list[str]) -> list[list[list[str]]]:
    """How the surname at the start of ``characters`` is read: alternatives, each a list of the
    readings of the characters it covers (one, or two for a compound surname)."""
    first = characters[0]
    single = _variants((*SURNAME_READINGS.get(first, ()), *_everyday_reading(first))) or [""]
    alternatives = [[single]]
    compound = COMPOUND_SURNAME_READINGS.get("".join(characters[:2]))
    if compound:
        alternatives.append([[reading] for reading in compound])
    return alternatives


def _name_pinyin_tokens(name: str) -> set[str]:
    characters = CJK.findall(name or "")
    if not characters:
        return set()
    tokens = set()
    for surname in surname_readings(characters):
        rest = characters[len(surname) :]
        options = surname + [_variants(_everyday_reading(character)) or [""] for character in rest]
        for combination in product(*options):
            full = "".join(combination)[:MAX_PINYIN_PREFIX]
            initials = "".join(part[:1] for part in combination)
            tokens.update(full[:i] for i in range(1, len(full) + 1))
            tokens.update(initials[:i] for i in range(1, len(initials) + 1))
    return tokens


def search_text_for(*, name, university, disciplines, keywords, phone) -> str:
    """The ``search_text`` of a talent, from its plain values (computed before encryption)."""
    tokens = _chinese_tokens(name) | _name_pinyin_tokens(name) | _latin_tokens(name)
    tokens |= _chinese_tokens(university) | _latin_tokens(university)
    for discipline in disciplines:
        tokens |= _chinese_tokens(discipline.name) | {discipline.code}
    tokens |= _chinese_tokens(keywords) | _latin_tokens(keywords)
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 4:
        tokens.add(PHONE_TAIL + digits[-4:])
    return " ".join(sorted(token for token in tokens if token))


def _term_alternatives(term: str) -> list[list[str]]:
    """The token sets, any one of which a talent must contain all of, to match ``term``."""
    if CJK.search(term):
        if len(term) <= MAX_CJK_TOKEN:
            return [[term]]
        windows = {term[i : i + MAX_CJK_TOKEN] for i in range(len(term) - MAX_CJK_TOKEN + 1)}
        return [sorted(windows)]
    if term.isdigit() and len(term) == 4:
        # Four digits: a phone tail or a discipline code.
        return [[PHONE_TAIL + term], [term]]
    return [[term]]


def _contains(tokens: list[str], vendor: str):
    if vendor == "postgresql":
        # The expression must be the indexed one, so the planner uses the GIN index.
        return RawSQL(
            "string_to_array(search_text, ' ') @> %s::text[]", (tokens,), output_field=BooleanField()
        )
    condition = Q()
    for token in tokens:
        condition &= (
            Q(search_text__contains=f" {token} ")
            | Q(search_text__startswith=f"{token} ")
            | Q(search_text__endswith=f" {token}")
            | Q(search_text=token)
        )
    return condition


def talent_search(queryset: QuerySet, query: str) -> QuerySet:
    """Limit ``queryset`` to talents matching every term of ``query`` (terms split on spaces)."""
    vendor = connections[queryset.db].vendor
    for term in (query or "").lower().split():
        condition = Q()
        for tokens in _term_alternatives(term):
            part = _contains(tokens, vendor)
            condition |= part if isinstance(part, Q) else Q(part)
        queryset = queryset.filter(condition)
        if CJK.search(term) and len(term) > MAX_CJK_TOKEN:
            # Windows may come from different places; the whole term must stand somewhere.
            queryset = queryset.filter(search_text__contains=term)
    return queryset
