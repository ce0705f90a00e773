"""Subtitles: SRT/VTT/LRC round trips, line limits, no word cut, cue timing inside each sentence."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest
from hypothesis import given

from lectern.errors import InputError
from lectern.model import Boundary, Language, TimedSection, TimedSentence, Timeline
from lectern.writers import subtitles
from lectern.writers.subtitles import (
    CJK_LINE,
    LATIN_LINE,
    MAX_LINES,
    SubtitleCue,
    is_chinese,
    parse_lrc,
    parse_srt,
    parse_vtt,
    render_lrc,
    render_srt,
    render_vtt,
    sentence_cues,
    subtitle_cues,
    words,
)
from tests.strategies import PROPERTY, timelines



def _timeline(*sentences: TimedSentence, language: Language = Language.ZH, title: str | None = None) -> Timeline:
    section = TimedSection(0, 1, "一是", "责任", sentences[0].start_ms, sentences[-1].end_ms, sentences)
    return Timeline("rehearsal.mp3", sentences[-1].end_ms + 1000, "espeak", "cmn", (section,), title=title, language=language)


def test_doctests_pass() -> None:
    result = doctest.testmod(subtitles)
    assert result.attempted >= 5
    assert result.failed == 0


# --- properties -----------------------------------------------------------------------------------------------


@PROPERTY
@given(timelines())
def test_srt_vtt_and_lrc_round_trip_to_their_resolution(timeline: Timeline) -> None:
    cues = subtitle_cues(timeline)
    assert parse_srt(render_srt(timeline)) == cues
    assert parse_vtt(render_vtt(timeline)) == cues
    starts = [cue.start_ms for cue in cues]
    assert starts == sorted(starts)
    lyrics = parse_lrc(render_lrc(timeline))
    assert len(lyrics.lines) == len(cues)
    for (start_ms, text), cue in zip(lyrics.lines, cues):
        assert start_ms <= cue.start_ms < start_ms + 10
        assert text.replace(" ", "") == "".join(cue.lines).replace(" ", "").replace("[", "［").replace("]", "］")
    assert dict(lyrics.tags)["ti"]


def _line_offsets(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """Where each line sits in the sentence's text (lines are stripped slices of it, in order)."""
    spans, cursor = [], 0
    for line in lines:
        at = text.find(line, cursor)
        assert at >= 0, (line, text)
        spans.append((at, at + len(line)))
        cursor = at + len(line)
    return spans


@PROPERTY
@given(timelines())
def test_cues_fit_their_sentence_keep_every_character_and_never_cut_a_word(timeline: Timeline) -> None:
    previous_end = 0
    for section in timeline.sections:
        for sentence in section.sentences:
            text = " ".join(sentence.text.split()).replace("-->", "→")
            limit = CJK_LINE if is_chinese(text) else LATIN_LINE
            cues = sentence_cues(sentence)
            for cue in cues:
                assert sentence.start_ms <= cue.start_ms <= cue.end_ms <= sentence.end_ms
                assert cue.start_ms >= previous_end  # never overlapping the cue before, in this sentence or the last
                previous_end = cue.end_ms
            lines = [line for cue in cues for line in cue.lines]
            assert all(cue.end_ms > cue.start_ms for cue in cues)  # never a cue of no length
            assert all(1 <= len(cue.lines) for cue in cues)
            if sentence.end_ms - sentence.start_ms >= len(text):  # time for every cue; else they are joined
                assert all(len(cue.lines) <= MAX_LINES for cue in cues)
            assert all(0 < len(line) <= limit for line in lines)
            # Lines hold every character, in order (a breath-group edge may split "-->" so it is legal anyway).
            assert "".join(lines).replace(" ", "").replace("-->", "→") == text.replace(" ", "")
            if "-->" in sentence.text:
                continue  # offsets below are into the text as written
            # Every cut between lines is a word boundary, a breath-group boundary, or inside a word that is
            # itself longer than a line (the one case where a cut is unavoidable).
            allowed, offset = {0, len(text)}, 0
            long_words = []
            for word in words(text):
                allowed.add(offset)
                if len(word) > limit - 2:  # a word glued to punctuation can exceed the line by its marks
                    long_words.append((offset, offset + len(word)))
                offset += len(word)
            allowed.add(offset)
            cursor = 0
            for group in sentence.breath_groups:
                at = text.find(" ".join(group.split()).replace("-->", "→"), cursor)
                if at >= 0:
                    allowed.add(at)
                    cursor = at
            for start, end in _line_offsets(text, lines):
                for cut in (start, end):
                    inside_long = any(a < cut < b for a, b in long_words)
                    assert cut in allowed or inside_long, (text, lines, cut)


# --- examples -------------------------------------------------------------------------------------------------


