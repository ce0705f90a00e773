"""Hypothesis strategies for lectern's data model, valid by construction (as cdown/srt draws start and end from
disjoint ranges): every Timeline drawn has sections and sentences in order, never overlapping, each inside its
section, and the audio long enough to hold them.

Text mixes real speech phrases with what breaks writers: straight and curly quotes, ``<script>``, ``&``, ``-->``,
LRC-looking brackets, over-long titles, English, and words longer than a subtitle line.

    from tests.strategies import PROPERTY, timelines
    @PROPERTY
    @given(timelines())
    def test_something(timeline): ...
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from lectern.model import Boundary, Language, TimedSection, TimedSentence, Timeline

# Settings for properties over timelines(): 50 examples keep each test file fast; HYPOTHESIS_PROFILE=release
# runs 1,000 (as cdown/srt does before a release). No deadline: jieba's first load takes about a second.
PROPERTY = settings(
    deadline=None,
    max_examples=1000 if os.environ.get("HYPOTHESIS_PROFILE") == "release" else 50,
    suppress_health_check=[HealthCheck.too_slow],
)

ZH_PHRASES = (
    "同志们", "今天是10月9日", "节后上班第一天", "首先", "我和XX同志一起", "代表县委、县政府",
    "向节日期间坚守工作岗位的广大干部职工致以崇高的敬意", "8天长假", "总体上实现了", "“安全、顺畅、舒心”的预期目标",
    "领导干部抓工作", "必须要有责无旁贷、义不容辞的责任感", "责任既是义务", "又是使命", "一是", "二是",
    "所有工作都要负起责任来", "（掌声）", "《政府工作报告》", "2024年", "GDP增长5.2%", "某某",
)
ZH_PUNCT = ("，", "。", "、", "；", "：", "！", "？", "……", "——", "“", "”", "（", "）")
HOSTILE = ('"', "<script>alert(1)</script>", "&amp;", "-->", "[00:01.00]", "]", "\\", "'", "A&B", "  ")
EN_WORDS = (
    "good", "morning", "everyone", "today", "we", "will", "talk", "about", "responsibility", "and", "results",
    "first,", "second,", "finally.", "the", "county", "government", "internationalization", "O'Brien",
)
EN_PUNCT = (",", ".", "?", "!", ";", ":")
CJK = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴"

# Strategies are built once: rebuilding them inside a composite costs Hypothesis a validation per draw.
_hostile = st.sampled_from(HOSTILE)
_zh_parts = st.lists(
    st.one_of(
        st.sampled_from(ZH_PHRASES),
        st.text(alphabet=CJK, min_size=1, max_size=30),
        st.sampled_from(ZH_PUNCT),
        _hostile,
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=20, max_size=45),  # a URL-like run
    ),
    min_size=1,
    max_size=12,
)
_en_words = st.lists(st.one_of(st.sampled_from(EN_WORDS), _hostile, st.sampled_from(EN_PUNCT)), min_size=1, max_size=40)
_markers = st.one_of(st.none(), st.sampled_from(("一、", "（一）", "1.", "（1）", "一是", "第一，", "首先，")))
_speakers = st.one_of(st.none(), st.sampled_from(("王明", 'Li "Lee" Hua', "<b>某某</b>")))


@st.composite
def chinese_text(draw) -> str:
    """A Chinese sentence: phrases, random 字 runs, punctuation and now and then something hostile."""
    parts = draw(_zh_parts)
    text = "".join(parts).strip()
    return text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else text + "同志们。"


@st.composite
def english_text(draw) -> str:
    words = draw(_en_words)
    text = " ".join(w.strip() for w in words if w.strip())
    return text or "Thank you."


_SPOKEN = {Language.ZH: chinese_text(), Language.EN: english_text()}
# Section titles: usually short, sometimes empty or very long (a whole first sentence used as the title).
_TITLES = {lang: st.one_of(text, st.just(""), st.builds(lambda t: t * 6, text)) for lang, text in _SPOKEN.items()}


def spoken_text(language: Language) -> st.SearchStrategy[str]:
    return _SPOKEN[language]


def titles(language: Language) -> st.SearchStrategy[str]:
    return _TITLES[language]


@st.composite
def _cut(draw, text: str) -> tuple[str, ...]:
    """Split text into contiguous pieces at word boundaries (as plan cuts breath groups)."""
    from lectern.writers.subtitles import words

    tokens = words(text)
    if len(tokens) < 2:
        return (text,)
    points = sorted(draw(st.sets(st.integers(1, len(tokens) - 1), max_size=6)))
    bounds = [0, *points, len(tokens)]
    pieces = tuple("".join(tokens[a:b]) for a, b in zip(bounds, bounds[1:]))
    return tuple(p for p in pieces if p.strip()) or (text,)


@st.composite
def timed_sentences(draw, start_ms: int, language: Language) -> TimedSentence:
    text = draw(spoken_text(language))
    duration = draw(st.integers(min_value=1, max_value=30_000))
    end_ms = start_ms + duration
    groups = draw(st.one_of(st.just(()), _cut(text)))
    words: tuple[Boundary, ...] = ()
    if draw(st.booleans()):
        pieces = draw(_cut(text))
        offsets = sorted(draw(st.lists(st.integers(start_ms, end_ms), min_size=len(pieces), max_size=len(pieces))))
        words = tuple(
            Boundary(piece.strip(), at, min(at + 200, end_ms)) for piece, at in zip(pieces, offsets) if piece.strip()
        )
    return TimedSentence(text, start_ms, end_ms, breath_groups=groups, words=words)


@st.composite
def timelines(draw, min_sections: int = 1, max_sections: int = 8, max_sentences: int = 4) -> Timeline:
    """A Timeline valid by construction. Starts can lie hours into the audio (past 99 CUE minutes, 24 SRT hours
    is not needed for a speech), sections can be empty, levels jump freely between 0 and 4."""
    language = draw(st.sampled_from(Language))
    cursor = draw(st.one_of(st.integers(0, 2000), st.integers(0, 7 * 3600 * 1000)))
    count = draw(st.integers(min_sections, max_sections))
    sections = []
    for index in range(count):
        level = draw(st.integers(0, 4))
        marker = draw(_markers)
        title = draw(titles(language))
        start = cursor
        sentences = []
        for _ in range(draw(st.integers(0, max_sentences))):
            cursor += draw(st.integers(0, 3000))  # pause before the sentence (0: glued to the last)
            sentence = draw(timed_sentences(cursor, language))
            sentences.append(sentence)
            cursor = sentence.end_ms
        if sentences:
            # A section starts where its first sentence does: that is where a listener wants to land.
            start = sentences[0].start_ms
        sections.append(TimedSection(index, level, marker, title, start, cursor, tuple(sentences)))
        cursor += draw(st.integers(0, 5000))
    duration = cursor + draw(st.integers(0, 3000))
    title = draw(st.one_of(st.none(), titles(language)))
    speaker = draw(_speakers)
    return Timeline(
        audio="rehearsal.mp3",
        duration_ms=duration,
        engine=draw(st.sampled_from(("espeak", "edge"))),
        voice=draw(st.sampled_from(("cmn", "zh-CN-YunyangNeural", "en-US-GuyNeural"))),
        sections=tuple(sections),
        title=title or None,
        speaker=speaker,
        language=language,
        meta=draw(st.one_of(st.just(()), st.just((("date", "2024年9月20日"), ("subtitle", "——在节后收心会上的讲话"))))),
    )
