"""script.txt: the speech as read, with section marks, in order, with only the pauses the layout cannot show."""

from __future__ import annotations

import doctest
from pathlib import Path

from lectern.model import (
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Pause,
    PauseKind,
    Plan,
    Section,
    Sentence,
    Speech,
)
from lectern.writers import script
from lectern.model import chapter_title
from lectern.writers.script import render_script


def _plan(speech: Speech) -> Plan:
    return Plan(speech, CleanScript("speech.txt", "utf-8", ""), 220.0, Estimate(0, 0, 0))


def test_doctests_pass() -> None:
    result = doctest.testmod(script)
    assert result.attempted >= 1
    assert result.failed == 0


def test_english_speech_with_meta_pauses_and_rates() -> None:
    sections = (
        Section(0, 0, None, "Opening", (Paragraph((Sentence("Good morning.", (Pause(PauseKind.SALUTATION, 800),)),)),)),
        Section(1, 1, "First,", "responsibility", (
            Paragraph((
                Sentence("First, responsibility.", (Pause(PauseKind.SENTENCE, 450),)),
                Sentence("It matters.", (Pause(PauseKind.APPLAUSE, 3000),)),
            )),
            Paragraph((
                Sentence("Slowly now.", rate=0.85),
                Sentence("Very slowly.", (Pause(PauseKind.MARKER, 700), Pause(PauseKind.BREATH, 300)), rate=0.85),
                Sentence("Back to normal.", (Pause(PauseKind.PARAGRAPH, 900),)),
                Sentence("And faster!", rate=1.15),
            )),
        )),
        Section(2, 3, "1.", "", (Paragraph((Sentence("A deep point."),)),)),
    )  # fmt: skip
    meta = (("subtitle", "Remarks at the  annual meeting"), ("date", "May 2, 2024"), ("speaker", "Jane Doe"), ("note", "As prepared"))
    text = render_script(_plan(Speech("Looking Ahead", meta, Language.EN, sections)))
    assert text == (
        "Looking Ahead\nRemarks at the annual meeting\nMay 2, 2024\nJane Doe\nAs prepared\n\n"
        "== Opening ==\n\n"
        "Good morning.\n\n"
        "== First, responsibility ==\n\n"
        "First, responsibility. It matters. (applause 3s)\n\n"
        "[slow]Slowly now. Very slowly. [pause 0.7s] ‖[/slow] Back to normal. [fast]And faster![/fast]\n\n"
        "    == 1. ==\n\n"
        "A deep point.\n"
    )


def test_chinese_date_gets_its_parentheses_once() -> None:
    speech = Speech("讲话", (("date", "（2024年9月20日）"), ("speaker", "王明")), Language.ZH, ())
    assert render_script(_plan(speech)) == "讲话\n（2024年9月20日）\n王明\n"


def test_example_speech_reads_every_sentence_in_order_under_its_mark(example_speech: Path) -> None:
    from lectern.build import prepare

    plan = prepare(str(example_speech))
    text = render_script(plan)
    assert "QQ" not in text and "酷乐文行" not in text  # cleaned
    assert text.startswith("在节后收心会上的讲话\n\n== 开场 ==\n")
    cursor = 0
    for section in plan.speech.sections:
        mark = f"== {chapter_title(section)} =="
        at = text.find(mark, cursor)
        assert at >= cursor, mark
        cursor = at + len(mark)
        for sentence in section.sentences:
            at = text.find(sentence.text, cursor)
            assert at >= cursor, sentence.text
            cursor = at + len(sentence.text)
    assert text.count("\n== ") == len(plan.speech.sections)
    assert "== 一是所有工作都要负起责任来 ==" in text
    assert text.rstrip().endswith("会议到此结束，散会。")
