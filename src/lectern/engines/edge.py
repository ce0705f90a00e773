"""Microsoft Edge's online neural voices, through the edge-tts library.

The service is free and sounds far better than espeak, but it fails in ways a rehearsal tool must not pass on to the
user as a broken file (see ``docs``/edge-tts-notes): the stream can end early *without an exception* (truncated
audio), a stalled WebSocket can hang past every aiohttp timeout, and handshakes are refused under load (429/5xx) or
for clock skew (403). So every request is wrapped in an outer timeout, its decoded length is checked against the
sentence boundary the service announced, and failures are retried with exponential backoff and jitter.

The module is split the way edge-tts itself is: pure helpers first (boundary events, text splitting, retry
classification, the truncation check), tested offline; then :class:`EdgeEngine`, whose ``_request`` is the one place
that talks to the service.

Proxies: ``EdgeEngine(proxy=...)`` (the CLI's ``--proxy``) is passed to edge-tts. Without it, the proxy comes from
the environment as users expect (``HTTPS_PROXY``, else ``ALL_PROXY``; ``NO_PROXY`` respected): edge-tts opens its
sessions with ``trust_env=True``, but aiohttp matches environment proxies by URL scheme, so the synthesis WebSocket
(``wss://``) would only see ``WSS_PROXY`` while the voice list (``https://``) sees ``HTTPS_PROXY``; behind a
corporate proxy ``--engine auto`` would then find the service reachable and every sentence fail. So
:func:`proxy_from_env` resolves it once, for both. Only ``http://`` proxies work (aiohttp ignores ``https://`` ones).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import aiohttp
import edge_tts
import edge_tts.communicate
import edge_tts.voices
from edge_tts import exceptions as edge_exceptions

from lectern.atomic import write_text
from lectern.engines.base import Rendering
from lectern.errors import EngineError, RetryBudgetSpent, ServiceBusy
from lectern.ffmpeg import SAMPLE_WIDTH, decode_to_pcm
from lectern.model import Boundary, Voice
from lectern.timecode import ticks_to_ms

# The service's only output format is audio-24khz-48kbitrate-mono-mp3; decoding at its own rate avoids a resample.
SAMPLE_RATE = 24_000

# edge-tts splits long text only at a newline or space within 4,096 bytes, and Chinese prose has neither, so a long
# request would be cut mid-word. lectern sends one sentence per request; this guard only catches the rare run-on
# "sentence" (a scraped page with no full stops). 1,000 bytes ≈ 330 汉字 ≈ 80 s of speech: short enough that one
# failed request costs little to retry, long enough that real sentences are never split.
MAX_REQUEST_BYTES = 1000

# How much shorter than the announced sentence end the decoded audio may be before it counts as truncated. The
# boundary durations are rounded by the service and the last MP3 frame (24 ms) may be cut; a cut that loses a
# syllable (≥ 150 ms at any speaking rate) is well above this. The decoder also *adds* ≈ 50 ms (encoder delay: a
# stream has no Xing header), which only makes a false alarm less likely.
TRUNCATION_TOLERANCE_MS = 80

# Handshake statuses worth retrying: 403 is the token/clock-skew refusal (edge-tts retries it once itself after
# correcting the skew; a second 403 is usually transient too), 408/429 are load, 5xx are the service's own failures.
# Other 4xx (400, 401, 404) mean the request itself is wrong and will not get better.
RETRYABLE_STATUSES = frozenset({403, 408, 429})

# Cap on one backoff wait, and on a server's Retry-After we agree to honour: a rehearsal build should fail in
# minutes, not hang for an hour because a header said so.
MAX_BACKOFF_S = 30.0

#: How long one build may spend waiting on a refusing or failing service (wall time with at least one request
#: backing off), across all its sentences: long enough to ride out a rate limit or a brief outage, short enough that a
#: dead service ends the build in minutes. Then the build stops, keeping its takes, and a rerun resumes.
WAIT_BUDGET_S = 120.0

_T = TypeVar("_T")


# --- pure helpers -------------------------------------------------------------------------------------------------


def boundary_from_event(event: dict[str, Any]) -> Boundary:
    """One ``SentenceBoundary``/``WordBoundary`` chunk from ``Communicate.stream()`` (100-ns ticks) as a Boundary."""
    offset, duration = int(event["offset"]), int(event["duration"])
    return Boundary(text=str(event["text"]), start_ms=ticks_to_ms(offset), end_ms=ticks_to_ms(offset + duration))


def pcm_ms(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> int:
    return len(pcm) // SAMPLE_WIDTH * 1000 // sample_rate


def truncation_shortfall_ms(
    audio_ms: int, boundaries: Sequence[Boundary], *, tolerance_ms: int = TRUNCATION_TOLERANCE_MS
) -> int:
    """How many ms of announced speech the audio is missing (0 when complete or when nothing was announced).

    The service sends a sentence's boundary (offset *and* duration) as that sentence's audio starts, so a stream
    that ends early still tells us where the speech should have ended. Without boundaries there is nothing to
    compare with and the audio is accepted. That is why lectern asks for SentenceBoundary, not WordBoundary: word
    events arrive word by word, so a stream cut after word k announces only up to word k and looks complete.
    """
    if not boundaries:
        return 0
    expected_ms = max(b.end_ms for b in boundaries)
    missing = expected_ms - audio_ms
    return missing if missing > tolerance_ms else 0


# A piece ends after its punctuation and any closing quotes/brackets, so 。” stays together and the next piece does
# not open with a stray quote the voice would read as a pause.
_CLOSERS = "”’」』）)》\"'"
_CUT_LEVELS = (
    "。！？!?…",  # sentence ends
    "；;",  # clause ends that a speaker pauses at almost as long
    "，、：,:",  # commas: still a natural breath
)


def _pieces(text: str, ends: str) -> list[str]:
    pattern = rf"[^{re.escape(ends)}]*(?:[{re.escape(ends)}]+[{re.escape(_CLOSERS)}]*|$)"
    return [p for p in re.findall(pattern, text) if p]


def _fits(text: str, limit_bytes: int) -> bool:
    return len(text.encode("utf-8")) <= limit_bytes


def _hard_cut(text: str, limit_bytes: int) -> list[str]:
    """Last resort for a run of text without punctuation: at spaces, else between characters (never inside one)."""
    out: list[str] = []
    current = ""
    for token in re.findall(r"\S+\s*|\s+", text) if re.search(r"\s", text) else list(text):
        if current and not _fits(current + token, limit_bytes):
            out.append(current)
            current = ""
        if not _fits(token, limit_bytes):  # one word longer than the limit: cut it between characters
            for char in token:
                if current and not _fits(current + char, limit_bytes):
                    out.append(current)
                    current = ""
                current += char
            continue
        current += token
    if current:
        out.append(current)
    return out


def split_for_request(text: str, limit_bytes: int = MAX_REQUEST_BYTES, _level: int = 0) -> tuple[str, ...]:
    """Cut text longer than one request should carry at the strongest punctuation available, packing whole pieces.

    Joining the result gives back ``text`` exactly, so boundaries shifted by each part's audio still line up with it.
    """
    if _fits(text, limit_bytes):
        return (text,)
    if _level >= len(_CUT_LEVELS):
        return tuple(_hard_cut(text, limit_bytes))
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, _CUT_LEVELS[_level]):
        if _fits(current + piece, limit_bytes):
            current += piece
            continue
        if current:
            parts.append(current)
            current = ""
        if _fits(piece, limit_bytes):
            current = piece
        else:
            parts.extend(split_for_request(piece, limit_bytes, _level + 1))
    if current:
        parts.append(current)
    return tuple(parts)


def join_renderings(parts: Sequence[Rendering]) -> Rendering:
    """One Rendering from consecutive ones, each part's boundaries shifted by the audio before it."""
    if len(parts) == 1:
        return parts[0]
    sample_rate = parts[0].sample_rate
    boundaries: list[Boundary] = []
    samples_before = 0
    for part in parts:
        shift_ms = samples_before * 1000 // sample_rate
        boundaries.extend(
            Boundary(b.text, b.start_ms + shift_ms, b.end_ms + shift_ms) for b in part.boundaries
        )
        samples_before += len(part.pcm) // SAMPLE_WIDTH
    return Rendering(b"".join(p.pcm for p in parts), sample_rate, tuple(boundaries))


