"""Pauses, fills, breath groups and a duration estimate for a parsed speech: everything synthesis needs to know.

Pause rules (each sentence gets one *structural* pause for its position, plus what the script asked for):

* after a sentence ``PauseTable.sentence`` (450 ms), after a paragraph's last sentence ``paragraph`` (900), after a
  section's last sentence ``section`` (1800), after the salutation ``salutation`` (800) unless it is the whole
  opening, where the section pause wins;
* a piece of a sentence cut off by a marker, a rate change or the overlong-sentence limit (it does not end with an
  end mark) gets no structural pause, the speaker reads on, or half a sentence pause (``BREATH``) when the cut is
  at a comma, where a speaker would breathe;
* the very last sentence gets no structural pause: the rehearsal ends when the speech does (applause or a marker
  written after it still counts);
* inline markers (``[停]``, ``[停2秒]``, ``//``) *replace* the structural pause when they are longer, and are dropped
  when shorter: a marker asks for at least that long a pause, not for an extra one on top of a section break;
* applause (``（掌声）``) *adds* ``PauseTable.applause`` (3000) per note: the speaker waits for it to die down
  whatever the position.

The estimate uses a delivery rate (220 字/分 for Chinese, counting CJK characters and digits; 140 words/min for
English; ``rate=`` overrides it), scaled by each sentence's ``[慢]``/``[快]`` rate. It needs no synthesis, so
``lectern plan`` is instant; the rehearsal's own times always come from the measured audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from lectern.errors import ScriptError
from lectern.text.markers import APPLAUSE_MS, BEAT_MS, LONG_MS
from lectern.model import (
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Pause,
    PauseKind,
    PauseTable,
    Plan,
    Section,
    Sentence,
    Speech,
)
from lectern.text.placeholders import MAY_HOLD_BLANK, Filler, find
from lectern.text.segment import breath_groups, count_units

DEFAULT_RATE = {Language.ZH: 220.0, Language.EN: 140.0}
# A delivery rate outside this band is a typo (e.g. --rate 2.2 meant 220), not a speaking style.
RATE_RANGE = {Language.ZH: (60.0, 600.0), Language.EN: (40.0, 400.0)}

_ENDS = frozenset("。！？；…!?;.：:")
_CLAUSE_ENDS = frozenset("，、,")
_CLOSERS = "”’」』）)》】〕］]\"' "


def plan(
    speech: Speech,
    script: CleanScript,
    *,
    rate: float | None = None,
    pauses: PauseTable = PauseTable(),
    fills: Sequence[str] = (),
    breath: bool = True,
) -> Plan:
    """The speech with every pause, fill, breath group and estimate set.

    ``fills`` are the ``--fill`` values (``XX=王明`` or names in order of appearance); blanks left over are
    spoken as 某某. ``breath=False`` leaves ``breath_groups`` empty: an outline or estimate does not need them,
    and skipping them skips jieba's ≈ 1.4 s dictionary load.
    """
    language = speech.language
    delivery = DEFAULT_RATE[language] if rate is None else float(rate)
    low, high = RATE_RANGE[language]
    if not low <= delivery <= high:
        unit = "字/分" if language == Language.ZH else "words/min"
        raise ScriptError(f"delivery rate {rate:g} {unit} is outside {low:g}–{high:g}", path=script.path)
    filler = Filler(fills)
    last_section = len(speech.sections) - 1
    speech_ms = pause_ms = units_total = 0
    sections: list[Section] = []
    first_sentence = True
    for si, section in enumerate(speech.sections):
        paragraphs: list[Paragraph] = []
        last_paragraph = len(section.paragraphs) - 1
        for pi, paragraph in enumerate(section.paragraphs):
            planned: list[Sentence] = []
            last_sentence = len(paragraph.sentences) - 1
            for ki, sentence in enumerate(paragraph.sentences):
                position = _position(
                    si == last_section, pi == last_paragraph, ki == last_sentence
                )
                is_salutation = first_sentence and speech.salutation is not None and (
                    sentence.written or sentence.text
                ) == speech.salutation
                first_sentence = False
                structural = _structural(position, is_salutation, sentence, pauses)
                text = filler.fill(sentence.text) if MAY_HOLD_BLANK.search(sentence.text) else sentence.text
                units = count_units(text, language)
                est = round(units * 60_000 / delivery / (sentence.rate or 1.0))
                resolved = _resolve_pauses(structural, sentence.pauses, pauses)
                planned.append(
                    replace(
                        sentence,
                        text=text,
                        written=sentence.written or sentence.text,
                        pauses=resolved,
                        est_ms=est,
                        breath_groups=breath_groups(text, language) if breath else (),
                    )
                )
                speech_ms += est
                pause_ms += sum(p.ms for p in resolved)
                units_total += units
            paragraphs.append(Paragraph(tuple(planned)))
        sections.append(replace(section, paragraphs=tuple(paragraphs)))
    planned_speech = replace(speech, sections=tuple(sections))
    return Plan(
        speech=planned_speech,
        script=script,
        rate=delivery,
        estimate=Estimate(speech_ms=speech_ms, pause_ms=pause_ms, chars=units_total),
        blanks=tuple(filler.blanks),
        unused_fills=filler.unused(),
    )


def _position(last_section: bool, last_paragraph: bool, last_sentence: bool) -> str:
    if last_sentence and last_paragraph and last_section:
        return "end"
    if last_sentence and last_paragraph:
        return "section"
    if last_sentence:
        return "paragraph"
    return "sentence"


def _structural(position: str, is_salutation: bool, sentence: Sentence, table: PauseTable) -> Pause | None:
    if position == "end":
        return None
    if position == "section":
        return Pause(PauseKind.SECTION, table.section)
    if is_salutation:
        return Pause(PauseKind.SALUTATION, table.salutation)
    if position == "paragraph":
        return Pause(PauseKind.PARAGRAPH, table.paragraph)
    written = (sentence.written or sentence.text).rstrip(_CLOSERS)
    if written and written[-1] in _ENDS:
        return Pause(PauseKind.SENTENCE, table.sentence)
    if written and written[-1] in _CLAUSE_ENDS:
        return Pause(PauseKind.BREATH, table.sentence // 2)  # an overlong run cut at a comma: a breath
    return None  # a piece cut mid-clause (a rate change, a hard cut): read on


def _resolve_pauses(structural: Pause | None, written: Sequence[Pause], table: PauseTable) -> tuple[Pause, ...]:
    markers = []
    applause = []
    for p in written:
        if p.kind == PauseKind.APPLAUSE:
            applause.append(Pause(PauseKind.APPLAUSE, table.applause if p.ms == APPLAUSE_MS or p.ms < 0 else p.ms))
        elif p.kind == PauseKind.MARKER:
            ms = table.beat if p.ms == BEAT_MS else table.long if p.ms == LONG_MS else max(p.ms, 0)
            markers.append(Pause(PauseKind.MARKER, ms))
        else:
            markers.append(p)
    marker_ms = sum(p.ms for p in markers)
    base: list[Pause]
    if markers and (structural is None or marker_ms >= structural.ms):
        base = markers
    else:
        base = [structural] if structural else []
    return (*base, *applause)


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The documented ``lectern plan --json`` contract. Keys and their order are stable; new keys go at the end."""
    speech = plan.speech
    script = plan.script
    placeholders = script.placeholders or find(script.text)
    return {
        "title": speech.title,
        "meta": dict(speech.meta),
        "encoding": script.encoding,
        "language": str(speech.language),
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in script.removals],
        "placeholders": [{"text": p.text, "count": p.count} for p in placeholders],
        "sections": [
            {
                "index": section.index,
                "level": section.level,
                "marker": section.marker,
                "title": section.title,
                "paragraphs": [
                    {
                        "sentences": [
                            {"text": s.text, "pause_after_ms": s.pause_after_ms, "est_ms": s.est_ms}
                            for s in paragraph.sentences
                        ]
                    }
                    for paragraph in section.paragraphs
                ],
            }
            for section in speech.sections
        ],
        "estimate": {
            "speech_ms": plan.estimate.speech_ms,
            "pause_ms": plan.estimate.pause_ms,
            "total_ms": plan.estimate.total_ms,
            "chars": plan.estimate.chars,
        },
        "salutation": speech.salutation,
        "unknown_markers": [{"text": m.text, "count": m.count} for m in speech.unknown_markers],
        # every blank in speaking order, numbered as --fill 3=张三 counts them; filled: null when read as 某某
        "blanks": [
            {"number": b.number, "text": b.text, "line": b.line, "before": b.before, "after": b.after,
             "filled": b.filled}
            for b in plan.blanks
        ],
        "unused_fills": list(plan.unused_fills),
    }
