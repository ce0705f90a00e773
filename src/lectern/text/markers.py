"""Inline pacing markers and stage notes: what a speaker writes into a script to steer delivery.

A speaker marks a script by hand: ``[停]``/``[pause]`` for a beat, ``[停2秒]``/``[pause 2s]``/``[p800]`` for an exact
wait, ``//`` for a long pause, ``[慢]…[/慢]`` and ``[快]…[/快]`` to slow down or speed up a passage. Transcribed
speeches carry stage notes: ``（掌声）``/``（热烈掌声）``/``（笑声）``/``(applause)`` where the audience reacted (the speaker
waits), and notes such as ``（根据录音整理）`` that describe the document. None of these is ever spoken.

:func:`scan_blocks` removes them from each block of text and reports where they were, as offsets into the text that
is left, so :mod:`lectern.text.structure` can cut sentences there and attach the pauses.

Pause lengths the preset decides are *symbolic* in the Speech that ``structure.parse`` returns: a beat, a long pause
and an applause wait carry the negative sentinels :data:`BEAT_MS`, :data:`LONG_MS` and :data:`APPLAUSE_MS`, which
:func:`lectern.text.plan.plan` replaces with the values of its :class:`~lectern.model.PauseTable`. This keeps a preset's
pauses in one place (the plan) instead of requiring the same table to be passed to both steps. Explicit lengths
(``[停2秒]`` → 2000) are stored as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lectern.errors import ScriptError
from lectern.model import Pause, PauseKind

BEAT_MS = -1  # [停], [pause]: PauseTable.beat
LONG_MS = -2  # //: PauseTable.long
APPLAUSE_MS = -3  # （掌声）: PauseTable.applause

# A relative rate for [慢]…[/慢] and [快]…[/快]. ±15 % is audible without sounding mechanical; it is what speech
# coaches mean by "slow down for the key sentence" (about 190 vs 220 字/分).
SLOW_RATE = 0.85
FAST_RATE = 1.15

# Longest explicit pause accepted: a longer one is almost surely a typo ([停20] meant 2 s, or [p8000] meant 800).
MAX_PAUSE_MS = 60_000

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# One alternation, scanned once per block (linear): bracket markers, // and stage notes in parentheses.
_TOKEN = re.compile(
    r"(?P<bracket>[\[［](?P<body>[^\[\]［］\n]{1,24})[\]］])"
    r"|(?P<long>(?<![:/：／])(?://|／／)(?![/／]))"
    r"|(?P<note>[（(](?P<note_body>[^（）()\[\]［］\n]{1,28})[）)])"
)
_PAUSE = re.compile(
    r"^(?:停顿?|暂停|pause|p)\s*(?:(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十半]+)\s*"
    r"(?P<unit>秒钟?|s|secs?|seconds?|毫秒|ms)?)?\s*$",
    re.IGNORECASE,
)
_RATE = re.compile(r"^(?P<close>/)?\s*(?P<kind>慢|慢速|快|快速|slow|fast)\s*$", re.IGNORECASE)
# Transcripts describe the room at some length: （会场响起经久不息的热烈掌声）, (Audience applauds.), (Cheers and
# applause.). A note is a stage note when its words are about the audience reacting, whatever comes around them.
_APPLAUSE_NOTE = re.compile(
    r"^[^（）()]{0,14}(?:掌声|鼓掌|笑声|欢呼)[^（）()]{0,6}$|^(?:众|大|全场|会场)?笑$"
    r"|^\s*(?:[A-Za-z]+\s+){0,3}(?:applause|applauds?|applauding|laughter|laughs|cheers|cheering|ovation)\b"
    r"[^()]{0,20}$",
    re.IGNORECASE,
)
# A presenter's note to pause or look up, in brackets: a beat.
_PRESENTER_PAUSE = re.compile(r"^\s*(?:停顿|稍停|停一下|停|抬头|抬头看|环视|环视全场|看台下|(?i:pause|beat))\s*(?:片刻|一下|\d+\s*秒)?\s*$")
DOCUMENT_NOTE_MAX = 16  # a longer parenthesis is the speaker's own words, even if it says 摘要
_DOCUMENT_NOTE = re.compile(
    r"录音整理|根据.{0,8}整理|有删节|删节|节选|摘要|此件|未经本人审阅|本人审阅|内部资料|记录整理|^(?:全文)?完$"
)


@dataclass(frozen=True, slots=True)
class Marked:
    """One block of text with its markers taken out.

    ``pauses`` and ``rates`` are offsets into ``text``: a pause at offset *i* follows ``text[:i]``; a rate at *i*
    applies from ``text[i]`` on, until the next rate entry.
    """

    text: str
    pauses: tuple[tuple[int, Pause], ...] = ()
    rates: tuple[tuple[int, float], ...] = ()
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # document notes such as 根据录音整理: metadata, not spoken


def pause_ms(body: str) -> int | None:
    """The length a pause marker's inside asks for (``停2秒`` → 2000, ``p800`` → 800), BEAT_MS for a bare beat.

    A bare number means seconds after 停/pause (``[停2]``) and milliseconds after ``p`` (``[p800]``), the two ways
    speakers write them. Returns None when ``body`` is not a pause marker.
    """
    m = _PAUSE.match(body.strip())
    if not m:
        return None
    num, unit = m.group("num"), (m.group("unit") or "").lower()
    if num is None:
        return BEAT_MS
    value = _number(num)
    if value is None:
        return None
    if unit in ("毫秒", "ms"):
        ms = value
    elif unit:
        ms = value * 1000
    else:
        ms = value if body.strip()[:1].lower() == "p" and not body.strip().lower().startswith("pause") else value * 1000
    return round(ms)


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    if text == "半":
        return 0.5
    if text.endswith("半"):
        whole = _number(text[:-1])
        return None if whole is None else whole + 0.5
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else 1
        o = _CN_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else float(t * 10 + o)
    if len(text) == 1 and text in _CN_DIGITS:
        return float(_CN_DIGITS[text])
    return None


def _rate_tag(body: str) -> tuple[bool, float] | None:
    m = _RATE.match(body.strip())
    if not m:
        return None
    kind = m.group("kind").lower()
    rate = SLOW_RATE if kind.startswith(("慢", "slow")) else FAST_RATE
    return (m.group("close") is not None, rate)


def scan_blocks(blocks: Sequence[str], *, path: str | None = None) -> tuple[Marked, ...]:
    """Take the markers out of each block, in speaking order.

    A rate span runs from ``[慢]`` to the matching ``[/慢]``, across blocks. One that is never closed ends with its
    block: a forgotten close tag then slows one paragraph, not the rest of the speech.
    """
    closes_after = _last_close_positions(blocks)
    current_rate = 1.0
    out = []
    for bi, block in enumerate(blocks):
        kept: list[str] = []
        length = 0
        pauses: list[tuple[int, Pause]] = []
        rates: list[tuple[int, float]] = []
        unknown: list[str] = []
        notes: list[str] = []
        if current_rate != 1.0:
            rates.append((0, current_rate))
        block_rate_unclosed = False
        last = 0
        for m in _TOKEN.finditer(block):
            piece = block[last : m.start()]
            kept.append(piece)
            length += len(piece)
            last = m.end()
            if m.group("long"):
                pauses.append((length, Pause(PauseKind.MARKER, LONG_MS)))
            elif m.group("note"):
                body = m.group("note_body")
                if _APPLAUSE_NOTE.search(body):
                    pauses.append((length, Pause(PauseKind.APPLAUSE, APPLAUSE_MS)))
                elif _PRESENTER_PAUSE.match(body):  # （停顿）, （抬头）: the presenter's beat, not words
                    pauses.append((length, Pause(PauseKind.MARKER, BEAT_MS)))
                elif len(body) <= DOCUMENT_NOTE_MAX and _DOCUMENT_NOTE.search(body):
                    notes.append(m.group(0))
                else:  # ordinary parenthesised speech, e.g. 县公安局（交警支队）
                    kept.append(m.group(0))
                    length += len(m.group(0))
            else:
                body = m.group("body")
                ms = pause_ms(body)
                rate = _rate_tag(body) if ms is None else None
                if ms is not None:
                    if ms > MAX_PAUSE_MS:
                        raise ScriptError(
                            f"pause marker {m.group(0)} asks for more than {MAX_PAUSE_MS // 1000} s",
                            path=path,
                            sentence=block,
                        )
                    pauses.append((length, Pause(PauseKind.MARKER, ms)))
                elif rate is not None:
                    closing, value = rate
                    if closing:
                        current_rate = 1.0
                    else:
                        current_rate = value
                        block_rate_unclosed = not _closed_later(closes_after, bi, m.start(), value)
                    rates.append((length, current_rate))
                elif _APPLAUSE_NOTE.search(body):  # [applause] in an English transcript
                    pauses.append((length, Pause(PauseKind.APPLAUSE, APPLAUSE_MS)))
                else:
                    unknown.append(m.group(0))
        kept.append(block[last:])
        if block_rate_unclosed and current_rate != 1.0:
            current_rate = 1.0
        out.append(
            Marked(
                text="".join(kept),
                pauses=tuple(pauses),
                rates=_merge_rates(rates),
                unknown=tuple(unknown),
                notes=tuple(notes),
            )
        )
    return tuple(out)


def _merge_rates(rates: list[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
    """Several tags at one offset: the last one wins."""
    merged: list[tuple[int, float]] = []
    for at, rate in rates:
        if merged and merged[-1][0] == at:
            merged[-1] = (at, rate)
        else:
            merged.append((at, rate))
    return tuple(merged)


def _last_close_positions(blocks: Sequence[str]) -> dict[float, tuple[int, int]]:
    """For each rate, the (block, offset) of its last close tag, so an open tag can tell whether it is ever closed."""
    last: dict[float, tuple[int, int]] = {}
    for bi, block in enumerate(blocks):
        if "/" not in block:
            continue
        for m in _TOKEN.finditer(block):
            body = m.group("body")
            if body is None:
                continue
            tag = _rate_tag(body)
            if tag and tag[0]:
                last[tag[1]] = (bi, m.start())
    return last


def _closed_later(closes: dict[float, tuple[int, int]], block: int, offset: int, rate: float) -> bool:
    where = closes.get(rate)
    return where is not None and where > (block, offset)
