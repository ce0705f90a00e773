"""Arabic numerals in Chinese text rewritten as the words a speaker says, for engines that misread them.

espeak's Mandarin voice reads ``2026`` as 二千零二十六 (a year is said digit by digit), ``5.2%`` with the English
word "percent", and a phone number as a count of 亿. Edge voices read numbers well, so this runs only for the
offline voice (see :mod:`lectern.audio.synthesize`).

The rules run in a fixed order, most specific first (a date before a year, a percent range before a plain range,
a phone number before a count), and each rewrites its digits into characters, so a later rule never sees digits an
earlier one already read. Every rule is a guess about what a written form means; each one says what it risks.

Digits that follow a Latin letter are left alone: they are model names (``G20``, ``MP3``) or tone numbers in a
pinyin lexicon entry (``zhong4``), and reading them as numbers would break both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import cn2an

_DIGIT_WORDS = "零一二三四五六七八九"

# Measure words and units after which a number is a count, never a code to spell out ("12000000元").
_COUNT_UNITS = "元万亿千百个人名位次件项条种家户所座台辆吨斤克米天年月周日时分秒岁届期批轮倍股份"

_NUM = r"\d+(?:\.\d+)?"
# Units after which 2 is said 两, not 二 (两个, 两天, 两倍; but 二月, 二日, 第二).
_LIANG_UNITS = "个人名位次件项条种家户所座台辆吨倍天年周批轮届千万亿百"

# A number not glued to a Latin letter or another digit on the left: "G20" and "zhong4" stay as written.
_LEFT = r"(?<![A-Za-z0-9.])"
_RANGE_DASH = r"\s*[-~～—–－至到]\s*"


def digits(text: str) -> str:
    """Read a digit string one digit at a time: years, phone numbers, codes (``2026`` → 二零二六)."""
    return "".join(_DIGIT_WORDS[int(c)] for c in text if c.isdigit())


def number(text: str) -> str:
    """Read a number as a quantity: ``1234`` → 一千二百三十四, ``3.6`` → 三点六, ``0.05`` → 零点零五.

    Leading 二 before 千/万/亿 becomes 两 (两千, 两万), as speakers say it.
    """
    integer, _, fraction = text.partition(".")
    integer = integer.lstrip("0") or "0"
    if len(integer) > 16:  # beyond 万亿亿 no one says it as a quantity, and cn2an cannot
        return digits(text)
    words = cn2an.an2cn(integer)
    if len(words) > 1 and words[0] == "二" and words[1] in "千万亿":
        words = "两" + words[1:]
    if fraction:
        words += "点" + digits(fraction)
    return words


def _year_range(m: re.Match[str]) -> str:
    return digits(m.group("a")) + "到" + digits(m.group("b")) + "年"


def _iso_date(m: re.Match[str]) -> str:
    year, month, day = m.group("y", "m", "d")
    return f"{digits(year)}年{number(month)}月{number(day)}日"


_CLOCK_AT = r"(?P<{h}>[01]?\d|2[0-3])[:：](?P<{m}>[0-5]\d)"
_DIAL_BEFORE = r"拨打|拨通|致电|打|拨"
_DIAL_AFTER = r"热线|报警|急救|电话|专线|平台|投诉|服务|号码"
_SERVICE_NUMBER = re.compile(
    r"(?P<pre>" + _DIAL_BEFORE + r")?" + _LEFT + r"(?P<n>1[12]\d|123\d\d|9[56]\d{3})(?![\d.])"
)
_DIAL_CONTEXT = re.compile(r"[\u4e00-\u9fff]{0,6}?(?:" + _DIAL_AFTER + r")")


def _service_number(m: re.Match[str]) -> str:
    pre = m.group("pre") or ""
    if pre or _DIAL_CONTEXT.match(m.string, m.end()):
        return pre + digits(m.group("n"))
    return m.group(0)  # left to the count rules


def _bare_year_range(m: re.Match[str]) -> str:
    a, b = m.group("a", "b")
    if not 0 < int(b) - int(a) <= 50:
        return number(a) + "到" + number(b)
    return digits(a) + "到" + digits(b)


def _clock_range(m: re.Match[str]) -> str:
    start = _clock_words(m.group("h"), m.group("m"))
    return start + "到" + _clock_words(m.group("h2"), m.group("m2"))


def _clock(m: re.Match[str]) -> str:
    return _clock_words(m.group("h"), m.group("m"))


def _clock_words(hour: str, minute: str) -> str:
    spoken = number(hour) + "点"
    if int(minute) == 0:
        return spoken
    return spoken + ("零" if minute.startswith("0") else "") + number(minute) + "分"


def _temperature(m: re.Match[str]) -> str:
    return ("零下" if m.group("neg") else "") + number(m.group("a")) + "摄氏度"


def _negative(m: re.Match[str]) -> str:
    before = m.string[: m.start()].rstrip()
    if before and (before[-1].isdigit() or before[-1] in "%‰" or before[-1].isascii() and before[-1].isalpha()):
        return m.group(0)  # a range (3 - 5) or a code: not a sign
    return "负"


def _percent_range(m: re.Match[str]) -> str:
    kind = "千分之" if m.group("sign") in "‰" else "百分之"
    return f"{kind}{number(m.group('a'))}到{kind}{number(m.group('b'))}"


def _percent(m: re.Match[str]) -> str:
    kind = "千分之" if m.group("sign") in "‰" else "百分之"
    return kind + number(m.group("a"))


def _fraction(m: re.Match[str]) -> str:
    return f"{number(m.group('b'))}分之{number(m.group('a'))}"


def _range(m: re.Match[str]) -> str:
    return f"{number(m.group('a'))}到{number(m.group('b'))}"


def _phone(m: re.Match[str]) -> str:
    return digits(m.group(0))


def _plain(m: re.Match[str]) -> str:
    text = m.group("n")
    unit = m.group("unit") or ""
    is_code = "." not in text and not unit and (len(text) >= 7 or (len(text) >= 2 and text.startswith("0")))
    # A bare long digit string or one with a leading zero is an ID, a phone number or a code: no speaker reads
    # 13812345678 as 一百三十八亿…. Risk: a large count written without a unit is spelt out; speeches write counts
    # with 万/亿, so this is rare.
    if text == "2" and unit and unit in _LIANG_UNITS:
        return "两" + unit  # 两个, 两天: 二 is said only in ordinals, dates and digit strings
    return (digits(text) if is_code else number(text)) + unit


def _cohort(m: re.Match[str]) -> str:
    return digits(m.group("n")) + "后"


# Order matters: see the module docstring.
_RULES: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # -3℃ → 零下三摄氏度: a temperature below zero is said 零下, not 负.
    ("temperature", re.compile(_LEFT + r"(?P<neg>[-－−]?)(?P<a>" + _NUM + r")\s*(?:℃|°C)"), _temperature),
    # -3 → 负三, but 3-5 and 0731-8888 keep their dash for the range and phone rules.
    ("negative", re.compile(r"[-－−](?=\d)"), _negative),
    # 2024-09-20, 2024/9/20, 2024.09.20. Risk: a version string "2024.1.2" is read as a date.
    ("iso date", re.compile(_LEFT + r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"), _iso_date),
    # Phone numbers with an area code: 0731-88888888, 400-123-4567. Risk: a range "010-020" is spelt out.
    ("phone", re.compile(_LEFT + r"(?:0\d{2,3}|400|800)-\d{3,4}-?\d{4}(?!\d)"), _phone),
    # 2023—2024年, 2023-2024年: both ends are years.
    ("year range", re.compile(_LEFT + r"(?P<a>\d{4})" + _RANGE_DASH + r"(?P<b>\d{4})年"), _year_range),
    # （2024-2026）, 2021—2025规划: two years without 年, both 19xx/20xx and rising by less than a lifetime. Risk:
    # "1995-2010元" is a price range; a count unit or % after it keeps it a quantity.
    (
        "bare year range",
        re.compile(_LEFT + r"(?P<a>(?:19|20)\d\d)" + _RANGE_DASH + r"(?P<b>(?:19|20)\d\d)(?![\d.%‰" + _COUNT_UNITS + r"])"),
        _bare_year_range,
    ),
    # 2026年 is a year, said digit by digit. Risk: "1000年" (a thousand years) is read 一零零零年.
    ("year", re.compile(_LEFT + r"(?P<a>\d{4})年"), lambda m: digits(m.group("a")) + "年"),
    # 95后, 00后: a birth cohort, said digit by digit.
    ("cohort", re.compile(_LEFT + r"(?P<n>\d{2})后(?![天年月日])"), _cohort),
    # 9:00-17:00: office hours, both ends times ("九点-十七点" left espeak the dash to read).
    (
        "clock range",
        re.compile(_LEFT + _CLOCK_AT.format(h="h", m="m") + _RANGE_DASH + _CLOCK_AT.format(h="h2", m="m2") + r"(?!\d)"),
        _clock_range,
    ),
    # 8:30, 14:05. Risk: a score "3:1" is read as a time; scores are rare in speeches.
    ("clock", re.compile(_LEFT + _CLOCK_AT.format(h="h", m="m") + r"(?!\d)"), _clock),
    # 2:1, 1:500 (a ratio, a map scale): what the clock rule left is said 比, never "二冒号一".
    ("ratio", re.compile(_LEFT + r"(?P<a>" + _NUM + r")[:：](?P<b>" + _NUM + r")(?![\d.])"),
     lambda m: number(m.group("a")) + "比" + number(m.group("b"))),
    # 7×24小时: said 七乘二十四. Only × between digits; a pair ×× is a blank (lectern.text.placeholders).
    ("times", re.compile(r"(?<=\d)\s*×\s*(?=\d)"), lambda m: "乘"),
    # 3%-5%, 3-5%: both ends are percentages.
    (
        "percent range",
        re.compile(_LEFT + r"(?P<a>" + _NUM + r")%?" + _RANGE_DASH + r"(?P<b>" + _NUM + r")(?P<sign>[%‰])"),
        _percent_range,
    ),
    ("percent", re.compile(_LEFT + r"(?P<a>" + _NUM + r")(?P<sign>[%‰])"), _percent),
    # 1/3 → 三分之一. Risk: a date "9/20" is read as a fraction; Chinese writes dates with 月日.
    ("fraction", re.compile(_LEFT + r"(?P<a>\d+)/(?P<b>\d+)(?![\d/])"), _fraction),
    # 3-5天, 3～5: a range. Read "到", as speakers do.
    ("range", re.compile(_LEFT + r"(?P<a>" + _NUM + r")" + _RANGE_DASH + r"(?P<b>" + _NUM + r")(?![\d.])"), _range),
    # 12345热线, 拨打110, 12315平台, 95588: a service number is dialled, so said digit by digit, never 一万二千….
    # Only the shapes of China's short numbers (11x/12x, 123xx, 95xxx/96xxx) and only with a dialling word beside
    # them: "120公里" stays a count.
    ("service number", _SERVICE_NUMBER, _service_number),
    # Anything else: a quantity, or a code when it looks like one (see _plain).
    (
        "number",
        re.compile(_LEFT + r"(?P<n>" + _NUM + r")(?![\d.])(?P<unit>[" + _COUNT_UNITS + r"])?"),
        _plain,
    ),
)

# A template's blank (XX, X, ××: see lectern.text.placeholders) reaches this module already filled as 某某. Inside a
# written number it plainly stands for digits: "X.X亿元" becomes 某某.某某亿元 and "X000万美元" 某某000万美元, which
# espeak reads as "某某某某亿元" (the dot is silent) and "某某零万美元" (000 is a quantity, zero). A listener expects
# the way a speaker says an unknown figure: 几点几亿元, 几千万美元. Only a blank touching a digit or a decimal
# point is read 几: before a bare unit (某某亿元, 某某名) it may as well be a name, and 某某 keeps it audibly a blank.
_BLANK = "某某"
_BLANK_DECIMAL = re.compile(rf"(?P<a>{_BLANK}|\d+)[.．](?P<b>{_BLANK}|\d+(?![\d.]))(?P<sign>[%‰]?)")
_BLANK_TENS = re.compile(rf"{_BLANK}(?P<zeros>0{{1,4}})(?![\d.])")
_ZEROS_PLACE = {1: "十", 2: "百", 3: "千", 4: "万"}
# 20XX年: a year with blank digits, said digit by digit like any year.
_BLANK_YEAR = re.compile(rf"{_LEFT}(?P<a>\d{{2,3}}){_BLANK}年")


def _blank_decimal(m: re.Match[str]) -> str:
    a, b = m.group("a", "b")
    if _BLANK not in (a, b):
        return m.group(0)  # 3.6 is the number rules' job
    kind = {"%": "百分之", "‰": "千分之"}.get(m.group("sign"), "")
    return kind + ("几" if a == _BLANK else number(a)) + "点" + ("几" if b == _BLANK else digits(b))


def _read_blanks(text: str) -> str:
    if _BLANK not in text:
        return text
    text = _BLANK_DECIMAL.sub(_blank_decimal, text)
    text = _BLANK_TENS.sub(lambda m: "几" + _ZEROS_PLACE[len(m.group("zeros"))], text)
    return _BLANK_YEAR.sub(lambda m: digits(m.group("a")) + _BLANK + "年", text)


# "1.扩大有效投资" opening a sentence is a numbered heading (the 1. level under （一）): a speaker says 一、 and
# pauses. Left alone, the number rule reads 一 and espeak runs on over the dot into the heading. Only at the start
# and only before a non-digit, so 1.5亿元 opening a sentence stays a decimal.
_HEADING_NUMBER = re.compile(r"^(?P<lead>\s*)(?P<n>\d{1,2})[.．、]\s*(?=[^\d\s.．])")

_LEFTOVER = re.compile(_LEFT.replace(".", "") + r"\d+")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")


def _fold_width(text: str) -> str:
    """Full-width digits and signs (０-９, ％, ．) as ASCII, so one set of patterns covers pasted text."""
    return "".join(
        unicodedata.normalize("NFKC", c) if c in "０１２３４５６７８９％．／" else c for c in text
    )


def normalize_numbers(text: str) -> str:
    """Rewrite the numbers in Chinese ``text`` as spoken words; text without digits comes back unchanged.

    >>> normalize_numbers("2026年10月9日，增长5.2%")
    '二零二六年十月九日，增长百分之五点二'
    """
    if not any(c.isdigit() for c in text) and not _BLANK_DECIMAL.search(text):
        return text
    text = _read_blanks(_fold_width(text))
    text = _HEADING_NUMBER.sub(lambda m: m.group("lead") + number(m.group("n")) + "、", text)
    # 1,234,567: an ASCII comma between groups of three digits is a thousands separator. A Chinese list
    # uses 、 or ，, so dropping it cannot merge two numbers a speaker says apart.
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    for _name, pattern, spoken in _RULES:
        text = pattern.sub(spoken, text)
    # What no rule understood (1.2.3, a stray digit after a dot) is at least said digit by digit, not skipped.
    return _LEFTOVER.sub(lambda m: digits(m.group(0)), text)
