"""A local fake of the edge-tts service, so engine, synthesis and benchmark code runs with no network.

It speaks the wire protocol edge-tts 7.3 expects (see /work/shared/docs/edge-tts-notes.md, checked against
``edge_tts/communicate.py``): after the WebSocket handshake the client sends ``speech.config`` and ``ssml`` text
frames; the fake answers ``turn.start``, ``response``, one ``audio.metadata`` SentenceBoundary, binary ``audio``
frames carrying real MP3 (made with lameenc, so ffmpeg decodes it like the real thing), an empty ``audio`` frame and
``turn.end``. Speech length is proportional to the text, so tests can assert on decoded durations.

Faults are set per test on :class:`Faults`; each is a number of requests it hits (counted from the reset), or
:data:`ALWAYS`. The server runs on 127.0.0.1, port 0, in a daemon thread, shared by every test of a session.

Use from a test module::

    from tests.fake_edge import edge_service  # the fixture: resets faults, points edge-tts at the fake, clears proxies

    def test_x(edge_service):
        edge_service.faults.close_mid_stream = 1
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
import time
import os
import uuid
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape, unescape

import lameenc
import pytest
from aiohttp import WSMsgType, web

ALWAYS = 10**9
SAMPLE_RATE = 24_000
FRAME_SAMPLES = 576  # MPEG-2 layer III at 24 kHz: 24 ms per frame
FRAME_BYTES = 144  # at 48 kbit/s: exactly 6,000 bytes per second, as the real service
TICKS_PER_MS = 10_000

LEAD_MS = 100  # the real service starts speech after ≈ 100 ms of silence; its first boundary offset says so
TAIL_MS = 150
ZH_MS_PER_CHAR = 200  # ≈ 300 字/min, a brisk news voice
OTHER_MS_PER_CHAR = 60  # latin letters and digits
CHUNK_FRAMES = 28  # frames per binary message (the service sends a few KB at a time)

VOICES = [
    {"Name": "Microsoft Server Speech Text to Speech Voice (zh-CN, YunyangNeural)", "ShortName": "zh-CN-YunyangNeural",
     "Gender": "Male", "Locale": "zh-CN", "FriendlyName": "Microsoft Yunyang Online (Natural) - Chinese (Mainland)"},
    {"Name": "Microsoft Server Speech Text to Speech Voice (zh-CN, XiaoxiaoNeural)",
     "ShortName": "zh-CN-XiaoxiaoNeural", "Gender": "Female", "Locale": "zh-CN",
     "FriendlyName": "Microsoft Xiaoxiao Online (Natural) - Chinese (Mainland)"},
    {"Name": "Microsoft Server Speech Text to Speech Voice (zh-TW, HsiaoChenNeural)",
     "ShortName": "zh-TW-HsiaoChenNeural", "Gender": "Female", "Locale": "zh-TW",
     "FriendlyName": "Microsoft HsiaoChen Online (Natural) - Chinese (Taiwan)"},
    {"Name": "Microsoft Server Speech Text to Speech Voice (en-US, AriaNeural)", "ShortName": "en-US-AriaNeural",
     "Gender": "Female", "Locale": "en-US", "FriendlyName": "Microsoft Aria Online (Natural) - English (United States)"},
]


def speech_ms(text: str) -> int:
    """How long the fake 'speaks' ``text``: proportional to its characters, so tests can check lengths."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    other = sum(1 for ch in text if ch.isalnum()) - cjk
    return max(300, cjk * ZH_MS_PER_CHAR + other * OTHER_MS_PER_CHAR)