def test_short_chinese_sentence_is_one_line() -> None:
    cues = sentence_cues(TimedSentence("同志们，今天是节后上班第一天。", 500, 2500))
    assert cues == (SubtitleCue(500, 2500, ("同志们，今天是节后上班第一天。",)),)


def test_long_sentence_is_cut_at_clause_punctuation_and_timed_by_characters() -> None:
    text = "我们讲“我的岗位我负责、我的岗位请放心”，就是要求各级领导干部守土有责、爱岗敬业，勤勤恳恳工作，兢兢业业干事，切实把该担的担子担起来、该负的责任负起来。"
    cues = sentence_cues(TimedSentence(text, 10_000, 20_000))
    assert [cue.lines for cue in cues] == [
        ("我们讲“我的岗位我负责、",),
        ("我的岗位请放心”，就是要求各级", "领导干部守土有责、爱岗敬业，"),
        ("勤勤恳恳工作，兢兢业业干事，切实把该", "担的担子担起来、该负的责任负起来。"),
    ]
    # 10 of 66 spoken characters (punctuation takes no time) before the second cue, 35 before the third.
    assert [(c.start_ms, c.end_ms) for c in cues] == [(10_000, 11_515), (11_515, 15_303), (15_303, 20_000)]


def test_breath_groups_start_cues_and_are_kept_whole() -> None:
    groups = ("双节假期已经过去，", "我们召开这次全县领导干部会议的主要目的，", "就是动员全县上下收心收神，到岗到位。")
    cues = sentence_cues(TimedSentence("".join(groups), 1000, 9000, breath_groups=groups))
    assert [cue.lines for cue in cues] == [
        ("双节假期已经过去，",),
        ("我们召开这次全县领导", "干部会议的主要目的，"),
        ("就是动员全县上下收心收神，到岗到位。",),
    ]


def test_engine_word_boundaries_time_the_cues() -> None:
    groups = ("双节假期已经过去，", "我们召开这次全县领导干部会议的主要目的，", "就是动员全县上下收心收神，到岗到位。")
    spoken = [ch for ch in "".join(groups) if ch.isalnum()]
    # One boundary per 字, as espeak reports them, 100 ms apart; the engine says 十 where the script has 10.
    boundaries = tuple(Boundary(ch, 1000 + 100 * i, 1090 + 100 * i) for i, ch in enumerate(spoken))
    cues = sentence_cues(TimedSentence("".join(groups), 1000, 9000, breath_groups=groups, words=boundaries))
    # 我 is the 9th 字 spoken, 就 the 28th.
    assert [(c.start_ms, c.end_ms) for c in cues] == [(1000, 1800), (1800, 3700), (3700, 9000)]


def test_words_the_text_lacks_do_not_pull_cues_out_of_step() -> None:
    text = "今天是10月9日，节后上班第一天，我们召开这次全县领导干部会议的主要目的，就是动员全县上下收心收神。"
    spoken = "今天是十月九日节后上班第一天我们召开这次全县领导干部会议的主要目的就是动员全县上下收心收神"
    boundaries = tuple(Boundary(ch, 100 * i, 100 * i + 90) for i, ch in enumerate(spoken))
    cues = sentence_cues(TimedSentence(text, 0, 9000, words=boundaries))
    assert [c.lines[0] for c in cues] == ["今天是10月9日，节后上班第一天，", "我们召开这次全县领导干部会议的主要"]
    assert cues[1].start_ms == 1400  # 我 is spoken 15th, after 十 and 九 the text does not have


def test_word_times_outside_the_sentence_are_clamped() -> None:
    spoken = (Boundary("first", 0, 10), Boundary("second", 99_999, 100_000))
    text = "first clause goes here, and a second clause that makes it far too long for one line of text."
    cues = sentence_cues(TimedSentence(text, 5000, 9000, words=spoken))
    assert cues[0].start_ms == 5000 and cues[-1].end_ms == 9000
    assert all(5000 <= c.start_ms <= c.end_ms <= 9000 for c in cues)


def test_english_breaks_at_spaces_within_42_columns() -> None:
    text = ("This is a rather long English sentence, which has to be broken over several lines "
            "because it is far too long for one line of subtitles.")  # fmt: skip
    cues = sentence_cues(TimedSentence(text, 0, 8000))
    assert [cue.lines for cue in cues] == [
        ("This is a rather long English sentence,", "which has to be broken over several"),
        ("lines because it is far too", "long for one line of subtitles."),
    ]


