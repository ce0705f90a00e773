"""The timing report as Markdown, self-contained HTML, JSON and a rich table (issue 5).

All four render the same :class:`lectern.report.analysis.Report`; nothing is computed here beyond formatting, so the files
cannot disagree. The HTML has no script and loads nothing: inline CSS and inline SVG charts, every text escaped.

``report.json`` keys (stable; add keys, never rename). Times are integer ms; paces are units per minute rounded to
0.1 (字/分 for ``"zh"``, words/min for ``"en"``); ``null`` means "not known" (no plan, or nothing spoken):

- ``schema``: ``"lectern.report/1"``; ``title``, ``speaker``, ``language`` (``"zh"``/``"en"``), ``basis``
  (``"audio"`` or ``"estimate"``), ``engine``, ``voice``, ``unit`` (``"字"``/``"words"``), ``pace_unit``
  (``"字/分"``/``"wpm"``).
- ``total_ms``, ``speaking_ms`` (sum of sentence spans), ``pause_ms`` (total − speaking).
- ``counts``: ``sections``, ``paragraphs`` (null without a plan), ``sentences``, ``units``.
- ``pace``: ``speaking`` (units over speaking time), ``overall`` (units over the total), ``flag``
  (``"slow"``, ``"ok"``, ``"brisk"``, ``"news-reader speed"``, or null).
- ``band``: ``slow``, ``brisk``, ``news`` (null for English), ``basis`` (``"section"``: flags use the pace with
  pauses; ``"speaking"``: without).
- ``sections``: list of ``index``, ``level``, ``marker``, ``title``, ``start_ms``, ``duration_ms`` (to the next
  section's start; the first starts at 0, so durations sum to ``total_ms``), ``speaking_ms``, ``pause_ms``,
  ``share_percent`` (of the total, 0.01), ``units``, ``sentences``, ``paragraphs``, ``pace_speaking``,
  ``pace_overall``, ``flag``, ``speaker_ms`` (the section at the speaker's pace plus its pauses).
- ``pace_by_minute``: list of ``start_ms``, ``end_ms``, ``units`` (0.1; a sentence across a boundary is shared by
  time), ``pace``. The last stretch absorbs a remainder under 30 s.
- ``longest_sentences``: ``by_units`` and ``by_ms``, each a list of ``number`` (1-based in speaking order),
  ``section_index``, ``section_title``, ``text``, ``units``, ``duration_ms``, ``breath_groups``.
- ``delivery``: ``speaker_pace`` and ``estimates``: list of ``label`` (``"slow"``, ``"normal"``, ``"brisk"``),
  ``pace``, ``speaking_ms`` (units at that pace), ``pause_ms`` (the same pauses), ``total_ms``.
- ``target``: null, or ``target_ms``, ``fits`` and ``over_ms`` (at the speaker's pace; negative = time to spare),
  ``speaker_ms``, ``measured_ms``, ``measured_over_ms``, ``measured_fits``, ``pause_ms``, ``pauses_exceed``,
  ``units_to_cut``, ``units_spare``, ``candidates`` (section indexes, longest first).
- ``placeholders`` (``text``, ``count``: as the script writes them), ``placeholders_unfilled`` (blanks still
  spoken as 某某 or as written, after ``--fill``), ``unknown_markers`` (``text``, ``count``), ``applause``
  (``count``, ``ms``) and ``planned_pauses`` (``kind``, ``count``, ``ms``): null without a plan.
- ``takes``: the speaker's own takes (``lectern take``), oldest first: each the take file's keys
  (:mod:`lectern.rehearse.take`) plus ``take`` (its number), ``total_ms`` (first sentence to last), ``voice_total_ms``,
  ``target_ms`` and ``comparison`` (per section ``index``, ``yours_ms``, ``voice_ms``, ``target_ms`` (the target's
  share), ``diff_ms``, ``verdict``: ``"rushed"``, ``"dragged"`` or null). An empty list before the first take.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from lectern.model import Language
from lectern.model import Placeholder, UnknownMarker
from lectern.report.analysis import MIN_CUT_MS, Passage, PauseCount, PaceFlag, PlanFacts, Report, SectionTiming
from lectern.writers.labels import report_labels
from lectern.rehearse.compare import TakeComparison
from lectern.writers import delivery
from lectern.timecode import clock as _clock
from lectern.model import heading_text

SCHEMA = "lectern.report/1"

_FLAG_COLOUR = {
    PaceFlag.SLOW: "#3b7dd8",
    PaceFlag.OK: "#2e9e5b",
    PaceFlag.BRISK: "#e08a1e",
    PaceFlag.NEWS: "#d23c3c",
    None: "#888888",
}
_FLAG_STYLE = {PaceFlag.SLOW: "blue", PaceFlag.OK: "green", PaceFlag.BRISK: "yellow", PaceFlag.NEWS: "red"}


# --- formatting --------------------------------------------------------------------------------------------------



def _pace(p: float | None) -> str:
    return "—" if p is None else f"{p:.0f}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _section_name(s: SectionTiming, L: dict[str, str] | None = None) -> str:
    return heading_text(s.marker, s.title) or (L or _EN)["section_n"].format(n=s.index + 1)


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_EN = report_labels(Language.EN)


def _flag_word(flag: PaceFlag | None, L: dict[str, str]) -> str:
    if flag is None:
        return "—"
    return {PaceFlag.SLOW: L["slow"], PaceFlag.OK: L["flag_ok"], PaceFlag.BRISK: L["brisk"], PaceFlag.NEWS: L["news"]}[flag]


def _band_text(report: Report, L: dict[str, str] = _EN) -> str:
    band = report.band
    text = L["band_text"].format(slow=f"{band.slow:.0f}", brisk=f"{band.brisk:.0f}", pu=report.pace_unit)
    if band.news is not None:
        text += L["band_news"].format(news=f"{band.news:.0f}")
    return text


def _basis_line(report: Report, L: dict[str, str] = _EN) -> str:
    if report.estimated:
        return L["basis_estimate"]
    if report.voice:
        return L["basis_audio"].format(engine=report.engine, voice=report.voice)
    return L["basis_audio_plain"]


def _passage_text(p: Passage, report: Report, L: dict[str, str]) -> str:
    key = "passage_paragraph" if p.kind == "paragraph" else "passage_sentence"
    return L[key].format(
        first=p.first, last=p.last, paragraph=p.paragraph, length=_clock(p.ms), units=p.units, unit=report.unit,
        text=_short(p.text, 22 if p.kind == "sentence" else 14),
    )


def _target_lines(report: Report, L: dict[str, str] = _EN) -> list[str]:
    """What the target means for the speaker: one verdict at their pace, each section's share of the slot and, for
    each section over its share, the sentences or paragraphs whose removal brings it back; then what the rehearsal
    audio itself lasts, named as the voice's, so it never reads as a second verdict."""
    fit = report.target
    if fit is None:
        return []
    unit, pace = report.unit, f"{report.speaker_pace:.0f} {report.pace_unit}"
    target = _clock(fit.target_ms)
    lines = []
    if fit.fits:
        lines.append(L["fits"].format(target=target, pace=pace, speaker=_clock(fit.speaker_ms),
                                      spare=_clock(-fit.speaker_over_ms), units=fit.units_spare, unit=unit))
    else:
        lines.append(L["over"].format(
            target=target, pace=pace, speaker=_clock(fit.speaker_ms), over=_clock(fit.speaker_over_ms),
            percent=f"{100 * fit.speaker_over_ms / fit.target_ms:.0f}", units=fit.units_to_cut, unit=unit,
        ))
        if fit.pauses_exceed:
            lines.append(L["pauses_exceed"].format(pause=_clock(fit.pause_ms)))
    names = {s.index: s for s in report.sections}
    over = [b for b in fit.budgets if b.over_ms >= MIN_CUT_MS]
    if over:
        given = [b for b in fit.budgets if b.given]
        if given:
            listed = L["list_sep"].join(
                f"{names[b.index].marker or _short(_section_name(names[b.index], L), 12)}={_clock(b.budget_ms)}"
                for b in given
            )
            lines.append(L["budgets_given"].format(target=target, given=listed))
        else:
            lines.append(L["budgets_proportional"].format(target=target))
        for b in over:
            fields = dict(section=_short(_section_name(names[b.index], L), 24), speaker=_clock(b.speaker_ms),
                          budget=_clock(b.budget_ms), over=_clock(b.over_ms))
            if b.cuts:
                cuts = L["cut_or"].join(
                    L["cut_and"].join(_passage_text(p, report, L) for p in option) for option in b.cuts
                )
                lines.append("  " + L["budget_line"].format(cuts=cuts, **fields))
            else:
                lines.append("  " + L["budget_no_cut"].format(units=b.trim_units, unit=unit, **fields))
    verdict = (
        L["verdict_fits"] if fit.measured_fits else L["verdict_over"].format(over=_clock(fit.measured_over_ms))
    )
    lines.append(L["estimate" if report.estimated else "audio"].format(measured=_clock(fit.measured_ms), verdict=verdict))
    return lines