@lru_cache(maxsize=256)
def mp3_frames(total_ms: int) -> bytes:
    """Real 24 kHz mono 48 kbit/s MP3 of ``total_ms`` (a voiced tone with a little noise), made once per length."""
    samples = (total_ms * SAMPLE_RATE // 1000 + FRAME_SAMPLES - 1) // FRAME_SAMPLES * FRAME_SAMPLES
    period = [int(6000 * math.sin(2 * math.pi * 180 * i / SAMPLE_RATE) + 400 * math.sin(i * 12.9898)) for i in
              range(SAMPLE_RATE // 60)]  # 180 Hz repeats every 1/60 s exactly
    pcm = array("h", (period * (samples // len(period) + 1))[:samples])
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(48)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(pcm.tobytes())) + bytes(encoder.flush())


@dataclass
class Faults:
    """What the next requests suffer. Each count is decremented by the requests it hits (ALWAYS never runs out)."""

    handshake_status: list[int] = field(default_factory=list)  # refuse the next handshakes with these statuses
    always_status: int | None = None  # refuse every handshake with this status
    close_mid_stream: int = 0  # send the boundary and about half of the audio, then close (no turn.end)
    no_audio: int = 0  # answer turn.start/turn.end with no audio
    no_audio_for: str | None = None  # ...and always for texts containing this (a sentence that fails every time)
    stall: int = 0  # read the request, never answer
    first_byte_delay_s: float = 0.0  # wait before the first answer frame (every request)
    latency_s: float = 0.0  # per request, before answering (every request): a remote service's round trip
    voices_stall: bool = False  # the voice-list endpoint never answers
    retry_after: str | None = None  # Retry-After header sent with refused handshakes
    # A flaky service (issue 10): these repeat for as long as they are set.
    refuse_every: int = 0  # refuse every n-th handshake with refuse_status
    refuse_status: int = 500
    cut_first_stream_every: int = 0  # cut the first stream of every n-th new text mid-way (its retry is whole)
    busy_until: float = 0.0  # time.monotonic() until which every handshake is refused with 429 (a rate-limit burst)


@dataclass
class Record:
    handshakes: int = 0  # every WebSocket upgrade attempt, refused or not
    requests: int = 0  # SSML requests received
    texts: list[str] = field(default_factory=list)
    voices: list[str] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    voice_list_requests: int = 0


def _take(faults: Faults, name: str) -> bool:
    """Whether a count fault hits this request (and use it up)."""
    left = getattr(faults, name)
    if left <= 0:
        return False
    if left < ALWAYS:
        setattr(faults, name, left - 1)
    return True


def _text_frame(request_id: str, path: str, body: str) -> str:
    return (
        f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        f"Path:{path}\r\n\r\n{body}"
    )


def _audio_frame(request_id: str, mp3: bytes) -> bytes:
    # The client reads a 2-byte length H, splits bytes [0, H) into header lines and takes audio from H+2: so the
    # header text must be H bytes ending in \r\n, and its first line (glued to the length bytes) X-RequestId.
    if mp3:
        header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
    else:  # the end-of-stream marker has no Content-Type and no data
        header = f"X-RequestId:{request_id}\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + mp3


_SSML_TEXT = re.compile(r"<prosody[^>]*>(.*)</prosody>", re.S)
_SSML_VOICE = re.compile(r"<voice name='([^']*)'>")


class FakeEdgeService:
    """The server and its per-test state. ``url`` is what ``edge_tts.communicate.WSS_URL`` is patched to."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.record = Record()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="fake-edge", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the fake edge service did not start")

    # --- lifecycle ---

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/edge/v1", self._synthesis)
        app.router.add_get("/voices/list", self._voice_list)
        self._runner = web.AppRunner(app, handle_signals=False)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        started.set()
        self._loop.run_forever()

    def close(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/edge/v1?TrustedClientToken=x"

    @property
    def voice_list_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/voices/list?trustedclienttoken=x"

    def busy_for(self, seconds: float, retry_after: str | None = None) -> None:
        """A burst of rate limiting: every handshake refused with 429 for ``seconds`` from now."""
        with self._lock:
            self.faults.busy_until = time.monotonic() + seconds
            self.faults.retry_after = retry_after

    def reset(self) -> None:
        with self._lock:
            self.faults = Faults()
            self.record = Record()

    # --- handlers ---

    async def _voice_list(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.record.voice_list_requests += 1
            stall = self.faults.voices_stall
        if stall:
            await asyncio.sleep(3600)
        return web.json_response(VOICES)

    async def _synthesis(self, request: web.Request) -> web.StreamResponse:
        with self._lock:
            self.record.handshakes += 1
            faults = self.faults
            status = faults.handshake_status.pop(0) if faults.handshake_status else faults.always_status
            if status is None and faults.busy_until and time.monotonic() < faults.busy_until:
                status = 429
            if status is None and faults.refuse_every and self.record.handshakes % faults.refuse_every == 0:
                status = faults.refuse_status
        if status is not None:
            headers = {"Retry-After": faults.retry_after} if faults.retry_after is not None else None
            return web.Response(status=status, text="refused by the fake", headers=headers)
        ws = web.WebSocketResponse(compress=False)  # no deflate: the fake shares the CPU with the client measured
        await ws.prepare(request)
        in_flight = False

        def leave() -> None:
            nonlocal in_flight
            if in_flight:
                in_flight = False
                with self._lock:
                    self.record.in_flight -= 1

        try:
            ssml = await self._read_request(ws)
            if ssml is None:
                return ws
            text, voice = self._parse_ssml(ssml)
            with self._lock:
                self.record.requests += 1
                self.record.texts.append(text)
                self.record.voices.append(voice)
                self.record.in_flight += 1
                self.record.max_in_flight = max(self.record.max_in_flight, self.record.in_flight)
                in_flight = True
                stall = _take(faults, "stall")
                no_audio = not stall and (
                    _take(faults, "no_audio") or (faults.no_audio_for is not None and faults.no_audio_for in text)
                )
                close_mid = not stall and not no_audio and _take(faults, "close_mid_stream")
                if faults.cut_first_stream_every and text not in self.record.texts[:-1]:
                    new_texts = len(set(self.record.texts))
                    close_mid = close_mid or (not stall and not no_audio and new_texts % faults.cut_first_stream_every == 0)
            if stall:
                async for _ in ws:  # read until the client gives up and closes
                    pass
                return ws
            if faults.latency_s:
                await asyncio.sleep(faults.latency_s)
            if faults.first_byte_delay_s:
                await asyncio.sleep(faults.first_byte_delay_s)
            await self._answer(ws, text, no_audio=no_audio, close_mid=close_mid, leave=leave)
            return ws
        except ConnectionResetError:  # the client gave up (its timeout, or a cancelled run): nothing to answer
            return ws
        finally:
            leave()

    async def _read_request(self, ws: web.WebSocketResponse) -> str | None:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            head, _, body = msg.data.partition("\r\n\r\n")
            if "Path:ssml" in head:
                return body
        return None

    @staticmethod
    def _parse_ssml(ssml: str) -> tuple[str, str]:
        match = _SSML_TEXT.search(ssml)
        voice = _SSML_VOICE.search(ssml)
        return unescape(match.group(1)) if match else "", voice.group(1) if voice else ""

    async def _answer(
        self, ws: web.WebSocketResponse, text: str, *, no_audio: bool, close_mid: bool, leave: Callable[[], None]
    ) -> None:
        request_id = uuid.uuid4().hex
        await ws.send_str(_text_frame(request_id, "turn.start", '{"context":{"serviceTag":"fake"}}'))
        await ws.send_str(_text_frame(request_id, "response", '{"context":{"serviceTag":"fake"}}'))
        if not no_audio:
            spoken_ms = speech_ms(text)
            mp3 = mp3_frames(LEAD_MS + spoken_ms + TAIL_MS)
            metadata = {"Metadata": [{"Type": "SentenceBoundary", "Data": {
                "Offset": LEAD_MS * TICKS_PER_MS, "Duration": spoken_ms * TICKS_PER_MS,
                "text": {"Text": escape(text), "Length": len(text), "BoundaryType": "SentenceBoundary"}}}]}
            await ws.send_str(_text_frame(request_id, "audio.metadata", json.dumps(metadata, ensure_ascii=False)))
            chunk = CHUNK_FRAMES * FRAME_BYTES
            frames = list(range(0, len(mp3), chunk))
            if close_mid:
                frames = frames[: max(1, len(frames) // 2)]
            for start in frames:
                await ws.send_bytes(_audio_frame(request_id, mp3[start : start + chunk]))
            if close_mid:
                await ws.close()  # no turn.end: edge-tts ends stream() silently, as with the real service
                return
            await ws.send_bytes(_audio_frame(request_id, b""))
        # Out of flight before turn.end releases the client, so max_in_flight never counts the next request early.
        leave()
        await ws.send_str(_text_frame(request_id, "turn.end", "{}"))


# --- pytest fixtures ----------------------------------------------------------------------------------------------

_shared: FakeEdgeService | None = None
_shared_lock = threading.Lock()


def shared_service() -> FakeEdgeService:
    """One server per process: every module that imports the fixture shares it (a daemon thread; no teardown)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FakeEdgeService()
        return _shared


def point_edge_tts_at(service: FakeEdgeService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Redirect edge-tts to the fake and clear every proxy variable, which aiohttp would honour (trust_env)."""
    import edge_tts.communicate
    import edge_tts.drm
    import edge_tts.voices

    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", service.url)  # read at request time
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", service.voice_list_url)
    # A refused handshake (403) makes edge-tts move this process-global by the fake's Date header; restore it.
    monkeypatch.setattr(edge_tts.drm.DRM, "clock_skew_seconds", edge_tts.drm.DRM.clock_skew_seconds)
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)


@pytest.fixture
def edge_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEdgeService]:
    """The fake service with no faults and empty records, and edge-tts pointed at it for this test."""
    service = shared_service()
    service.reset()
    point_edge_tts_at(service, monkeypatch)
    yield service
    service.reset()
