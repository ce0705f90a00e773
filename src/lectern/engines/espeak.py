"""The offline voice: espeak-ng from the ``espeakng-loader`` wheel, driven through ctypes.

The wheel ships libespeak-ng and its data (with the Mandarin dictionary ``cmn_dict``), so lectern works with no
system package and no network. The quality is robotic, but the timing is real, which is what a rehearsal needs
when edge-tts cannot be reached.

libespeak-ng keeps all its state in globals (the current voice, the parameters, the one synth callback), so every
synthesis runs under one lock; :attr:`EspeakEngine.concurrency` is 1. Some of that state carries over from one text
to the next and is reset by nothing in the API (the pitch flutter's phase is a static inside the wave generator): the
same sentence came out 481,734 bytes after one sentence and 481,162 after another, so a resumed build differed from
a clean one. Each take is therefore rendered by a freshly loaded library (unloaded with ``dlclose`` and loaded
again: ≈ 10 ms a take, most of it reloading the voice's dictionary), so a take depends on its text and voice alone.

The C API is ``speak_lib.h`` (espeak-ng 1.52): ``espeak_Initialize`` in ``AUDIO_OUTPUT_SYNCHRONOUS`` mode makes
``espeak_Synth`` return only when the whole text has gone through the callback, which collects the PCM
(22,050 Hz, s16 mono) and the word events.
"""

from __future__ import annotations

import _ctypes
import asyncio
import ctypes
import threading
from dataclasses import dataclass, field
from importlib import metadata

from lectern.engines.base import Rendering
from lectern.errors import EngineError
from lectern.model import Boundary, Voice

# speak_lib.h constants.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # return an error instead of calling exit() when the data is missing
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_PARAM_RATE = 1
_PARAM_VOLUME = 2
_PARAM_PITCH = 3

