"""A take: one recording of the speaker's own delivery, timed section by section. Stored as ``takes/NNN.json`` in
the rehearsal folder, printed by ``lectern take --json``, and saved by the page's rehearse mode.

The shape (stable: add keys, never rename; times are integer ms from the start of the recording; ``pace`` is 字/分
for Chinese and words/min for English, rounded to 0.1, null when nothing was said)::

    {"schema": "lectern.take/1",
     "recording": str,                 # the recording's file name as given
     "duration_ms": int, "speaking_ms": int, "pause_ms": int, "pace": float|null,
     "sections": [{"index": int, "title": str, "start_ms": int, "end_ms": int, "voice_ms": int,
                   "pace": float|null, "speaking_ms": int}],
     "sentences": [{"index": int, "start_ms": int, "end_ms": int}],   # where aligned; index in speaking order
     "confidence": float|null,         # 0..1: how well the heard pauses fit the script; null when unknown
     "taps": [{"section": int, "ms": int}],   # the speaker's own marks: section ``section`` began at ``ms``
     "language": "zh"|"en", "pace_unit": "字/分"|"wpm", "created": str (ISO 8601 UTC),
     "source": "lectern take"|"page", "pauses": [{"start_ms": int, "ms": int, "section": int}],  # longest first
     "stopped_at": int|null,           # index of the sentence the recording stops in, when it stops early
     "warnings": [str]}

``sections`` tile the spoken part: a section runs from its first sentence's start to the next section's start
(the last to the end of its last sentence), so the pause after a section counts in it, as in the report.
``voice_ms`` is the same section's length in the synthesized rehearsal. The page writes ``taps`` (and may leave
``sentences`` empty and ``confidence`` null); ``lectern take OUT RECORDING --taps TAKE.json`` reads only ``taps``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lectern.errors import InputError

SCHEMA = "lectern.take/1"
TAKES_DIR = "takes"
_TAKE_NAME = re.compile(r"^(\d{3,})\.json$")


@dataclass(frozen=True, slots=True)
class Tap:
    """The speaker moved on to section ``section`` (0-based, speaking order) at ``ms`` into the recording."""

    section: int
    ms: int


@dataclass(frozen=True, slots=True)
class SectionDelivery:
    index: int
    title: str
    start_ms: int
    end_ms: int
    voice_ms: int  # the rehearsal's length of this section
    speaking_ms: int  # the speaker's speech inside the section, pauses between sentences excluded
    pace: float | None  # 字/分 or wpm over the section's whole span

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class SentenceDelivery:
    index: int  # 0-based in speaking order across the speech
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class HeardPause:
    start_ms: int
    ms: int
    section: int  # the section it falls in (or after)


@dataclass(frozen=True, slots=True)
class Delivery:
    """The speaker's delivery of one recording. The name ``Take`` is the synthesized sentence in lectern.model."""

    recording: str
    duration_ms: int
    speaking_ms: int
    pause_ms: int
    pace: float | None
    sections: tuple[SectionDelivery, ...]
    sentences: tuple[SentenceDelivery, ...] = ()
    confidence: float | None = None
    taps: tuple[Tap, ...] = ()
    language: str = "zh"
    created: str = ""
    source: str = "lectern take"
    pauses: tuple[HeardPause, ...] = ()
    stopped_at: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def pace_unit(self) -> str:
        return "wpm" if self.language == "en" else "字/分"


def delivery_to_json(d: Delivery) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "recording": d.recording,
        "duration_ms": d.duration_ms,
        "speaking_ms": d.speaking_ms,
        "pause_ms": d.pause_ms,
        "pace": _round(d.pace),
        "sections": [
            {
                "index": s.index, "title": s.title, "start_ms": s.start_ms, "end_ms": s.end_ms,
                "voice_ms": s.voice_ms, "pace": _round(s.pace), "speaking_ms": s.speaking_ms,
            }
            for s in d.sections
        ],
        "sentences": [{"index": s.index, "start_ms": s.start_ms, "end_ms": s.end_ms} for s in d.sentences],
        "confidence": None if d.confidence is None else round(d.confidence, 2),
        "taps": [{"section": t.section, "ms": t.ms} for t in d.taps],
        "language": d.language,
        "pace_unit": d.pace_unit,
        "created": d.created,
        "source": d.source,
        "pauses": [{"start_ms": p.start_ms, "ms": p.ms, "section": p.section} for p in d.pauses],
        "stopped_at": d.stopped_at,
        "warnings": list(d.warnings),
    }


def render_delivery(d: Delivery) -> str:
    return json.dumps(delivery_to_json(d), ensure_ascii=False, indent=2) + "\n"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


# --- reading ----------------------------------------------------------------------------------------------------


def _load(text: str, path: str) -> dict[str, Any]:
    try:
        document = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as e:
        raise InputError(f"not JSON (line {e.lineno}, column {e.colno}: {e.msg})", path=path) from e
    if not isinstance(document, dict):
        raise InputError("not a take: expected a JSON object", path=path)
    return document


