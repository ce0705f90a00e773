"""Which engine a run uses, and why: ``--engine auto|edge|neural|espeak``.

``auto`` (the default) takes, among the engines the voice preset offers, the online edge voice when its service
answers a short probe, else the offline neural voice when it is installed and the script is Chinese, else espeak,
and says which and why: a rehearsal with a robotic voice is still a rehearsal, but the user must know which one they
got. The probe's answer is remembered for a few minutes (a small file beside the take cache), so a run of offline
builds does not wait for it each time. A forced engine never falls back: the user asked for that voice.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from lectern.engines.base import Engine
from lectern.errors import ConfigError, EngineError

ENGINE_NAMES = ("auto", "edge", "neural", "espeak")
OFFLINE_FIRST = ("edge", "neural", "espeak")  # auto's order of preference
PROBE_TIMEOUT_S = 2.0
PROBE_MEMORY_S = 300.0  # how long a probe's answer is trusted
PROBE_FILE = "edge-probe.json"

Probe = Callable[[float], bool]


def _edge_probe(proxy: str | None) -> Probe:
    """The edge module's probe (bound to ``proxy`` when it accepts one); if edge cannot even be imported, a probe
    that explains why, so ``auto`` still falls back."""
    try:
        from lectern.engines import edge
    except ImportError as e:
        reason = f"edge engine unavailable: {e}"

        def unavailable(timeout: float) -> bool:
            raise ConnectionError(reason)

        return unavailable
    def probe(timeout: float) -> bool:
        # why_unreachable rather than probe: the user is told the real cause (DNS, proxy, 403…), not just "no".
        reason = edge.why_unreachable(timeout, proxy=proxy)
        if reason is not None:
            raise ConnectionError(reason)
        return True

    return probe


def _reachable(probe: Probe, timeout: float) -> tuple[bool, str]:
    """Run the probe; (answered, why not). A probe that raises counts as unreachable, with its message."""
    try:
        answered = bool(probe(timeout))
    except Exception as e:  # noqa: BLE001 - any failure of a probe means "not reachable"; say what it was
        return False, str(e) or type(e).__name__
    return answered, "" if answered else f"no answer within {timeout:g} s"


def _edge_engine(proxy: str | None, concurrency: int | None, edge_options: Mapping[str, object] | None = None) -> Engine:
    from lectern.engines.edge import EdgeEngine

    options: dict[str, object] = {"proxy": proxy, **(edge_options or {})}
    if concurrency is not None:
        options["concurrency"] = concurrency
    return EdgeEngine(**options)  # type: ignore[return-value]


def _espeak_engine() -> Engine:
    from lectern.engines.espeak import EspeakEngine

    return EspeakEngine()


def _neural_engine() -> Engine:
    from lectern.engines.neural import NeuralEngine

    return NeuralEngine()  # type: ignore[return-value]


def neural_installed() -> bool:
    from lectern.engines.neural_install import installed, missing_runtime

    return installed() is not None and not missing_runtime()


def default_probe_memory() -> Path:
    from lectern.config import default_cache_dir

    return default_cache_dir().parent / PROBE_FILE


def _remembered(
    probe: Probe, timeout: float, memory: Path | None, proxy: str | None, now: Callable[[], float]
) -> tuple[bool, str, float | None]:
    """The probe's answer, from ``memory`` when it was asked (with the same proxy) less than PROBE_MEMORY_S ago;
    (answered, why not, age in seconds when remembered)."""
    if memory is not None:
        try:
            seen = json.loads(memory.read_text(encoding="utf-8"))
            age = now() - float(seen["at"])
            if 0 <= age < PROBE_MEMORY_S and seen.get("proxy") == proxy:
                return bool(seen["answered"]), str(seen.get("why", "")), age
        except (OSError, ValueError, KeyError, TypeError):
            pass  # nothing remembered, or a damaged file: ask again
    answered, why_not = _reachable(probe, timeout)
    if memory is not None:
        try:
            memory.parent.mkdir(parents=True, exist_ok=True)
            partial = memory.with_name(f".{memory.name}.{os.getpid()}")
            record = {"at": now(), "proxy": proxy, "answered": answered, "why": why_not}
            partial.write_text(json.dumps(record), encoding="utf-8")
            os.replace(partial, memory)
        except OSError:
            pass  # an unwritable cache folder only costs the next run a probe
    return answered, why_not, None


def select_engine(
    name: str,
    *,
    probe: Probe | None = None,
    proxy: str | None = None,
    concurrency: int | None = None,
    edge_options: Mapping[str, object] | None = None,
    timeout: float = PROBE_TIMEOUT_S,
    language: str | None = None,
    offered: Sequence[str] = OFFLINE_FIRST,
    neural_ready: Callable[[], bool] | None = None,
    memory: Path | None = None,
    now: Callable[[], float] = time.time,
) -> tuple[Engine, str]:
    """The engine for ``--engine name`` and a one-line reason to show the user.

    ``offered`` is the engines the voice preset has a voice for; ``language`` the script's (``zh`` lets ``auto``
    take the neural voice). ``probe(timeout) -> bool`` asks whether the edge service answers; tests pass a fake,
    and then nothing is remembered unless ``memory`` (the probe file) is given too. By default the probe is
    ``lectern.engines.edge.why_unreachable`` and its answer is remembered in :func:`default_probe_memory`.
    """
    if name not in ENGINE_NAMES:
        raise ConfigError(f"unknown engine {name!r} (choose one of {', '.join(ENGINE_NAMES)})")
    if name == "espeak":
        return _espeak_engine(), "espeak (offline), as requested"
    if name == "neural":
        if language is not None and language != "zh":
            raise ConfigError("the neural voice speaks only Mandarin, and this script is not Chinese: "
                              "use --engine espeak or edge")  # fmt: skip
        return _neural_engine(), "the offline neural voice, as requested"
    if memory is None and probe is None:
        memory = default_probe_memory()
    check = probe if probe is not None else _edge_probe(proxy)
    if name == "edge":
        answered, why_not = _reachable(check, timeout)
        if not answered:
            raise EngineError(
                f"edge-tts service unreachable ({why_not}); --engine espeak uses the offline voice"
            )
        return _edge_engine(proxy, concurrency, edge_options), "edge-tts, as requested"
    if "edge" in offered:
        answered, why_not, age = _remembered(check, timeout, memory, proxy, now)
        when = f", checked {age / 60:.0f} min ago" if age is not None and age >= 60 else (
            ", checked moments ago" if age is not None else "")
        if answered:
            return _edge_engine(proxy, concurrency, edge_options), f"edge-tts service reachable{when}; using edge"
        lead = f"edge-tts service unreachable ({why_not}{when})"
    else:
        lead = "the voice preset has no online voice"
    hint = ""
    if language == "zh" and "neural" in offered:
        if (neural_ready or neural_installed)():
            try:
                return _neural_engine(), f"{lead}; using the offline neural voice"
            except EngineError as e:  # damaged files: auto still gives a rehearsal, and says why not this voice
                hint = f" (the neural voice cannot load: {e.message})"
        else:
            hint = " (a natural offline voice: lectern voices install neural)"
    if "espeak" not in offered:
        raise ConfigError(f"{lead}, and the voice preset has no [espeak] voice to fall back on")
    return _espeak_engine(), f"{lead}; using offline espeak{hint}"


def list_engine_voices(engine: str, *, language: str | None = None, proxy: str | None = None) -> list[dict[str, str]]:
    """The voices ``engine`` offers as ``{"name", "language", "gender"}`` rows, for ``lectern voices``.

    edge's list comes from the service and is cached for a day next to the take cache.
    """
    if engine == "espeak":
        from lectern.engines.espeak import list_voices

        # espeak-ng marks nearly every voice "male" whatever it sounds like: a gender it does not know is not shown.
        return [{**v, "gender": ""} for v in list_voices(language)]
    if engine == "neural":
        from lectern.engines.neural import list_voices as neural_voices

        return neural_voices(language)
    if engine == "edge":
        from lectern.config import default_cache_dir
        from lectern.engines import edge

        voices = edge.list_voices(language, cache_dir=default_cache_dir().parent, proxy=proxy)
        return [
            {
                "name": str(v.get("ShortName", "")),
                "language": str(v.get("Locale", "")),
                "gender": str(v.get("Gender", "")).lower(),
            }
            for v in voices
        ]
    raise ConfigError(f"unknown engine {engine!r} (choose edge, neural or espeak)")