def test_exact_srt_vtt_and_lrc_output() -> None:
    timeline = _timeline(
        TimedSentence("Good morning, <everyone> & welcome -->", 1234, 2500),
        TimedSentence("Thank you.", 3_600_000 + 5, 3_600_900),
        language=Language.EN,
        title="Talk [draft]",
    )
    assert render_srt(timeline) == (
        "1\n00:00:01,234 --> 00:00:02,500\nGood morning, <everyone> & welcome →\n\n"
        "2\n01:00:00,005 --> 01:00:00,900\nThank you.\n"
    )
    assert render_vtt(timeline) == (
        "WEBVTT\n\n"
        "1\n00:00:01.234 --> 00:00:02.500\nGood morning, &lt;everyone&gt; &amp; welcome →\n\n"
        "2\n01:00:00.005 --> 01:00:00.900\nThank you.\n"
    )
    assert render_lrc(timeline) == (
        "[ti:Talk ［draft］]\n[al:lectern rehearsal]\n[length:60:01]\n"
        "[00:01.23]Good morning, <everyone> & welcome →\n[60:00.00]Thank you.\n"
    )


def test_lrc_joins_chinese_lines_without_a_space() -> None:
    text = "双节假期已经过去，我们召开这次全县领导干部会议的主要目的，就是动员全县上下收心收神，到岗到位。"
    lyrics = parse_lrc(render_lrc(_timeline(TimedSentence(text, 1000, 9000))))
    assert lyrics.lines == (
        (1000, "双节假期已经过去，我们召开这次全县领导干部会议的主要目的，"),
        (6020, "就是动员全县上下收心收神，到岗到位。"),
    )


def test_blank_sentence_has_no_cue() -> None:
    assert sentence_cues(TimedSentence("  ", 0, 100)) == ()


# --- parsers ------------------------------------------------------------------------------------------------------


def test_parsers_read_real_world_variants() -> None:
    srt = "\ufeff1\r\n00:00:01.5 --> 00:00:02,000\r\n第一行\r\n第二行\r\n\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nx"
    assert parse_srt(srt) == (SubtitleCue(1500, 2000, ("第一行", "第二行")), SubtitleCue(3000, 4000, ("x",)))
    vtt = "WEBVTT - captions\n\nNOTE made by hand\n\n00:01.000 --> 00:02.000 align:start\n&lt;b&gt; &amp;\n"
    assert parse_vtt(vtt) == (SubtitleCue(1000, 2000, ("<b> &",)),)
    lyrics = parse_lrc("[ti:讲话]\n[00:01.00][00:05.50]重复\n\n[00:02.123]three digits\n")
    assert lyrics.tags == (("ti", "讲话"),)
    assert lyrics.lines == ((1000, "重复"), (5500, "重复"), (2123, "three digits"))


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_srt, "1\n00:00:01,000 -> 00:00:02,000\nx\n", "line 2: expected a SRT timing line"),
        (parse_srt, "1\n00:00:01,000 --> 00:00:02,000\nx\n\n2\n00:61:00,000 --> 01:00:00,000\ny\n", "line 6: SRT time out"),
        (parse_vtt, "1\n00:00:01.000 --> 00:00:02.000\nx\n", "not a WebVTT file"),
        (parse_lrc, "[00:01.00]ok\njust text\n", "line 2: not an LRC line"),
    ],
)
def test_parsers_report_the_bad_line(parse, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text)


def test_jieba_loads_only_for_chinese_and_silently() -> None:
    code = (
        "import sys\n"
        "from lectern.model import *\n"
        "from lectern.writers.subtitles import render_srt\n"
        "s = TimedSentence('Good morning everyone.', 0, 1000)\n"
        "t = Timeline('a.mp3', 1000, 'e', 'v', (TimedSection(0, 0, None, '', 0, 1000, (s,)),))\n"
        "render_srt(t)\n"
        "print('jieba' in sys.modules)\n"
        "s = TimedSentence('同志们，今天是节后上班第一天。', 0, 1000)\n"
        "render_srt(Timeline('a.mp3', 1000, 'e', 'v', (TimedSection(0, 0, None, '', 0, 1000, (s,)),)))\n"
        "print('jieba' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True"]
    assert run.stderr == ""


def test_a_breath_group_without_chinese_is_still_cut_at_the_sentences_jieba_words() -> None:
    # Found by the release profile: the group "script>…" alone looked English and was cut inside "script".
    groups = ("同志们<", "script>alert(1)</script>")
    # (6 s, so the first cue is long enough to read and keeps its own cue)
    cues = sentence_cues(TimedSentence("".join(groups), 0, 6000, breath_groups=groups))
    assert [cue.lines for cue in cues] == [("同志们<",), ("script>alert", "(1)</script>")]


def test_a_number_stays_on_the_line_of_its_unit() -> None:
    from lectern.writers.subtitles import words

    tokens = words("全年地区生产总值达到2846.3亿元，2024年增长5.2%")
    assert "2846.3亿元" in tokens and "2024年" in tokens and "5.2%" in tokens
    assert "".join(tokens) == "全年地区生产总值达到2846.3亿元，2024年增长5.2%"


