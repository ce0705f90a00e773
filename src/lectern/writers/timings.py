"""``timings.json``: every section and sentence of the rehearsal at its measured start and end, in ms.

This is the build's record of truth: ``lectern report`` re-reads it to re-render the report without audio, and
other tools (a teleprompter, a slide timer) can follow the speech from it. The documented shape (README)::

    {"audio": "rehearsal.mp3", "duration_ms": int, "engine": str, "voice": str,
     "sections": [{"index": int, "level": int, "marker": str|null, "title": str, "start_ms": int, "end_ms": int,
                   "sentences": [{"text": str, "start_ms": int, "end_ms": int}]}],
     "title": str|null, "speaker": str|null, "language": "zh"|"en", "meta": [[key, value], ...]}

Keys after the fixed ones are additions a reader may ignore: the top-level ``title``, ``speaker``, ``language``,
``meta``, and per sentence ``breath_groups`` (plan's cut, when set) and ``words`` (the engine's word boundaries
as ``[text, start_ms, end_ms]`` triples in absolute ms, when reported), so subtitles re-rendered from this file are
the ones the build wrote. Words are triples, not objects, because an engine may report one per 字: a 30,000-字
report would otherwise carry a megabyte of repeated key names. Each sentence is one line of the file, so a diff
between two builds reads sentence by sentence.
"""

from __future__ import annotations

import json
from typing import Any

from lectern.errors import InputError
from lectern.model import Boundary, Language, TimedSection, TimedSentence, Timeline


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sentence(sentence: TimedSentence) -> dict[str, Any]:
    record: dict[str, Any] = {"text": sentence.text, "start_ms": sentence.start_ms, "end_ms": sentence.end_ms}
    if sentence.breath_groups:
        record["breath_groups"] = list(sentence.breath_groups)
    if sentence.words:
        record["words"] = [[w.text, w.start_ms, w.end_ms] for w in sentence.words]
    return record


def render_timings(timeline: Timeline) -> str:
    """The JSON above: two-space indents, UTF-8 text as is (``ensure_ascii=False``), one sentence per line.

    >>> from lectern.model import TimedSection, TimedSentence
    >>> s = TimedSentence("同志们：", 480, 1500)
    >>> t = Timeline("rehearsal.mp3", 2000, "espeak", "cmn", (TimedSection(0, 0, None, "开场", 480, 1500, (s,)),))
    >>> print(render_timings(t), end="")
    {
      "audio": "rehearsal.mp3",
      "duration_ms": 2000,
      "engine": "espeak",
      "voice": "cmn",
      "sections": [
        {
          "index": 0,
          "level": 0,
          "marker": null,
          "title": "开场",
          "start_ms": 480,
          "end_ms": 1500,
          "sentences": [
            {"text": "同志们：", "start_ms": 480, "end_ms": 1500}
          ]
        }
      ],
      "title": null,
      "speaker": null,
      "language": "zh",
      "meta": []
    }
    """
    head = {"audio": timeline.audio, "duration_ms": timeline.duration_ms, "engine": timeline.engine, "voice": timeline.voice}
    tail = {
        "title": timeline.title,
        "speaker": timeline.speaker,
        "language": timeline.language.value,
        "meta": [list(pair) for pair in timeline.meta],
    }
    out = ["{"]
    out += [f"  {_json(key)}: {_json(value)}," for key, value in head.items()]
    sections = []
    for section in timeline.sections:
        fields = {
            "index": section.index,
            "level": section.level,
            "marker": section.marker,
            "title": section.title,
            "start_ms": section.start_ms,
            "end_ms": section.end_ms,
        }
        rows = ["    {"] + [f"      {_json(key)}: {_json(value)}," for key, value in fields.items()]
        if section.sentences:
            sentences = ",\n".join(f"        {_json(_sentence(s))}" for s in section.sentences)
            rows.append(f'      "sentences": [\n{sentences}\n      ]')
        else:
            rows.append('      "sentences": []')
        rows.append("    }")
        sections.append("\n".join(rows))
    out.append('  "sections": [\n' + ",\n".join(sections) + "\n  ]," if sections else '  "sections": [],')
    out += [f"  {_json(key)}: {_json(value)}," for key, value in tail.items()]
    out[-1] = out[-1].rstrip(",")
    out.append("}")
    return "\n".join(out) + "\n"