def _int(value: Any, where: str, path: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{where}: expected a whole number ≥ {minimum}, got {json.dumps(value)}", path=path)
    return value


def _number(value: Any, where: str, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{where}: expected a number or null, got {json.dumps(value)}", path=path)
    return float(value)


def _list(document: dict[str, Any], key: str, path: str) -> list[Any]:
    value = document.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{key}: expected a list, got {json.dumps(value)}", path=path)
    return value


def _object(value: Any, where: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected an object, got {json.dumps(value, ensure_ascii=False)}", path=path)
    return value


def _taps(document: dict[str, Any], path: str) -> tuple[Tap, ...]:
    taps = []
    for i, raw in enumerate(_list(document, "taps", path)):
        tap = _object(raw, f"taps[{i}]", path)
        for key in ("section", "ms"):
            if key not in tap:
                raise InputError(f"taps[{i}].{key}: missing", path=path)
        taps.append(Tap(_int(tap["section"], f"taps[{i}].section", path), _int(tap["ms"], f"taps[{i}].ms", path)))
    return tuple(taps)


def parse_taps(text: str, *, path: str = "take.json") -> tuple[Tap, ...]:
    """The ``taps`` of a take file the page saved; the rest of the file is not needed and not checked."""
    document = _load(text, path)
    if "taps" not in document:
        raise InputError("no \"taps\" in this take: save the take from the page's rehearse mode", path=path)
    taps = _taps(document, path)
    if not taps:
        raise InputError("\"taps\" is empty: tap → (or space) at each new section while you rehearse", path=path)
    return taps


def parse_delivery(text: str, *, path: str = "take.json") -> Delivery:
    """A take file back into its Delivery; a field that would make the report wrong raises InputError naming it."""
    document = _load(text, path)
    for key in ("recording", "duration_ms", "sections"):
        if key not in document:
            raise InputError(f"{key}: missing", path=path)
    sections = []
    for i, raw in enumerate(_list(document, "sections", path)):
        where = f"sections[{i}]"
        s = _object(raw, where, path)
        start = _int(s.get("start_ms"), f"{where}.start_ms", path)
        end = _int(s.get("end_ms"), f"{where}.end_ms", path, minimum=start)
        sections.append(
            SectionDelivery(
                index=_int(s.get("index"), f"{where}.index", path),
                title=str(s.get("title") or ""),
                start_ms=start,
                end_ms=end,
                voice_ms=_int(s.get("voice_ms", 0), f"{where}.voice_ms", path),
                speaking_ms=_int(s.get("speaking_ms", end - start), f"{where}.speaking_ms", path),
                pace=_number(s.get("pace"), f"{where}.pace", path),
            )
        )
    sentences = []
    for i, raw in enumerate(_list(document, "sentences", path)):
        where = f"sentences[{i}]"
        s = _object(raw, where, path)
        start = _int(s.get("start_ms"), f"{where}.start_ms", path)
        sentences.append(
            SentenceDelivery(
                _int(s.get("index"), f"{where}.index", path), start,
                _int(s.get("end_ms"), f"{where}.end_ms", path, minimum=start),
            )
        )
    pauses = []
    for i, raw in enumerate(_list(document, "pauses", path)):
        p = _object(raw, f"pauses[{i}]", path)
        pauses.append(
            HeardPause(
                _int(p.get("start_ms"), f"pauses[{i}].start_ms", path), _int(p.get("ms"), f"pauses[{i}].ms", path),
                _int(p.get("section", 0), f"pauses[{i}].section", path),
            )
        )
    duration = _int(document["duration_ms"], "duration_ms", path)
    speaking = _int(document.get("speaking_ms", 0), "speaking_ms", path)
    language = document.get("language") if document.get("language") in ("zh", "en") else "zh"
    stopped = document.get("stopped_at")
    return Delivery(
        recording=str(document["recording"]),
        duration_ms=duration,
        speaking_ms=speaking,
        pause_ms=_int(document.get("pause_ms", max(duration - speaking, 0)), "pause_ms", path),
        pace=_number(document.get("pace"), "pace", path),
        sections=tuple(sections),
        sentences=tuple(sentences),
        confidence=_number(document.get("confidence"), "confidence", path),
        taps=_taps(document, path),
        language=language,
        created=str(document.get("created") or ""),
        source=str(document.get("source") or "lectern take"),
        pauses=tuple(pauses),
        stopped_at=None if stopped is None else _int(stopped, "stopped_at", path),
        warnings=tuple(str(w) for w in _list(document, "warnings", path)),
    )


# --- the takes folder -------------------------------------------------------------------------------------------


def take_paths(out_dir: Path) -> list[Path]:
    """The takes kept in a rehearsal folder, oldest first (``takes/001.json``, ``002.json``, …)."""
    folder = out_dir / TAKES_DIR
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _TAKE_NAME.match(p.name)) and p.is_file()]
    return [p for _, p in sorted(found)]


def next_take_path(out_dir: Path) -> Path:
    """The next free number: one more than the highest kept, so a deleted take's number is never reused."""
    paths = take_paths(out_dir)
    last = int(_TAKE_NAME.match(paths[-1].name).group(1)) if paths else 0  # type: ignore[union-attr]
    return out_dir / TAKES_DIR / f"{last + 1:03d}.json"
