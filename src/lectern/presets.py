"""Voice presets: ``voices/NAME.toml`` files naming, per engine, the voice and prosody, plus the pauses, the
lexicon and the delivery rate used for estimates.

A preset is user-editable configuration, so it is validated strictly: an unknown key (a typo such as ``pause``
for ``pauses``) or a bad value is a :class:`ConfigError` naming the file and the key, never silently ignored.

Layout (every table optional except the voices a run needs)::

    description = "Formal Mandarin, news-reader voice"
    language = "zh"            # zh | en
    rate = 220                 # 字/分 (zh) or words/min (en): the pace estimates assume

    [edge]
    voice = "zh-CN-YunyangNeural"
    rate = 0                   # percent relative to the engine's default, -50..100
    pitch = 0                  # Hz relative
    volume = 0                 # percent relative

    [neural]                   # the offline neural Mandarin voice (lectern voices install neural)
    voice = "baker"
    rate = 0

    [espeak]
    voice = "cmn"
    rate = -5

    [pauses]                   # ms, see lectern.model.PauseTable
    sentence = 450

    [lexicon]                  # see lectern.text.lexicon
    "重庆" = "chong2 qing4"
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from lectern.config import read_toml
from lectern.errors import ConfigError
from lectern.text.lexicon import Lexicon, parse_lexicon
from lectern.model import Language, PauseTable, Voice

ENGINES = ("edge", "neural", "espeak")  # the order --engine auto tries them in

_TOP_KEYS = {"name", "description", "language", "rate", "lexicon", "pauses", *ENGINES}
_VOICE_KEYS = {"voice", "rate", "pitch", "volume"}
_PAUSE_KEYS = {f.name for f in fields(PauseTable)}

# Prosody bounds: edge-tts accepts these; espeak maps them onto its own scales (lectern.engines.espeak).
_RATE_RANGE = (-50, 100)
_PITCH_RANGE = (-50, 50)
_VOLUME_RANGE = (-100, 100)
# Delivery rate bounds for estimates: well outside any speaker (formats-and-norms: formal speech ≈ 180–240 字/分).
_DELIVERY_RANGE = {Language.ZH: (60.0, 500.0), Language.EN: (40.0, 300.0)}


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    description: str
    language: Language
    voices: tuple[Voice, ...]  # one per engine the preset supports
    pauses: PauseTable
    lexicon: Lexicon
    rate: float  # delivery rate for estimates: 字/分 (zh) or words/min (en)
    path: str = ""

    @property
    def engines(self) -> tuple[str, ...]:
        return tuple(v.engine for v in self.voices)

    def voice_for(self, engine: str) -> Voice:
        """The preset's voice for ``engine``; a ConfigError when the preset has none."""
        for voice in self.voices:
            if voice.engine == engine:
                return voice
        raise ConfigError(f"preset {self.name!r} has no [{engine}] voice", path=self.path or None)


def voices_dir() -> Path:
    """``$LECTERN_VOICES_DIR``, else the ``voices/`` folder of the lectern checkout, else the copy a wheel installs.

    The checkout's folder comes first so that editing a preset takes effect without reinstalling.
    """
    configured = os.environ.get("LECTERN_VOICES_DIR")
    if configured:
        return Path(configured).expanduser()
    checkout = Path(__file__).resolve().parents[2] / "voices"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "lectern" / "voices"  # pyproject's data-files


def preset_names() -> tuple[str, ...]:
    """Names of the presets in :func:`voices_dir`, sorted."""
    folder = voices_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.toml")))


def list_presets() -> tuple[Preset, ...]:
    """Every preset in :func:`voices_dir`, loaded (so a broken one is reported, not hidden), sorted by name."""
    return tuple(load_preset(name) for name in preset_names())


