"""Which engine a run uses, and why: ``--engine auto|edge|espeak``.

``auto`` (the default) prefers the neural edge voice and falls back to the offline espeak voice when the service
does not answer a quick probe, and says so: a rehearsal with a robotic voice is still a rehearsal, but the user must
know which one they got. A forced ``edge`` never falls back: the user asked for that voice, so an unreachable service
is an error.
"""

from __future__ import annotations

from collections.abc import Callable

from lectern.engines.base import Engine
from lectern.errors import ConfigError, EngineError

ENGINE_NAMES = ("auto", "edge", "espeak")
PROBE_TIMEOUT_S = 3.0

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


def _edge_engine(proxy: str | None, concurrency: int | None) -> Engine:
    from lectern.engines.edge import EdgeEngine

    options: dict[str, object] = {"proxy": proxy}
    if concurrency is not None:
        options["concurrency"] = concurrency
    return EdgeEngine(**options)  # type: ignore[return-value]


def _espeak_engine() -> Engine:
    from lectern.engines.espeak import EspeakEngine

    return EspeakEngine()


def select_engine(
    name: str,
    *,
    probe: Probe | None = None,
    proxy: str | None = None,
    concurrency: int | None = None,
    timeout: float = PROBE_TIMEOUT_S,
) -> tuple[Engine, str]:
    """The engine for ``--engine name`` and a one-line reason to show the user.

    ``probe(timeout) -> bool`` asks whether the edge service answers; tests pass a fake. By default it is
    ``lectern.engines.edge.probe``.
    """
    if name not in ENGINE_NAMES:
        raise ConfigError(f"unknown engine {name!r} (choose one of {', '.join(ENGINE_NAMES)})")
    if name == "espeak":
        return _espeak_engine(), "espeak (offline), as requested"
    check = probe if probe is not None else _edge_probe(proxy)
    answered, why_not = _reachable(check, timeout)
    if name == "edge":
        if not answered:
            raise EngineError(
                f"edge-tts service unreachable ({why_not}); --engine espeak uses the offline voice"
            )
        return _edge_engine(proxy, concurrency), "edge-tts, as requested"
    if answered:
        return _edge_engine(proxy, concurrency), "edge-tts service reachable; using edge"
    return _espeak_engine(), f"edge-tts service unreachable ({why_not}); using offline espeak"


def list_engine_voices(engine: str, *, language: str | None = None, proxy: str | None = None) -> list[dict[str, str]]:
    """The voices ``engine`` offers as ``{"name", "language", "gender"}`` rows, for ``lectern voices``.

    edge's list comes from the service and is cached for a day next to the take cache.
    """
    if engine == "espeak":
        from lectern.engines.espeak import list_voices

        return list_voices(language)
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
    raise ConfigError(f"unknown engine {engine!r} (choose edge or espeak)")