# espeak's own default speed in words per minute (espeakRATE_NORMAL) and the range it accepts.
DEFAULT_WPM = 175
MIN_WPM = 80
MAX_WPM = 450


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """``espeak_EVENT`` as laid out in speak_lib.h; only type, text_position, length and audio_position are read."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters of the UTF-8 text
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms from the start of the message
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass
class _Capture:
    """What the callback collects for the one synthesis in progress (there is only ever one: the lock)."""

    pcm: bytearray = field(default_factory=bytearray)
    words: list[tuple[int, int, int]] = field(default_factory=list)  # (text_position, length, audio_position)


class _Library:
    """The process's one libespeak-ng, initialised on first use."""

    def __init__(self) -> None:
        import espeakng_loader

        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data_path = espeakng_loader.get_data_path()
        except (OSError, RuntimeError) as e:
            raise EngineError(f"cannot load espeak-ng from the espeakng-loader wheel ({e})") from e
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT)
        if sample_rate <= 0:
            raise EngineError(f"espeak-ng could not initialise with its data at {data_path}")
        self.lib = lib
        self.used = False  # set by anything that runs text through the library's global state
        self.sample_rate = sample_rate
        self.version = (lib.espeak_Info(None) or b"?").decode()
        self.capture = _Capture()
        # Kept on the instance: ctypes frees a callback that is garbage-collected while C still holds it.
        self._callback = _SynthCallback(self._on_synth)
        lib.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None

    def _on_synth(self, wav: ctypes._Pointer[ctypes.c_short], samples: int, events: ctypes._Pointer[_Event]) -> int:
        if wav and samples > 0:
            self.capture.pcm += ctypes.string_at(wav, samples * 2)
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            event = events[i]
            if event.type == _EVENT_WORD:
                self.capture.words.append((event.text_position, event.length, event.audio_position))
            i += 1
        return 0  # continue

    def close(self) -> None:
        """Free the library and unload it, so the next load starts from its initial static state."""
        self.lib.espeak_Terminate()
        handle = self.lib._handle
        del self.lib
        (_ctypes.FreeLibrary if hasattr(_ctypes, "FreeLibrary") else _ctypes.dlclose)(handle)

    def synthesize(self, text: str, voice: str, wpm: int, pitch: int, volume: int) -> tuple[bytes, list[tuple[int, int, int]]]:
        if voice != self._voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"espeak-ng has no voice {voice!r} (try cmn or en-us)", sentence=text)
            self._voice = voice
        # The parameters are global and sticky: set all of them for every text.
        self.lib.espeak_SetParameter(_PARAM_RATE, wpm, 0)
        self.lib.espeak_SetParameter(_PARAM_PITCH, pitch, 0)
        self.lib.espeak_SetParameter(_PARAM_VOLUME, volume, 0)
        self.used = True
        self.capture = _Capture()
        data = text.encode("utf-8")
        status = self.lib.espeak_Synth(data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != 0:
            raise EngineError(f"espeak-ng failed to synthesize (error {status})", sentence=text)
        return bytes(self.capture.pcm), list(self.capture.words)


_lock = threading.Lock()
_library: _Library | None = None


def _the_library(*, fresh: bool = False) -> _Library:
    """Initialise libespeak-ng on first use; ``fresh``: one that has run no text yet. The caller holds ``_lock``."""
    global _library
    if _library is not None and fresh and _library.used:
        _library.close()
        _library = None
    if _library is None:
        _library = _Library()
    return _library


def espeak_wpm(rate: int) -> int:
    """Voice.rate (percent relative, -50..+100) as espeak words per minute around its default of 175."""
    return max(MIN_WPM, min(MAX_WPM, round(DEFAULT_WPM * (100 + rate) / 100)))


def espeak_pitch(pitch_hz: int) -> int:
    """Voice.pitch (Hz relative, edge's unit) on espeak's 0–100 scale, 50 = the voice's own pitch.

    espeak's base pitch has no unit; about 2 Hz a step keeps a preset's "+10Hz" a small change in both engines.
    """
    return max(0, min(100, 50 + pitch_hz // 2))


def espeak_volume(volume: int) -> int:
    """Voice.volume (percent relative) on espeak's 0–200 scale, 100 = normal; above ≈ 150 espeak distorts."""
    return max(0, min(200, 100 + volume))


def _words(text: str, events: list[tuple[int, int, int]], end_ms: int) -> tuple[Boundary, ...]:
    """Word events as Boundaries. espeak reports only where a word starts, and gives a dictionary word such as
    增长 a length of 1, so a word runs to the next word's start, in the text and in time."""
    boundaries = []
    for i, (position, _length, start_ms) in enumerate(events):
        following = events[i + 1] if i + 1 < len(events) else (len(text) + 1, 0, end_ms)
        word = text[position - 1 : following[0] - 1].strip()
        if word:
            boundaries.append(Boundary(word, start_ms, max(start_ms, following[2])))
    return tuple(boundaries)


class EspeakEngine:
    """espeak-ng as an :class:`lectern.engines.base.Engine`: one text at a time, 22,050 Hz mono PCM."""

    name = "espeak"
    concurrency = 1

    def __init__(self) -> None:
        with _lock:
            library = _the_library()
        try:
            loader = metadata.version("espeakng-loader")
        except metadata.PackageNotFoundError:
            loader = "?"
        # The library version and the wheel's (which ships the dictionaries) both change what is said.
        # "fresh": takes cached before each was rendered by a fresh library depended on what was said before them;
        # they are rendered again rather than mixed into a rehearsal with ones that do not.
        self.version = f"espeak-ng {library.version}; espeakng-loader {loader}; fresh"
        self.sample_rate = library.sample_rate

    def render_blocking(self, text: str, voice: Voice) -> Rendering:
        if voice.engine != self.name:
            raise EngineError(f"voice {voice.name!r} is for {voice.engine}, not espeak", sentence=text)
        with _lock:
            library = _the_library(fresh=True)
            pcm, events = library.synthesize(
                text, voice.name, espeak_wpm(voice.rate), espeak_pitch(voice.pitch), espeak_volume(voice.volume)
            )
        if not pcm and any(c.isalnum() for c in text):
            raise EngineError("espeak-ng produced no audio", sentence=text)
        duration_ms = len(pcm) // 2 * 1000 // library.sample_rate
        return Rendering(pcm, library.sample_rate, _words(text, events, duration_ms))

    async def render(self, text: str, voice: Voice) -> Rendering:
        return await asyncio.to_thread(self.render_blocking, text, voice)


class _VoiceInfo(ctypes.Structure):
    """``espeak_VOICE`` from speak_lib.h. ``languages`` is a run of (priority byte, name, NUL), ended by a 0 byte."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.POINTER(ctypes.c_char)),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),  # 0 none, 1 male, 2 female
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


def _languages(raw: ctypes._Pointer[ctypes.c_char]) -> list[str]:
    names = []
    i = 0
    while raw[i] != b"\x00":  # priority byte; 0 ends the list
        i += 1
        start = i
        while raw[i] != b"\x00":
            i += 1
        names.append(ctypes.string_at(ctypes.addressof(raw.contents) + start, i - start).decode("utf-8", "replace"))
        i += 1
    return names


def list_voices(language: str | None = None) -> list[dict[str, str]]:
    """espeak-ng's voices as ``{"name", "language", "gender"}``; ``language`` filters by prefix (``zh`` finds
    ``cmn``, whose language list includes ``zh``)."""
    with _lock:
        lib = _the_library().lib
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceInfo))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        table = lib.espeak_ListVoices(None)
        found = []
        i = 0
        while table[i]:
            voice = table[i].contents
            languages = _languages(voice.languages)
            identifier = (voice.identifier or b"").decode("utf-8", "replace")
            found.append(
                {
                    # The identifier's last part ("cmn", "en-US", "yue-Latn-jyutping") is unique and is what
                    # espeak_SetVoiceByName takes; languages[0] repeats for variants such as Jyutping.
                    "name": identifier.rsplit("/", 1)[-1] or (languages[0] if languages else ""),
                    "language": ", ".join(languages),
                    "gender": {1: "male", 2: "female"}.get(voice.gender, ""),
                    "description": (voice.name or b"").decode("utf-8", "replace"),
                }
            )
            i += 1
    if language:
        wanted = language.lower()
        found = [
            v for v in found if any(lang == wanted or lang.startswith(wanted + "-") for lang in v["language"].split(", "))
        ]
    return sorted(found, key=lambda v: v["name"])


def phonemes(text: str, voice: str = "cmn") -> str:
    """espeak's phoneme transcription of ``text`` (its ASCII scheme, tones as digits: ``ts.hong35``).

    For checking a lexicon reading without listening: ``phonemes("jue2 se4")`` shows what espeak will say.
    """
    with _lock:
        library = _the_library()
        lib = library.lib
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
        if voice != library._voice:
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"espeak-ng has no voice {voice!r}", sentence=text)
            library._voice = voice
        library.used = True
        pointer = ctypes.c_char_p(text.encode("utf-8"))
        keep = pointer.value  # the C side walks this buffer; keep it alive
        parts = []
        while pointer.value:
            parts.append((lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0) or b"").decode())
        del keep
    return " ".join(p.strip() for p in parts if p.strip())