def _flag_lines(report: Report, L: dict[str, str] = _EN) -> list[str]:
    """Everything the speaker should look at, one line each, in the order they would fix them."""
    unit = report.pace_unit
    lines = []
    for s in report.sections:
        if s.flag in (PaceFlag.SLOW, PaceFlag.BRISK, PaceFlag.NEWS):
            pace = s.pace_speaking if report.band.basis == "speaking" else s.pace_overall
            lines.append(L["flag_line"].format(section=_short(_section_name(s, L), 30), flag=_flag_word(s.flag, L),
                                               pace=_pace(pace), pu=unit))
    if report.placeholders_unfilled:
        listed = ", ".join(f"{p.text} ×{p.count}" for p in report.placeholders)
        where = L["unfilled_where"].format(listed=listed) if listed else ""
        lines.append(L["unfilled"].format(count=report.placeholders_unfilled, where=where))
    if report.unknown_markers:
        listed = ", ".join(f"{m.text} ×{m.count}" for m in report.unknown_markers)
        lines.append(L["unknown"].format(listed=listed))
    if report.applause_count:
        lines.append(L["applause_line"].format(count=report.applause_count, length=_clock(report.applause_ms or 0)))
    return lines


# --- JSON --------------------------------------------------------------------------------------------------------


def report_to_dict(report: Report) -> dict[str, Any]:
    """Every figure of the report under the stable keys documented in this module's docstring."""

    def sentence(s: Any) -> dict[str, Any]:
        return {
            "number": s.number,
            "section_index": s.section_index,
            "section_title": s.section_title,
            "text": s.text,
            "units": s.units,
            "duration_ms": s.duration_ms,
            "breath_groups": list(s.breath_groups),
        }

    fit = report.target
    return {
        "schema": SCHEMA,
        "title": report.title,
        "speaker": report.speaker,
        "language": str(report.language),
        "basis": "estimate" if report.estimated else "audio",
        "engine": report.engine,
        "voice": report.voice,
        "unit": report.unit,
        "pace_unit": report.pace_unit,
        "total_ms": report.total_ms,
        "speaking_ms": report.speaking_ms,
        "pause_ms": report.pause_ms,
        "counts": {
            "sections": report.section_count,
            "paragraphs": report.paragraph_count,
            "sentences": report.sentence_count,
            "units": report.units,
        },
        "pace": {
            "speaking": _round(report.pace_speaking),
            "overall": _round(report.pace_overall),
            "flag": None if report.flag is None else str(report.flag),
        },
        "band": {
            "slow": report.band.slow,
            "brisk": report.band.brisk,
            "news": report.band.news,
            "basis": report.band.basis,
        },
        "sections": [
            {
                "index": s.index,
                "level": s.level,
                "marker": s.marker,
                "title": s.title,
                "start_ms": s.start_ms,
                "duration_ms": s.duration_ms,
                "speaking_ms": s.speaking_ms,
                "pause_ms": s.pause_ms,
                "share_percent": round(100 * s.share, 2),
                "units": s.units,
                "sentences": s.sentences,
                "paragraphs": s.paragraphs,
                "pace_speaking": _round(s.pace_speaking),
                "pace_overall": _round(s.pace_overall),
                "flag": None if s.flag is None else str(s.flag),
                "speaker_ms": s.speaker_ms,
                "paragraph_sentences": None if s.paragraph_sizes is None else list(s.paragraph_sizes),
            }
            for s in report.sections
        ],
        "pace_by_minute": [
            {"start_ms": m.start_ms, "end_ms": m.end_ms, "units": round(m.units, 1), "pace": round(m.pace, 1)}
            for m in report.minutes
        ],
        "longest_sentences": {
            "by_units": [sentence(s) for s in report.longest_by_units],
            "by_ms": [sentence(s) for s in report.longest_by_ms],
        },
        "delivery": {
            "speaker_pace": report.speaker_pace,
            "estimates": [
                {
                    "label": d.label,
                    "pace": d.pace,
                    "speaking_ms": d.speaking_ms,
                    "pause_ms": d.pause_ms,
                    "total_ms": d.total_ms,
                }
                for d in report.delivery
            ],
        },
        "target": None
        if fit is None
        else {
            "target_ms": fit.target_ms,
            "fits": fit.fits,
            "over_ms": fit.speaker_over_ms,
            "speaker_ms": fit.speaker_ms,
            "measured_ms": fit.measured_ms,
            "measured_over_ms": fit.measured_over_ms,
            "measured_fits": fit.measured_fits,
            "pause_ms": fit.pause_ms,
            "pauses_exceed": fit.pauses_exceed,
            "units_to_cut": fit.units_to_cut,
            "units_spare": fit.units_spare,
            "candidates": list(fit.candidates),
            "budgets": [
                {
                    "index": b.index,
                    "budget_ms": b.budget_ms,
                    "speaker_ms": b.speaker_ms,
                    "over_ms": b.over_ms,
                    "given": b.given,
                    "cuts": [[_passage_dict(p) for p in option] for option in b.cuts],
                    "trim_units": b.trim_units,
                }
                for b in fit.budgets
            ],
        },
        "placeholders": [{"text": p.text, "count": p.count} for p in report.placeholders]
        if report.has_plan
        else None,
        "placeholders_unfilled": report.placeholders_unfilled,
        "unknown_markers": [{"text": m.text, "count": m.count} for m in report.unknown_markers]
        if report.has_plan
        else None,
        "applause": {"count": report.applause_count, "ms": report.applause_ms} if report.has_plan else None,
        "planned_pauses": [{"kind": p.kind, "count": p.count, "ms": p.ms} for p in report.planned_pauses]
        if report.has_plan
        else None,
    }


