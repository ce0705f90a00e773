"""``script.txt``: the speech exactly as the rehearsal reads it, to print and rehearse from.

What the listener hears is what the page shows: the spoken text after cleaning (no download-site noise, blanks
filled or read as 某某), cut into the paragraphs and sections lectern found. Layout:

* the title block first (title, subtitle, date, speaker): metadata, never spoken;
* one mark line per section, ``== 一是所有工作都要负起责任来 ==``, indented two spaces per level below 1 so the
  outline shows at a glance (the same name the CUE sheet and the chapters give the section);
* paragraphs separated by blank lines, one paragraph a line (editors wrap it);
* only the pauses the layout cannot show, in the syntax a speaker writes them into a script (see
  :mod:`lectern.text.markers`): ``[停1.5秒]`` / ``[pause 1.5s]`` for a marked pause, ``（掌声 3秒）`` /
  ``(applause 3s)`` for an applause wait, ``‖`` for a breath pause; ``[慢]…[/慢]`` / ``[快]…[/快]`` (``[slow]``,
  ``[fast]``) around passages read slower or faster. Sentence, paragraph and section pauses are the layout itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from lectern.model import Language, Paragraph, PauseKind, Plan, Sentence
from lectern.model import chapter_title

_PAUSE_MARKS = {
    Language.ZH: {PauseKind.MARKER: "[停{s}秒]", PauseKind.APPLAUSE: "（掌声 {s}秒）", PauseKind.BREATH: " ‖ "},
    Language.EN: {PauseKind.MARKER: " [pause {s}s]", PauseKind.APPLAUSE: " (applause {s}s)", PauseKind.BREATH: " ‖"},
}
_RATE_MARKS = {Language.ZH: ("慢", "快"), Language.EN: ("slow", "fast")}
_META_ORDER = ("subtitle", "date", "speaker")


def _seconds(ms: int) -> str:
    """0.7, 1.5, 3: what a speaker writes, not 3.000."""
    return f"{ms / 1000:g}"


def _sentence_text(sentence: Sentence, language: Language) -> str:
    marks = _PAUSE_MARKS[language]
    text = sentence.text.strip()
    for pause in sentence.pauses:
        if pause.kind in marks:
            text += marks[pause.kind].format(s=_seconds(pause.ms))
    return text


def _rate_mark(rate: float, language: Language) -> str | None:
    slow, fast = _RATE_MARKS[language]
    return slow if rate < 1 else fast if rate > 1 else None


def _paragraph_text(paragraph: Paragraph, language: Language) -> str:
    """Sentences joined as written (no space between Chinese sentences); runs at one rate share one mark pair."""
    glue = " " if language is Language.EN else ""
    out: list[str] = []
    run: list[str] = []
    run_mark: str | None = None

    def close_run() -> None:
        if run:
            body = glue.join(run).strip()
            out.append(f"[{run_mark}]{body}[/{run_mark}]" if run_mark else body)
            run.clear()

    for sentence in paragraph.sentences:
        mark = _rate_mark(sentence.rate, language)
        if mark != run_mark:
            close_run()
            run_mark = mark
        run.append(_sentence_text(sentence, language))
    close_run()
    return glue.join(part for part in out if part)


def _title_block(title: str | None, meta: Sequence[tuple[str, str]], language: Language) -> list[str]:
    lines = [title] if title else []
    known = dict(meta)
    for key in _META_ORDER:
        if value := known.get(key):
            is_bare_date = key == "date" and language is Language.ZH and not value.startswith("（")
            lines.append(f"（{value}）" if is_bare_date else value)
    lines += [value for key, value in meta if key not in _META_ORDER]
    return [" ".join(line.split()) for line in lines if line.strip()]


def render_script(plan: Plan) -> str:
    """The script as read (layout in the module docstring).

    >>> from lectern.model import CleanScript, Estimate, Pause, Section, Speech
    >>> s = lambda text, *pauses, rate=1.0: Sentence(text, pauses=tuple(pauses), rate=rate)
    >>> opening = Section(0, 0, None, "开场", (Paragraph((s("同志们："),)),))
    >>> first = Section(1, 1, "一、", "负起责任来", (Paragraph((
    ...     s("一、负起责任来。"), s("责任心是第一位的。", Pause(PauseKind.APPLAUSE, 3000)),
    ...     s("这一点", rate=0.85), s("必须强调。", Pause(PauseKind.MARKER, 1500), rate=0.85))),))
    >>> sub = Section(2, 2, "（一）", "层层负责", (Paragraph((s("要层层负责。"),)),))
    >>> speech = Speech("在节后收心会上的讲话", (("date", "2024年10月9日"),), Language.ZH, (opening, first, sub))
    >>> plan = Plan(speech, CleanScript("a.txt", "utf-8", ""), 220.0, Estimate(0, 0, 0))
    >>> print(render_script(plan), end="")
    在节后收心会上的讲话
    （2024年10月9日）
    <BLANKLINE>
    == 开场 ==
    <BLANKLINE>
    同志们：
    <BLANKLINE>
    == 一、负起责任来 ==
    <BLANKLINE>
    一、负起责任来。责任心是第一位的。（掌声 3秒）[慢]这一点必须强调。[停1.5秒][/慢]
    <BLANKLINE>
      == （一）层层负责 ==
    <BLANKLINE>
    要层层负责。
    """
    speech = plan.speech
    language = speech.language
    blocks: list[str] = []
    head = _title_block(speech.title, speech.meta, language)
    if head:
        blocks.append("\n".join(head))
    for section in speech.sections:
        indent = "  " * max(section.level - 1, 0)
        blocks.append(f"{indent}== {chapter_title(section)} ==")
        blocks += [text for p in section.paragraphs if (text := _paragraph_text(p, language))]
    return "\n\n".join(blocks) + "\n"
