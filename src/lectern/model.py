"""The data that flows between lectern's steps, in one place.

The pipeline is a straight line: ingest → clean → structure → plan → synthesize → assemble → write. Each step takes
one of these frozen records and returns the next, so every step can be tested on its own without audio or network.

All times are integer milliseconds named ``*_ms``; conversion to CUE frames, SRT stamps or 100-ns ticks happens only
in :mod:`lectern.timecode`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol


# --- ingest / clean ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceText:
    """A script decoded to text, before cleaning. ``lines`` are numbered from 1 in :class:`Removal`."""

    path: str  # as the user named it ("-" for stdin); used in every error message
    text: str  # normalised: LF line ends, NBSP → space, ideographic-space runs → paragraph breaks
    encoding: str  # the encoding that decoded the bytes, e.g. "utf-8", "utf-8-sig", "gb18030", "big5"
    # The decoded text before normalising (punctuation as the author typed it): titles are reported as written.
    written: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Removal:
    """One line (or part of a line) that cleaning took out, and why, so the user can review it."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A template blank (``XX``, ``××``, ``某某``…) left in the script, counted."""

    text: str
    count: int


@dataclass(frozen=True, slots=True)
class CleanScript:
    """The speech with download-site noise removed. ``text`` keeps placeholders as written; filling is done by plan."""

    path: str
    encoding: str
    text: str
    removals: tuple[Removal, ...] = ()
    placeholders: tuple[Placeholder, ...] = ()


# --- structure / plan -------------------------------------------------------------------------------------------


class PauseKind(StrEnum):
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    SECTION = "section"
    SALUTATION = "salutation"
    APPLAUSE = "applause"  # a stage note such as （掌声）: the speaker waits
    MARKER = "marker"  # an inline pacing marker the speaker wrote: [停], [停2秒], [p800], //
    BREATH = "breath"


@dataclass(frozen=True, slots=True)
class Pause:
    kind: PauseKind
    ms: int


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One unit of speech: synthesized as one Take, shown as one line on the rehearsal page.

    ``text`` is exactly what is spoken (markers and stage notes removed, placeholders filled by plan).
    ``pauses`` are what follows the sentence: structure records the script's explicit ones (applause, markers);
    plan adds the structural pause for the sentence's position and sets ``est_ms``. Out of structure, an explicit
    pause whose length comes from the pause table (a beat, ``//``, applause) holds a negative stand-in
    (``markers.BEAT_MS`` …) that plan replaces with the preset's value, so only plan needs the preset.
    ``rate`` is the speaker's relative rate from ``[慢]…[/慢]`` / ``[快]…[/快]`` (1.0 = the preset's rate).
    """

    text: str
    pauses: tuple[Pause, ...] = ()
    rate: float = 1.0
    written: str = ""  # the sentence as the script writes it (placeholders unfilled), for the page and review
    est_ms: int = 0
    breath_groups: tuple[str, ...] = ()  # cut at word or phrase boundaries by plan: ≲ 25 字, or 6–14 English words

    @property
    def pause_after_ms(self) -> int:
        return sum(p.ms for p in self.pauses)


@dataclass(frozen=True, slots=True)
class Paragraph:
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the speech a speaker would name: opening (level 0), 一、 (1), （一） (2), 1. (3), closing (level 0).

    Spoken-list markers (一是, 第一，, 首先，) are level 1 when the document has no 一、 headings, else nested below
    the heading they follow. ``marker`` is the heading marker as written (``"一、"``, ``"一是"``) or None.
    """

    index: int  # 0-based position in speaking order
    level: int
    marker: str | None
    title: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for p in self.paragraphs for s in p.sentences)


@dataclass(frozen=True, slots=True)
class UnknownMarker:
    """A ``[...]`` the script contains that lectern does not understand: reported, never spoken."""

    text: str
    count: int


@dataclass(frozen=True, slots=True)
class Speech:
    """The script tree: what the speaker will say, in order. The title block is metadata, never spoken."""

    title: str | None
    meta: tuple[tuple[str, str], ...]  # e.g. (("subtitle", "——在…上的讲话"), ("date", "2024年9月20日"), ("speaker", "…"))
    language: Language
    sections: tuple[Section, ...]
    salutation: str | None = None
    unknown_markers: tuple[UnknownMarker, ...] = ()

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for sec in self.sections for s in sec.sentences)


@dataclass(frozen=True, slots=True)
class PauseTable:
    """Pauses by level (ms). Defaults follow a formal delivery; presets override them."""

    sentence: int = 450
    paragraph: int = 900
    section: int = 1800
    salutation: int = 800
    applause: int = 3000
    beat: int = 700  # [停] / [pause] with no length
    long: int = 1500  # //


@dataclass(frozen=True, slots=True)
class Estimate:
    speech_ms: int
    pause_ms: int
    chars: int  # 字 for Chinese (CJK characters and digits), words for English

    @property
    def total_ms(self) -> int:
        return self.speech_ms + self.pause_ms


