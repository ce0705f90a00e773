"""The rehearsal page: one self-contained ``index.html`` to play, navigate and follow the speech.

Everything the page needs is inside the file (CSS and JS inlined from ``lectern/data/page.{css,js}``) except the
audio, which is referenced relatively, so the output folder can be copied to a phone or opened from disk (file://)
with no network.

Script text is never written into the HTML. It goes into one ``<script type="application/json">`` block and the JS
puts it on the page with ``textContent``: a downloaded script may contain ``<script>`` or ``"><img onerror=…>``
(scraped pages do), and this way it can only ever be shown as text. The JSON is made safe for a script block by
escaping every ``<``, ``>`` and ``&`` as ``\\u003c``/``\\u003e``/``\\u0026``: the HTML parser then never sees a
``</script`` (which would end the block) or a ``<!--`` (which switches it into the "double-escaped" state).

Times come only from the Timeline (measured audio). The Plan adds what the page shows but the audio does not carry:
the sentence as written (placeholders unfilled), the speaker's pacing marks, placeholders and unknown markers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from lectern.model import Language, PauseKind, Plan, Section, Sentence, TimedSection, Timeline, heading_text
from lectern.text.segment import count_units  # the report's unit, so the page's pace is the report's pace
from lectern.writers.labels import page_labels

# Pauses the page shows as a small symbol after the sentence. Sentence, paragraph and section pauses are already
# visible in the layout (line and block breaks); these are the ones the speaker wrote or must wait for.
_SHOWN_PAUSES = (PauseKind.MARKER, PauseKind.APPLAUSE, PauseKind.BREATH)


def render_page(
    timeline: Timeline, plan: Plan | None = None, report: object = None, *, version: str | None = None,
    changed: Sequence[int] = (),
) -> str:
    """The whole ``index.html`` as a string.

    ``changed``: the sentences (indexes in speaking order) that are new since the folder's previous build; the page
    marks them and offers to play them in turn.

    ``version`` names this build; the page polls ``version.js`` beside it (see :func:`render_version`) and reloads
    at the same place when a newer build has replaced the folder. None: the page does not poll.

    ``report`` keeps the coupling to the timing report small. It may be:
    - a pre-rendered HTML fragment (``str``) from lectern's own report writer, inlined as is; that writer escapes
      the script text it contains, since this page cannot tell its markup from text;
    - a mapping, or a dataclass such as :class:`lectern.report.analysis.Report` (read as one), with any of ``total_ms``,
      ``speaking_ms``/``speech_ms``, ``pause_ms``, ``target_ms`` (or ``target.target_ms``), a pace (``pace``,
      ``pace_overall`` or ``pace_speaking``), ``flag``, ``notes`` and ``sections`` (mappings with ``index``, a
      pace and ``flag``); unknown keys are ignored and missing ones are measured from the timeline;
    - None: the summary and chart are drawn from the timeline alone.
    """
    labels = page_labels(timeline.language)
    fragment = report if isinstance(report, str) else None
    summary = _summary(timeline, None if isinstance(report, str) else report)
    data = {
        "lang": str(timeline.language),
        "labels": labels,
        "title": timeline.title,
        "speaker": timeline.speaker,
        "meta": [list(kv) for kv in timeline.meta],
        "audio": quote(timeline.audio),
        "duration_ms": timeline.duration_ms,
        "engine": timeline.engine,
        "voice": timeline.voice,
        "sections": _sections(timeline, plan),
        "placeholders": [[p.text, p.count] for p in plan.script.placeholders] if plan else [],
        "unknown_markers": [[m.text, m.count] for m in plan.speech.unknown_markers] if plan else [],
        "summary": summary,
        "speech_id": _speech_id(timeline),
        "unit": "words" if timeline.language == Language.EN else "字",
        "version": version,
        "changed": sorted(set(changed)),
    }
    title = timeline.title or ("Rehearsal" if timeline.language == Language.EN else "排练")
    report_html = f'<section id="report-fragment">{fragment}</section>' if fragment else ""
    return _TEMPLATE.format(
        lang=html.escape(str(timeline.language)),
        title=html.escape(title),
        css=_asset("page.css"),
        js=_asset("page.js"),
        rehearse_js=_asset("rehearse.js"),
        data=script_json(data),
        report=report_html,
        noscript=html.escape(labels["noscript"]),
    )


def render_version(version: str) -> str:
    """``version.js``: a script, not JSON, because a page opened from file:// may not fetch() a file beside it but may
    load it with a ``<script>`` element; the page re-inserts that element every second and compares."""
    return f"window.lecternVersion && window.lecternVersion({json.dumps(version)});\n"


def script_json(value: object) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever strings it holds.

    Escaping ``<``, ``>`` and ``&`` as ``\\u003c``… keeps ``</script`` and ``<!--`` out of the block; JSON.parse
    reads the escapes back to the same characters.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sections(timeline: Timeline, plan: Plan | None) -> list[dict[str, Any]]:
    planned = {s.index: s for s in plan.speech.sections} if plan else {}
    marks = _mark_pattern(plan)
    out = []
    for timed in timeline.sections:
        source = _planned_section(timed, planned.get(timed.index))
        sentences = []
        for j, ts in enumerate(timed.sentences):
            written = source.sentences[j] if source else None
            sentences.append(_sentence(ts.text, ts.start_ms, ts.end_ms, written, marks))
        # Paragraph breaks from the plan: the index of each paragraph's first sentence after the first.
        breaks: list[int] = []
        if source:
            n = 0
            for para in source.paragraphs[:-1]:
                n += len(para.sentences)
                breaks.append(n)
        out.append(
            {
                "index": timed.index,
                "level": timed.level,
                "marker": timed.marker,
                "title": timed.title,
                "heading": heading_text(timed.marker, timed.title),
                "start_ms": timed.start_ms,
                "end_ms": timed.end_ms,
                "breaks": breaks,
                "units": sum(count_units(s.text, timeline.language) for s in timed.sentences),
                "sentences": sentences,
            }
        )
    return out


def _speech_id(timeline: Timeline) -> str:
    """What the rehearse mode files its takes under in the browser: the spoken words, not the build.

    Every page opened from file:// shares one IndexedDB, so takes must name their speech; a rebuild with another
    voice or engine keeps the same words and so the same history.
    """
    words = "\n".join(s.text for sec in timeline.sections for s in sec.sentences)
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def _planned_section(timed: TimedSection, planned: Section | None) -> Section | None:
    """The plan's section for a timed one, only when they clearly match (same sentence count).

    A mismatch (e.g. a build that added or merged sentences) falls back to the spoken text rather than pairing a
    sentence's times with another sentence's words.
    """
    if planned is None or len(planned.sentences) != len(timed.sentences):
        return None
    return planned


@dataclasses.dataclass(frozen=True, slots=True)
class _Marks:
    """What to highlight in a sentence: each placeholder (``ph``) and unknown marker (``unk``) the text steps found."""

    pattern: re.Pattern[str]
    kinds: Mapping[str, str]


def _mark_pattern(plan: Plan | None) -> _Marks | None:
    if plan is None:
        return None
    kinds = {p.text: "ph" for p in plan.script.placeholders if p.text}
    kinds.update({m.text: "unk" for m in plan.speech.unknown_markers if m.text})
    if not kinds:
        return None
    # Longest first, so "XXX" is one mark rather than "XX" + "X".
    alternation = "|".join(re.escape(t) for t in sorted(kinds, key=len, reverse=True))
    return _Marks(re.compile(alternation), kinds)


def _sentence(
    spoken: str, start_ms: int, end_ms: int, planned: Sentence | None, marks: _Marks | None
) -> dict[str, Any]:
    shown = planned.written if planned and planned.written else spoken
    entry: dict[str, Any] = {"start_ms": start_ms, "end_ms": end_ms, "text": shown}
    parts = _parts(shown, marks)
    if len(parts) > 1 or (parts and parts[0][0]):
        entry["parts"] = parts
    if shown != spoken:
        entry["spoken"] = spoken
    if planned:
        pauses = [[str(p.kind), p.ms] for p in planned.pauses if p.kind in _SHOWN_PAUSES]
        if pauses:
            entry["pauses"] = pauses
        if planned.rate != 1.0:  # the speaker's [慢]/[快] passages: shown so they are rehearsed as written
            entry["rate"] = planned.rate
    return entry


def _parts(text: str, marks: _Marks | None) -> list[list[str]]:
    """The text cut into ``[kind, text]`` runs, kind ``"ph"`` (placeholder), ``"unk"`` (unknown marker) or ``""``.

    Runs rather than character offsets, because Python counts code points and JS counts UTF-16 units.
    """
    if marks is None:
        return [["", text]]
    parts: list[list[str]] = []
    pos = 0
    for m in marks.pattern.finditer(text):
        if m.start() > pos:
            parts.append(["", text[pos : m.start()]])
        parts.append([marks.kinds[m.group()], m.group()])
        pos = m.end()
    if pos < len(text):
        parts.append(["", text[pos:]])
    return parts


def _summary(timeline: Timeline, report: Mapping[str, Any] | object | None) -> dict[str, Any]:
    """Summary numbers for the page: measured from the timeline, overridden by the report's where it has them.

    Read by key, tolerantly, so the page keeps working whatever else the report grows: missing or odd values fall
    back to what the timeline measures.
    """
    speaking = sum(s.end_ms - s.start_ms for sec in timeline.sections for s in sec.sentences)
    summary: dict[str, Any] = {
        "total_ms": timeline.duration_ms,
        "speaking_ms": speaking,
        "pause_ms": max(0, timeline.duration_ms - speaking),
        "target_ms": None,
        "pace": None,
        "pace_unit": "字/分" if timeline.language == Language.ZH else "wpm",
        "flag": "",
        "notes": [],
        "sections": {},
        "budgets": {},
    }
    given = _as_mapping(report)
    if not given:
        return summary
    # The report flags the whole-section pace unless its band says it judges speaking time alone.
    band = _as_mapping(given.get("band")) or {}
    pace_keys = ("pace", "pace_speaking", "pace_overall")
    if band.get("basis") != "speaking":
        pace_keys = ("pace", "pace_overall", "pace_speaking")
    target = _as_mapping(given.get("target")) or {}
    for key, value in (
        ("total_ms", given.get("total_ms")),
        ("speaking_ms", _first(given, ("speaking_ms", "speech_ms"))),
        ("pause_ms", given.get("pause_ms")),
        ("target_ms", given.get("target_ms", target.get("target_ms"))),
        ("pace", _first(given, pace_keys)),
    ):
        if _is_number(value):
            summary[key] = value
    if isinstance(given.get("pace_unit"), str):
        summary["pace_unit"] = given["pace_unit"]
    summary["flag"] = _flag(given.get("flag"))
    notes = given.get("notes")
    if isinstance(notes, (list, tuple)):
        summary["notes"] = [str(n) for n in notes]
    # Each section's share of the target, as the report budgets it (--budget, or in proportion to its length at
    # the speaker's pace): the rehearse mode's checkpoints against the target.
    budgets = target.get("budgets")
    if isinstance(budgets, (list, tuple)):
        for budget in budgets:
            budget = _as_mapping(budget) or {}
            if _is_number(budget.get("index")) and _is_number(budget.get("budget_ms")):
                summary["budgets"][str(budget["index"])] = budget["budget_ms"]
    sections = given.get("sections")
    if isinstance(sections, (list, tuple)):
        for i, sec in enumerate(sections):
            sec = _as_mapping(sec)
            if not sec:
                continue
            pace = _first(sec, pace_keys)
            summary["sections"][str(sec.get("index", i))] = {
                "pace": pace if _is_number(pace) else None,
                "flag": _flag(sec.get("flag")),
            }
    return summary


# The report's pace flags, folded to the three the page colours. "ok" (or anything unknown) shows no flag.
_FLAGS = {"slow": "slow", "brisk": "brisk", "fast": "brisk", "news": "news", "news-reader speed": "news"}


def _flag(value: object) -> str:
    return _FLAGS.get(str(value), "") if value is not None else ""


def _first(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> object:
    return next((mapping[k] for k in keys if _is_number(mapping.get(k))), None)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_mapping(value: object) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return None


@cache
def _asset(name: str) -> str:
    return (files("lectern") / "data" / name).read_text(encoding="utf-8")


# The skeleton holds only static markup; the JS fills in every piece of script text from the JSON block.
_TEMPLATE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lectern">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<noscript><p>{noscript}</p></noscript>
<header id="top">
  <h1 id="title"></h1>
  <p id="meta"></p>
</header>
<div id="layout">
  <nav id="toc"><details open><summary id="toc-label"></summary><ol id="toc-list"></ol></details></nav>
  <main>
    <section id="summary"></section>
    {report}
    <section id="notices"></section>
    <article id="script"></article>
  </main>
</div>
<footer id="player">
  <audio id="audio" preload="auto"></audio>
  <div id="controls">
    <button type="button" id="play" aria-pressed="false"></button>
    <span id="clock">0:00</span>
    <input type="range" id="seek" min="0" step="100" value="0">
    <label id="speed-box"><span id="speed-label"></span>
      <input type="range" id="speed" min="0.75" max="1.5" step="0.05" value="1">
      <output id="speed-value">1.00×</output></label>
    <button type="button" id="loop" aria-pressed="false"></button>
    <button type="button" id="echo" aria-pressed="false"></button>
    <button type="button" id="prompter" aria-pressed="false"></button>
    <span id="size-box"><button type="button" id="smaller">A−</button><button type="button" id="larger">A+</button></span>
    <button type="button" id="rehearse-open"></button>
    <span id="echo-turn" role="status" hidden></span>
    <span id="audio-error" role="alert" hidden></span>
  </div>
  <p id="keys"></p>
</footer>
<section id="rehearse" hidden>
  <div id="rh-top">
    <span id="rh-clock">0:00</span>
    <span id="rh-rec" hidden></span>
    <div id="rh-where"><p id="rh-should"></p><p id="rh-should2"></p></div>
    <div id="rh-drift"><span id="rh-drift-track"><span id="rh-drift-bar"></span></span><span id="rh-drift-text"></span></div>
    <div id="rh-buttons">
      <button type="button" id="rh-start"></button>
      <button type="button" id="rh-back"></button>
      <button type="button" id="rh-next"></button>
      <button type="button" id="rh-mirror" aria-pressed="false"></button>
      <button type="button" id="rh-smaller">A−</button>
      <button type="button" id="rh-larger">A+</button>
      <button type="button" id="rh-leave"></button>
    </div>
  </div>
  <p id="rh-message" role="status"></p>
  <div id="rh-body">
    <div id="rh-stage"><div id="rh-prompt"></div></div>
    <aside id="rh-checks"><h2 id="rh-checks-label"></h2><ol id="rh-check-list"></ol></aside>
  </div>
  <div id="rh-result" hidden>
    <h2 id="rh-result-label"></h2>
    <dl id="rh-figures" class="figures"></dl>
    <audio id="rh-audio" controls preload="auto"></audio>
    <div class="rh-table-box"><table id="rh-table"><thead></thead><tbody></tbody></table></div>
    <p id="rh-pauses"></p>
    <p id="rh-actions">
      <button type="button" id="rh-save"></button>
      <button type="button" id="rh-again"></button>
      <button type="button" id="rh-close"></button>
    </p>
    <p id="rh-stored" class="note"></p>
    <h2 id="rh-history-label"></h2>
    <div id="rh-history"></div>
    <p><button type="button" id="rh-clear"></button></p>
  </div>
  <p id="rh-keys"></p>
</section>
<script type="application/json" id="lectern-data">{data}</script>
<script>
{js}
{rehearse_js}
</script>
</body>
</html>
"""
