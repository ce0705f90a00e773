"""The script tree: title block, salutation, sections, paragraphs and sentences of a cleaned speech.

The input is a :class:`~lectern.model.CleanScript` (paragraphs as lines); the output a
:class:`~lectern.model.Speech` whose sections are flat and in speaking order: the opening (level 0), the marked
sections (level ≥ 1) and the closing (level 0).

How sections are found, and what each rule risks:

* Heading markers are candidates only where a heading can start: at the start of a paragraph, and in a one-line
  document (a scraped page whose whole speech is one or two huge paragraphs) also right after a sentence end.
  ``统一是``, ``唯一是``, ``第一次``, ``第一书记`` and a ``首先要`` in mid-sentence never qualify: the character before the
  numeral is not a boundary, or the marker lacks its comma. A first item right after a sentence end or colon
  inside a paragraph (下面，我讲三点意见：第一，…) is a *lead*: it counts only when item 2 opens the next paragraph.
* Candidates of one style form a *run* only when numbered 1, 2, 3… without a gap (二是 continues only after 一是;
  a new 一是 restarts), and a run needs two members (a lone 首先， is an adverb, not a list; nor is 首先…最后 with
  nothing between, the thanks and the wishes of a 致辞). A preview list ``一是认清形势。二是明确任务。三是狠抓落实。`` is
  rejected: inside a paragraph the items must be followed by
  substantial text (median span ≥ MIN_SPAN), and on lines of their own a run of one-sentence items that a second
  run of the same style follows is the outline, not the sections.
* Structural styles rank 一、 > （一） > 1. > （1）; a run of a lower style must lie between two accepted headings of
  higher styles (（一） restarts under each 一、). Levels are depths: a （一） under a 一、 is level 2, a 1. with no
  heading above it is level 1. Spoken lists (一是, 第一，, 首先，…其次，) nest one level below the heading they
  follow, or are level 1 when there is none.
* The closing is the tail that opens with the salutation again (``同志们，…``) or a closing formula (``散会。``,
  ``谢谢大家！``), searched only among the last few paragraphs after the last marked section, because
  ``同志们，`` is also a common interjection in mid-speech.

The title block (title, ``——在…上的讲话``, date, speaker) becomes ``Speech.title``/``Speech.meta`` and is not spoken.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lectern.errors import ScriptError
from lectern.text.markers import Marked, scan_blocks
from lectern.model import CleanScript, Language, Paragraph, Pause, Section, Sentence, Speech, UnknownMarker
from lectern.text.clean import FULL_TEXT_LEAD, NEWS_LEAD, PREFACE, TITLE_FOOTER, speaker_in_lead, speaker_in_preface
from lectern.text.hanzi import simplified
from lectern.text import words
from lectern.text.segment import split_sentences

# A marker found inside a paragraph (one-line documents) must be followed by at least this much text (median over
# the run) to open a section. Real sections run to hundreds of characters; preview items are one clause (≈ 6–30 字).
MIN_SPAN = {Language.ZH: 60, Language.EN: 150}
# A paragraph this long, in a document of at most three, is treated as a one-line document (markers searched after
# sentence ends inside it). English paragraphs are longer by nature (≈ 5 characters a word).
ONE_LINE_MIN = {Language.ZH: 400, Language.EN: 1500}
ONE_LINE_ALWAYS = 3000  # ... even in a document that has other paragraphs
# The closing is searched among this many final paragraphs (or sentences of a one-line document).
CLOSING_WINDOW_PARAGRAPHS = 3
CLOSING_WINDOW_SENTENCES = 5
TITLE_BLOCK_MAX_LINES = 8
MAX_TITLE = {Language.ZH: 40, Language.EN: 80}

OPENING_TITLE = {Language.ZH: "开场", Language.EN: "Opening"}
CLOSING_TITLE = {Language.ZH: "结束语", Language.EN: "Closing"}
# A speech with no headings is not an "opening": what comes before a closing is the speech itself.
BODY_TITLE = {Language.ZH: "正文", Language.EN: "Speech"}

_CN_NUM = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(_CN_NUM)}
LAST = 1000  # 最后，/ Finally,: closes a run whatever its length

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_ZH_END = "。！？；!?;"
_TITLE_STOP = {Language.ZH: "。！？；：:!?;", Language.EN: ".!?;:"}


def cn_number(text: str) -> int | None:
    """一 → 1 … 十五 → 15 … 九十九 → 99, only in canonical form (``一十`` and ``两`` are not heading numerals)."""
    if not text or any(c not in _CN_VALUE for c in text):
        return None
    if len(text) == 1:
        return _CN_VALUE[text]
    if len(text) == 2:
        if text[0] == "十" and text[1] != "十":
            return 10 + _CN_VALUE[text[1]]
        if text[1] == "十" and text[0] not in "一十":
            return _CN_VALUE[text[0]] * 10
        return None
    if len(text) == 3 and text[1] == "十" and text[0] not in "一十" and text[2] != "十":
        return _CN_VALUE[text[0]] * 10 + _CN_VALUE[text[2]]
    return None


# --- heading styles ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Style:
    name: str
    pattern: re.Pattern[str]
    rank: int  # structural rank (1 highest); 0 = a spoken list, nested below the structure
    language: Language


_ORDINALS_EN = {
    "first": 1, "firstly": 1, "first of all": 1, "second": 2, "secondly": 2, "third": 3, "thirdly": 3,
    "fourth": 4, "fourthly": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "finally": LAST, "lastly": LAST,
}  # fmt: skip
_ROMAN = {r: i + 1 for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII".split())}
_SHOUXIAN = {"首先": 1, "其次": 2, "再次": 3, "最后": LAST}

_STYLES = (
    _Style("cn_dun", re.compile(rf"([{_CN_NUM}]{{1,3}})(?:、|[．.](?![0-9０-９]))"), 1, Language.ZH),
    _Style("roman", re.compile(r"(XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\.\s"), 1, Language.EN),
    _Style("cn_paren", re.compile(rf"[（(]([{_CN_NUM}]{{1,3}})[）)]"), 2, Language.ZH),
    _Style("digit_dot", re.compile(r"(\d{1,2})(?:[.．](?!\d)|、)"), 3, Language.ZH),
    _Style("digit_paren", re.compile(r"[（(](\d{1,2})[）)]"), 4, Language.ZH),
    _Style("cn_di", re.compile(rf"第([{_CN_NUM}]{{1,3}})[，,、：:]"), 0, Language.ZH),
    _Style("cn_qi", re.compile(rf"其([{_CN_NUM}]{{1,3}})[，,、：:]"), 0, Language.ZH),
    _Style("cn_shouxian", re.compile(r"(首先|其次|再次|最后)[，,]"), 0, Language.ZH),
    _Style("cn_shi", re.compile(rf"([{_CN_NUM}]{{1,3}})是(?![否])"), 0, Language.ZH),
    # 一要抓好…。二要…: the imperative form of 一是; 一要求/三要素/要点/要件/要务 are words, not items.
    _Style("cn_yao", re.compile(rf"([{_CN_NUM}]{{1,3}})要(?![求素点件务])"), 0, Language.ZH),
    _Style(
        "en_ordinal",
        re.compile(r"(First of all|Firstly|First|Secondly|Second|Thirdly|Third|Fourthly|Fourth|Fifth|Sixth|Seventh"
                   r"|Eighth|Ninth|Tenth|Finally|Lastly),"),
        0,
        Language.EN,
    ),
)  # fmt: skip


# A Markdown heading (## Remarks): a section whatever its words, nested by its number of #s, above every numbered
# style (rank below 1). Unnumbered, so it is accepted as written rather than as a run.
_MD_HEADING = re.compile(r"(#{1,6})[ \t]+(?=\S)")
_MD_STYLES = {n: _Style(f"markdown{n}", _MD_HEADING, n / 10, Language.ZH) for n in range(1, 7)}


def _style_number(style: _Style, token: str) -> int | None:
    if style.name in ("cn_dun", "cn_paren", "cn_di", "cn_qi", "cn_shi", "cn_yao"):
        return cn_number(token)
    if style.name in ("digit_dot", "digit_paren"):
        value = int(token)
        return value if value >= 1 else None
    if style.name == "roman":
        return _ROMAN[token]
    if style.name == "cn_shouxian":
        return _SHOUXIAN[token]
    return _ORDINALS_EN[token.lower()]


@dataclass(frozen=True, slots=True)
class _Candidate:
    offset: int  # in the whole body (paragraphs joined with one separator each)
    paragraph: int
    local: int  # offset of the marker in its paragraph
    style: _Style
    number: int
    marker: str  # as written: "一、", "（一）", "一是", "第一，"
    marker_end: int  # local offset just after the marker
    lead: bool = False  # a first item inside a paragraph (我讲三点意见。第一，…) whose list goes on at paragraph starts


# --- title block and salutation -------------------------------------------------------------------------------------

# 尊敬的王书记、李市长: a 致辞 greets officials by their posts.
_ZH_POST = r"(?:市|县|省|区|镇|乡|校|院|部|局|厅|处|所|行|社|会|理事|董事|秘书|委员|村|团)长|书记|主任|主席|总裁|经理|教授|院士|大使"
# A 表彰大会 greets the honoured by their titles (各位劳动模范、优秀工作者、先进个人代表).
_ZH_ADDRESS_END = rf"(?:{_ZH_POST}|们|代表|委员|同志|来宾|嘉宾|领导|朋友|同仁|同事|员工|职工|干部|党员|伙伴|师生|家人|老师|同学|乡亲|校友|家长|战友|专家|学者|女士|先生|青年|大家|各位|模范|劳模|工作者)"
_ZH_ITEM = rf"(?:尊敬的|亲爱的)?[\u4e00-\u9fffＸXx×]{{0,10}}?{_ZH_ADDRESS_END}"
_ZH_SALUTATION_BODY = rf"{_ZH_ITEM}(?:\s*[、，,和及与]\s*{_ZH_ITEM}){{0,8}}\s*"
_ZH_SALUTATION = re.compile(rf"{_ZH_SALUTATION_BODY}[：:]")  # 同志们：今天…
_ZH_SALUTATION_LINE = re.compile(rf"{_ZH_SALUTATION_BODY}[！!，,]\s*$")  # a line of its own: 同志们！
_EN_ADDRESS = re.compile(
    r"\b(friends|gentlemen|ladies|countrymen|citizens|americans|colleagues|members|delegates|guests|excellenc\w*"
    r"|president|speaker|chairman|chairwoman|everyone|everybody|graduates|students|sir|madam|fellow|comrades)\b",
    re.IGNORECASE,
)
_TITLE_PREFIX_END = re.compile(r"(?:\s|讲话|发言|致辞|报告|演讲|[）)])$")

_ZH_DATE = re.compile(
    r"^[（(]?\s*(?P<date>[\dXxＸ×〇○零一二三四五六七八九十]{4}\s*年\s*[\dXxＸ×〇○零一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\dXxＸ×〇○零一二三四五六七八九十]{1,3}\s*日)?[^（）()]{0,16}?"
    r"|(?:19|20)\d\d\s*(?P<sep>[.．/-])\s*\d{1,2}\s*(?P=sep)\s*\d{1,2})\s*[）)]?$"  # 2024.3.5, 2024-03-05
)
# A subtitle in brackets instead of after a dash: （在2024年全县经济工作会议上）, （在…上的讲话）.
_ZH_BRACKET_SUBTITLE = re.compile(r"^[（(]在[^（）()]{2,40}(?:上|时|期间|之际)(?:的(?:讲话|发言|致辞|报告|演讲))?[）)]$")
# A report's subtitle led by its date, in brackets, after a dash or bare when a scrape dropped them
# (（2019年2月26日在镇第十四届人民代表大会第三次会议上）, 2019年2月26日在…会议): the date and where it was given.
_ZH_DATED_SUBTITLE = re.compile(
    r"^(?:[（(]|——|—|--)?\s*(?P<date>[\d〇○零一二三四五六七八九十]{4}\s*年\s*[\d〇○零一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日)?)\s*在[^。！？；，,：:（）()]{2,60}?"
    r"(?:会议|大会|会|典礼|仪式|论坛|开幕式|闭幕式)(?:上|期间)?(?:的(?:讲话|发言|致辞|报告|演讲))?\s*[）)]?$"
)
# A title set with a space between its characters (政 府 工 作 报 告, 讲 话): a formal document's own title.
_LETTER_SPACED = re.compile(r"^[\u4e00-\u9fff](?:[ \u3000]+[\u4e00-\u9fff]){2,11}$")
_EN_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_EN_DATE = re.compile(
    rf"^\(?(?P<date>(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?:{_EN_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_EN_MONTH},?\s+\d{{4}}))\)?$",
    re.IGNORECASE,
)
_ZH_NAME = re.compile(
    r"^(?:[\u4e00-\u9fffＸXx×、·]{0,16}[ \u3000]+)?(?:[\u4e00-\u9fff·]{2,4}|[Xx×ＸＸ＊*]{2,4})(?:同志)?$"
)
_ZH_NOT_NAME_END = re.compile(r"(讲话|发言|致辞|报告|会议|讲稿|主持词|大会|纪要|意见|通知|方案)$")
_EN_NAME = re.compile(r"^(?:By\s+)?(?:[A-Z][A-Za-z'’-]*\.?\s+){0,3}[A-Z][A-Za-z'’-]+$")
_DOC_NOTE = re.compile(r"^[（(][^（）()]{0,30}(?:整理|删节|节选|摘要|此件|审阅|内部)[^（）()]{0,10}[）)]$")
_INITIAL = re.compile(r"\b[A-Z]\.\s")
_EN_TITLES = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|Hon|Rev|Gen|Sen|Rep|Gov|Pres|Lt|Col|Capt)\.")
_GREETING = re.compile(
    r"(?:大家|各位|同志们|同学们|朋友们|你们|您们)?(?:好|早上好|上午好|下午好|晚上好)\b|(?:good (?:morning|afternoon|evening)"
    r"|hello|hi|greetings|thank you|thanks)\b",
    re.IGNORECASE,
)
_TITLE_END = re.compile(r"(?:讲话|发言|致辞|致词|报告|演讲|主持词|讲稿)(?:稿|文稿|材料)?$")
# Where a speech was given, in an English title block: an institution or venue (not Hall, Park, Church: surnames),
# or "City, State" (Harbor City, California; Washington, D.C.). A line that opens with an office is a person.
_EN_PLACE = re.compile(
    r"\b(?:University|College|School|Academy|Institute|Cent(?:er|re)|Stadium|Arena|Auditorium|Cathedral"
    r"|Capitol|Library|Museum|Theat(?:er|re)|Hotel)\b"
    r"|^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}, (?:[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}|[A-Z]\.[A-Z]\.|[A-Z]{2})$"
    r"|^(?:The )?[A-Z][a-z]+(?: [A-Z][a-z]+){0,3} (?:Room|Garden|Ballroom|Lawn|Plaza)$"
)
_EN_OFFICE = re.compile(
    r"^(?:Mayor|Governor|President|Senator|Representative|Secretary|Chancellor|Dean|Judge|Chief|Ambassador|General"
    r"|Mr\.|Mrs\.|Ms\.|Dr\.|Prof\.|Rev\.|Sir|Dame|Lord|Lady)\s"
)
_EN_SUBTITLE = re.compile(
    r"(?:Remarks|Address|Speech|Keynote|Statement|Lecture|Commencement)\b"
    r"|(?:Delivered|Given|Presented|Spoken) (?:at|to|before|on|by)\b"
)
# A delivery note in an English title block (the White House's "As Prepared for Delivery"): metadata.
_EN_DELIVERY_NOTE = re.compile(
    r"^\W*(?:as prepared for delivery|as delivered|check against delivery|embargoed\b[^.!?]{0,60})\W*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Head:
    title: str | None
    meta: tuple[tuple[str, str], ...]
    body: tuple[str, ...]
    salutation: str | None


def detect_language(text: str) -> Language:
    """Chinese when CJK characters are at least as many as Latin words (a 字 is about one English word)."""
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return Language.ZH if cjk >= words else Language.EN


def _match_salutation(line: str, language: Language) -> tuple[str, str, str] | None:
    """(title prefix, salutation, rest of the line) when ``line`` opens with a salutation, else None."""
    if language == Language.EN:
        return _match_salutation_en(line)
    for start in _salutation_starts(line):
        if start and not _title_like(line[:start].strip(), language):
            continue
        m = _ZH_SALUTATION.match(line, start)
        if m:
            return line[:start], m.group(0).strip(), line[m.end() :].strip()
        if start == 0 and _ZH_SALUTATION_LINE.match(line):
            return "", line.strip(), ""
    return None


def _salutation_starts(line: str) -> list[int]:
    """Where a salutation may start: the line start, or after a title glued before it on one line."""
    starts = []
    for i in range(1, min(len(line), 61)):
        if _TITLE_PREFIX_END.search(line[:i]) and not line[i].isspace():
            starts.append(i)
    return [*starts, 0] if starts else [0]


def _match_salutation_en(line: str) -> tuple[str, str, str] | None:
    colon = line.find(":")
    if 0 < colon <= 200:
        head = line[: colon + 1]
        if _EN_ADDRESS.search(head) and not re.search(r"[.!?]\s+[A-Z]", _EN_TITLES.sub("", _INITIAL.sub("", head))):
            return "", head.strip(), line[colon + 1 :].strip()
    stripped = line.strip()
    if len(stripped) <= 60 and stripped[-1:] in ",!" and _EN_ADDRESS.search(stripped):
        return "", stripped, ""
    return None


_PERSON = re.compile(r"\b(?:I|I'm|we|We|we're|you|You|my|My|our|Our|your|me|us)\b")


def _unpunctuated_speech(line: str) -> bool:
    """A transcript's words without punctuation (I am so proud of each and every one of you we are here today…):
    a long run of mostly lower-case words that speaks in the first or second person is speech, never a title
    (a title is short, or in Title Case, or says "Remarks by President Biden before briefing regarding…")."""
    words = line.split()
    lower = sum(w[:1].islower() for w in words)
    return len(words) >= 12 and lower >= 0.6 * len(words) and _PERSON.search(line) is not None


def _title_like(line: str, language: Language) -> bool:
    if _GREETING.match(line):
        return False  # 大家好 / Good morning everyone, written without punctuation: the speech has begun
    if language == Language.EN:
        if len(line) > 160 or line.endswith((".", "!", "?", ":", ",", ";")) and not _INITIAL.search(line + " "):
            return False
        if _unpunctuated_speech(line):
            return False
        return not re.search(r"[!?;]|[.]\s+[a-z]", _INITIAL.sub("", line))
    if len(line) > 60 or any(c in line for c in _ZH_END) or line.endswith(("：", ":", "，", ",")):
        return False
    return _heading_at(line, 0, language) is None


def _read_head(lines: Sequence[str], language: Language) -> _Head:
    title_parts: list[str] = []
    meta: list[tuple[str, str]] = []
    salutation = None
    body_start = 0
    first_body: str | None = None
    has_subtitle_ahead = any(ln.startswith(("——", "—", "--", "─")) for ln in lines[:TITLE_BLOCK_MAX_LINES])
    seen_subtitle = False
    page_date = False
    salutation_ahead = any(_match_salutation(ln, language) for ln in lines[:TITLE_BLOCK_MAX_LINES])
    i = 0
    while i < min(len(lines), TITLE_BLOCK_MAX_LINES):
        line = lines[i]
        after_label = i > 0 and _SPEAKER_LABEL_LINE.match(lines[i - 1]) is not None
        if md := _MD_HEADING.match(line):
            if title_parts and not after_label:
                body_start = i  # a Markdown heading after the title: the first section
                break
            line = line[md.end() :]  # the speech's title set as a heading
        if after_label and title_parts and _title_like(line, language) and not _match_salutation(line, language):
            # 致辞：饶毅 then 做自己尊重的人: the speech's own title block, after a post's or a page's title
            meta.append(("note", " ".join(title_parts)))
            title_parts = [line]
            i += 1
            body_start = i
            continue
        if (label := _SPEAKER_LABEL_LINE.match(line)) and "speaker" not in dict(meta):
            meta.append(("speaker", label.group("name")))  # 致辞：饶毅（教师代表）
            i += 1
            body_start = i
            continue
        if title_parts and _same_title(title_parts[-1], line) and _title_like(line, language):
            title_parts[-1] = line  # the title said twice (the site's copy, then the document's own): the later
            i += 1
            body_start = i
            continue
        sal = _match_salutation(line, language)
        if sal:
            prefix, salutation, rest = sal
            if prefix.strip():
                title, glued = _split_glued_head(prefix.strip(), language)
                if title_parts and _same_title(title_parts[-1], title):
                    title_parts[-1] = title  # the title again, glued before the salutation: the document's own
                else:
                    title_parts.append(title)
                meta.extend(item for item in glued if item[0] not in dict(meta))
            first_body = salutation + rest if language == Language.ZH else f"{salutation} {rest}".strip()
            body_start = i + 1
            break
        if not _title_like(line, language):
            glued = _GLUED_TITLE.match(line) if i == 0 and language == Language.ZH else None
            if glued:  # a one-line extract: the title glued to the first sentence (…的讲话今天，我们召开…)
                title_parts.append(glued.group("title"))
                first_body = line[glued.end() :]
                i += 1
            body_start = i
            break
        if (language == Language.ZH and title_parts and _LETTER_SPACED.match(line)
                and _TITLE_END.search(re.sub(r"\s", "", line))):
            meta.append(("note", re.sub(r"\s", "", line)))  # the document's own title under the page's: 政 府 工 作 报 告
        elif (language == Language.ZH and title_parts and not line.startswith(("——", "—", "--", "─"))
              and (dated := _ZH_DATED_SUBTITLE.match(line))):
            meta.append(("subtitle", line))
            if "date" not in dict(meta):
                meta.append(("date", dated.group("date").strip()))
            seen_subtitle = True
        elif line.startswith(("——", "—", "--", "─")) or (title_parts and _EN_SUBTITLE.match(line)) or (
            title_parts and language == Language.ZH and _ZH_BRACKET_SUBTITLE.match(line)
        ):
            meta.append(("subtitle", line))
            seen_subtitle = True
        elif (m := (_EN_DATE if language == Language.EN else _ZH_DATE).match(line)) and (
            "date" not in dict(meta) or (page_date and title_parts)
        ):
            # A date above the title is the page's (its posting date); one in the title block is the speech's.
            if "date" in dict(meta):
                meta = [item for item in meta if item[0] != "date"]
            page_date = not title_parts
            meta.append(("date", m.group("date").strip()))
        elif (language == Language.ZH and title_parts and _TITLE_END.search(simplified(line)) and not has_subtitle_ahead
              and not _TITLE_END.search(simplified(title_parts[-1])) and set(dict(meta)) == {"date"}
              and len(" ".join(title_parts)) <= 12):
            # A blog's name above the post's date and title (WFU / 2019年9月10日 / 107學年度畢業生致詞稿).
            meta.append(("note", " ".join(title_parts)))
            title_parts = [line]
        elif _DOC_NOTE.match(line) or (language == Language.EN and _EN_DELIVERY_NOTE.match(line)):
            meta.append(("note", line))
        elif language == Language.EN and title_parts and "place" not in dict(meta) and _EN_PLACE.search(line) and (
            not _EN_OFFICE.match(line)
        ):
            meta.append(("place", line))  # "Riverside State University" is where, not who: not the speaker
        elif language == Language.EN and meta and meta[-1][0] == "place" and _EN_PLACE.search(line) and (
            not _EN_OFFICE.match(line)
        ):
            meta[-1] = ("place", f"{meta[-1][1]}, {line}")  # a place on two lines: U.S. Capitol / Washington, D.C.
        elif title_parts and "speaker" not in dict(meta) and _name_like(line, language) and (
            seen_subtitle or not has_subtitle_ahead
        ) and (seen_subtitle or "date" in dict(meta) or salutation_ahead or _TITLE_END.search(title_parts[-1])
               or language == Language.EN or re.search(r"\s|同志$", line)):
            # A short name-like line is the speaker only in what is surely a speech's title block: after a
            # subtitle or date, before a salutation, under a 讲话 title, or with a position (市长 王建国).
            meta.append(("speaker", line))
        elif not title_parts or (has_subtitle_ahead and not seen_subtitle) or (
            _TITLE_END.search(line) and not _TITLE_END.search(title_parts[-1]) and not meta
        ):
            title_parts.append(line)  # a title set on two lines: 坚定信心 真抓实干 / 奋力谱写…新篇章 / ——在…
        else:
            # Not a part of a title block we know: the speech starts here (a short first line without
            # punctuation must not be lost as metadata).
            body_start = i
            break
        i += 1
        body_start = i
    body = list(lines[body_start:])
    if first_body is not None:
        body.insert(0, first_body)
    if not body:  # only short lines: a tiny speech, not a title block
        if len(lines) < 2:
            return _Head(None, (), tuple(lines), None)
        return _Head(lines[0], (), tuple(lines[1:]), None)
    title = " ".join(title_parts) if title_parts else None
    if title and (bare := re.sub(r"^[•·▪◦‣●]\s+", "", title)):
        title = bare  # a page's list bullet before the title (• Tom Watson – 2017 Speech to…)
    return _Head(title, _unique(meta), tuple(body), salutation)


_GLUED_DATE = re.compile(
    # Starts at a run of spaces' start, each taken whole: a line of spaces costs one pass, not one per space.
    r"(?<!\s)\s*+[（(]?\s*+(?P<date>[\d〇○零一二三四五六七八九十]{4}\s*年\s*[\d〇○零一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日)?)\s*+[）)]?\s*+$"
)


_GLUED_TITLE = re.compile(
    r"(?![我你他她咱这那])(?P<title>[^。！？；：:，,\s]{4,50}?(?:讲话|发言|致辞|报告|演讲|讲稿|发言稿|讲话稿|讲话文稿|发言材料|主持词)"
    r"(?:[（(][^（）()]{1,6}[）)])?)\s*(?=同志们|各位|尊敬的|亲爱的|大家|今天|刚才|这次|本次|近年来|今年|当前|首先|女士们|朋友们)"
)
_SPEAKER_LABEL_LINE = re.compile(
    r"^(?:致辞|演讲|讲话|主讲|发言|报告|致辭|演講|講話|主講|發言|報告)(?:人|者)?\s*[：:]\s*(?P<name>[\u4e00-\u9fff·]{2,4})"
    r"(?:\s*[（(][^（）()]{0,30}[）)])?$"
)
_TITLE_KEY = re.compile(r"[\s\W_]+")


def _same_title(a: str, b: str) -> bool:
    """Two lines that are one title (a page's copy with a year or a suffix, then the document's own)."""
    ka, kb = _TITLE_KEY.sub("", a), _TITLE_KEY.sub("", b)
    if min(len(ka), len(kb)) < 6:
        return False
    return ka == kb or (ka in kb or kb in ka) and min(len(ka), len(kb)) >= 0.6 * max(len(ka), len(kb))


# 王明同志在…上的讲话, and a page's (现场实录)习近平总书记在…时的讲话: a name, then 同志 or a post, then 在.
_SPEAKER_IN_TITLE = re.compile(r"^(?:[（(【][^（）()【】]{1,8}[)）】])?(?P<name>[\u4e00-\u9fff]{2,3}?)"
                               r"(?:同志|总书记|主席|总理|委员长|书记|省长|市长|县长|校长|院长|部长)在[^。！？]{2,60}"
                               r"(?:讲话|发言|致辞|报告)")
# 教师代表徐文守老师开学典礼发言, 学生代表张三同学在毕业典礼上的发言: the representative named after 代表 with an honorific.
_DELEGATE_IN_TITLE = re.compile(r"^[^。！？]{0,12}?代表(?P<name>[\u4e00-\u9fff]{2,3})(?:同志|老师|同学|教授|校长|书记|院士|先生|女士)"
                                r"[^。！？]{0,40}(?:讲话|发言|致辞|报告)")


def _speaker_elsewhere(title: str | None, script: CleanScript) -> str | None:
    """The speaker when the title block names none: in the title (王明同志在…上的讲话), or in the news lead the cleaner
    took out (国家主席习近平出席并发表重要讲话)."""
    if title and (m := _SPEAKER_IN_TITLE.match(simplified(title)) or _DELEGATE_IN_TITLE.match(simplified(title))):
        return title[m.start("name") : m.end("name")]
    for removal in script.removals:
        if removal.reason in (NEWS_LEAD, FULL_TEXT_LEAD) and (name := speaker_in_lead(removal.text)):
            return name
        if removal.reason == PREFACE and (name := speaker_in_preface(removal.text)):
            return name
    return None


_FOOTER_TITLE = re.compile(r"^本文标题\s*[:：]\s*(?P<title>\S.{1,60}?)\s*$")


def _footer_title(script: CleanScript) -> str | None:
    """The title a page's footer names (本文标题：…), as the cleaner took it out; only a speech's title (…的发言)."""
    for removal in script.removals:
        if removal.reason == TITLE_FOOTER and (m := _FOOTER_TITLE.match(removal.text.strip())):
            if _TITLE_END.search(simplified(m.group("title"))):
                return m.group("title")
    return None


def _split_glued_head(prefix: str, language: Language) -> tuple[str, list[tuple[str, str]]]:
    """A one-line scrape glues the title block together before the salutation (``在…上的讲话 校长 陈树声（2024年
    6月18日） 同学们：``): the title, and the date and speaker peeled off its end."""
    meta: list[tuple[str, str]] = []
    for _ in range(2):
        if (m := _GLUED_DATE.search(prefix)) and m.start() > 0 and "date" not in dict(meta):
            meta.append(("date", m.group("date")))
            prefix = prefix[: m.start()].rstrip()
            continue
        m = re.match(r"^(.+?(?:讲话|发言|致辞|报告|演讲))\s+(\S.*)$", prefix)
        if m and "speaker" not in dict(meta) and _name_like(m.group(2), language):
            meta.append(("speaker", m.group(2)))
            prefix = m.group(1)
            continue
        break
    return prefix, meta


def _name_like(line: str, language: Language) -> bool:
    if language == Language.EN:
        return bool(_EN_NAME.match(line)) and len(line.split()) <= 5
    return len(line) <= 24 and bool(_ZH_NAME.match(line)) and not _ZH_NOT_NAME_END.search(line)


def _unique(meta: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One value per key (the JSON contract makes meta an object): repeated notes are joined."""
    merged: dict[str, str] = {}
    for key, value in meta:
        merged[key] = f"{merged[key]}；{value}" if key in merged else value
    return tuple(merged.items())