def is_speakable(text: str) -> bool:
    """The service answers text with no letter or digit with NoAudioReceived; asking is a wasted round trip."""
    return any(ch.isalnum() for ch in text)


class TruncatedAudio(Exception):
    """The stream ended (without an error) before the speech the service announced: retried like a failure."""


class UndecodableAudio(Exception):
    """ffmpeg could not decode what the service sent: a garbled stream, retried like a failure."""


def is_retryable(error: BaseException) -> bool:
    """Whether another attempt may succeed. Anything else (a bad voice name, a bug) fails at once."""
    if isinstance(error, aiohttp.ClientResponseError):  # includes WSServerHandshakeError
        return error.status in RETRYABLE_STATUSES or error.status >= 500
    return isinstance(
        error,
        (
            aiohttp.ClientError,  # connection refused/reset, ServerTimeoutError, disconnects
            asyncio.TimeoutError,  # the outer per-request timeout
            edge_exceptions.NoAudioReceived,
            edge_exceptions.UnexpectedResponse,
            edge_exceptions.UnknownResponse,
            edge_exceptions.WebSocketError,
            edge_exceptions.SkewAdjustmentError,  # a 403 whose Date header could not be read: still a 403
            TruncatedAudio,
            UndecodableAudio,
        ),
    )


def retry_after_s(error: BaseException) -> float | None:
    """A 429/503's ``Retry-After`` in seconds, when the service sent one as a number."""
    headers = getattr(error, "headers", None)
    if not headers:
        return None
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except ValueError:
        return None