def test_a_breath_group_edge_inside_a_word_does_not_cut_it() -> None:
    # english_inaugural_roman.txt: the plan's groups split "11,000", and the subtitle read "More than 11," / "000 homes…".
    groups = ("More than 11,", "000 homes have been repaired or rebuilt, ", "and every one of the 62 schools damaged in ",
              "the storm is open again.")
    text = "".join(groups)
    cues = sentence_cues(TimedSentence(text, 0, 9000, breath_groups=groups))
    lines = [line for cue in cues for line in cue.lines]
    assert " ".join(lines) == text
    assert any("11,000" in line for line in lines)
    assert all(len(line) <= LATIN_LINE for line in lines)


def test_a_cue_too_short_to_read_is_merged_with_its_neighbour() -> None:
    # A breath group ending at 启动 left "仪式。" a 0.45 s cue of its own: 启动|仪式 split across two flashes.
    groups = ("我们要坚定信心迎难而上", "全力以赴推动启动", "仪式。")
    text = "".join(groups)
    sentence = TimedSentence(text, 1000, 1000 + len(text) * 220, breath_groups=groups)
    cues = sentence_cues(sentence)
    assert "".join("".join(c.lines) for c in cues) == text
    assert all(c.end_ms - c.start_ms >= subtitles.MIN_CUE_MS for c in cues), cues
    assert not any("".join(c.lines).startswith("仪式") for c in cues)
    assert all(len(c.lines) <= MAX_LINES and all(len(line) <= CJK_LINE for line in c.lines) for c in cues)
    assert cues[0].start_ms == 1000 and cues[-1].end_ms == sentence.end_ms


def test_a_short_sentence_keeps_its_own_cue() -> None:
    # Merging happens inside a sentence only: a cue never spans the pause between two sentences.
    first = TimedSentence("谢谢！", 0, 400)
    second = TimedSentence("散会。", 900, 1400)
    cues = subtitle_cues(_timeline(first, second))
    assert [(c.start_ms, c.end_ms, c.lines) for c in cues] == [(0, 400, ("谢谢！",)), (900, 1400, ("散会。",))]


def test_a_short_cue_after_a_full_one_moves_the_edge_between_them() -> None:
    # Two full lines then a lone "仪式。": the three lines are laid out evenly again, so no cue is a flash.
    groups = ("我们要坚定信心迎难而上全力以赴推动", "全市数字经济发展行动计划落地见效启动", "仪式。")
    text = "".join(groups)
    sentence = TimedSentence(text, 0, len(text) * 220, breath_groups=groups)
    cues = sentence_cues(sentence)
    assert "".join("".join(c.lines) for c in cues) == text
    assert all(c.end_ms - c.start_ms >= subtitles.MIN_CUE_MS for c in cues), cues
    assert all(len(c.lines) <= MAX_LINES and all(len(line) <= CJK_LINE for line in c.lines) for c in cues)


def test_cues_are_never_empty_overlapping_or_going_back() -> None:
    """The issue: a script of short nested lines gave 94 zero-length SRT cues of 98. A silent take (a lone ① the
    voice does not say) is a zero-length sentence; a sentence may start before the previous one ends."""
    from lectern.model import TimedSection
    from lectern.writers.subtitles import parse_srt, parse_vtt, render_srt, render_vtt

    sentences = (
        TimedSentence("（一）", 100, 600),
        TimedSentence("①", 1500, 1500),  # silent
        TimedSentence("好。", 1500, 1900),
        TimedSentence("行。", 1880, 2300),  # starts 20 ms before the last one ends
        TimedSentence("双节假期已经过去，我们召开这次全县领导干部会议的主要目的。", 2300, 2300),  # no time at all
        TimedSentence("谢谢大家！", 3000, 4000),
    )
    timeline = Timeline("rehearsal.mp3", 4500, "espeak", "cmn", (TimedSection(0, 0, None, "", 0, 4500, sentences),))
    for cues in (parse_srt(render_srt(timeline)), parse_vtt(render_vtt(timeline))):
        assert [c.start_ms for c in cues] == [100, 1500, 1900, 3000]
        assert all(c.end_ms > c.start_ms for c in cues)
        assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:]))


def test_a_cue_with_no_time_of_its_own_joins_its_neighbour() -> None:
    from lectern.writers import subtitles

    # Two breath groups, the second said in no time (its words all at the sentence end): one cue shows both.
    s = TimedSentence("双节假期已经过去，我们召开这次全县领导干部会议的主要目的。", 1000, 1000 + 3000,
                      ("双节假期已经过去，", "我们召开这次全县领导干部会议的主要目的。"),
                      (Boundary("双节", 1000, 1500), Boundary("我们", 4000, 4000)))
    cues = subtitles.sentence_cues(s)
    assert all(c.end_ms > c.start_ms for c in cues)
    assert "".join("".join(c.lines) for c in cues) == s.text