# --- reading it back ------------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, naming the exact field (``sections[2].sentences[0].start_ms``) on error."""

    def __init__(self, value: Any, where: str, path: str) -> None:
        self.path = path
        self.where = where
        if not isinstance(value, dict):
            self.fail(where, "expected an object")
        self.value: dict[str, Any] = value

    def fail(self, where: str, problem: str) -> None:
        raise InputError(f"{where}: {problem}" if where else f"the file is not a timings object: {problem}", path=self.path)

    def _get(self, key: str, optional: bool) -> Any:
        if key not in self.value:
            if optional:
                return None
            self.fail(self._at(key), "missing")
        return self.value[key]

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def ms(self, key: str) -> int:
        value = self._get(key, False)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(self._at(key), f"expected a whole number of ms ≥ 0, got {_json(value)}")
        return value

    def integer(self, key: str) -> int:
        value = self._get(key, False)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(self._at(key), f"expected an integer, got {_json(value)}")
        return value

    def text(self, key: str, *, optional: bool = False, nullable: bool = False) -> str | None:
        value = self._get(key, optional)
        if value is None and (optional or nullable):
            return None
        if not isinstance(value, str):
            self.fail(self._at(key), f"expected a string, got {_json(value)}")
        return value

    def items(self, key: str, *, optional: bool = False) -> list[Any]:
        value = self._get(key, optional)
        if value is None and optional:
            return []
        if not isinstance(value, list):
            self.fail(self._at(key), f"expected a list, got {_json(value)}")
        return value

    def child(self, key: str, index: int, value: Any) -> _Reader:
        return _Reader(value, f"{self._at(key)}[{index}]", self.path)

    def span(self) -> tuple[int, int]:
        start, end = self.ms("start_ms"), self.ms("end_ms")
        if end < start:
            self.fail(self.where, f"ends ({end} ms) before it starts ({start} ms)")
        return start, end


def _strings(reader: _Reader, key: str) -> tuple[str, ...]:
    values = reader.items(key, optional=True)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            reader.fail(f"{reader._at(key)}[{i}]", f"expected a string, got {_json(value)}")
    return tuple(values)


def _timed_sentence(reader: _Reader) -> TimedSentence:
    start, end = reader.span()
    words = []
    for i, raw in enumerate(reader.items("words", optional=True)):
        where = f"{reader._at('words')}[{i}]"
        if isinstance(raw, list) and len(raw) == 3:
            raw = dict(zip(("text", "start_ms", "end_ms"), raw))
        elif not isinstance(raw, dict):  # objects are read too: the form other tools (and early builds) write
            reader.fail(where, f"expected [text, start_ms, end_ms], got {_json(raw)}")
        word = _Reader(raw, where, reader.path)
        words.append(Boundary(word.text("text") or "", *word.span()))
    return TimedSentence(reader.text("text") or "", start, end, _strings(reader, "breath_groups"), tuple(words))


def _timed_section(reader: _Reader) -> TimedSection:
    start, end = reader.span()
    sentences = tuple(
        _timed_sentence(reader.child("sentences", i, raw)) for i, raw in enumerate(reader.items("sentences"))
    )
    for i, (before, after) in enumerate(zip(sentences, sentences[1:]), start=1):
        if after.start_ms < before.start_ms:
            reader.fail(f"{reader._at('sentences')}[{i}]", "starts before the sentence ahead of it")
    return TimedSection(
        reader.integer("index"),
        reader.integer("level"),
        reader.text("marker", nullable=True),
        reader.text("title") or "",
        start,
        end,
        sentences,
    )


def parse_timings(text: str, *, path: str = "timings.json") -> Timeline:
    """Read ``timings.json`` back into the Timeline it was rendered from (exactly: ``parse(render(t)) == t``).

    Keys a reader does not know are ignored, so files from newer versions still load. Anything that would make
    a report wrong (a missing or negative time, a sentence ending before it starts, sections out of order) raises
    InputError naming the field.
    """
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise InputError(f"not JSON (line {e.lineno}, column {e.colno}: {e.msg})", path=path) from e
    top = _Reader(document, "", path)
    sections = tuple(_timed_section(top.child("sections", i, raw)) for i, raw in enumerate(top.items("sections")))
    for i, (before, after) in enumerate(zip(sections, sections[1:]), start=1):
        if after.start_ms < before.start_ms:
            top.fail(f"sections[{i}]", "starts before the section ahead of it")
    language = top.text("language", optional=True) or Language.ZH.value
    if language not in {lang.value for lang in Language}:
        top.fail("language", f"expected one of {', '.join(lang.value for lang in Language)}, got {_json(language)}")
    meta = []
    for i, pair in enumerate(top.items("meta", optional=True)):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)):
            top.fail(f"meta[{i}]", f"expected [key, value], got {_json(pair)}")
        meta.append((pair[0], pair[1]))
    return Timeline(
        audio=top.text("audio") or "",
        duration_ms=top.ms("duration_ms"),
        engine=top.text("engine") or "",
        voice=top.text("voice") or "",
        sections=sections,
        title=top.text("title", optional=True),
        speaker=top.text("speaker", optional=True),
        language=Language(language),
        meta=tuple(meta),
    )
