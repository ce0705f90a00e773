"""The edge engine: pure helpers offline, then the whole request path against the local fake service (no network)."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import socket
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import edge_tts
import edge_tts.voices
import pytest
from edge_tts import exceptions as edge_exceptions
from tests import fake_edge
from tests.fake_edge import ALWAYS, LEAD_MS, TAIL_MS, FakeEdgeService, edge_service, speech_ms  # noqa: F401 (fixture)
from hypothesis import given
from hypothesis import strategies as st

from lectern.engines.base import Engine, Rendering
from lectern.engines.edge import (
    MAX_BACKOFF_S,
    EdgeEngine,
    TruncatedAudio,
    backoff_s,
    boundary_from_event,
    describe_failure,
    is_retryable,
    join_renderings,
    list_voices,
    probe,
    prosody,
    proxy_from_env,
    split_for_request,
    truncation_shortfall_ms,
    why_unreachable,
)
from lectern.errors import EngineError
from lectern.model import Boundary, Voice

YUNYANG = Voice("edge", "zh-CN-YunyangNeural")
SENTENCES = (
    "同志们：",
    "今天是10月9日，节后上班第一天。",
    "8天长假，总体上实现了预期目标。",
    "城乡各大商场超市、集贸市场供应充足。",
    "供水、供电、供气、通讯等部门坚持24小时值班制度。",
    "公路、铁路、民航等交通运输部门运力配备充足。",
    "宾旅馆及餐饮服务全力以赴备战黄金周。",
    "Thank you & good night.",
)


def engine(**opts: object) -> EdgeEngine:
    """Backoff in microseconds and a seeded jitter: tests exercise retries without waiting for them."""
    defaults: dict[str, object] = {"backoff_s": 0.0001, "timeout_s": 5.0, "attempts": 3, "rng": random.Random(7)}
    return EdgeEngine(**{**defaults, **opts})  # type: ignore[arg-type]


def expected_ms(text: str) -> int:
    return LEAD_MS + speech_ms(text) + TAIL_MS


def assert_full_length(rendering: Rendering, text: str) -> None:
    # lameenc rounds up to whole 24 ms frames and the decoder adds its delay (≈ 50 ms): never shorter, a bit longer.
    assert expected_ms(text) <= rendering.duration_ms <= expected_ms(text) + 120
    assert rendering.sample_rate == 24_000
    last = rendering.boundaries[-1]
    assert last.end_ms <= rendering.duration_ms


def handshake_error(status: int, headers: dict[str, str] | None = None) -> aiohttp.WSServerHandshakeError:
    return aiohttp.WSServerHandshakeError(None, (), status=status, headers=headers)  # type: ignore[arg-type]


# --- pure helpers -------------------------------------------------------------------------------------------------


def test_boundary_event_ticks_become_ms() -> None:
    event = {"type": "SentenceBoundary", "offset": 1_000_000, "duration": 25_812_500, "text": "第一天。"}
    assert boundary_from_event(event) == Boundary("第一天。", 100, 2681)


def test_truncation_is_measured_against_the_last_announced_end() -> None:
    spoken = (Boundary("a", 100, 2000), Boundary("b", 2100, 5000))
    assert truncation_shortfall_ms(2600, spoken) == 2400
    assert truncation_shortfall_ms(5000, spoken) == 0
    assert truncation_shortfall_ms(4950, spoken) == 0  # within one or two frames: rounding, not truncation
    assert truncation_shortfall_ms(4900, spoken) == 100
    assert truncation_shortfall_ms(10, ()) == 0  # nothing announced, nothing to compare


def test_short_text_is_one_request() -> None:
    assert split_for_request("今天是10月9日，节后上班第一天。") == ("今天是10月9日，节后上班第一天。",)


def test_long_text_is_cut_after_sentence_ends_keeping_closing_quotes() -> None:
    sentence = "我们要坚持“安全、顺畅、舒心”的目标。”"
    text = sentence * 40
    parts = split_for_request(text, 300)
    assert "".join(parts) == text
    assert all(len(p.encode()) <= 300 for p in parts)
    assert all(p.endswith("目标。”") for p in parts)
    assert len(parts) == -(-len(text.encode()) // (300 // len(sentence.encode()) * len(sentence.encode())))


def test_run_on_text_is_cut_at_commas_then_anywhere() -> None:
    clauses = "各部门领导重视，准备充分，措施得力，" * 30
    parts = split_for_request(clauses, 200)
    assert "".join(parts) == clauses and all(p.endswith("，") for p in parts)
    no_punctuation = "节后收心" * 200
    parts = split_for_request(no_punctuation, 200)
    assert "".join(parts) == no_punctuation and all(len(p.encode()) <= 200 for p in parts)


@given(st.text(alphabet="节后收心会。，；！ ab.?”\n", min_size=1, max_size=400), st.integers(min_value=8, max_value=120))
def test_split_always_rejoins_exactly_and_fits(text: str, limit: int) -> None:
    parts = split_for_request(text, limit)
    assert "".join(parts) == text
    assert all(len(p.encode()) <= limit for p in parts)
    assert all(parts)


def test_joined_renderings_shift_boundaries_by_the_audio_before() -> None:
    one_second = b"\0\0" * 24_000
    first = Rendering(one_second, 24_000, (Boundary("甲。", 100, 900),))
    second = Rendering(one_second * 2, 24_000, (Boundary("乙。", 100, 1900),))
    joined = join_renderings([first, second])
    assert joined.duration_ms == 3000
    assert joined.boundaries == (Boundary("甲。", 100, 900), Boundary("乙。", 1100, 2900))


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (handshake_error(403), True),
        (handshake_error(429), True),
        (handshake_error(500), True),
        (handshake_error(503), True),
        (handshake_error(400), False),
        (handshake_error(404), False),
        (aiohttp.ServerTimeoutError("read"), True),
        (aiohttp.ClientConnectorError(None, OSError(111, "refused")), True),  # type: ignore[arg-type]
        (aiohttp.ServerDisconnectedError(), True),
        (asyncio.TimeoutError(), True),
        (edge_exceptions.NoAudioReceived("none"), True),
        (edge_exceptions.UnexpectedResponse("x"), True),
        (edge_exceptions.UnknownResponse("x"), True),
        (edge_exceptions.WebSocketError("x"), True),
        (TruncatedAudio("short"), True),
        (ValueError("Invalid voice"), False),
        (KeyError("bug"), False),
    ],
)
def test_retry_classification(error: BaseException, retry: bool) -> None:
    assert is_retryable(error) is retry


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    rng = random.Random(1)
    for attempt in (1, 2, 3, 4):
        delays = [backoff_s(attempt, 0.5, rng) for _ in range(200)]
        nominal = 0.5 * 2 ** (attempt - 1)
        assert all(0.5 * nominal <= d <= 1.5 * nominal for d in delays)
        assert max(delays) - min(delays) > 0.5 * nominal  # really jittered, not lock-step
    assert backoff_s(20, 0.5, rng) == MAX_BACKOFF_S
    assert backoff_s(1, 0.5, rng, handshake_error(429, {"Retry-After": "7"})) == 7.0
    assert backoff_s(1, 0.5, rng, handshake_error(429, {"Retry-After": "3600"})) == MAX_BACKOFF_S


def test_failure_descriptions_name_the_cause() -> None:
    assert "HTTP 429 (rate limited)" in describe_failure(handshake_error(429), 30)
    assert "within 2.5 s" in describe_failure(asyncio.TimeoutError(), 2.5)
    assert "--proxy" in describe_failure(aiohttp.ClientConnectorError(None, OSError(111, "x")), 30)  # type: ignore[arg-type]


def test_prosody_strings_are_what_edge_tts_validates() -> None:
    assert prosody(Voice("edge", "x", rate=-10, pitch=5, volume=0)) == {
        "rate": "-10%",
        "volume": "+0%",
        "pitch": "+5Hz",
    }


def test_engine_implements_the_interface() -> None:
    edge = EdgeEngine(concurrency=3)
    assert isinstance(edge, Engine)
    assert (edge.name, edge.version, edge.concurrency) == ("edge", edge_tts.__version__, 3)


def test_environment_proxy_is_the_https_one_whatever_the_url_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.lower().endswith("_proxy")]:
        monkeypatch.delenv(name)
    wss = "wss://speech.platform.bing.com/edge/v1?TrustedClientToken=x"
    assert proxy_from_env(wss) is None
    monkeypatch.setenv("ALL_PROXY", "http://all.example:3128")
    assert proxy_from_env(wss) == "http://all.example:3128"
    monkeypatch.setenv("https_proxy", "http://corp.example:8080")
    assert proxy_from_env(wss) == "http://corp.example:8080"  # aiohttp alone would look only at WSS_PROXY
    monkeypatch.setenv("WSS_PROXY", "http://ws.example:8080")
    assert proxy_from_env(wss) == "http://ws.example:8080"
    monkeypatch.setenv("WSS_PROXY", "https://tls.example:8443")  # aiohttp cannot use it: the next one is taken
    assert proxy_from_env(wss) == "http://corp.example:8080"
    monkeypatch.setenv("NO_PROXY", ".bing.com")
    assert proxy_from_env(wss) is None


# --- against the fake service -------------------------------------------------------------------------------------


def test_sentences_render_in_parallel_within_the_concurrency_bound(edge_service: FakeEdgeService) -> None:
    edge_service.faults.latency_s = 0.15  # long enough that requests overlap
    edge = engine(concurrency=3)

    async def all_sentences() -> list[Rendering]:
        return await asyncio.gather(*(edge.render(s, YUNYANG) for s in SENTENCES))

    renderings = asyncio.run(all_sentences())
    for text, rendering in zip(SENTENCES, renderings, strict=True):
        assert_full_length(rendering, text)
        assert rendering.boundaries == (Boundary(text, LEAD_MS, LEAD_MS + speech_ms(text)),)
    assert sorted(edge_service.record.texts) == sorted(SENTENCES)  # XML escaping round-trips (&)
    assert edge_service.record.voices[0] == "Microsoft Server Speech Text to Speech Voice (zh-CN, YunyangNeural)"
    assert edge_service.record.max_in_flight == 3
    assert edge.stats["requests"] == len(SENTENCES) and edge.stats["retries"] == 0


def test_one_handshake_403_is_absorbed_by_edge_tts(edge_service: FakeEdgeService) -> None:
    edge_service.faults.handshake_status = [403]
    edge = engine()
    rendering = asyncio.run(edge.render(SENTENCES[1], YUNYANG))
    assert_full_length(rendering, SENTENCES[1])
    assert edge_service.record.handshakes == 2  # edge-tts corrected its clock skew and retried by itself
    assert edge.stats["retries"] == 0


def test_repeated_403_and_429_are_retried_with_backoff(edge_service: FakeEdgeService) -> None:
    edge_service.faults.handshake_status = [403, 403, 429]
    edge_service.faults.retry_after = "0"
    waits: list[float] = []
    retried: list[tuple[int, str]] = []

    async def record_wait(seconds: float) -> None:
        waits.append(seconds)

    edge = engine(attempts=4, sleep=record_wait, on_retry=lambda s, n, e, d: retried.append((n, describe_failure(e, 5))))
    rendering = asyncio.run(edge.render(SENTENCES[2], YUNYANG))
    assert_full_length(rendering, SENTENCES[2])
    assert [n for n, _ in retried] == [1, 2]
    assert "HTTP 403" in retried[0][1] and "HTTP 429" in retried[1][1]
    assert len(waits) == 2 and waits[1] > waits[0] * 0.9  # second wait nominally twice the first (jittered)


def test_500_on_every_attempt_fails_naming_the_sentence(edge_service: FakeEdgeService) -> None:
    edge_service.faults.always_status = 500
    edge = engine(attempts=3)
    with pytest.raises(EngineError) as caught:
        asyncio.run(edge.render(SENTENCES[3], YUNYANG))
    error = caught.value
    assert error.sentence == SENTENCES[3]
    assert "after 3 attempts" in error.message and "HTTP 500" in error.message
    assert "城乡各大商场超市" in str(error)  # the one-line message points at the sentence
    assert isinstance(error.__cause__, aiohttp.WSServerHandshakeError)
    assert edge_service.record.handshakes == 3


def test_a_stream_closed_mid_way_is_detected_and_retried(edge_service: FakeEdgeService) -> None:
    edge_service.faults.close_mid_stream = 1
    ticks = itertools.count()  # a clock that advances one "second" per reading: each attempt lasts exactly 1
    edge = engine(clock=lambda: float(next(ticks)))
    rendering = asyncio.run(edge.render(SENTENCES[4], YUNYANG))
    assert_full_length(rendering, SENTENCES[4])
    assert edge_service.record.requests == 2
    assert edge.stats == {"requests": 2, "retries": 1, "request_s": 2.0}


def test_a_stream_always_closed_mid_way_is_an_error_not_short_audio(edge_service: FakeEdgeService) -> None:
    edge_service.faults.close_mid_stream = ALWAYS
    with pytest.raises(EngineError, match="audio stopped .* ms before the end"):
        asyncio.run(engine(attempts=2).render(SENTENCES[4], YUNYANG))


def test_a_stalled_stream_hits_the_outer_timeout_and_is_retried(edge_service: FakeEdgeService) -> None:
    edge_service.faults.stall = 1
    edge = engine(timeout_s=0.5)
    rendering = asyncio.run(edge.render(SENTENCES[5], YUNYANG))
    assert_full_length(rendering, SENTENCES[5])
    assert edge_service.record.requests == 2 and edge.stats["retries"] == 1


def test_a_slow_first_byte_within_the_timeout_is_not_a_failure(edge_service: FakeEdgeService) -> None:
    edge_service.faults.first_byte_delay_s = 0.3
    edge = engine(timeout_s=3.0)
    assert_full_length(asyncio.run(edge.render(SENTENCES[6], YUNYANG)), SENTENCES[6])
    assert edge.stats["retries"] == 0


def test_no_audio_is_retried_then_reported(edge_service: FakeEdgeService) -> None:
    edge_service.faults.no_audio = 1
    assert_full_length(asyncio.run(engine().render(SENTENCES[1], YUNYANG)), SENTENCES[1])
    assert edge_service.record.requests == 2

    edge_service.reset()
    edge_service.faults.no_audio = ALWAYS
    with pytest.raises(EngineError, match="sent no audio") as caught:
        asyncio.run(engine(attempts=3).render(SENTENCES[1], YUNYANG))
    assert caught.value.sentence == SENTENCES[1]
    assert edge_service.record.requests == 3


def test_latency_per_request_longer_than_the_timeout_fails_each_attempt(edge_service: FakeEdgeService) -> None:
    edge_service.faults.latency_s = 0.2
    assert_full_length(asyncio.run(engine(timeout_s=3.0).render(SENTENCES[2], YUNYANG)), SENTENCES[2])

    edge_service.reset()
    edge_service.faults.latency_s = 0.6
    with pytest.raises(EngineError, match=r"no complete answer within 0.2 s"):
        asyncio.run(engine(timeout_s=0.2, attempts=2).render(SENTENCES[2], YUNYANG))
    assert edge_service.record.requests == 2


def test_text_longer_than_one_request_is_split_and_rejoined(
    edge_service: FakeEdgeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_edge, "ZH_MS_PER_CHAR", 20)  # a fast talker: 1,400 bytes need not be 90 s of MP3
    sentence = "我们要以更加饱满的精神状态投入到各项工作中去，"
    text = sentence * 20 + "确保全年目标任务圆满完成。"  # ≈ 1,400 bytes, no full stop until the end
    rendering = asyncio.run(engine().render(text, YUNYANG))
    sent = edge_service.record.texts
    assert len(sent) == 2 and "".join(sent) == text
    assert all(len(t.encode()) <= 1000 for t in sent)
    assert rendering.duration_ms >= sum(expected_ms(t) for t in sent)
    first, second = rendering.boundaries
    assert second.start_ms > first.end_ms  # shifted past the first part's audio
    assert second.end_ms <= rendering.duration_ms


def test_text_without_letters_and_a_bad_voice_fail_without_retrying(edge_service: FakeEdgeService) -> None:
    with pytest.raises(EngineError, match="nothing to speak"):
        asyncio.run(engine().render("……。", YUNYANG))
    with pytest.raises(EngineError, match="invalid voice"):
        asyncio.run(engine().render(SENTENCES[1], Voice("edge", "Yunyang")))
    assert edge_service.record.handshakes == 0


def test_probe_says_whether_the_service_answers(edge_service: FakeEdgeService, monkeypatch: pytest.MonkeyPatch) -> None:
    assert probe(timeout_s=2.0) is True
    edge_service.faults.voices_stall = True
    assert probe(timeout_s=0.3) is False
    assert why_unreachable(timeout_s=0.3) == "no complete answer within 0.3 s"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", f"http://127.0.0.1:{port}/voices/list?x=1")
    assert probe(timeout_s=1.0) is False
    assert "cannot connect to the service" in (why_unreachable(timeout_s=1.0) or "")


def test_probe_works_from_inside_an_event_loop(edge_service: FakeEdgeService) -> None:
    async def from_async_code() -> bool:
        return probe(timeout_s=2.0)

    assert asyncio.run(from_async_code()) is True


def test_voice_list_is_filtered_and_cached_for_a_day(edge_service: FakeEdgeService, tmp_path: Path) -> None:
    clock = [1_000_000.0]
    zh = list_voices("zh", cache_dir=tmp_path, now=lambda: clock[0])
    assert [v["ShortName"] for v in zh] == ["zh-CN-XiaoxiaoNeural", "zh-CN-YunyangNeural", "zh-TW-HsiaoChenNeural"]
    assert [v["ShortName"] for v in list_voices("zh-cn", cache_dir=tmp_path, now=lambda: clock[0])] == [
        "zh-CN-XiaoxiaoNeural",
        "zh-CN-YunyangNeural",
    ]
    assert len(list_voices(cache_dir=tmp_path, now=lambda: clock[0])) == 4
    assert edge_service.record.voice_list_requests == 1

    clock[0] += 25 * 3600
    assert len(list_voices("en", cache_dir=tmp_path, now=lambda: clock[0])) == 1
    assert edge_service.record.voice_list_requests == 2


def test_voice_list_falls_back_to_a_stale_copy_then_errors(
    edge_service: FakeEdgeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    list_voices(cache_dir=tmp_path, now=lambda: 0.0)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setattr(edge_tts.voices, "VOICE_LIST", f"http://127.0.0.1:{port}/voices/list?x=1")
    stale = list_voices("zh-TW", cache_dir=tmp_path, now=lambda: 10 * 86400.0, timeout_s=1.0)
    assert [v["ShortName"] for v in stale] == ["zh-TW-HsiaoChenNeural"]
    with pytest.raises(EngineError, match="cannot fetch the voice list"):
        list_voices(cache_dir=tmp_path / "empty", timeout_s=1.0)


# --- through lectern.audio.synthesize and the take cache (once they exist) ---------------------------------------------


def _plan_of(sentences: Sequence[str]) -> object:
    """A Plan built by hand, so this test depends on synthesize and the cache, not on the text pipeline."""
    from lectern.model import CleanScript, Estimate, Language, Paragraph, Plan, Section, Sentence, Speech

    section = Section(0, 0, None, "", (Paragraph(tuple(Sentence(s, est_ms=speech_ms(s)) for s in sentences)),))
    speech = Speech(title=None, meta=(), language=Language.ZH, sections=(section,))
    script = CleanScript(path="speech.txt", encoding="utf-8", text="".join(sentences))
    return Plan(speech, script, rate=240.0, estimate=Estimate(sum(map(speech_ms, sentences)), 0, 0))


def test_a_sentence_that_always_fails_keeps_the_others_takes_in_the_cache(
    edge_service: FakeEdgeService, tmp_path: Path
) -> None:
    synthesize = pytest.importorskip("lectern.audio.synthesize").synthesize
    from lectern.audio.cache import TakeCache

    cache = TakeCache(tmp_path / "takes")
    first = synthesize(_plan_of(SENTENCES[:3]), engine(), YUNYANG, cache)  # type: ignore[arg-type]
    assert [t.text for t in first] == list(SENTENCES[:3])
    assert all(t.duration_ms >= expected_ms(t.text) for t in first)
    assert edge_service.record.requests == 3

    edge_service.reset()
    edge_service.faults.no_audio_for = "供水"  # SENTENCES[4] fails on every attempt
    # One at a time, so the order is deterministic: the failing sentence goes back to the end of the queue, [5] is
    # made meanwhile, and the build stops when its waiting budget is spent, keeping five takes of six.
    with pytest.raises(EngineError) as caught:
        synthesize(_plan_of(SENTENCES[:6]), engine(attempts=2, concurrency=1, backoff_s=0.01, wait_budget_s=0.1),
                   YUNYANG, cache)  # type: ignore[arg-type]
    assert caught.value.sentence == SENTENCES[4]
    assert "供水" in str(caught.value) and "sent no audio" in str(caught.value)
    assert "5 of 6 takes are kept: run the same command again to resume" in caught.value.message
    # The three cached sentences were not asked for again; the failing one was tried twice, then after [5] again.
    texts = edge_service.record.texts
    assert texts[:4] == [SENTENCES[3], SENTENCES[4], SENTENCES[4], SENTENCES[5]]
    assert len(texts) > 4 and set(texts[4:]) == {SENTENCES[4]}

    edge_service.reset()  # the service recovers: only what is not in the cache is synthesized
    again = synthesize(_plan_of(SENTENCES[:6]), engine(), YUNYANG, cache)  # type: ignore[arg-type]
    assert [t.text for t in again] == list(SENTENCES[:6])
    assert edge_service.record.texts == [SENTENCES[4]]  # [5] was made while [4] waited its turn


def _through_a_capturing_proxy(edge: EdgeEngine) -> list[str]:
    """Render one sentence with a 'proxy' that records the request line and hangs up; returns the lines it saw."""
    seen: list[str] = []

    async def scenario() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            seen.append((await reader.readline()).decode().strip())
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        if edge.proxy == "from-test":
            edge.proxy = f"http://127.0.0.1:{port}"
        else:
            os.environ["HTTPS_PROXY"] = f"http://127.0.0.1:{port}"
        try:
            with pytest.raises(EngineError):
                await edge.render(SENTENCES[1], YUNYANG)
        finally:
            server.close()

    asyncio.run(scenario())
    return seen


def test_proxy_option_and_https_proxy_variable_carry_the_synthesis_request(
    edge_service: FakeEdgeService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp repeats a GET once when the peer hangs up: one or two lines, all for the synthesis URL.
    target = f"GET ws://127.0.0.1:{edge_service.port}/edge/v1?"
    seen = _through_a_capturing_proxy(engine(attempts=1, proxy="from-test"))  # --proxy
    assert seen and all(line.startswith(target) for line in seen)

    monkeypatch.setenv("HTTPS_PROXY", "placeholder")  # registered for undoing; set to the real port inside
    seen = _through_a_capturing_proxy(engine(attempts=1))
    assert seen and all(line.startswith(target) for line in seen)
    assert edge_service.record.handshakes == 0  # nothing went around the proxy


def test_build_with_edge_exits_1_with_one_line_naming_the_sentence_and_keeps_finished_takes(
    edge_service: FakeEdgeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's view of a sentence the service never renders: exit 1, one line naming it, finished takes kept."""
    pytest.importorskip("lectern.audio.synthesize")
    from typer.testing import CliRunner

    import lectern.engines.edge as edge_module
    from lectern.audio.cache import TakeCache
    from lectern.audio.synthesize import MAX_ROUNDS
    from lectern.cli import app

    monkeypatch.setattr(edge_module, "backoff_s", lambda *args: 0.0001)  # the CLI's engine has real backoff
    script = tmp_path / "speech.txt"
    script.write_text("同志们：\n" + "\n".join(SENTENCES[1:7]) + "\n会议到此结束，散会。\n", encoding="utf-8")
    edge_service.faults.no_audio_for = "散会"  # the last sentence: the first ones finish before it fails
    cache = tmp_path / "takes"
    args = ["build", str(script), "--engine", "edge", "--quiet", "--cache-dir", str(cache), "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {script}: ")
    assert "sent no audio" in lines[0] and "会议到此结束" in lines[0]
    # Back to the end of the queue after each round of the engine's 4 attempts, until the rounds' guard stops it.
    assert edge_service.record.texts.count("会议到此结束，散会。") == 4 * MAX_ROUNDS
    assert "takes are kept: run the same command again to resume" in lines[0]
    assert TakeCache(cache).info().entries >= 1  # takes finished before the failure stay


@pytest.mark.net
@pytest.mark.skipif(os.environ.get("LECTERN_NET_TESTS") != "1", reason="live service: set LECTERN_NET_TESTS=1")
def test_live_service_renders_a_sentence_with_its_boundary() -> None:
    """The one check against the real service (deselected unless asked for): the fake's protocol is still true."""
    text = "今天是10月9日，节后上班第一天。"
    rendering = asyncio.run(EdgeEngine(attempts=2).render(text, YUNYANG))
    assert 1500 < rendering.duration_ms < 8000
    assert rendering.boundaries and rendering.boundaries[-1].end_ms <= rendering.duration_ms