def backoff_s(attempt: int, base_s: float, rng: random.Random, error: BaseException | None = None) -> float:
    """Wait before attempt ``attempt + 1``: base·2^(attempt−1), jittered to 50–150 %, capped.

    Jitter matters because the requests of one build fail together (one rate limit) and would otherwise retry in
    lock-step and be refused together again. A server's Retry-After is honoured when longer.
    """
    delay = base_s * 2 ** (attempt - 1) * (0.5 + rng.random())
    hinted = retry_after_s(error) if error is not None else None
    if hinted is not None:
        delay = max(delay, hinted)
    return min(delay, MAX_BACKOFF_S)


def describe_failure(error: BaseException, timeout_s: float) -> str:
    """The cause in words a user can act on (the proxy hint is the usual fix behind a firewall)."""
    if isinstance(error, aiohttp.WSServerHandshakeError | aiohttp.ClientResponseError):
        hint = {403: " (token or clock skew)", 429: " (rate limited)"}.get(error.status, "")
        return f"the service refused the request: HTTP {error.status}{hint}"
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"cannot connect to the service ({error.os_error}); check the network or use --proxy"
    if isinstance(error, asyncio.TimeoutError) and not isinstance(error, aiohttp.ClientError):
        return f"no complete answer within {timeout_s:g} s"
    if isinstance(error, edge_exceptions.NoAudioReceived):
        return "the service sent no audio"
    if isinstance(error, TruncatedAudio | UndecodableAudio):
        return str(error)
    detail = str(error).strip()
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def proxy_from_env(url: str) -> str | None:
    """The proxy the environment names for ``url`` (see the module docstring for why lectern resolves it itself).

    ``WSS_PROXY``, then ``HTTPS_PROXY``, then ``ALL_PROXY`` (lower-case spellings too), unless ``NO_PROXY`` covers
    the host; only ``http://`` proxies, the only kind aiohttp can use.
    """
    host = urlsplit(url).hostname
    if host and urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    for scheme in ("wss", "https", "all"):
        proxy = proxies.get(scheme)
        if proxy and urlsplit(proxy).scheme == "http":
            return proxy
    return None


def prosody(voice: Voice) -> dict[str, str]:
    """A Voice's relative prosody in the forms edge-tts validates (``+0%``, ``-10%``, ``+5Hz``)."""
    return {"rate": f"{voice.rate:+d}%", "volume": f"{voice.volume:+d}%", "pitch": f"{voice.pitch:+d}Hz"}


# --- the engine ---------------------------------------------------------------------------------------------------

RetryHook = Callable[[str, int, BaseException, float], None]