@dataclass(frozen=True, slots=True)
class Blank:
    """One template blank in the spoken text, numbered in speaking order as ``--fill 3=张三`` counts them."""

    number: int  # 1-based, in speaking order
    text: str  # as the script writes it: XX, ××, 某某…
    before: str  # a few characters of the sentence before and after it, to recognise it by
    after: str
    filled: str | None = None  # what is spoken instead; None: the default reading (某某)
    line: int | None = None  # in the script file, where it could be found there


@dataclass(frozen=True, slots=True)
class Plan:
    """A Speech with every pause and estimate set, plus what the text steps found, ready to synthesize."""

    speech: Speech
    script: CleanScript
    rate: float  # delivery rate used for the estimate: 字/分 (zh) or words/min (en)
    estimate: Estimate
    blanks: tuple[Blank, ...] = ()
    unused_fills: tuple[str, ...] = ()  # --fill values that matched no blank, as the user wrote them


# --- synthesis / assembly ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Boundary:
    """A word or sentence boundary the engine reported, relative to the start of its Take."""

    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Voice:
    """What an engine needs to render text: the engine-specific voice name and prosody."""

    engine: str  # "edge" | "espeak"
    name: str  # e.g. "zh-CN-YunyangNeural", "cmn"
    rate: int = 0  # percent relative to the engine's default, e.g. -10 for "-10%"
    pitch: int = 0  # Hz relative
    volume: int = 0  # percent relative


@dataclass(frozen=True, slots=True)
class Take:
    """One synthesized rendering of one Sentence, stored in the cache as raw PCM (s16le mono).

    ``samples`` is measured from the audio itself; every time downstream is derived from it.
    """

    key: str  # content address: engine, engine version, voice, prosody and exact text
    text: str
    engine: str
    voice: str
    sample_rate: int
    samples: int
    pcm_path: Path
    boundaries: tuple[Boundary, ...] = ()

    @property
    def duration_ms(self) -> int:
        return self.samples * 1000 // self.sample_rate


@dataclass(frozen=True, slots=True)
class TimedSentence:
    text: str
    start_ms: int
    end_ms: int
    breath_groups: tuple[str, ...] = ()
    words: tuple[Boundary, ...] = ()  # absolute times, when the engine reported word boundaries


@dataclass(frozen=True, slots=True)
class TimedSection:
    index: int
    level: int
    marker: str | None
    title: str
    start_ms: int
    end_ms: int
    sentences: tuple[TimedSentence, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every section and sentence placed at the start and end measured in the assembled audio."""

    audio: str  # file name of the whole, relative to the output folder
    duration_ms: int
    engine: str
    voice: str
    sections: tuple[TimedSection, ...]
    title: str | None = None
    speaker: str | None = None
    language: Language = Language.ZH
    meta: tuple[tuple[str, str], ...] = field(default=())


# --- naming -----------------------------------------------------------------------------------------------------
# One name per section, shared by the CUE sheet, chapters, ID3 tags, the printed script and the report, so a
# listener sees the same name in the player, the cue sheet and the report.

UNTITLED_EXCERPT = 16  # characters of the first sentence that name a section with no title


class _SpokenText(Protocol):
    @property
    def text(self) -> str: ...


class _Titled(Protocol):
    """Both the planned :class:`~lectern.model.Section` and the measured :class:`~lectern.model.TimedSection`."""

    @property
    def index(self) -> int: ...
    @property
    def marker(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def sentences(self) -> Sequence[_SpokenText]: ...


def heading_text(marker: str | None, title: str) -> str:
    """Marker and title as one heading, the marker shown once: ``一是`` + ``所有工作…`` → ``一是所有工作…``.

    >>> heading_text("1.", "The economy"), heading_text("一、", "一、坚持"), heading_text(None, "开场")
    ('1. The economy', '一、坚持', '开场')
    """
    title = " ".join(title.split())
    marker = (marker or "").strip()
    if marker and not title.startswith(marker):
        # "一、坚持" and "一、GDP" read as written; "1. The economy" keeps the space a Latin title had after its
        # Latin marker.
        latin = marker[-1:].isascii() and title[:1].isascii() and title[:1].isalnum()
        title = f"{marker} {title}" if latin else marker + title
    return title


def chapter_title(section: _Titled) -> str:
    """The section's name as a speaker says it: marker and title on one line (``一是所有工作都要负起责任来``).

    Structure may keep the marker in the title or not; it is shown once either way. A section with no title (an
    opening before the first heading) is named by the start of what is said, which is what a listener recognises.

    >>> from lectern.model import TimedSection, TimedSentence
    >>> chapter_title(TimedSection(1, 1, "一、", "所有工作都要负起责任来", 0, 1, ()))
    '一、所有工作都要负起责任来'
    >>> chapter_title(TimedSection(2, 1, "First,", "responsibility", 0, 1, ()))
    'First, responsibility'
    >>> chapter_title(TimedSection(0, 0, None, "", 0, 1, (TimedSentence("今天是10月9日，节后上班第一天。", 0, 1),)))
    '今天是10月9日，节后上班第一天…'
    """
    title = heading_text(section.marker, section.title)
    if title:
        return title
    for sentence in section.sentences:
        spoken = " ".join(sentence.text.split())
        if spoken:
            return spoken if len(spoken) <= UNTITLED_EXCERPT else spoken[:UNTITLED_EXCERPT] + "…"
    return f"§{section.index + 1}"
