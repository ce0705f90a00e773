"""ingest: every encoding a 讲话稿 arrives in, docx and stdin, normalisation, and every bad input as one clear error."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import pytest

from lectern.errors import InputError
from lectern.text.ingest import MAX_BYTES, decode, join_hard_wraps, normalise, read_script

FIXTURES = Path(__file__).parent / "fixtures"

SIMPLIFIED = "同志们：今天是节后上班第一天。我们召开这次会议，就是要动员全县上下收心收神，到岗到位，尽职尽责。\n"
TRADITIONAL = "同志們：今天是節後上班第一天。我們召開這次會議，就是要動員全縣上下收心收神，到崗到位，盡職盡責。\n"


# --- encodings ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "data", "encoding"),
    [
        (SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-8-sig"), "utf-8-sig"),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16"), "utf-16"),  # with BOM (LE on this machine)
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
        ("䶮" + SIMPLIFIED, ("䶮" + SIMPLIFIED).encode("gb18030"), "gb18030"),  # outside GBK
        (TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
        ("Fellow-Countrymen:\nAt this second appearing.\n", b"Fellow-Countrymen:\nAt this second appearing.\n", "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gbk", "gb18030", "big5", "ascii"],
)
def test_decodes_each_encoding_and_reports_it(tmp_path: Path, text: str, data: bytes, encoding: str) -> None:
    path = tmp_path / "speech.txt"
    path.write_bytes(data)
    source = read_script(str(path))
    assert source.encoding == encoding
    assert source.text == text
    assert source.path == str(path)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    source = decode((SIMPLIFIED + "Speech 2024.\n").encode(codec), "x.txt")
    assert (source.encoding, source.text) == (codec, SIMPLIFIED + "Speech 2024.\n")


def test_big5_bytes_that_are_also_valid_gbk_are_read_as_big5() -> None:
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")  # the trap: strict GB18030 accepts these bytes (as mojibake)
    assert decode(data, "x.txt").text == TRADITIONAL


def test_short_gbk_text_is_not_taken_for_big5() -> None:
    for word in ("中文", "讲话", "同志们", "散会。"):
        assert decode(word.encode("gbk"), "x.txt").text == word + "\n"


def test_latin1_english_is_not_read_as_chinese() -> None:
    text = "Mesdames et messieurs, le café de la région est très apprécié. Merci beaucoup à tous.\n" * 3
    source = decode(text.encode("latin-1"), "x.txt")
    assert source.text.strip() == text.strip()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in source.text)


@pytest.mark.parametrize(("name", "codec"), [("gbk.txt", "gbk"), ("big5.txt", "big5"), ("utf16.txt", "utf-16"),
                                             ("bom.txt", "utf-8-sig")])
def test_encoding_fixture_files(name: str, codec: str) -> None:
    # Files on disk as a user would have them (CRLF); made once with text.replace("\n", "\r\n").encode(codec).
    text = TRADITIONAL if codec == "big5" else SIMPLIFIED
    path = FIXTURES / "encodings" / name
    assert path.read_bytes() == text.replace("\n", "\r\n").encode(codec)
    assert read_script(str(path)).text == text


# --- docx and stdin -----------------------------------------------------------------------------------------------


def _make_docx(path: Path, paragraphs: list[str], table_cell: str | None = None) -> None:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table_cell is not None:
        document.add_table(rows=1, cols=1).cell(0, 0).text = table_cell
    document.save(str(path))


def test_docx_paragraphs_in_order(tmp_path: Path) -> None:
    path = tmp_path / "speech.docx"
    _make_docx(path, ["在节后收心会上的讲话", "", "同志们：", "　　今天是10月9日,节后上班第一天。"], table_cell="散会。")
    source = read_script(str(path))
    assert source.encoding == "docx"
    assert source.text == "在节后收心会上的讲话\n\n同志们：\n今天是10月9日，节后上班第一天。\n散会。\n"


def test_docx_automatic_numbering_is_rendered(tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in numbering.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    levels = {int(lvl.get(qn("w:ilvl"))): lvl for lvl in abstract.iter(qn("w:lvl"))}
    if 1 not in levels:  # the default template's list has one level: add a second
        levels[1] = copy.deepcopy(levels[0])
        levels[1].set(qn("w:ilvl"), "1")
        levels[0].addnext(levels[1])
    for ilvl, text in ((0, "%1、"), (1, "（%2）")):
        levels[ilvl].find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
        levels[ilvl].find(qn("w:lvlText")).set(qn("w:val"), text)

    document.add_paragraph("同志们：")
    for text, level in (("统一思想", 0), ("提高认识", 1), ("明确任务", 1), ("狠抓落实", 0), ("压实责任", 1)):
        paragraph = document.add_paragraph(text, style="List Number")
        if level:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = num_id
    document.add_paragraph("要点", style="List Bullet")
    path = tmp_path / "numbered.docx"
    document.save(str(path))
    assert read_script(str(path)).text.splitlines() == [
        "同志们：", "一、统一思想", "（一）提高认识", "（二）明确任务", "二、狠抓落实", "（一）压实责任", "要点"]


def test_docx_line_break_after_a_comma_joins_the_sentence(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    title = document.add_paragraph("在全县乡村振兴工作推进会上的讲话")
    title.add_run().add_break()  # a title and its date set apart by Shift+Enter stay two lines
    title.add_run("（2024年4月9日）")
    body = document.add_paragraph("要持续开展村庄清洁行动，因地制宜推进污水治理，")
    body.add_run().add_break()
    body.add_run("让村庄干净整洁起来。")
    english = document.add_paragraph("We kept that promise,")
    english.add_run().add_break()
    english.add_run("and the bridge reopened.")
    path = tmp_path / "breaks.docx"
    document.save(str(path))
    assert read_script(str(path)).text.splitlines() == [
        "在全县乡村振兴工作推进会上的讲话", "（2024年4月9日）", "要持续开展村庄清洁行动，因地制宜推进污水治理，让村庄干净整洁起来。",
        "We kept that promise, and the bridge reopened."]  # fmt: skip


def test_docx_that_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "fake.docx"
    path.write_text("not a zip at all", encoding="utf-8")
    with pytest.raises(InputError, match="not a valid .docx"):
        read_script(str(path))


def test_stdin_dash() -> None:
    source = read_script("-", stdin=io.BytesIO(SIMPLIFIED.encode("gbk")))
    assert (source.path, source.encoding, source.text) == ("-", "gb18030", SIMPLIFIED)


def test_stdin_too_large() -> None:
    with pytest.raises(InputError, match="too large"):
        read_script("-", stdin=io.BytesIO(b"a" * (MAX_BYTES + 1)))


# --- bad input: one clear line each ----------------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("a.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b" \r\n\t\n  \n", "is empty"),
        ("wide-blank.txt", "\u3000\u3000\n\u00a0\n".encode(), "only whitespace"),
        ("nul.txt", b"abc\x00def\x00" * 10, "binary"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("archive.txt", _zip_bytes(), "ZIP archive but not a Word"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "legacy Word"),
        ("garbage.txt", bytes([0x81, 0xFF, 0x80, 0xFE, 0xFF, 0x81]) * 50, "cannot be decoded"),
        ("controls.txt", b"\x01\x02\x03\x04\x05\x06\x07\x08" * 40, "binary"),
    ],
)
def test_bad_input_is_one_line_input_error(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message) as info:
        read_script(str(path))
    text = str(info.value)
    assert "\n" not in text and text.startswith(str(path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_script(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="directory"):
        read_script(str(tmp_path))


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(InputError, match=r"too large \(20\.0 MB"):
        read_script(str(path))


def test_five_megabyte_file_reads(tmp_path: Path) -> None:
    paragraph = "　　我们要坚持稳中求进工作总基调,完整准确全面贯彻新发展理念,加快构建新发展格局。\r\n"
    path = tmp_path / "long.txt"
    path.write_bytes((paragraph * (5 * 1024 * 1024 // len(paragraph.encode("gbk")))).encode("gbk"))
    source = read_script(str(path))
    assert source.encoding == "gb18030"
    lines = source.text.splitlines()
    assert lines[0] == "我们要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念，加快构建新发展格局。"
    assert len(set(lines)) == 1


# --- normalisation ----------------------------------------------------------------------------------------------------


def test_crlf_cr_nbsp_and_indents() -> None:
    assert normalise("标题\r\n\u00a0\u00a0同志们：\r今天 开会。\u3000\r\n") == "标题\n同志们：\n今天 开会。\n"


def test_ideographic_space_runs_split_a_scraped_line() -> None:
    line = "在会议上的讲话\u3000\u3000同志们：\u3000\u3000今天开会。\u2003\u2003一、统一思想\u3000张\u3000三"
    assert normalise(line).splitlines() == ["在会议上的讲话", "同志们：", "今天开会。", "一、统一思想 张 三"]


def test_nbsp_run_after_sentence_end_is_a_paragraph_break() -> None:
    assert normalise("今天开会。\u00a0\u00a0\u00a0\u00a0下面讲三点。").splitlines() == ["今天开会。", "下面讲三点。"]


def test_line_numbers_survive_normalisation() -> None:
    raw = "a\n\n\u3000\u3000b\nc  d\n"
    assert normalise(raw).split("\n")[:4] == ["a", "", "b", "c  d"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("同志们:今天开会,我讲三点!大家明白吗?好;散会", "同志们：今天开会，我讲三点！大家明白吗？好；散会"),
        ("(一)统一思想", "（一）统一思想"),
        ("县公安局(交警支队)", "县公安局（交警支队）"),
        ("中国(China)发展", "中国（China）发展"),
        ("会议时间:10:30,增长5.2%,投入1,000万元", "会议时间：10:30，增长5.2%，投入1,000万元"),
        ("Hello, world: yes (really)!", "Hello, world: yes (really)!"),
        ("OK,好", "OK,好"),
        ("QQ:206157060", "QQ:206157060"),
    ],
)
def test_half_width_punctuation_in_chinese(raw: str, expected: str) -> None:
    assert normalise(raw) == expected + "\n"


# --- hard wraps --------------------------------------------------------------------------------------------------------


def test_hard_wrapped_chinese_is_joined_without_space_and_title_block_is_not() -> None:
    text = (FIXTURES / "noise" / "hard_wrapped.txt").read_text(encoding="utf-8").replace("第1页共3页\n", "")
    text = text.replace("- 2 -\n", "")
    joined = join_hard_wraps(text).splitlines()
    assert joined[:3] == ["关于加强安全生产工作的讲话", "", "同志们："]
    assert joined[3] == ("今天我们在这里召开全市安全生产工作会议，主要任务是贯彻落实上级精神，分析当前形势，"
                         "部署下一阶段工作。刚才，几位同志作了很好的发言，我完全同意。下面，我讲三点意见。")
    assert joined[4].startswith("一、提高认识") and joined[4].endswith("是我们义不容辞的责任。")
    assert joined[5].startswith("二、强化措施") and joined[6] == "谢谢大家！"


def test_hard_wrapped_english_is_joined_with_a_space() -> None:
    text = ("Fellow-Countrymen:\n"
            "At this second appearing to take the oath of the Presidential office there\n"
            "is less occasion for an extended address than there was at the first. Then a\n"
            "statement somewhat in detail of a course to be pursued seemed fitting and\n"
            "proper.\n")
    assert join_hard_wraps(text).splitlines() == [
        "Fellow-Countrymen:",
        "At this second appearing to take the oath of the Presidential office there is less occasion for an "
        "extended address than there was at the first. Then a statement somewhat in detail of a course to be "
        "pursued seemed fitting and proper.",
    ]


def test_one_paragraph_per_line_document_is_left_alone() -> None:
    text = ("在节后收心会上的讲话\n同志们：\n一、所有工作都要负起责任来\n"
            + "领导干部抓工作，必须要有责无旁贷、义不容辞的责任感。" * 5 + "\n"
            + "二、所有工作都要干出成效来\n" + "抓工作、干事情，最终都要体现在成效上。" * 6 + "\n散会。\n")
    assert join_hard_wraps(text) == text


def test_wrapped_line_before_a_heading_is_not_joined() -> None:
    width_line = "各级各部门要严格落实属地管理责任和部门监管责任确保各项措施落到实处"
    text = f"{width_line}\n{width_line}\n一、强化措施\n{width_line}\n第二，加强督查\n{width_line}\n{width_line}。\n"
    lines = join_hard_wraps(text).splitlines()
    assert lines[1] == "一、强化措施" and lines[3] == "第二，加强督查"


def test_markdown_markup_is_stripped_line_for_line(tmp_path: Path) -> None:
    path = tmp_path / "speech.md"
    path.write_text("---\nauthor: 张三\n---\n# 在会议上的讲话\n\n> 同志们：\n\n- 一是**加强**学习。\n- 3 -\n"
                    "* [政策](http://a.cn)要讲清楚，*重点*要突出，**同志出席。\n***\n", encoding="utf-8")
    lines = read_script(str(path)).text.split("\n")
    assert lines[3:11] == ["# 在会议上的讲话", "", "同志们：", "", "一是加强学习。", "- 3 -",
                           "政策要讲清楚，重点要突出，**同志出席。", ""]


def test_file_cut_mid_character_loses_only_that_character() -> None:
    data = (SIMPLIFIED * 3).encode("gbk")[:-4]  # "。\n" lost and half of "责"
    source = decode(data, "cut.txt")
    assert source.encoding == "gb18030"
    assert source.text == (SIMPLIFIED * 3)[:-3] + "\n"


def test_many_bad_bytes_are_an_error_not_mojibake() -> None:
    data = bytearray((SIMPLIFIED * 3).encode("gbk"))
    for i in range(0, len(data), 9):
        data[i] = 0xFF
    with pytest.raises(InputError, match="cannot be decoded"):
        decode(bytes(data), "broken.txt")


def test_encrypted_docx_says_so(tmp_path: Path) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError, match="password-protected"):
        read_script(str(path))


def test_empty_docx(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    _make_docx(path, ["", "  "])
    with pytest.raises(InputError, match="only whitespace"):
        read_script(str(path))


def test_blank_line_paragraphs_in_english_join_across_sentence_ends() -> None:
    text = ("The Gettysburg Address\n\n"
            "Four score and seven years ago our fathers brought forth on this continent, a\n"
            "new nation, conceived in Liberty, and dedicated to the proposition that all men\n"
            "are created equal.\n\n"
            "Now we are engaged in a great civil war, testing whether that nation, or any\n"
            "nation so conceived and dedicated, can long endure. We are met on a great war\n"
            "battle-field of that war. We have come to dedicate a portion of that field, as\n"
            "a final resting place for those who here gave their lives that that nation.\n"
            "It is altogether fitting and proper that we should do this.\n")
    paragraphs = join_hard_wraps(text).split("\n\n")
    assert paragraphs[0] == "The Gettysburg Address"
    assert paragraphs[1].endswith("all men are created equal.") and "\n" not in paragraphs[1]
    assert paragraphs[2].startswith("Now we are") and "\n" not in paragraphs[2].strip()
    assert paragraphs[2].strip().endswith("that we should do this.")


def test_a_wrapped_line_opening_with_a_stage_note_joins_its_paragraph() -> None:
    text = ("Inaugural Address\n\n"
            "We kept that promise. Unemployment today stands at 3.8 percent, the\n"
            "lowest it has been in twenty years. The bridge reopened last spring.\n"
            "(Applause.) More than 11,000 homes have been repaired or rebuilt, and\n"
            "every one of the schools damaged in the storm is open again for all.\n\n"
            "None of this happened because of one governor. It happened because of\n"
            "linemen who worked through the night, and teachers who held their class\n"
            "in church basements. To every one of you, thank you, and God bless.\n"
            "(Applause.)\n")
    paragraphs = join_hard_wraps(text).split("\n\n")
    assert "\n" not in paragraphs[1] and "spring. (Applause.) More than" in paragraphs[1]
    assert paragraphs[2].endswith("\n(Applause.)\n")  # a note on a line of its own stays there


def test_utf8_with_a_stray_byte_and_a_cut_end_stays_utf8() -> None:
    raw = (Path(__file__).resolve().parents[1] / "examples" / "postholiday_meeting_raw.txt").read_bytes()
    source = decode(raw[:1000] + b"\xff" + raw[1000:3000], "damaged.txt")
    assert source.encoding == "utf-8"
    assert source.text.startswith("仅供学习 禁止外传\n酷乐文行\n")


# --- issue 9: front matter, character references, escapes --------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("---\ntitle:  My Commencement Remarks, May 2023\nauthor: Jason\ntags: faculty, campus\n---\n",
         "My Commencement Remarks, May 2023"),
        ('title: "看 ‘北大最短毕业致辞’ 的感受"\ndate: 2016-07-07 20:40:14\ntags:\n\n- 感触\ncategories: 思维\n\n---\n',
         "看 ‘北大最短毕业致辞’ 的感受"),  # an export that dropped the opening ---
        ('---\ndate: \'2024-09-17\'\ntitle: "Remarks by President\\_Biden Before Briefing Regarding the Ongoing\\\n'
         '  \\ Wildfire Season"\n---\n', "Remarks by President Biden Before Briefing Regarding the Ongoing Wildfire Season"),
    ],
)
def test_front_matter_gives_its_title_and_nothing_else(tmp_path: Path, head: str, title: str) -> None:
    path = tmp_path / "post.md"
    path.write_text(head + "\nHello graduates. It is a great day.\n", encoding="utf-8")
    text = read_script(str(path)).text
    lines = [ln for ln in text.split("\n") if ln.strip()]
    assert lines == [title, "Hello graduates. It is a great day."]
    assert text.count("\n") == (head + "\nHello graduates. It is a great day.\n").count("\n")  # line numbers kept


def test_a_key_value_speech_line_is_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "speech.md"
    path.write_text("Note: this is the speech.\nWe will win.\n", encoding="utf-8")
    assert read_script(str(path)).text == "Note: this is the speech.\nWe will win.\n"


def test_character_references_are_decoded_and_a_bare_ampersand_kept() -> None:
    source = decode("It&#39;s &quot;The Porpoise Driven Life.&quot; AT&T and R&D stay.\n".encode(), "t.txt")
    assert source.text == 'It\'s "The Porpoise Driven Life." AT&T and R&D stay.\n'


def test_markdown_backslash_escapes_are_their_characters(tmp_path: Path) -> None:
    path = tmp_path / "speech.md"
    path.write_text("Thank you.\n\\###\n", encoding="utf-8")
    assert read_script(str(path)).text == "Thank you.\n###\n"


@pytest.mark.parametrize(("line", "written"), [
    ("工业服务年活动动员大会的讲话（区）", "工业服务年活动动员大会的讲话(区)"),
    ("主题教育党课讲稿：牢记党的宗旨 忠心耿耿为民", "主题教育党课讲稿:牢记党的宗旨 忠心耿耿为民"),
    ("在全县大会上的讲话", "在全县大会上的讲话"),
])
def test_a_title_is_shown_as_its_author_typed_it(line: str, written: str) -> None:
    from lectern.text.ingest import as_written

    source = decode(f"{written}\n同志们:今天开会。\n".encode(), "t.txt")
    assert line in source.text
    assert as_written(line, source.written) == written
    assert as_written("不在文中的标题", source.written) == "不在文中的标题"


def test_a_transcript_line_broken_off_at_a_dash_goes_on_in_lower_case() -> None:
    text = "I just want to say, over the last few years I've been --\nhad the opportunity to do this.\nBut --\nWe won.\n"
    assert join_hard_wraps(text) == ("I just want to say, over the last few years I've been -- had the opportunity to "
                                     "do this.\nBut --\nWe won.\n")


def test_a_key_header_of_comment_lines_is_metadata() -> None:
    text = ("# Source: https://www.ted.com/talks/x/transcript\n# Speaker: Jill Bolte Taylor\n# Title: My Stroke of Insight\n"
            "\nI grew up to study the brain.\n")
    source = decode(text.encode(), "t.txt")
    assert source.text.split("\n")[:4] == ["My Stroke of Insight", "Jill Bolte Taylor", "", ""]
    assert "https://" not in source.text and "I grew up to study the brain." in source.text


@pytest.mark.parametrize("text", [
    "# Title: A heading of the speech\n\nThe speech starts here.\n",  # one line: a Markdown heading
    "# Speaker: notes\n# Title: two headings in a row\nThe speech starts at once, no blank line.\n",
])
def test_a_lone_key_line_is_left_alone(text: str) -> None:
    assert decode(text.encode(), "t.txt").text.startswith(text.split("\n")[0])