# --- headings ------------------------------------------------------------------------------------------------------


def _heading_at(text: str, pos: int, language: Language) -> tuple[_Style, int, str, int] | None:
    """(style, number, marker, end) of a heading marker at ``pos`` (leading spaces skipped), else None."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    for style in _STYLES:
        if style.language != language and not (style.name.startswith("digit") or style.name == "roman"):
            continue
        m = style.pattern.match(text, pos)
        if not m:
            continue
        number = _style_number(style, m.group(1))
        if number is None:
            continue
        if style.name == "roman" and language == Language.ZH:
            continue
        return style, number, m.group(0).strip(), m.end()
    return None


_END_THEN_SPACE = re.compile(r"[。！？；!?;][”’」』）)]*\s*|[.!?][”’\"')]*\s+")


_LEAD_AFTER = re.compile(r"[。！？；：:!?;][”’」』）)]*\s*")


def _candidates(paragraphs: Sequence[str], offsets: Sequence[int], one_line: Sequence[bool], language: Language):
    found: list[_Candidate] = []
    for pi, text in enumerate(paragraphs):
        if md := _MD_HEADING.match(text):
            found.append(_Candidate(offsets[pi], pi, 0, _MD_STYLES[len(md.group(1))], 1, "", md.end()))
            continue
        positions = [0]
        if one_line[pi]:
            positions += [m.end() for m in _END_THEN_SPACE.finditer(text) if m.end() < len(text)]
        for pos in positions:
            hit = _heading_at(text, pos, language)
            if hit:
                style, number, marker, end = hit
                local = pos
                while text[local].isspace():
                    local += 1
                found.append(_Candidate(offsets[pi] + local, pi, local, style, number, marker, end))
        # The first item often ends the introduction's paragraph (下面，我讲三点意见：第一，…): a lead, kept only
        # when item 2 opens the next paragraph, or when it is alone and announced (see _runs, _lone_heading).
        # A one-line paragraph has its candidates after sentence ends already: only those after a colon are leads.
        seen = set(positions)
        for m in _LEAD_AFTER.finditer(text):
            if m.end() not in seen:
                hit = _heading_at(text, m.end(), language) if m.end() < len(text) else None
                if hit and hit[1] == 1:
                    style, number, marker, end = hit
                    found.append(_Candidate(offsets[pi] + m.end(), pi, m.end(), style, number, marker, end, lead=True))
    found.sort(key=lambda c: c.offset)
    return found


def _runs(cands: Sequence[_Candidate]) -> list[list[_Candidate]]:
    runs: list[list[_Candidate]] = []
    current: list[_Candidate] = []
    for k, c in enumerate(cands):
        if c.lead:
            following = next((d for d in cands[k + 1 :] if not d.lead), None)
            later_lead = any(d.lead and d.paragraph == c.paragraph for d in cands[k + 1 :])
            if following and following.number == 2 and following.local == 0 and not later_lead and (
                following.paragraph == c.paragraph + 1
            ):
                if current:
                    runs.append(current)
                current = [c]
            elif len(cands) == 1:
                runs.append([c])  # a lone lead: judged by _lone_heading
            continue
        if c.number == 1:
            if current:
                runs.append(current)
            current = [c]
        elif c.number == LAST:
            if current:
                current.append(c)
                runs.append(current)
                current = []
        elif current and current[-1].number != LAST and c.number == current[-1].number + 1:
            current.append(c)
        elif current and c.number > current[-1].number + 1:
            # A gap (一是 … 三是) means these are not one list: numbering must be consistent.
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _accept(
    cands: Sequence[_Candidate], bounds: Sequence[int], min_span: int, paragraphs: Sequence[str], language: Language
) -> list[_Candidate]:
    """The candidates that belong to a valid run, each run lying between two of ``bounds``.

    Inside a paragraph (a one-line document) each member must be followed by substantial text: a preview list
    ``一是认清形势。二是明确任务。`` has one short sentence per item. At paragraph starts a marker counts, unless
    the whole run is a list of one-sentence lines followed by a second run of the same style: the outline said
    first, then the sections themselves.
    """
    by_region: dict[int, list[_Candidate]] = {}
    for c in cands:
        by_region.setdefault(bisect.bisect_right(bounds, c.offset), []).append(c)
    accepted = []
    for group in by_region.values():
        # 首先，我代表… / 最后，祝…: a 致辞 thanks first and wishes last; with no 其次 between, that is no list.
        runs = [run for run in _runs(group) if (len(run) >= 2 and not (len(run) == 2 and run[-1].number == LAST))
                or (len(run) == 1 and _lone_heading(run[0], group, paragraphs, language))]
        for k, run in enumerate(runs):
            if len(run) > 1 and any(c.local > 0 for c in run):
                spans = sorted(b.offset - a.offset for a, b in zip(run, run[1:]))
                if spans[len(spans) // 2] < min_span:
                    continue
            elif k + 1 < len(runs) and all(
                b.paragraph == a.paragraph + 1 and _one_sentence(paragraphs[a.paragraph], language)
                for a, b in zip(run, run[1:])
            ):
                continue
            accepted.extend(run)
    return accepted


LONE_HEADING_MAX = {Language.ZH: 40, Language.EN: 80}
_REPORT_LEAD = re.compile(r"(?:汇报|报告|述职|总结|说明|陈述)如下")
_ANNOUNCE = re.compile(r"(?:讲|谈|强调|提|说|明确|部署)了?(?:[几两三四五六七八九十]|以下)(?:点|个方面|个问题|句话|条)"
                       r"(?:意见|看法|要求|建议|想法|体会)?[：:。，,]?\s*$")


def _lone_heading(c: _Candidate, group: Sequence[_Candidate], paragraphs: Sequence[str], language: Language) -> bool:
    """A first structural heading with no second one: an excerpt (a download site shows the first part only) or a
    speech of one part. It counts when it stands on a line of its own, short and with no sentence end, with the
    speech going on after it, and nothing else of its style is numbered in its region (一、 … 三、 is a broken list,
    not a lone heading). A spoken list (一是, 首先，) alone is never a list."""
    if not c.style.rank or c.number != 1 or any(d.style is c.style and d is not c for d in group):
        return False
    if c.paragraph + 1 >= len(paragraphs) and c.local == 0 and not c.lead and len(paragraphs) < 2:
        return False
    if c.local != 0 or c.lead:
        # Inside a paragraph (a one-line scrape): only where the sentence before announces the points
        # (下面，我讲几点意见：一、…): the rest of the list was cut off by the site.
        before = paragraphs[c.paragraph][max(0, c.local - 40) : c.local]
        if _ANNOUNCE.search(before):
            return True
        # A report's lead (现将…情况报告如下, 就一年来的工作汇报如下，不妥之处请批评指正。): its last sentence announces
        # the parts that follow, whatever courtesy comes after 如下 in that sentence.
        last = re.split(r"[。！？!?]", paragraphs[c.paragraph][max(0, c.local - 120) : c.local].rstrip("。！？!? "))[-1]
        return _REPORT_LEAD.search(last) is not None
    text = paragraphs[c.paragraph].strip()
    ends = _ZH_END + "。" if language == Language.ZH else ".!?;"
    title = text[c.marker_end:]
    return len(text) <= LONE_HEADING_MAX[language] and not any(ch in ends for ch in title.rstrip(ends))


def _one_sentence(text: str, language: Language) -> bool:
    ends = _ZH_END if language == Language.ZH else ".!?"
    body = text.rstrip().rstrip("”’」』）)\"'").rstrip(ends + "…")
    return not any(c in ends for c in body)


def _resolve(
    cands: Sequence[_Candidate], language: Language, paragraphs: Sequence[str]
) -> list[tuple[_Candidate, int]]:
    """Accepted heading candidates with their levels, in order."""
    min_span = MIN_SPAN[language]
    accepted = [c for c in cands if c.style.name.startswith("markdown")]
    bounds = sorted(c.offset for c in accepted)
    for rank in (1, 2, 3, 4):
        for style in (s for s in _STYLES if s.rank == rank):
            chosen = _accept([c for c in cands if c.style is style], bounds, min_span, paragraphs, language)
            accepted.extend(chosen)
            bounds = sorted([*bounds, *(c.offset for c in chosen)])
    taken = {c.offset for c in accepted}
    for style in (s for s in _STYLES if s.rank == 0):
        chosen = _accept([c for c in cands if c.style is style], bounds, min_span, paragraphs, language)
        chosen = [c for c in chosen if c.offset not in taken]
        accepted.extend(chosen)
        taken.update(c.offset for c in chosen)
    accepted.sort(key=lambda c: c.offset)
    levelled = []
    stack: list[int] = []  # ranks of the open structural headings
    for c in accepted:
        if c.style.rank:
            while stack and stack[-1] >= c.style.rank:
                stack.pop()
            levelled.append((c, len(stack) + 1))
            stack.append(c.style.rank)
        else:
            levelled.append((c, len(stack) + 1))
    return levelled


# --- closing -------------------------------------------------------------------------------------------------------

_ZH_CLOSING_FORMULA = re.compile(
    r"(?:谢谢(?:大家|各位|您们|你们)?[！!。，,]|谢谢$|散会|会议到此结束|今天的会议(?:就)?(?:开到这里|到此结束|到这里)"
    r"|我就讲(?:这些|这么多|到这里)|我的讲话(?:就)?(?:到此|完了)|以上(?:意见|讲话)?，?供参考)"
)
_ZH_GENERIC_ADDRESS = r"同志们|朋友们|同学们|老师们|乡亲们|代表们|各位[\u4e00-\u9fff]{0,6}?|女士们、先生们"
_EN_CLOSING = re.compile(
    r"(?:Thank you|Thanks|God bless|May God|My (?:dear )?fellow [A-Za-z]+|Fellow[- ][A-Za-z]+|Ladies and gentlemen"
    r"|Friends|Congratulations)\b",
    re.IGNORECASE,
)


def _closing_pattern(salutation: str | None, language: Language) -> re.Pattern[str]:
    if language == Language.EN:
        return _EN_CLOSING
    terms = []
    if salutation:
        for item in re.split(r"[、，,和及与：:！!\s]+", salutation):
            item = re.sub(r"^(?:尊敬的|亲爱的)", "", item)
            if item:
                terms.append(re.escape(item))
    address = "|".join([*terms, _ZH_GENERIC_ADDRESS])
    # Used with .match(text, pos): no ^ anchor, which would only match at the start of the whole text.
    # 女士们、先生们、朋友们！: a list of addresses opens the closing as one address does.
    return re.compile(rf"(?:(?:{address})(?:[、和](?:{address}))*[，,！!]|{_ZH_CLOSING_FORMULA.pattern})")


def _find_closing(
    paragraphs: Sequence[str],
    offsets: Sequence[int],
    one_line: Sequence[bool],
    after: int,
    pattern: re.Pattern[str],
) -> tuple[int, int] | None:
    """(paragraph, local offset) where the closing starts: the earliest qualifying start in the final window."""
    starts: list[tuple[int, int]] = []
    first = max(0, len(paragraphs) - CLOSING_WINDOW_PARAGRAPHS)
    for pi in range(first, len(paragraphs)):
        if one_line[pi]:
            sentence_starts = [0] + [m.end() for m in _END_THEN_SPACE.finditer(paragraphs[pi])]
            starts += [(pi, s) for s in sentence_starts[-CLOSING_WINDOW_SENTENCES - 1 :] if s < len(paragraphs[pi])]
        else:
            starts.append((pi, 0))
    for pi, local in starts:
        if offsets[pi] + local <= after:
            continue
        if pattern.match(paragraphs[pi], local):
            return pi, local
    return None


# --- sentences -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Block:
    """A paragraph, or the part of one between two section starts (one-line documents are cut at their markers)."""

    paragraph: int
    start: int
    end: int
    opens: tuple[str, int, str | None, str] | None = None  # (kind, level, marker, title) when a section starts here


# Where the body starts when a heading is glued to it: a space, or (after 4 characters of a clause) the time phrase a
# paragraph of a report so often opens with.
_GLUED_BODY = re.compile(r"\s+(?=\S)|(?<=[^\s，,、]{4})(?:今年|去年|近年来|近年|近期|当前|目前|[\dXx×]{1,2}(?:-[\dXx×]{1,2})?月)")


def _section_title(text: str, marker_end: int, marker: str, language: Language) -> str:
    rest = text[marker_end:]
    stop = _TITLE_STOP[language]
    cut = len(rest)
    for i, ch in enumerate(rest):
        if ch in "：:" and 0 < i < len(rest) - 1 and rest[i - 1].isdigit() and rest[i + 1].isdigit():
            continue  # a clock time (上午10：00-11：00), not the colon that ends a heading
        if ch in stop and not (language == Language.EN and ch == "." and _INITIAL.match(rest, max(0, i - 1))):
            cut = i
            break
    title = rest[:cut].strip(" \t\u3000，,")
    limit = MAX_TITLE[language]
    if len(title) > limit and language == Language.ZH and (glued := _GLUED_BODY.search(title, 4, limit + 1)):
        # A heading glued to its paragraph (认清形势，统一思想今年X月…): the body opens with a space or a time phrase.
        return title[: glued.start()].rstrip(" ，,")
    if len(title) > limit:
        head = title[:limit]
        comma = max(head.rfind("，"), head.rfind(","), head.rfind(" ") if language == Language.EN else -1)
        title = (head[:comma] if comma >= limit // 2 else head).rstrip(" ，,") + "…"
    return title or marker.strip("、，,.．：: ")


def parse(script: CleanScript) -> Speech:
    """The script tree of a cleaned speech.

    Raises ScriptError when nothing is left to speak, or a pause marker asks for an absurd length.
    """
    text = script.text
    language = detect_language(text)
    word_note = None
    if language == Language.EN:
        text, runs = words.restore(text)
        if runs > 0:
            word_note = f"word boundaries restored in {runs} run(s) of glued words (the spaces had been stripped)"
        elif runs < 0:
            word_note = "the spaces of this English text were stripped and it is too long to restore them"
    lines = [ln.strip().lstrip("\ufeff").strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise ScriptError("nothing to speak after cleaning (the script is empty or only noise)", path=script.path)
    head = _read_head(lines, language)

    marked = scan_blocks(head.body, path=script.path)
    paragraphs = [m.text for m in marked]
    offsets = []
    total = 0
    for p in paragraphs:
        offsets.append(total)
        total += len(p) + 1
    one_line = [
        len(p) >= ONE_LINE_ALWAYS or (len(p) >= ONE_LINE_MIN[language] and len(paragraphs) <= 3) for p in paragraphs
    ]

    levelled = _resolve(_candidates(paragraphs, offsets, one_line, language), language, paragraphs)
    last_marker = levelled[-1][0].offset if levelled else offsets[0]
    closing = _find_closing(paragraphs, offsets, one_line, last_marker, _closing_pattern(head.salutation, language))

    # Section starts by paragraph: (local offset, kind, level, marker, title).
    starts: dict[int, list[tuple[int, tuple[str, int, str | None, str]]]] = {}
    for c, level in levelled:
        title = _section_title(paragraphs[c.paragraph], c.marker_end, c.marker, language)
        starts.setdefault(c.paragraph, []).append((c.local, ("marked", level, c.marker, title)))
    if closing:
        starts.setdefault(closing[0], []).append((closing[1], ("closing", 0, None, CLOSING_TITLE[language])))

    blocks: list[_Block] = []
    for pi, text in enumerate(paragraphs):
        here = sorted(starts.get(pi, []), key=lambda s: s[0])
        cut_points = [0, *(local for local, _ in here if local > 0), len(text)]
        opens_at = {local: opens for local, opens in here}
        for a, b in zip(cut_points, cut_points[1:]):
            if b > a or a == 0:
                opens = opens_at.get(a)
                if opens and opens[2] == "" and (md := _MD_HEADING.match(text, a)):
                    a = md.end()  # the #s are markup, not words
                blocks.append(_Block(pi, a, b, opens))

    salutation_cut = len(head.salutation) if head.salutation and paragraphs and paragraphs[0].startswith(
        head.salutation
    ) else None
    sections = _build_sections(blocks, marked, language, salutation_cut)
    if not any(s.sentences for s in sections):
        raise ScriptError("nothing to speak after cleaning (no sentence is left)", path=script.path)

    unknown: dict[str, int] = {}
    notes = []
    for m in marked:
        for u in m.unknown:
            unknown[u] = unknown.get(u, 0) + 1
        notes.extend(m.notes)
    meta = list(head.meta)
    title = head.title
    if language == Language.ZH and (labelled := _footer_title(script)) and not (
        title and _TITLE_END.search(simplified(title))
    ):
        # The head holds no speech title (武进区区长 above the salutation) and the page's footer names it
        # (本文标题：在区十七届人大五次会议闭幕式上的发言): the footer's is the title; the head's line is the speaker's
        # post when it reads as one, else a note.
        if title:
            meta.append(("speaker" if "speaker" not in dict(meta) and _name_like(title, language) else "note", title))
        title = labelled
    if word_note:
        meta.append(("note", word_note))
    if "speaker" not in dict(meta) and (speaker := _speaker_elsewhere(title, script)):
        meta.append(("speaker", speaker))
    if notes:
        meta.append(("note", "；".join(notes)))
    return Speech(
        title=title,
        meta=_unique(meta),
        language=language,
        sections=tuple(sections),
        salutation=head.salutation,
        unknown_markers=tuple(UnknownMarker(t, n) for t, n in unknown.items()),
    )


def _build_sections(
    blocks: Sequence[_Block], marked: Sequence[Marked], language: Language, salutation_cut: int | None
) -> list[Section]:
    sections: list[tuple[tuple[str, int, str | None, str], list[Paragraph]]] = []
    current: tuple[tuple[str, int, str | None, str], list[Paragraph]] = (
        ("opening", 0, None, OPENING_TITLE[language]),
        [],
    )
    # The paragraph list and index that hold the last sentence built, so a pause written at the start of a later
    # block (or a block with no words) can be handed to it.
    last_home: list[tuple[list[Paragraph], int]] = []

    def attach(pauses: Sequence[Pause]) -> None:
        if not pauses or not last_home:
            return
        paras, i = last_home[0]
        para = paras[i]
        last = para.sentences[-1]
        paras[i] = Paragraph((*para.sentences[:-1], replace(last, pauses=last.pauses + tuple(pauses))))

    for block in blocks:
        if block.opens is not None:
            if current[1]:
                sections.append(current)
            current = (block.opens, [])
        m = marked[block.paragraph]
        text = m.text[block.start : block.end]
        cuts = {at - block.start for at, _ in m.pauses if block.start < at <= block.end}
        cuts |= {at - block.start for at, _ in m.rates if block.start < at < block.end}
        if salutation_cut and block.paragraph == 0 and block.start == 0:
            cuts.add(salutation_cut)
        pieces = split_sentences(text, language, cuts)
        # A pause at a block's start follows the previous block's text, so it belongs there.
        pauses = sorted(
            ((at - block.start, p) for at, p in m.pauses if _owns(block, at)),
            key=lambda item: item[0],
        )
        built: list[Sentence] = []
        pi = 0
        for a, b in pieces:
            own = []
            leading = []
            while pi < len(pauses) and pauses[pi][0] <= b:
                (leading if pauses[pi][0] <= a and not built else own).append(pauses[pi][1])
                pi += 1
            if leading:
                attach(leading)
            written = text[a:b].strip()
            if not written:
                if built:
                    built[-1] = replace(built[-1], pauses=built[-1].pauses + tuple(own))
                else:
                    attach(own)
                continue
            rate = _rate_at(m.rates, block.start + a + (len(text[a:b]) - len(text[a:b].lstrip())))
            built.append(Sentence(text=written, written=written, pauses=tuple(own), rate=rate))
        rest = [p for _, p in pauses[pi:]]
        if rest:
            if built:
                built[-1] = replace(built[-1], pauses=built[-1].pauses + tuple(rest))
            else:
                attach(rest)
        if built:
            current[1].append(Paragraph(tuple(built)))
            last_home[:] = [(current[1], len(current[1]) - 1)]
    if current[1]:
        sections.append(current)
    if not any(opens[1] >= 1 for opens, _ in sections):
        sections = [(("opening", 0, None, BODY_TITLE[language]) if opens[0] == "opening" else opens, paras)
                    for opens, paras in sections]
    return [
        Section(index=i, level=opens[1], marker=opens[2], title=opens[3], paragraphs=tuple(paras))
        for i, (opens, paras) in enumerate(sections)
    ]


def _owns(block: _Block, at: int) -> bool:
    """Whether a pause at paragraph offset ``at`` follows text of this block (not the block before it)."""
    return (block.start < at or at == block.start == 0) and at <= block.end


def _rate_at(rates: Sequence[tuple[int, float]], at: int) -> float:
    rate = 1.0
    for offset, value in rates:
        if offset <= at:
            rate = value
        else:
            break
    return rate