def load_preset(name_or_path: str | Path) -> Preset:
    """A preset by name (``zh-formal``) or by file path (anything with a ``/`` or ending in ``.toml``)."""
    text = str(name_or_path)
    if text.endswith(".toml") or os.sep in text or "/" in text:
        path = Path(text).expanduser()
    else:
        path = voices_dir() / f"{text}.toml"
        if not path.is_file():
            known = ", ".join(preset_names()) or "none found"
            raise ConfigError(f"unknown voice preset {text!r} (available: {known})", path=str(voices_dir()))
    name = str(path)
    data = read_toml(path, "voice preset")
    return parse_preset(data, path=name, default_name=path.stem)


def parse_preset(data: Mapping[str, object], *, path: str, default_name: str = "custom") -> Preset:
    """Validate a preset's TOML table; every error names ``path`` and the key."""
    _no_unknown(data, _TOP_KEYS, path=path, where="")
    name = _string(data, "name", path=path, default=default_name)
    description = _string(data, "description", path=path, default="")
    language_text = _string(data, "language", path=path, default="zh")
    try:
        language = Language(language_text)
    except ValueError:
        choices = ", ".join(lang.value for lang in Language)
        raise ConfigError(f"key language: {language_text!r} is not one of {choices}", path=path) from None

    low, high = _DELIVERY_RANGE[language]
    default_rate = 220.0 if language is Language.ZH else 140.0
    rate = _number(data, "rate", path=path, default=default_rate, low=low, high=high)

    voices = tuple(
        _voice(engine, _table(data, engine, path=path), path=path) for engine in ENGINES if engine in data
    )
    if not voices:
        raise ConfigError("a preset needs at least one voice table: [edge], [neural] or [espeak]", path=path)
    if language is not Language.ZH and any(v.engine == "neural" for v in voices):
        raise ConfigError("[neural]: the neural voice speaks only Mandarin (language = \"zh\")", path=path)

    pause_table = _table(data, "pauses", path=path) if "pauses" in data else {}
    _no_unknown(pause_table, _PAUSE_KEYS, path=path, where="pauses.")
    pauses = PauseTable(**{k: _integer(pause_table, k, path=path, bounds=(0, 60_000), where="pauses.") for k in pause_table})

    lexicon_table = _table(data, "lexicon", path=path) if "lexicon" in data else {}
    lexicon = parse_lexicon(lexicon_table, path=path, where="lexicon.")
    return Preset(name, description, language, voices, pauses, lexicon, rate, path)


def _voice(engine: str, table: Mapping[str, object], *, path: str) -> Voice:
    where = f"{engine}."
    _no_unknown(table, _VOICE_KEYS, path=path, where=where)
    if "voice" not in table:
        raise ConfigError(f"key {where}voice: missing (the engine's voice name, e.g. cmn)", path=path)
    return Voice(
        engine=engine,
        name=_string(table, "voice", path=path, default="", where=where),
        rate=_integer(table, "rate", path=path, bounds=_RATE_RANGE, where=where),
        pitch=_integer(table, "pitch", path=path, bounds=_PITCH_RANGE, where=where),
        volume=_integer(table, "volume", path=path, bounds=_VOLUME_RANGE, where=where),
    )


def _no_unknown(table: Mapping[str, object], allowed: set[str], *, path: str, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown key {where}{unknown[0]} (allowed: {', '.join(sorted(allowed))})", path=path
        )


def _table(data: Mapping[str, object], key: str, *, path: str) -> Mapping[str, object]:
    value = data[key]
    if not isinstance(value, Mapping):
        raise ConfigError(f"key {key}: expected a table [{key}], got {type(value).__name__}", path=path)
    return value


def _string(data: Mapping[str, object], key: str, *, path: str, default: str, where: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (key in data and not value.strip()):
        raise ConfigError(f"key {where}{key}: expected a non-empty string, got {value!r}", path=path)
    return value


def _number(
    data: Mapping[str, object], key: str, *, path: str, default: float, low: float, high: float, where: str = ""
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"key {where}{key}: expected a number from {low:g} to {high:g}, got {value!r}", path=path)
    return float(value)


def _integer(data: Mapping[str, object], key: str, *, path: str, bounds: tuple[int, int], where: str) -> int:
    value = data.get(key, 0)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"key {where}{key}: expected a whole number from {low} to {high}, got {value!r}", path=path)
    return value
