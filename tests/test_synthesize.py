"""Plan → Takes through a fake in-memory engine: cache first, identical sentences once, edits re-render one."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from lectern.audio.cache import TakeCache
from lectern.engines.base import Rendering
from lectern.errors import ConfigError, EngineError
from lectern.text.lexicon import from_pairs
from lectern.model import (
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Plan,
    Section,
    Sentence,
    Speech,
    Take,
    Voice,
)
from lectern.audio.synthesize import spoken_text, synthesize

SAMPLE_RATE = 16000


class FakeEngine:
    """Renders 10 ms of audio per character and records every call (text, voice)."""

    def __init__(self, name: str = "espeak", *, concurrency: int = 1, fail_on: str | None = None) -> None:
        self.name = name
        self.version = "fake-1"
        self.concurrency = concurrency
        self.fail_on = fail_on
        self.calls: list[tuple[str, Voice]] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def render(self, text: str, voice: Voice) -> Rendering:
        self.calls.append((text, voice))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
            if self.fail_on is not None and self.fail_on in text:
                raise EngineError("fake engine refused")
            return Rendering(b"\x01\x00" * (SAMPLE_RATE // 100) * len(text), SAMPLE_RATE)
        finally:
            self.in_flight -= 1


def make_plan(sections: list[list[str]], *, language: Language = Language.ZH, rates: dict[str, float] | None = None) -> Plan:
    rates = rates or {}
    built = tuple(
        Section(
            index=i,
            level=1,
            marker=f"{'一二三四五'[i]}、",
            title=f"第{i + 1}部分",
            paragraphs=(Paragraph(tuple(Sentence(t, rate=rates.get(t, 1.0)) for t in texts)),),
        )
        for i, texts in enumerate(sections)
    )
    speech = Speech(title=None, meta=(), language=language, sections=built)
    script = CleanScript(path="speech.txt", encoding="utf-8", text="")
    return Plan(speech=speech, script=script, rate=220.0, estimate=Estimate(0, 0, 0))


SPEECH = [
    ["同志们！", "今天是10月9日，节后上班第一天。", "行长和重庆的同志都来了。"],
    ["同志们！", "全年增长5.2%。"],
]
VOICE = Voice("espeak", "cmn", rate=-5)


def test_one_take_per_sentence_in_order_then_all_from_cache(tmp_path: Path) -> None:
    plan = make_plan(SPEECH)
    cache = TakeCache(tmp_path)
    engine = FakeEngine()
    seen: list[tuple[int, bool]] = []
    takes = synthesize(plan, engine, VOICE, cache, on_take=lambda i, take, cached: seen.append((i, cached)))
    assert len(takes) == 5 and all(isinstance(t, Take) for t in takes)
    assert [t.text for t in takes] == [
        "同志们！",
        "今天是十月九日，节后上班第一天。",  # numbers as words for espeak
        "行长和重庆的同志都来了。",
        "同志们！",
        "全年增长百分之五点二。",
    ]
    assert takes[0] is takes[3]  # the same sentence is one take
    assert len(engine.calls) == 4  # …rendered once
    assert sorted(i for i, _ in seen) == [0, 1, 2, 3, 4]
    assert sum(not cached for _, cached in seen) == 4
    assert [t.duration_ms for t in takes] == [len(t.text) * 10 for t in takes]

    again = FakeEngine()
    seen.clear()
    second = synthesize(plan, again, VOICE, cache, on_take=lambda i, take, cached: seen.append((i, cached)))
    assert again.calls == []  # a rebuild makes no engine call
    assert all(cached for _, cached in seen) and len(seen) == 5
    assert [t.key for t in second] == [t.key for t in takes]
    assert [t.pcm_path.read_bytes() for t in second] == [t.pcm_path.read_bytes() for t in takes]


def test_editing_one_sentence_renders_only_that_one(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    synthesize(make_plan(SPEECH), FakeEngine(), VOICE, cache)
    edited = [list(s) for s in SPEECH]
    edited[1][1] = "全年增长5.3%。"
    engine = FakeEngine()
    takes = synthesize(make_plan(edited), engine, VOICE, cache)
    assert [text for text, _ in engine.calls] == ["全年增长百分之五点三。"]
    assert takes[4].text == "全年增长百分之五点三。"


def test_a_changed_voice_or_lexicon_rerenders_what_it_touches(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    plan = make_plan(SPEECH)
    synthesize(plan, FakeEngine(), VOICE, cache)
    engine = FakeEngine()
    synthesize(plan, engine, VOICE, cache, lexicon=from_pairs([("重庆", "chong2 qing4")]))
    assert [text for text, _ in engine.calls] == ["行长和 chong2 qing4 的同志都来了。"]
    engine = FakeEngine()
    synthesize(plan, engine, replace(VOICE, rate=10), cache)
    assert len(engine.calls) == 4


def test_the_text_each_engine_is_given() -> None:
    lexicon = from_pairs([("行长", "hang2 zhang3"), ("单于", "蝉于")])
    sentence = Sentence("2026年，行长见了单于。")
    assert spoken_text(sentence, Language.ZH, "espeak", lexicon) == "二零二六年， hang2 zhang3 见了蝉于。"
    # edge reads numbers itself and cannot take pinyin: only the homophone.
    assert spoken_text(sentence, Language.ZH, "edge", lexicon) == "2026年，行长见了蝉于。"
    # English text keeps its digits for espeak, which reads English numbers well.
    assert spoken_text(Sentence("In 2026, we grew 5%."), Language.EN, "espeak", None) == "In 2026, we grew 5%."


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # english_inaugural_roman.txt: "I. Where We Stand" was said "I where we stand", the pronoun.
        ("I. Where We Stand", "One. Where We Stand"),
        ("II. What Remains Undone", "Two. What Remains Undone"),
        ("IV. The Road Ahead", "Four. The Road Ahead"),
        ("XXIV. Appendix", "Twenty-four. Appendix"),
        # Not headings: the pronoun, a word in capitals, a numeral inside the sentence, an ill-formed numeral.
        ("I said it on a cold morning.", "I said it on a cold morning."),
        ("LIVID. Nobody was.", "LIVID. Nobody was."),
        ("World War II. That changed us.", "World War II. That changed us."),
        ("IIII. Four", "IIII. Four"),
    ],
)
def test_a_roman_numbered_english_heading_is_said_as_a_number(written: str, spoken: str) -> None:
    assert spoken_text(Sentence(written), Language.EN, "espeak", None) == spoken
    assert spoken_text(Sentence(written), Language.EN, "edge", None) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        # english_inaugural_roman.txt: espeak said "dollar four point five million under budget".
        ("$4.5 million under budget.", "4.5 million dollars under budget."),
        ("We raised $250,000.", "We raised 250,000 dollars."),
        ("It costs $1 a day.", "It costs 1 dollar a day."),
        ("£3 billion and €40", "3 billion pounds and 40 euros"),
        ("$ 12", "12 dollars"),
        ("No money here: 5 million people.", "No money here: 5 million people."),
    ],
)
def test_an_english_amount_of_money_is_said_with_the_currency_last(written: str, spoken: str) -> None:
    assert spoken_text(Sentence(written), Language.EN, "espeak", None) == spoken


def test_the_speakers_rate_marking_is_added_to_the_voice_rate(tmp_path: Path) -> None:
    plan = make_plan([["慢慢说。", "正常说。", "快快说。"]], rates={"慢慢说。": 0.85, "快快说。": 1.2})
    engine = FakeEngine()
    synthesize(plan, engine, VOICE, TakeCache(tmp_path))
    assert {text: voice.rate for text, voice in engine.calls} == {"慢慢说。": -20, "正常说。": -5, "快快说。": 15}


def test_concurrency_is_bounded_by_the_engine_and_the_caller(tmp_path: Path) -> None:
    plan = make_plan([[f"第{n}句话。" for n in "一二三四五六七八九十"]])
    engine = FakeEngine("edge", concurrency=4)
    synthesize(plan, engine, Voice("edge", "zh-CN-YunyangNeural"), TakeCache(tmp_path / "a"))
    assert engine.most_in_flight == 4
    engine = FakeEngine("edge", concurrency=4)
    synthesize(plan, engine, Voice("edge", "zh-CN-YunyangNeural"), TakeCache(tmp_path / "b"), concurrency=2)
    assert engine.most_in_flight == 2
    engine = FakeEngine("espeak", concurrency=1)
    synthesize(plan, engine, VOICE, TakeCache(tmp_path / "c"), concurrency=8)
    assert engine.most_in_flight == 1


def test_a_failure_names_the_sentence_and_keeps_finished_takes(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    plan = make_plan(SPEECH)
    with pytest.raises(EngineError) as caught:
        synthesize(plan, FakeEngine(fail_on="百分之"), VOICE, cache)
    error = caught.value
    assert error.sentence == "全年增长5.2%。" and error.path == "speech.txt"
    assert "fake engine refused" in error.message and "二、" in error.message
    # The sentences before it were stored as they were made: the next run renders only the failed one.
    engine = FakeEngine()
    synthesize(plan, engine, VOICE, cache)
    assert [text for text, _ in engine.calls] == ["全年增长百分之五点二。"]


def test_a_voice_for_another_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="edge engine, not espeak"):
        synthesize(make_plan(SPEECH), FakeEngine(), Voice("edge", "zh-CN-YunyangNeural"), TakeCache(tmp_path))