def _passage_dict(p: Passage) -> dict[str, Any]:
    return {"kind": p.kind, "paragraph": p.paragraph, "first": p.first, "last": p.last, "text": p.text,
            "units": p.units, "ms": p.ms}


def facts_from_json(data: Any) -> PlanFacts | None:
    """What a build's report.json kept of the script (see :class:`PlanFacts`), or None when it kept nothing (a
    report made without the script, or by a lectern before these were kept)."""
    try:
        sections = data["sections"]
        if data.get("placeholders") is None or any(s.get("paragraph_sentences") is None for s in sections):
            return None
        return PlanFacts(
            paragraphs=tuple((int(s["index"]), tuple(int(n) for n in s["paragraph_sentences"])) for s in sections),
            placeholders=tuple(Placeholder(str(p["text"]), int(p["count"])) for p in data["placeholders"]),
            unfilled=int(data["placeholders_unfilled"]),
            unknown_markers=tuple(UnknownMarker(str(m["text"]), int(m["count"])) for m in data["unknown_markers"]),
            planned_pauses=tuple(
                PauseCount(str(p["kind"]), int(p["count"]), int(p["ms"])) for p in data["planned_pauses"]
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def render_json(report: Report, takes: Sequence[TakeComparison] = ()) -> str:
    document = report_to_dict(report)
    document["takes"] = delivery.to_json(takes)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- Markdown ----------------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    """A table cell cannot hold a newline or a bare ``|``, and ``<`` would open raw HTML in most renderers."""
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_md(report: Report, takes: Sequence[TakeComparison] = ()) -> str:
    """The report as Markdown, in the script's language like report.html (the same table of labels)."""
    L = report_labels(report.language)
    unit, pu = report.unit, report.pace_unit
    title = L["title_of"].format(title=report.title) if report.title else L["title"]
    out: list[str] = [f"# {_md_cell(title)}", "", _basis_line(report, L), ""]
    out += [f"## {L['h_summary']}", "", "| | |", "|---|---|"]
    out.append(f"| {L['md_total']} | {_clock(report.total_ms)} |")
    out.append(
        f"| {L['md_speaking_pauses']} | {_clock(report.speaking_ms)} ({_share(report.speaking_ms, report.total_ms)}) / "
        f"{_clock(report.pause_ms)} ({_share(report.pause_ms, report.total_ms)}) |"
    )
    paragraphs = "—" if report.paragraph_count is None else str(report.paragraph_count)
    out.append(f"| {L['md_counts']} | {report.section_count} / {paragraphs} / {report.sentence_count} |")
    out.append(f"| {unit} | {report.units} |")
    flag = L["md_flag"].format(flag=_flag_word(report.flag, L)) if report.flag else ""
    out.append(f"| {L['md_pace']} | " + L["md_pace_line"].format(
        overall=_pace(report.pace_overall), speaking=_pace(report.pace_speaking), pu=pu, flag=flag,
        band=_band_text(report, L)) + " |")
    out.append(f"| {L['md_at_pace'].format(pace=f'{report.speaker_pace:.0f}', pu=pu)} | "
               f"{_clock(report.speaker_estimate.total_ms)} |")
    out.append("")

    out += [f"## {L['h_delivery']}", "", L["delivery_note"], ""]
    out.append("| | " + " | ".join(
        L["delivery_head"].format(label=L["label_" + d.label], pace=f"{d.pace:.0f}", pu=pu) for d in report.delivery
    ) + " |")
    out.append("|---|" + "---:|" * len(report.delivery))
    out.append(f"| {L['md_speaking']} | " + " | ".join(_clock(d.speaking_ms) for d in report.delivery) + " |")
    out.append(f"| {L['md_total_with_pauses']} | " + " | ".join(_clock(d.total_ms) for d in report.delivery) + " |")
    out.append("")

    if report.target is not None:
        out += [f"## {L['h_target'].format(target=_clock(report.target.target_ms))}", ""]
        out.extend(_md_cell(line) for line in _target_lines(report, L))
        out.append("")

    out += [f"## {L['h_sections']}", ""]
    heads = ("#", L["col_section"], L["col_start"], L["col_duration"], L["col_share"], unit,
             L["md_col_pace_speaking"], L["md_col_pace_section"], L["col_flag"])
    out.append("| " + " | ".join(heads) + " |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for s in report.sections:
        number, _name, *figures = _section_cells(s)
        name = _short(_section_name(s, L), 40)
        out.append(f"| {number} | {_md_cell(name)} | " + " | ".join(figures) + f" | {_flag_word(s.flag, L)} |")
    out.append("")

    flags = _flag_lines(report, L)
    out += [f"## {L['h_flags']}", ""]
    if flags:
        out.extend(f"- {_md_cell(line)}" for line in flags)
    else:
        out.append(L["nothing"])
    if not report.has_plan:
        out += ["", L["md_needs_script"]]
    out.append("")

    out.append(f"## {L['h_longest']}")
    for heading, rows in ((L["by_units"].format(unit=unit), report.longest_by_units), (L["by_time"], report.longest_by_ms)):
        out += ["", f"### {heading}", ""]
        for row in rows:
            head = L["sentence_head"].format(units=row.units, unit=unit, length=_clock(row.duration_ms),
                                             number=row.number, section=_short(row.section_title, 20))
            out.append(f"1. {_md_cell(head)}{L['colon']}{_md_cell(row.text)}")
            if len(row.breath_groups) > 1:
                out.append(f"   - {_md_cell(L['breathe'] + ' / '.join(row.breath_groups))}")
    out.append("")

    if report.planned_pauses:
        out += [f"## {L['h_pauses']}", "", f"| {L['col_kind']} | {L['col_count']} | {L['col_total']} |", "|---|---:|---:|"]
        out.extend(f"| {L.get('kind_' + p.kind, p.kind)} | {p.count} | {_clock(p.ms)} |" for p in report.planned_pauses)
        out.append("")
    out.extend(delivery.render_md(takes, report.language.value))
    return "\n".join(out)


# --- rich table --------------------------------------------------------------------------------------------------


# Short words for the terminal's flag column: "news-reader speed" alone would take a fifth of an 80-column line.
_FLAG_SHORT = {PaceFlag.NEWS: "news"}


def render_table(report: Report, *, width: int = 80, plain: bool = False) -> Table:
    """The per-section table printed at the end of a build, with the summary as its title (notes: ``render_notes``).

    It fits ``width`` columns (the terminal's; 80 when printing to a file or pipe) with every column shown: the
    figures keep their width and section names are cut with "…" to what is left. ``plain`` draws no box, for
    output that is not a terminal (``make demo > log``): aligned columns with no line-drawing characters.
    """
    from rich import box
    from rich.cells import cell_len

    unit, pu = report.unit, report.pace_unit
    title = (
        f"{'Estimated' if report.estimated else 'Total'} {_clock(report.total_ms)} "
        f"(speaking {_clock(report.speaking_ms)}, pauses {_clock(report.pause_ms)}) · {report.units} {unit} · "
        f"{_pace(report.pace_overall)} {pu}"
    )
    # Two paces, both in the title's unit: over the whole section (pauses included; what the flag judges) and
    # over its speaking time only.
    heads = ["#", "Section", "Start", "Length", "Share", unit, pu, "spoken", "Flag"]
    rows = []
    for s in report.sections:
        number, name, start, length, share, units, pace_speaking, pace_overall = _section_cells(s)
        flag = _FLAG_SHORT.get(s.flag, str(s.flag or "—"))  # type: ignore[arg-type]
        rows.append([number, name, start, length, share, units, pace_overall, pace_speaking, flag])
    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    # Plain: columns two spaces apart. Boxed: "│ " before each column and " │" at the end.
    overhead = 2 * len(heads) if plain else 3 * len(heads) + 1
    room = max(width - overhead - sum(w for i, w in enumerate(widths) if i != 1), cell_len(heads[1]))
    name_width = min(widths[1], room)
    # The summary is the table's title and wraps at the table's width: a narrow table (one short section name)
    # widens its name column, as far as the width allows, so the summary stays on one line.
    name_width = max(name_width, min(room, cell_len(title) - overhead - sum(w for i, w in enumerate(widths) if i != 1)))
    table = Table(
        title=title, title_justify="left", caption_justify="left",
        box=None if plain else box.SQUARE, padding=(0, 2, 0, 0) if plain else (0, 1), show_edge=not plain,
        collapse_padding=plain,
    )
    for i, head in enumerate(heads):
        table.add_column(
            head, justify="left" if i in (1, 8) else "right", no_wrap=True, overflow="ellipsis",
            min_width=name_width if i == 1 else None, max_width=name_width if i == 1 else None,
        )
    for s, row in zip(report.sections, rows):
        row[1] = _short_cells(row[1], name_width)
        style = "" if plain else _FLAG_STYLE.get(s.flag, "")
        # Text, not str: a title like "[bold]…" is the speaker's words, never rich markup.
        table.add_row(*(Text(cell) for cell in row[:8]), Text(row[8], style=style))
    return table


def _short_cells(text: str, width: int) -> str:
    """``text`` cut with "…" to fit ``width`` terminal cells (a 字 takes two)."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    while text and cell_len(text) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def _section_cells(s: SectionTiming, *, name_limit: int | None = None) -> list[str]:
    """One section's row, the same in the terminal, Markdown and HTML: #, name, start, length, share, units, paces."""
    name = _section_name(s)
    return [
        str(s.index + 1),
        _short(name, name_limit) if name_limit else name,
        _clock(s.start_ms),
        _clock(s.duration_ms),
        f"{100 * s.share:.1f}%",
        str(s.units),
        _pace(s.pace_speaking),
        _pace(s.pace_overall),
    ]


def render_notes(report: Report) -> list[str]:
    """The lines printed under the table: the speaker's-pace estimates, the target fit and the flags.

    Printed as plain lines rather than a table caption, so a narrow terminal wraps them instead of cutting them.
    """
    pu = report.pace_unit
    notes = ["At your pace: " + ", ".join(f"{d.label} {d.pace:.0f} {pu} → {_clock(d.total_ms)}" for d in report.delivery)]
    notes.extend(_target_lines(report))
    notes.extend(_flag_lines(report)[:8])
    return notes


# --- HTML --------------------------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fff; --muted: #666; --line: #ddd; --card: #f5f5f7; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --bg: #161618; --muted: #aaa; --line: #444; --card: #222; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem; font: 16px/1.55 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei",
  "Noto Sans CJK SC", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 960px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .2rem 0; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(7rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.card { background: var(--card); border-radius: .5rem; padding: .6rem .8rem; }
.card b { display: block; font-size: 1.3rem; } .card span { color: var(--muted); font-size: .85rem; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
table.sections th:nth-child(2), table.sections td:nth-child(2) {
  text-align: left; white-space: normal; min-width: 8rem; }
.flag { font-weight: 600; } .flag-slow { color: #3b7dd8; } .flag-ok { color: #2e9e5b; } .flag-brisk { color: #e08a1e; }
.flag-news-reader-speed { color: #d23c3c; }
svg { width: 100%; height: auto; display: block; }
.chart { overflow-x: auto; } .chart svg { min-width: 540px; } svg text { fill: currentColor; font-size: 12px; }
.fit { padding: .6rem .8rem; border-radius: .5rem; background: var(--card); border-left: 4px solid #2e9e5b; }
.fit.over { border-left-color: #d23c3c; }
ol li { margin-bottom: .5rem; } .breath { color: var(--muted); font-size: .9rem; }
@media (max-width: 600px) { body { padding: .6rem; font-size: 15px; } th, td { padding: .25rem .35rem; } }
/* A phone shows each chart whole (no sideways scrolling to find the end of the speech), its labels enlarged to
   stay legible at half size, and the sections table as one card a section, each figure named by its column. */
@media (max-width: 600px) {
  .chart svg { min-width: 0; } svg text { font-size: 20px; }
  table.sections thead { display: none; }
  table.sections, table.sections tbody, table.sections tr, table.sections td { display: block; width: 100%; }
  table.sections tr { border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.sections td, table.sections td:nth-child(2) { display: flex; justify-content: space-between; gap: 1rem;
    border: 0; padding: .05rem 0; white-space: normal; text-align: right; min-width: 0; }
  table.sections td:nth-child(2) { font-weight: 600; text-align: left; }
  table.sections td::before { content: attr(data-label); color: var(--muted); text-align: left; }
  table.sections td:nth-child(2)::before { content: none; }
}
"""


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _e(text: object) -> str:
    """Escaped for HTML and for XML: control characters a pasted script may carry would break the inline SVG."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def _nice_ceiling(value: float, step: float) -> float:
    return max(step, math.ceil(value / step) * step)


def _time_step(total_ms: int) -> int:
    for step in (10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000):
        if total_ms / step <= 8:
            return step
    return 3_600_000


def pace_chart_svg(report: Report, L: dict[str, str] = _EN) -> str:
    """Pace per section as a step line over time (and per minute, thinner), over the shaded norm band."""
    width, height, left, right, top, bottom = 720, 260, 44, 12, 28, 30
    pw, ph = width - left - right, height - top - bottom
    total = max(report.total_ms, 1)
    band = report.band
    by_speaking = band.basis == "speaking"
    paces = [p for s in report.sections if (p := s.pace_speaking if by_speaking else s.pace_overall) is not None]
    paces += [m.pace for m in report.minutes]
    step = 25.0 if report.language is Language.EN else 50.0
    ymax = _nice_ceiling(max([(band.news or band.brisk) * 1.15, *(p * 1.05 for p in paces)]), step)
    # The axis starts below the slowest pace or the slow edge, not at 0, so the band and the line use the height.
    ymin = max(0.0, math.floor(min([band.slow - step, *(p * 0.9 for p in paces)]) / step) * step)

    def x(ms: float) -> float:
        return round(left + pw * min(max(ms, 0), total) / total, 1)

    def y(p: float) -> float:
        return round(top + ph - ph * (min(max(p, ymin), ymax) - ymin) / (ymax - ymin), 1)

    pu = report.pace_unit
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(L["chart_pace"].format(pu=pu))}">',
        f"<title>{_e(L['chart_pace'].format(pu=pu))}</title>",
        f'<rect x="{left}" y="{y(band.brisk)}" width="{pw}" height="{round(y(band.slow) - y(band.brisk), 1)}" '
        f'fill="#2e9e5b" fill-opacity="0.14"><title>'
        f'{_e(L["chart_band"].format(slow=f"{band.slow:.0f}", brisk=f"{band.brisk:.0f}", pu=pu))}</title></rect>',
    ]
    ticks = sorted({ymin, band.slow, band.brisk, ymax} | ({band.news} if band.news is not None else set()))
    for t in ticks:
        parts.append(
            f'<line x1="{left}" y1="{y(t)}" x2="{left + pw}" y2="{y(t)}" stroke="#888" stroke-opacity="0.25"/>'
            f'<text x="{left - 4}" y="{y(t) + 4}" text-anchor="end">{_e(f"{t:.0f}")}</text>'
        )
    if band.news is not None:
        parts.append(
            f'<line x1="{left}" y1="{y(band.news)}" x2="{left + pw}" y2="{y(band.news)}" stroke="#d23c3c" '
            f'stroke-dasharray="5 4"><title>{_e(L["chart_news"].format(news=f"{band.news:.0f}", pu=pu))}</title></line>'
        )
    tick = _time_step(total)
    for ms in range(0, total + 1, tick):
        # A tick at the chart's right edge (a speech of whole minutes ends on one) is labelled to its left: centred,
        # half the label ran out of the chart, all the more in a phone's larger chart text.
        label = (f'x="{x(ms)}" text-anchor="middle"' if x(ms) + 30 < width
                 else f'x="{width - 1}" text-anchor="end"')
        parts.append(
            f'<line x1="{x(ms)}" y1="{top + ph}" x2="{x(ms)}" y2="{top + ph + 4}" stroke="#888"/>'
            f'<text {label} y="{height - 8}">{_e(_clock(ms))}</text>'
        )
    if len(report.minutes) > 1:
        points = " ".join(f"{x((m.start_ms + m.end_ms) / 2)},{y(m.pace)}" for m in report.minutes)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#888" stroke-width="1.2" stroke-dasharray="2 3"/>'
        )
        for m in report.minutes:
            label = f"{_clock(m.start_ms)}–{_clock(m.end_ms)}: {m.pace:.0f} {pu}"
            parts.append(
                f'<circle cx="{x((m.start_ms + m.end_ms) / 2)}" cy="{y(m.pace)}" r="2.5" fill="#888">'
                f"<title>{_e(label)}</title></circle>"
            )
    for s in report.sections[1:]:  # where each section starts, numbered as in the table
        parts.append(
            f'<g><title>{_e(_section_name(s, L))}</title><line x1="{x(s.start_ms)}" y1="{top}" x2="{x(s.start_ms)}" '
            f'y2="{top + ph}" stroke="#888" stroke-opacity="0.35"/>'
            f'<text x="{x(s.start_ms) + 3}" y="{top + 11}" font-size="10">{s.index + 1}</text></g>'
        )
    for s in report.sections:
        pace = s.pace_speaking if by_speaking else s.pace_overall
        if pace is None or s.duration_ms <= 0:
            continue
        label = f"{_section_name(s, L)}{L['colon']}{pace:.0f} {pu} ({_flag_word(s.flag, L)})"
        parts.append(
            f'<line x1="{x(s.start_ms)}" y1="{y(pace)}" x2="{x(s.start_ms + s.duration_ms)}" y2="{y(pace)}" '
            f'stroke="{_FLAG_COLOUR[s.flag]}" stroke-width="4" stroke-linecap="round"><title>{_e(label)}</title></line>'
        )
    parts.append("</svg>")
    return "".join(parts)


def durations_chart_svg(report: Report, L: dict[str, str] = _EN) -> str:
    """One bar per section, its length its duration, coloured by its pace flag."""
    row, label_w, value_w, width = 22, 190, 64, 720
    height = row * max(len(report.sections), 1) + 8
    longest = max((s.duration_ms for s in report.sections), default=0) or 1
    bar_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(L["chart_durations"])}"><title>{_e(L["chart_durations"])}</title>'
    ]
    for i, s in enumerate(report.sections):
        yy = 4 + i * row
        w = round(bar_w * s.duration_ms / longest, 1)
        full = f"{_section_name(s, L)}{L['colon']}{_clock(s.duration_ms)} ({100 * s.share:.1f}%)"
        parts.append(
            f'<g><title>{_e(full)}</title>'
            f'<text x="{label_w - 6}" y="{yy + 15}" text-anchor="end">{_e(_short(_section_name(s, L), 14))}</text>'
            f'<rect x="{label_w}" y="{yy + 3}" width="{w}" height="{row - 6}" rx="3" fill="{_FLAG_COLOUR[s.flag]}"/>'
            f'<text x="{label_w + w + 6}" y="{yy + 15}">{_e(_clock(s.duration_ms))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _flag_class(flag: PaceFlag | None) -> str:
    return "flag flag-" + re.sub(r"[^a-z]+", "-", str(flag or "none"))


def render_html(report: Report, takes: Sequence[TakeComparison] = ()) -> str:
    """A self-contained page: no script, no network, readable on a phone; every text escaped; in the script's
    language (:mod:`lectern.writers.labels`, the table the rehearsal page uses)."""
    L = report_labels(report.language)
    unit, pu = report.unit, report.pace_unit
    lang = "en" if report.language is Language.EN else "zh-CN"
    title = L["title_of"].format(title=report.title) if report.title else L["title"]
    cards = [
        (_clock(report.total_ms), L["card_total"]),
        (_clock(report.speaking_ms), L["card_speaking"].format(share=_share(report.speaking_ms, report.total_ms))),
        (_clock(report.pause_ms), L["card_pauses"].format(share=_share(report.pause_ms, report.total_ms))),
        (f"{_pace(report.pace_overall)}", L["card_pace_overall"].format(pu=pu, flag=_flag_word(report.flag, L))),
        (f"{_pace(report.pace_speaking)}", L["card_pace_speaking"].format(pu=pu)),
        (str(report.units), unit),
        (str(report.section_count), L["card_sections"]),
        ("—" if report.paragraph_count is None else str(report.paragraph_count), L["card_paragraphs"]),
        (str(report.sentence_count), L["card_sentences"]),
        (_clock(report.speaker_estimate.total_ms), L["card_at_pace"].format(pace=f"{report.speaker_pace:.0f}", pu=pu)),
    ]
    h: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
        f"<h1>{_e(title)}</h1>",
    ]
    if report.speaker:
        h.append(f'<p class="muted">{_e(report.speaker)}</p>')
    h.append(f'<p class="muted">{_e(_basis_line(report, L))}</p>')
    h.append('<div class="cards">')
    h.extend(f'<div class="card"><b>{_e(v)}</b><span>{_e(k)}</span></div>' for v, k in cards)
    h.append("</div>")

    if report.target is not None:
        css = "fit" if report.target.fits else "fit over"
        h.append(f"<h2>{_e(L['h_target'].format(target=_clock(report.target.target_ms)))}</h2>")
        h.append(f'<div class="{css}">' + "".join(f"<p>{_e(line)}</p>" for line in _target_lines(report, L)) + "</div>")

    h.append(f"<h2>{_e(L['h_pace'])}</h2>")
    h.append(f'<p class="muted">{_e(L["band"].format(band=_band_text(report, L)))}</p>')
    # The legend is text beside the chart, not in it: a phone's larger chart text cut it at the chart's edge.
    basis = L["chart_basis_speaking"] if report.band.basis == "speaking" else L["chart_basis_section"]
    h.append(f'<p class="muted">{_e(L["chart_legend"].format(pu=pu, basis=basis))}</p>')
    h.append(f'<div class="chart">{pace_chart_svg(report, L)}</div>')
    h.append(f"<h2>{_e(L['h_durations'])}</h2>")
    h.append(f'<div class="chart">{durations_chart_svg(report, L)}</div>')

    h.append(f"<h2>{_e(L['h_sections'])}</h2>")
    heads = ("#", L["col_section"], L["col_start"], L["col_duration"], L["col_share"], unit,
             L["col_pace_speaking"].format(pu=pu), L["col_pace_section"].format(pu=pu), L["col_flag"])
    h.append('<div class="scroll"><table class="sections"><thead><tr>')
    for head in heads:
        h.append(f"<th>{_e(head)}</th>")
    h.append("</tr></thead><tbody>")
    for s in report.sections:
        cells = _section_cells(s)
        cells[1] = _section_name(s, L)
        # data-label: on a phone each row becomes a card whose cells name their column (see _CSS).
        h.append(
            "<tr>"
            + "".join(f'<td data-label="{_e(head)}">{_e(c)}</td>' for head, c in zip(heads, cells))
            + f'<td data-label="{_e(heads[-1])}" class="{_flag_class(s.flag)}">{_e(_flag_word(s.flag, L))}</td></tr>'
        )
    h.append("</tbody></table></div>")

    h.append(f"<h2>{_e(L['h_delivery'])}</h2>")
    h.append(f'<p class="muted">{_e(L["delivery_note"])}</p>')
    h.append('<div class="scroll"><table><thead><tr><th></th>')
    h.extend(
        f"<th>{_e(L['delivery_head'].format(label=L['label_' + d.label], pace=f'{d.pace:.0f}', pu=pu))}</th>"
        for d in report.delivery
    )
    h.append(f"</tr></thead><tbody><tr><td>{_e(L['row_speaking'])}</td>")
    h.extend(f"<td>{_e(_clock(d.speaking_ms))}</td>" for d in report.delivery)
    h.append(f"</tr><tr><td>{_e(L['row_total'])}</td>")
    h.extend(f"<td>{_e(_clock(d.total_ms))}</td>" for d in report.delivery)
    h.append("</tr></tbody></table></div>")

    flags = _flag_lines(report, L)
    h.append(f"<h2>{_e(L['h_flags'])}</h2>")
    if flags:
        h.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in flags) + "</ul>")
    else:
        h.append(f"<p>{_e(L['nothing'])}</p>")

    h.append(f"<h2>{_e(L['h_longest'])}</h2>")
    for heading, rows in ((L["by_units"].format(unit=unit), report.longest_by_units), (L["by_time"], report.longest_by_ms)):
        h.append(f"<h3>{_e(heading)}</h3><ol>")
        for row in rows:
            head = L["sentence_head"].format(units=row.units, unit=unit, length=_clock(row.duration_ms),
                                             number=row.number, section=row.section_title)
            item = f'<li><span class="muted">{_e(head)}</span><br>{_e(row.text)}'
            if len(row.breath_groups) > 1:
                item += f'<br><span class="breath">{_e(L["breathe"] + " / ".join(row.breath_groups))}</span>'
            h.append(item + "</li>")
        h.append("</ol>")

    if report.planned_pauses:
        h.append(f"<h2>{_e(L['h_pauses'])}</h2>")
        h.append(
            f'<div class="scroll"><table><thead><tr><th>{_e(L["col_kind"])}</th><th>{_e(L["col_count"])}</th>'
            f'<th>{_e(L["col_total"])}</th></tr></thead><tbody>'
        )
        h.extend(
            f"<tr><td>{_e(L.get('kind_' + p.kind, p.kind))}</td><td>{p.count}</td><td>{_e(_clock(p.ms))}</td></tr>"
            for p in report.planned_pauses
        )
        h.append("</tbody></table></div>")
    h.extend(delivery.render_html(takes, report.language.value))
    h.append("</main></body></html>")
    return "\n".join(h) + "\n"