class WaitBudget:
    """Wall time spent backing off, counted once however many requests wait at the same moment."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self._clock = clock
        self._spent = 0.0
        self._waiting = 0
        self._since = 0.0

    def left(self) -> float:
        running = self._clock() - self._since if self._waiting else 0.0
        return self.seconds - self._spent - running

    async def wait(self, delay: float, sleep: Callable[[float], Awaitable[None]]) -> None:
        if not self._waiting:
            self._since = self._clock()
        self._waiting += 1
        try:
            await sleep(delay)
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._spent += self._clock() - self._since


class EdgeEngine:
    """Renders text with an edge-tts voice; implements :class:`lectern.engines.base.Engine`.

    ``concurrency`` bounds the requests in flight (the service rate-limits bursts; 4 is what users report as safe).
    ``timeout_s`` bounds each request as a whole, because aiohttp's own timeouts do not end a stalled WebSocket.
    ``attempts`` counts the first try. ``sleep`` and ``rng`` are injectable so tests back off in microseconds and
    deterministically; ``clock`` times each attempt for :attr:`stats` and the retry hook's messages.
    """

    name = "edge"
    version = edge_tts.__version__

    def __init__(
        self,
        *,
        proxy: str | None = None,
        concurrency: int = 4,
        timeout_s: float = 30.0,
        attempts: int = 4,
        backoff_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        boundary: str = "SentenceBoundary",
        connect_timeout_s: int = 10,
        on_retry: RetryHook | None = None,
        wait_budget_s: float = WAIT_BUDGET_S,
    ) -> None:
        if concurrency < 1 or attempts < 1 or timeout_s <= 0:
            raise ValueError("concurrency and attempts must be ≥ 1 and timeout_s > 0")
        if boundary not in ("SentenceBoundary", "WordBoundary"):
            raise ValueError(f"unknown boundary kind {boundary!r}")
        self.proxy = proxy
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.boundary = boundary
        self.connect_timeout_s = int(connect_timeout_s)  # edge-tts rejects a float
        self.on_retry = on_retry
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        # asyncio primitives belong to one event loop; a CLI run and each test make their own loop.
        self._slots: asyncio.Semaphore | None = None
        self._slots_loop: asyncio.AbstractEventLoop | None = None
        self.stats = {"requests": 0, "retries": 0, "request_s": 0.0}
        self.budget = WaitBudget(wait_budget_s, time.monotonic)  # real waits, whatever clock times the requests

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots_loop is not loop:
            self._slots = asyncio.Semaphore(self.concurrency)
            self._slots_loop = loop
        return self._slots

    async def render(self, text: str, voice: Voice) -> Rendering:
        """Render one sentence (long text is split and rejoined); EngineError naming it after the last attempt."""
        if not is_speakable(text):
            raise EngineError("edge: nothing to speak (no letters or digits)", sentence=text)
        # The slot is held through the backoff waits too: when the service is refusing us, fewer requests in flight
        # is the point of backing off.
        # A split part that is only punctuation would be refused (NoAudioReceived); it has nothing to say anyway.
        requests = [part for part in split_for_request(text) if is_speakable(part)]
        async with self._slot():
            parts = [await self._render_with_retries(part, voice, sentence=text) for part in requests]
        return join_renderings(parts)

    async def _render_with_retries(self, text: str, voice: Voice, *, sentence: str) -> Rendering:
        for attempt in range(1, self.attempts + 1):
            started = self._clock()
            try:
                return await asyncio.wait_for(self._render_once(text, voice), self.timeout_s)
            except (ValueError, TypeError) as e:  # edge-tts validates voice and prosody strings this way
                raise EngineError(f"edge: invalid voice or prosody for {voice.name!r}: {e}", sentence=sentence) from e
            except Exception as e:
                if not is_retryable(e):
                    raise
                cause = describe_failure(e, self.timeout_s)
                delay = backoff_s(attempt, self.backoff_s, self._rng, e)
                if delay > self.budget.left():
                    raise RetryBudgetSpent(
                        f"edge: the service kept failing ({cause}) and the {self.budget.seconds:g} s this build may "
                        "wait for it are spent",
                        sentence=sentence,
                    ) from e
                self.stats["retries"] += 1
                if self.on_retry is not None:
                    self.on_retry(sentence, attempt, e, delay)
                await self.budget.wait(delay, self._sleep)  # also after the last attempt: the service needs the rest
                if attempt == self.attempts:  # the caller puts the sentence back at the end of its queue
                    raise ServiceBusy(
                        f"edge: failed after {self.attempts} attempt{'s' * (self.attempts > 1)}: {cause}",
                        sentence=sentence,
                    ) from e
            finally:
                self.stats["request_s"] += self._clock() - started
        raise AssertionError("unreachable")  # pragma: no cover

    async def _render_once(self, text: str, voice: Voice) -> Rendering:
        mp3, boundaries = await self._request(text, voice)
        try:
            pcm = await asyncio.to_thread(decode_to_pcm, mp3, SAMPLE_RATE)  # ffmpeg must not block other requests
        except EngineError as e:
            raise UndecodableAudio(e.message) from e
        missing = truncation_shortfall_ms(pcm_ms(pcm), boundaries)
        if missing:
            raise TruncatedAudio(
                f"the audio stopped {missing} ms before the end of the speech the service announced"
            )
        return Rendering(pcm, SAMPLE_RATE, boundaries)

    async def _request(self, text: str, voice: Voice) -> tuple[bytes, tuple[Boundary, ...]]:
        """The one network call: stream one text, collect its MP3 bytes and boundaries."""
        self.stats["requests"] += 1
        communicate = edge_tts.Communicate(
            text,
            voice.name,
            **prosody(voice),
            boundary=self.boundary,  # type: ignore[arg-type]
            proxy=self.proxy or proxy_from_env(edge_tts.communicate.WSS_URL),
            connect_timeout=self.connect_timeout_s,
            receive_timeout=max(1, int(self.timeout_s)),
        )
        audio = bytearray()
        boundaries: list[Boundary] = []
        async for chunk in communicate.stream():
            if chunk["type"] == "audio":
                audio += chunk["data"]
            elif chunk["type"] in ("SentenceBoundary", "WordBoundary"):
                boundaries.append(boundary_from_event(dict(chunk)))
        return bytes(audio), tuple(boundaries)


# --- service reachability and the voice list ----------------------------------------------------------------------


def _run_sync(make: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine from sync code, even when the caller is itself inside an event loop (then in a thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    box: dict[str, Any] = {}

    def worker() -> None:
        try:
            box["value"] = asyncio.run(make())
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


async def _fetch_voices(proxy: str | None, timeout_s: float) -> list[dict[str, Any]]:
    proxy = proxy or proxy_from_env(edge_tts.voices.VOICE_LIST)  # the same proxy as synthesis, whatever the scheme
    voices = await asyncio.wait_for(edge_tts.list_voices(proxy=proxy), timeout_s)
    return [dict(v) for v in voices]


def probe(timeout_s: float = 2.0, proxy: str | None = None) -> bool:
    """Whether the service answers now, for ``--engine auto``: one voice-list request, bounded by ``timeout_s``.

    The voice list is served by the same host as synthesis and needs the same token, so it answering is a fair sign
    a build will work; it is one small HTTPS GET, much cheaper than a synthesis round trip.
    """
    return why_unreachable(timeout_s, proxy) is None


def why_unreachable(timeout_s: float = 2.0, proxy: str | None = None) -> str | None:
    """As :func:`probe`, but says why not (None when the service answered), so ``auto`` can tell the user."""
    try:
        voices = _run_sync(lambda: _fetch_voices(proxy, timeout_s))
    except (aiohttp.ClientError, asyncio.TimeoutError, edge_exceptions.EdgeTTSException, OSError, ValueError) as e:
        return describe_failure(e, timeout_s)
    return None if voices else "the service sent an empty voice list"


VOICE_LIST_MAX_AGE_S = 24 * 3600  # Microsoft adds voices rarely; a day keeps `lectern voices` instant and offline-ish
_VOICE_LIST_FILE = "edge-voices.json"


def _matches_language(voice: dict[str, Any], language: str | None) -> bool:
    if not language:
        return True
    locale = str(voice.get("Locale", "")).lower()
    wanted = language.lower().replace("_", "-")
    return locale == wanted or locale.startswith(wanted + "-")


def list_voices(
    language: str | None = None,
    *,
    cache_dir: Path,
    proxy: str | None = None,
    timeout_s: float = 10.0,
    max_age_s: float = VOICE_LIST_MAX_AGE_S,
    now: Callable[[], float] = time.time,
) -> list[dict[str, Any]]:
    """The service's voices (edge-tts's dicts: ShortName, Locale, Gender, …), sorted by ShortName.

    Cached in ``cache_dir`` for ``max_age_s``. When the service cannot be reached, a stale list is better than none;
    only with no list at all is it an EngineError.
    """
    path = Path(cache_dir) / _VOICE_LIST_FILE
    cached: dict[str, Any] | None = None
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(cached, dict) or not isinstance(cached.get("voices"), list):
            cached = None
    except (OSError, ValueError):
        cached = None
    fresh = cached is not None and 0 <= now() - float(cached.get("fetched_at", 0)) < max_age_s
    if cached is not None and fresh:
        voices: list[dict[str, Any]] = cached["voices"]
    else:
        try:
            voices = _run_sync(lambda: _fetch_voices(proxy, timeout_s))
        except (aiohttp.ClientError, asyncio.TimeoutError, edge_exceptions.EdgeTTSException, OSError) as e:
            if cached is None:
                raise EngineError(f"edge: cannot fetch the voice list: {describe_failure(e, timeout_s)}") from e
            voices = cached["voices"]
        else:
            write_text(path, json.dumps({"fetched_at": now(), "voices": voices}, ensure_ascii=False))
    return sorted((v for v in voices if _matches_language(v, language)), key=lambda v: str(v.get("ShortName", "")))
