"""The report's "Your delivery" part: the speaker's takes against the rehearsal and the target (issue 11).

Rendered into report.md, report.html and report.json (key ``takes``) by :mod:`lectern.writers.report`, and printed
by ``lectern take``. The figures come from :mod:`lectern.rehearse.compare`; nothing is computed here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from rich.table import Table

from lectern.rehearse.compare import TakeComparison
from lectern.rehearse.take import delivery_to_json
from lectern.timecode import clock

# report.html and report.md speak the script's language (lectern.writers.labels); the terminal stays English.
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Your delivery",
        "take": "Take {n} ({recording})",
        "total": "{total} (speaking {speaking}, pauses {pauses}), {pace} {pu}",
        "vs_voice": "the rehearsal {voice} ({diff})",
        "vs_target": "the target {target} ({diff} {verdict})",
        "vs_voice_read": "the rehearsal to sentence {n} {voice} ({diff})",
        "vs_target_read": "the target to there {target} ({diff} {verdict})",
        "over": "over", "under": "under",
        "confidence": "alignment confidence {c}",
        "headers": "#|Section|Start|You|Voice|{share}|{vs}|{pu}|",
        "target_share": "Target share", "voice_share": "Voice share", "vs_t": "vs target", "vs_v": "vs voice",
        "dragged": "You dragged: ", "rushed": "You rushed: ",
        "against": "{title} ({yours} against the voice's {voice})",
        "even": "An even delivery: no section is more than 15% slower or faster than your average.",
        "longest": "Longest pauses: ", "pause_at": "{s} s at {at} ({title})",
        "timed": "Timed {n} of {m} sections: the recording stops early.",
        "warning": "Warning: ",
        "chart_many": "Takes by section", "chart_one": "Your take and the voice, by section",
        "voice_bar": "voice", "take_bar": "take {n}", "target_line": "target {t}",
        "verdict_rushed": "rushed", "verdict_dragged": "dragged", "sep": "; ", "list_sep": ", ",
        "all_takes": "All takes", "all_takes_heads": "Take|Recorded|Total|vs voice|vs target|Pace|Confidence",
    },
    "zh": {
        "heading": "你的试讲",
        "take": "第 {n} 次试讲（{recording}）",
        "total": "{total}（讲话 {speaking}，停顿 {pauses}），{pace} {pu}",
        "vs_voice": "配音 {voice}（{diff}）",
        "vs_target": "目标 {target}（{verdict} {diff}）",
        "vs_voice_read": "配音到第 {n} 句 {voice}（{diff}）",
        "vs_target_read": "目标到此 {target}（{verdict} {diff}）",
        "over": "超出", "under": "还差",
        "confidence": "对齐可信度 {c}",
        "headers": "#|节|开始|你|配音|{share}|{vs}|{pu}|",
        "target_share": "目标分配", "voice_share": "配音占比", "vs_t": "与目标差", "vs_v": "与配音差",
        "dragged": "偏慢：", "rushed": "偏快：",
        "against": "{title}（你 {yours}，配音 {voice}）",
        "even": "节奏均匀：没有哪一节比你的平均速度慢或快 15% 以上。",
        "longest": "最长停顿：", "pause_at": "{s} 秒，在 {at}（{title}）",
        "timed": "计时了 {n}/{m} 节：录音提前结束。",
        "warning": "注意：",
        "chart_many": "各次试讲（按节）", "chart_one": "你的试讲与配音（按节）",
        "voice_bar": "配音", "take_bar": "第 {n} 次", "target_line": "目标 {t}",
        "verdict_rushed": "偏快", "verdict_dragged": "偏慢", "sep": "；", "list_sep": "，",
        "all_takes": "各次试讲", "all_takes_heads": "次|录制时间|总时长|与配音差|与目标差|语速|对齐可信度",
    },
}

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_COLOURS = ("#3b7dd8", "#2e9e5b", "#e08a1e", "#8e5bd2", "#d23c3c", "#1fa3a3", "#b08a2e", "#666666")


def _e(text: object) -> str:
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def _signed(ms: int) -> str:
    return ("+" if ms > 0 else "") + clock(ms) if ms else "±0:00"


def _pace(p: float | None) -> str:
    return "—" if p is None else f"{p:.0f}"


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole - 100:+.0f}%" if whole else "—"


def _w(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def summary_line(t: TakeComparison, language: str = "en") -> str:
    w, d = _w(language), t.delivery
    parts = [w["take"].format(n=t.number, recording=d.recording) + ": " + w["total"].format(
        total=clock(t.total_ms), speaking=clock(d.speaking_ms), pauses=clock(d.pause_ms), pace=_pace(d.pace),
        pu=d.pace_unit)]
    # A take that stops early is held to the part it reads (up to the first sentence not read).
    read = t.read_voice_ms is not None
    voice, target = t.voice_reference_ms, t.target_reference_ms
    parts.append(w["vs_voice_read" if read else "vs_voice"].format(
        voice=clock(voice), diff=_signed(t.total_ms - voice), n=(d.stopped_at or 0) + 1))
    if target is not None:
        verdict = w["over"] if t.total_ms > target else w["under"]
        parts.append(w["vs_target_read" if read else "vs_target"].format(
            target=clock(target), diff=clock(abs(t.total_ms - target)), verdict=verdict))
    if d.confidence is not None:
        parts.append(w["confidence"].format(c=f"{d.confidence:.2f}"))
    return w["sep"].join(parts)


def notes(t: TakeComparison, language: str = "en") -> list[str]:
    w, d = _w(language), t.delivery
    out = []

    def against(rows) -> str:  # noqa: ANN001
        return w["sep"].join(w["against"].format(title=_short(s.title, 24), yours=clock(s.yours_ms),
                                                 voice=clock(s.voice_ms)) for s in rows)

    if t.dragged:
        out.append(w["dragged"] + against(t.dragged))
    if t.rushed:
        out.append(w["rushed"] + against(t.rushed))
    if not t.dragged and not t.rushed and len(t.sections) > 1:
        out.append(w["even"])
    if d.pauses:
        titles = {s.index: s.title for s in t.sections}
        out.append(w["longest"] + w["list_sep"].join(
            w["pause_at"].format(s=f"{p.ms / 1000:.1f}", at=clock(p.start_ms), title=_short(titles.get(p.section, ""), 16))
            for p in d.pauses))
    if len(t.sections) < t.sections_in_script:
        out.append(w["timed"].format(n=len(t.sections), m=t.sections_in_script))
    out.extend(w["warning"] + warning for warning in d.warnings)
    return out


def _headers(t: TakeComparison, language: str = "en") -> list[str]:
    w = _w(language)
    share, vs = (w["target_share"], w["vs_t"]) if t.target_ms is not None else (w["voice_share"], w["vs_v"])
    return w["headers"].format(share=share, vs=vs, pu=t.delivery.pace_unit).split("|")


def _rows(t: TakeComparison, language: str = "en") -> list[list[str]]:
    w = _w(language)
    starts = {s.index: s.start_ms for s in t.delivery.sections}
    rows = []
    for s in t.sections:
        share = s.target_ms if s.target_ms is not None else s.voice_ms
        whole = t.target_ms if s.target_ms is not None and t.target_ms else t.voice_ms
        share_text = clock(share) + (f" ({100 * share / whole:.0f}%)" if whole else "")
        verdict = w[f"verdict_{s.verdict}"] if s.verdict else ""
        rows.append([str(s.index + 1), s.title, clock(starts.get(s.index, 0)), clock(s.yours_ms), clock(s.voice_ms),
                     share_text, _signed(s.diff_ms), _pace(s.pace), verdict])
    return rows


# --- Markdown -----------------------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_md(takes: Sequence[TakeComparison], language: str = "en") -> list[str]:
    if not takes:
        return []
    w, latest = _w(language), takes[-1]
    end = "。" if language == "zh" else "."
    out = [f"## {w['heading']}", "", _md_cell(summary_line(latest, language)) + end, ""]
    out.append("| " + " | ".join(_headers(latest, language)) + " |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in _rows(latest, language))
    out.append("")
    out.extend(f"- {_md_cell(line)}" for line in notes(latest, language))
    out.append("")
    if len(takes) > 1:
        out += [f"### {w['all_takes']}", "", "| " + " | ".join(w["all_takes_heads"].split("|")) + " |",
                "|---:|---|---:|---:|---:|---:|---:|"]
        for t in takes:
            d = t.delivery
            target = t.target_reference_ms
            vs_target = _signed(t.total_ms - target) if target is not None else "—"
            conf = "—" if d.confidence is None else f"{d.confidence:.2f}"
            out.append(f"| {t.number} | {_md_cell(d.created or '—')} | {clock(t.total_ms)} | "
                       f"{_signed(t.total_ms - t.voice_reference_ms)} | {vs_target} | {_pace(d.pace)} {d.pace_unit} | {conf} |")
        out.append("")
    return out


# --- HTML ---------------------------------------------------------------------------------------------------------


def takes_chart_svg(takes: Sequence[TakeComparison], language: str = "en") -> str:
    """One bar per take, split into its sections, against the rehearsal's bar and the target line."""
    row, label_w, value_w, width = 26, 110, 70, 720
    bars: list[tuple[str, list[tuple[int, str, int]], int]] = []
    voice = takes[-1]
    w = _w(language)
    bars.append((w["voice_bar"], [(s.index, s.title, s.voice_ms) for s in voice.sections], voice.voice_ms))
    for t in takes:
        bars.append((w["take_bar"].format(n=t.number), [(s.index, s.title, s.yours_ms) for s in t.sections], t.total_ms))
    target = voice.target_ms
    longest = max([b[2] for b in bars] + [target or 0]) or 1
    bar_w = width - label_w - value_w
    height = row * len(bars) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{_e(w["chart_many"])}"><title>{_e(w["chart_many"])}</title>']
    for n, (label, pieces, total) in enumerate(bars):
        y = 4 + n * row
        parts.append(f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end">{_e(label)}</text>')
        x = float(label_w)
        for index, title, ms in pieces:
            bar = bar_w * ms / longest
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{max(bar - 1, 0.5):.1f}" height="{row - 8}" rx="2" '
                         f'fill="{_COLOURS[index % len(_COLOURS)]}"><title>{_e(f"{title}: {clock(ms)}")}</title></rect>')
            x += bar
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{_e(clock(total))}</text>')
    if target:
        tx = label_w + bar_w * target / longest
        parts.append(f'<line x1="{tx:.1f}" y1="0" x2="{tx:.1f}" y2="{height - 18}" stroke="#d23c3c" '
                     f'stroke-dasharray="4 3"/><text x="{tx:.1f}" y="{height - 4}" text-anchor="middle" '
                     f'fill="#d23c3c">{_e(w["target_line"].format(t=clock(target)))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(takes: Sequence[TakeComparison], language: str = "en") -> list[str]:
    if not takes:
        return []
    w, latest = _w(language), takes[-1]
    end = "。" if language == "zh" else "."
    h = [f"<h2 id=\"delivery\">{_e(w['heading'])}</h2>", f"<p>{_e(summary_line(latest, language) + end)}</p>"]
    h.append('<div class="scroll"><table class="delivery"><thead><tr>')
    h.extend(f"<th>{_e(c)}</th>" for c in _headers(latest, language))
    h.append("</tr></thead><tbody>")
    for row in _rows(latest, language):
        h.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    h.append("</tbody></table></div>")
    h.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in notes(latest, language)) + "</ul>")
    h.append(f"<h3>{_e(w['chart_many'] if len(takes) > 1 else w['chart_one'])}</h3>")
    h.append(f'<div class="chart">{takes_chart_svg(takes, language)}</div>')
    return h


# --- JSON and the terminal ----------------------------------------------------------------------------------------


def to_json(takes: Sequence[TakeComparison]) -> list[dict[str, Any]]:
    out = []
    for t in takes:
        record = delivery_to_json(t.delivery)
        record["take"] = t.number
        record["total_ms"] = t.total_ms
        record["voice_total_ms"] = t.voice_ms
        record["target_ms"] = t.target_ms
        record["comparison"] = [
            {"index": s.index, "yours_ms": s.yours_ms, "voice_ms": s.voice_ms, "target_ms": s.target_ms,
             "diff_ms": s.diff_ms, "verdict": s.verdict}
            for s in t.sections
        ]
        out.append(record)
    return out


def render_table(t: TakeComparison) -> Table:
    table = Table(*_headers(t))
    for row in _rows(t):
        row[1] = _short(row[1], 14)
        row[5] = row[5].split(" (")[0]  # the share's percent is in the files; the terminal is narrow
        table.add_row(*row)
    return table
