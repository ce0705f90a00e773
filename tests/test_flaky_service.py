"""A flaky online service is ridden out (issue 10): refusals, cut streams and rate-limit bursts do not fail a build.

Against the local fake (tests/fake_edge.py), with waiting budgets of seconds instead of the default two minutes.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.fake_edge import LEAD_MS, FakeEdgeService, edge_service, speech_ms  # noqa: F401 (fixture)

from lectern.audio.cache import TakeCache
from lectern.audio.synthesize import synthesize
from lectern.build import BuildOptions, build
from lectern.engines.edge import EdgeEngine
from lectern.model import Voice
from tests.test_edge import _plan_of

YUNYANG = Voice("edge", "zh-CN-YunyangNeural")
THIRTY = tuple(f"第{n}句，我们要把各项工作抓紧抓实抓好。" for n in range(1, 31))


def test_a_30_sentence_build_survives_every_5th_handshake_refused_and_a_third_of_first_streams_cut(
    edge_service: FakeEdgeService, tmp_path: Path
) -> None:
    edge_service.faults.refuse_every = 5
    edge_service.faults.refuse_status = 500
    edge_service.faults.cut_first_stream_every = 3
    script = tmp_path / "speech.txt"
    script.write_text("同志们：\n" + "\n".join(THIRTY) + "\n", encoding="utf-8")
    options = BuildOptions(engine="edge", cache_dir=tmp_path / "cache", retry_budget_s=60)

    result = build(str(script), tmp_path / "out", options)

    spoken = [s for sec in result.timeline.sections for s in sec.sentences]
    assert [s.text for s in spoken][1:] == list(THIRTY)
    for sentence in spoken[1:]:  # whole takes: a cut stream was never kept
        assert sentence.end_ms - sentence.start_ms >= LEAD_MS + speech_ms(sentence.text)
    assert edge_service.record.handshakes > len(THIRTY) + 5  # the faults did hit


def test_a_rate_limit_burst_longer_than_one_sentences_retries_is_ridden_out(edge_service: FakeEdgeService,
                                                                           tmp_path: Path) -> None:
    edge_service.busy_for(1.5, retry_after="0.3")
    delays: list[float] = []
    engine = EdgeEngine(backoff_s=0.05, timeout_s=5, rng=random.Random(3), wait_budget_s=10,
                        on_retry=lambda _s, _n, _e, delay: delays.append(delay))
    texts = THIRTY[:6]
    takes = synthesize(_plan_of(texts), engine, YUNYANG, TakeCache(tmp_path / "takes"))
    assert [t.text for t in takes] == list(texts)
    assert all(t.duration_ms >= LEAD_MS + speech_ms(t.text) for t in takes)
    assert delays and min(delays) >= 0.3  # Retry-After honoured
    assert sorted(edge_service.record.texts[-len(texts):]) == sorted(texts)


def test_the_progress_callback_shows_the_retry_state(edge_service: FakeEdgeService, tmp_path: Path) -> None:
    edge_service.busy_for(0.6, retry_after="2")
    script = tmp_path / "speech.txt"
    script.write_text("同志们：\n" + "\n".join(THIRTY[:2]) + "\n", encoding="utf-8")
    statuses: list[str] = []
    options = BuildOptions(engine="edge", cache_dir=tmp_path / "cache", retry_budget_s=30)
    result = build(str(script), tmp_path / "out", options, on_status=statuses.append)
    assert len([s for sec in result.timeline.sections for s in sec.sentences]) == 3
    assert statuses and set(statuses) == {"service busy, retrying in 2 s"}


def test_a_spent_budget_says_how_many_takes_are_kept_and_that_a_rerun_resumes(edge_service: FakeEdgeService,
                                                                             tmp_path: Path) -> None:
    edge_service.faults.no_audio_for = "第3句"
    engine = EdgeEngine(backoff_s=0.05, timeout_s=5, rng=random.Random(3), wait_budget_s=0.5, concurrency=2)
    cache = TakeCache(tmp_path / "takes")
    try:
        synthesize(_plan_of(THIRTY[:5]), engine, YUNYANG, cache)
    except Exception as e:  # noqa: BLE001 - checked below
        error = e
    else:
        raise AssertionError("the build should stop when its budget is spent")
    assert "0.5 s this build may wait for it are spent" in error.message
    assert "4 of 5 takes are kept: run the same command again to resume" in error.message

    edge_service.reset()  # the service is back: the rerun asks only for the missing sentence
    takes = synthesize(_plan_of(THIRTY[:5]), EdgeEngine(), YUNYANG, cache)
    assert len(takes) == 5 and edge_service.record.texts == [THIRTY[2]]
