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
  "zw"), for each reading of the surname (单: dan, shan) and with ü as both v and u.
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


def _readings(character: str, *, all_readings: bool) -> list[str]:
    readings = pinyin(character, style=Style.NORMAL, heteronym=all_readings, errors="ignore")
    found = readings[0] if readings else []
    variants = set()
    for reading in found:
        variants.add(reading)
        variants.add(reading.replace("v", "u").replace("ü", "u"))
    return sorted(variants) or [""]


def _name_pinyin_tokens(name: str) -> set[str]:
    characters = CJK.findall(name or "")
    if not characters:
        return set()
    # Only the surname gets all its readings: it is where names are read differently (单, 曾, 解).
    options = [_readings(characters[0], all_readings=True)] + [
        _readings(character, all_readings=False) for character in characters[1:]
    ]
    tokens = set()
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
