"""clean: each noise family removed with its reason, each near-miss speech sentence kept, context rules, user rules.

Every family has a pair: a noise line that must go and a speech sentence sharing its words that must stay.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lectern.text.clean import RULES, clean, load_rules, reads_as_speech
from lectern.errors import ConfigError, ScriptError
from lectern.text.ingest import decode, read_script
from lectern.model import SourceText

FIXTURES = Path(__file__).parent / "fixtures" / "noise"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "postholiday_meeting_raw.txt"

TITLE = "在全县安全生产工作会议上的讲话"
OPENING = "同志们：\n今天我们召开全县安全生产工作会议，主要任务是部署下一阶段工作。"
CLOSING = "一、压实责任\n各级各部门要把安全生产责任落实到岗位、落实到人。\n谢谢大家！"


def _clean(text: str, **kwargs: object):
    return clean(decode(text.encode("utf-8"), "t.txt"), **kwargs)  # type: ignore[arg-type]


def _speech_with(line: str, where: str = "body") -> str:
    """A small real speech with ``line`` in the body, in the header (before the title) or in the footer."""
    if not line:
        return f"{TITLE}\n\n{OPENING}\n{CLOSING}\n"
    if where == "header":
        return f"{line}\n\n{TITLE}\n\n{OPENING}\n{CLOSING}\n"
    if where == "footer":
        return f"{TITLE}\n\n{OPENING}\n{CLOSING}\n\n{line}\n"
    return f"{TITLE}\n\n{OPENING}\n{line}\n{CLOSING}\n"


def _spoken(text: str) -> str:
    return re.sub(r"\s", "", text)


# --- each family: the noise goes, the near miss stays ------------------------------------------------------------

NOISE = [
    # (noise line, where, reason fragment)
    ("第1页共21页", "body", "第N页共M页"),
    ("第 3 页 / 共 9 页", "footer", "第N页共M页"),
    ("- 3 -", "body", "- N -"),
    ("Page 3 of 9", "body", "Page N of M"),
    ("12", "body", "page number"),
    ("酷乐文行整理，咨询QQ206157060", "body", "QQ"),
    ("会员群：                      免费QQ群：", "header", "membership"),
    ("微信：kulewx2023", "body", "WeChat"),
    ("加微信领取全套资料", "footer", "WeChat"),
    ("联系电话：13812345678", "body", "mobile"),
    ("客服电话：010-12345678", "footer", "phone"),
    ("投稿邮箱：speech@163.com", "footer", "e-mail"),
    ("联系客服获取完整版", "footer", "customer service"),
    ("www.kulewenxing.com", "body", "web address"),
    ("kulewenxing.com.cn", "body", "web address"),
    ("更多范文请访问 https://www.fanwen123.cn/a/1.html", "footer", "document-site note"),
    ("https://www.fanwen123.cn/a/1.html", "footer", "web address"),
    ("更多精彩内容请关注", "footer", "document-site note"),
    ("点击蓝字关注我们", "header", "subscription"),
    ("会员专享", "header", "outside the speech"),
    ("本文来自：人民网", "footer", "source note"),
    ("（此文档为word格式，可任意编辑修改）", "header", "document-site note"),
    ("百度文库", "header", "document-site"),
    ("本文由公文范文网整理发布", "body", "document-site"),
    ("版权所有 侵权必究", "footer", "copyright"),
    ("【打击倒卖活动】", "header", "anti-resale"),
    ("举报倒卖会员资料的人，举报成功免费赠送一年会员材料！", "header", "anti-resale"),
    ("开通VIP会员，海量资料免费下载", "body", "membership"),
    ("点击上方蓝字关注我们", "footer", "subscription"),
    ("预览时标签不可点", "footer", "WeChat"),
    ("阅读原文", "footer", "WeChat"),
    ("免费下载", "body", "paywall"),
    ("Subscribe to our newsletter for more speeches like this one.", "header", "paywall"),
    ("文/张三", "header", "byline"),
    ("记者 张三 通讯员 李四", "body", "byline"),
    ("By John Smith", "header", "byline"),
    ("Published March 5, 2024", "header", "byline"),
    ("现在订阅立享前3年的所有权益和资料", "header", "subscription"),
    ("关注公众号，回复“讲话”获取", "footer", "subscription"),
    ("预览结束，全文请下载", "body", "paywall"),
    ("（此处省略3000字）", "body", "truncation"),
    ("正式会员可阅读全文", "body", "membership"),
    ("未完……", "footer", "paywall"),
    ("新华社记者 李学仁 摄", "body", "photo caption"),
    ("责任编辑：王五", "footer", "source note"),
    ("来源：人民网", "footer", "source note"),
    ("仅供学习 禁止外传", "header", "outside the speech"),
    ("免费QQ群：", "header", "QQ group"),
    ("微信公众号：公文写作宝典 关注后回复“廉政”免费领取全套讲话稿", "body", "subscription"),
    ("公众号：基层治理参考", "body", "subscription"),
    ("首页 > 新闻中心 > 领导讲话", "header", "web-page chrome"),
    ("当前位置：首页 > 领导讲话 > 正文", "header", "web-page chrome"),
    ("还剩3页未读，继续阅读", "body", "paywall"),
    ("加入VIP，免费下载", "body", "membership"),
    ("精品资料 值得收藏", "body", "document-site note"),
    ("手机扫码阅读", "body", "subscription"),
    ("下载提示：", "body", "document-site note"),
    ("内容来自用户分享和网络整理", "body", "document-site note"),
    ("声明：本文内容由互联网用户自发贡献", "body", "document-site note"),
    ("广告", "body", "ad label"),
]


@pytest.mark.parametrize(("noise", "where", "reason"), NOISE, ids=[n for n, _, _ in NOISE])
def test_noise_line_is_removed_with_its_reason(noise: str, where: str, reason: str) -> None:
    speech = _speech_with(noise, where)
    result = _clean(speech)
    assert result.text == _clean(_speech_with("")).text, result.removals
    assert len(result.removals) == 1
    removal = result.removals[0]
    assert reason in removal.reason
    assert removal.text == re.sub(r"[ \t]+$", "", noise)
    assert speech.splitlines()[removal.line - 1] == noise


NEAR_MISSES = [
    "要发挥党员会员的作用。",
    "我们要订阅《人民日报》",
    "举报制度要落实。",
    "要吸引更多企业成为会员，维护会员权益。",
    "为困难群众免费赠送慰问品。",
    "请大家翻到第3页，共有五条措施。",
    "Turn to page 3 of the report, which shows our progress this year.",
    "2024 - 2025年规划要抓紧制定。",
    "12个部门要协同推进。",
    "要用好QQ、微信等网络平台联系群众。",
    "各单位要建好工作QQ群，及时传达会议精神。",
    "我们开通了政务微信，方便群众办事。",
    "全市常住人口达到1380万人。",
    "24小时服务热线12345要做到有求必应。",
    "邮政服务要覆盖每一个村。",
    "要提升政务服务水平，做好客服工作。",
    "国内生产总值增长5.2%，居民收入增长6.1%。",
    "要建好用好党史文献资料库。",
    "要把群众意见收集整理好，及时反馈。",
    "要加强知识产权保护，严厉打击侵权行为。",
    "要严厉打击倒买倒卖行为。",
    "严禁传播谣言，严禁泄露秘密。",
    "会议精神禁止外传。",
    "以上意见仅供大家参考。",
    "全文共分三个部分。",
    "要下载安装学习强国，坚持每天学习。",
    "未完成的任务要抓紧推进。",
    "新华社是国家通讯社，要讲好中国故事。",
    "要把摄影作品展办好。",
    "编辑部的同志们辛苦了。",
    "资金来源要合法合规。",
    "（掌声）",
    "（根据录音整理）",
    "三、加强会员服务",
    "同志们、朋友们：",
    "要用好扫码办事，让群众少跑腿。",
    "现在，我讲三点意见。",
    "我们要更多关注民生。",
    "10月9日电视台报道了我县的工作。",
    "【典型案例】要引以为戒。",
    "Companies like Amazon.com have transformed retail in every town.",
    "主办单位要落实责任，上一篇文章已经讲过。",
    "群众有困难可以联系我们。",
    "大家要阅读原文，不要只看摘要。",
    "记者同志们辛苦了！",
    "By working together, we will build a stronger nation for all of us.",
    "分享发展成果，要让群众有更多获得感。",
    "感谢社会各界一直以来关注我们、支持我们。",
    "职工书屋对会员免费开放，要完善会员资料档案。",
    "发展正式会员100家，会员专享服务要办好。",
    "群众可以扫码领取补贴，也可以免费领取宣传资料。",
    "要把好经验分享到基层一线。",
    "希望今天的讲话对大家有所帮助。",
    "感谢大家的辛勤付出。",
    "我们开通了微信公众号：“平安临川”，欢迎大家关注。",
    "对群众来信要件件有回复，及时领取反馈意见。",
    "网站首页要突出政务公开，方便群众查询。",
    "吸引更多优秀人才成为我们的一员。",
    "我在这里郑重声明：我们绝不搞形式主义。",
    "这些宝贵经验值得我们认真总结。",
    "广告牌要规范设置，不得影响市容。",
    "要及时处理用户上传的投诉材料。",
    "剩余3个项目要抓紧推进。",
    "要继续阅读原著，学深悟透。",
]


@pytest.mark.parametrize("sentence", NEAR_MISSES)
@pytest.mark.parametrize("where", ["body", "header", "footer"])
def test_near_miss_speech_is_kept(sentence: str, where: str) -> None:
    result = _clean(_speech_with(sentence, where))
    assert result.removals == ()
    assert sentence in result.text.splitlines()


def test_every_builtin_rule_has_a_reason_and_a_family() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(r.reason and r.scope in ("line", "segment", "inline") for r in RULES)
    assert [r.strong for r in RULES].count(False) >= 1


# --- inline noise: the speech part of the line stays ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kept", "cut"),
    [
        ("同志们要抓好落实。 酷乐文行整理，咨询QQ206157060", "同志们要抓好落实。", "酷乐文行整理，咨询QQ206157060"),
        ("同志们要抓好落实。www.kulewx.com", "同志们要抓好落实。", "www.kulewx.com"),
        ("同志们要抓好落实。kulewx.com", "同志们要抓好落实。", "kulewx.com"),
        ("今年增长5.2%。请拨打电话：13812345678咨询。下面讲第二点。", "今年增长5.2%。下面讲第二点。",
         "请拨打电话：13812345678咨询。"),
        ("要坚持人民至上。（来源：人民网）", "要坚持人民至上。", "（来源：人民网）"),
        ("新华社北京10月9日电　全国安全生产会议今天召开。", "全国安全生产会议今天召开。", "新华社北京10月9日电"),
        ("我们要抓好落实。第2页共9页", "我们要抓好落实。", "第2页共9页"),
        ("工作要落到实处。（未完待续）", "工作要落到实处。", "（未完待续）"),
        ("人民日报北京10月9日电　全国会议今天召开。", "全国会议今天召开。", "人民日报北京10月9日电"),
        ("WASHINGTON (AP) — The president spoke today about jobs and the economy.",
         "The president spoke today about jobs and the economy.", "WASHINGTON (AP) —"),
        ("【精品文档】要抓好落实。", "要抓好落实。", "【精品文档】"),
        ("谢谢大家！相关推荐： 校长在毕业典礼上的讲话（精选10篇） 毕业典礼校长致辞范文", "谢谢大家！",
         "相关推荐： 校长在毕业典礼上的讲话（精选10篇） 毕业典礼校长致辞范文"),
    ],
)
def test_inline_noise_is_cut_and_speech_kept(line: str, kept: str, cut: str) -> None:
    result = _clean(_speech_with(line))
    assert kept in result.text.splitlines()
    assert [r.text for r in result.removals] == [cut]
    assert result.removals[0].line == 5


# --- context rules ---------------------------------------------------------------------------------------------------


def test_ad_block_before_the_title_goes_and_the_title_stays() -> None:
    text = ("仅供学习 禁止外传\n自建平台、实时分享\n根据实际需求不断迭代\n现在订阅立享全部资料\n\n"
            f"{TITLE}\n\n{OPENING}\n{CLOSING}\n")
    result = _clean(text)
    assert result.text.splitlines()[0] == TITLE
    removed = {r.text: r.reason for r in result.removals}
    assert "ad block" in removed["自建平台、实时分享"] and "ad block" in removed["根据实际需求不断迭代"]


def test_unmarked_title_between_noise_lines_is_kept_when_set_apart_by_blank_lines() -> None:
    text = f"现在订阅立享全部资料\n\n关于做好秋冬季防火工作\n\n酷乐文行整理，咨询QQ206157060\n{OPENING}\n{CLOSING}\n"
    assert _clean(text).text.splitlines()[0] == "关于做好秋冬季防火工作"


def test_title_shaped_line_directly_between_noise_lines_is_kept() -> None:
    text = f"现在订阅立享全部资料\n{TITLE}\n酷乐文行整理，咨询QQ206157060\n{OPENING}\n{CLOSING}\n"
    assert _clean(text).text.splitlines()[0] == TITLE


def test_title_block_date_kept_and_parenthesised_ad_removed_in_the_header() -> None:
    text = f"（仅供学习交流）\n（2024年9月20日）\n现在订阅立享全部资料\n\n{TITLE}\n（根据录音整理）\n{OPENING}\n（掌声）\n{CLOSING}\n"
    result = _clean(text)
    assert [r.text for r in result.removals] == ["（仅供学习交流）", "现在订阅立享全部资料"]
    assert result.text.splitlines()[:4] == ["（2024年9月20日）", "", TITLE, "（根据录音整理）"]


def test_brand_learned_from_a_credit_line() -> None:
    text = f"酷乐文行\n\n{TITLE}\n\n{OPENING}\n{CLOSING}\n\n酷乐文行整理，咨询QQ206157060\n"
    result = _clean(text)
    assert "酷乐文行" not in result.text
    assert any("brand" in r.reason and r.text == "酷乐文行" for r in result.removals)


def test_weak_words_inside_the_body_need_a_strong_neighbour() -> None:
    body = f"{TITLE}\n\n{OPENING}\n会员之家\n{CLOSING}\n"
    assert "会员之家" in _clean(body).text  # an unmarked line in the speech: kept
    beside = f"{TITLE}\n\n{OPENING}\n会员之家\n酷乐文行整理，咨询QQ206157060\n{CLOSING}\n"
    assert "会员之家" not in _clean(beside).text


def test_running_header_repeated_lines() -> None:
    result = clean(read_script(str(FIXTURES / "running_header.txt")))
    lines = result.text.splitlines()
    assert "XX县人民政府办公室" not in lines
    assert lines[0] == "在全县教育工作会议上的讲话" and lines.count("在全县教育工作会议上的讲话") == 1
    assert lines.count("同志们！") == 2 and result.text.count("（掌声）") == 2
    reasons = {r.reason for r in result.removals}
    assert reasons == {"repeated page header/footer"}
    assert sorted(r.line for r in result.removals) == [4, 8, 9, 14]


# --- whole documents ----------------------------------------------------------------------------------------------------


def test_example_speech() -> None:
    raw = EXAMPLE.read_text(encoding="utf-8")
    result = clean(read_script(str(EXAMPLE)))
    for noise in ("仅供学习", "酷乐文行", "QQ", "订阅", "举报", "会员", "自建平台", "根据实际需求"):
        assert noise not in result.text, noise
    lines = result.text.splitlines()
    assert lines[0] == "在节后收心会上的讲话"
    # Everything from 同志们： through 散会。 word for word (the raw lines are only indented with NBSP).
    start, end = raw.index("同志们："), raw.index("散会。") + len("散会。")
    speech = [line.strip("\u00a0 ") for line in raw[start:end].splitlines()]
    body = lines[lines.index("同志们："):]
    assert body == speech
    assert {r.line for r in result.removals} == {1, 2, 3, 4, 5, 7, 8, 9, 18, 29}
    assert result.placeholders[0].text == "XX" and result.placeholders[0].count == 6
    assert result.encoding == "utf-8"


def test_one_line_scrape() -> None:
    result = clean(read_script(str(FIXTURES / "one_line_scrape.txt")))
    assert result.text.splitlines() == [
        "在全市经济工作会议上的讲话",
        "同志们：",
        "今天我们召开全市经济工作会议，主要任务是总结今年工作，部署明年任务。",
        "一、统一思想，提高认识",
        "今年以来，全市经济运行稳中有进，地区生产总值增长5.2%，居民收入增长6.1%。",
        "二、狠抓落实，务求实效",
        "各级各部门要把责任扛在肩上，把工作抓在手上。",
    ]
    assert {r.text for r in result.removals} == {
        "新华社北京10月9日电", "www.wenku123.com", "（来源：人民网）", "第3页共21页",
        "更多范文请访问 www.fanwen.com 下载全文"}


def test_hard_wrapped_document_with_page_footers_between_halves() -> None:
    result = clean(read_script(str(FIXTURES / "hard_wrapped.txt")))
    lines = result.text.splitlines()
    assert lines[3].endswith("刚才，几位同志作了很好的发言，我完全同意。下面，我讲三点意见。")
    assert [line[:6] for line in lines[4:6]] == ["一、提高认识", "二、强化措施"]
    assert lines[-1] == "谢谢大家！"
    assert [r.text for r in result.removals] == ["第1页共3页", "- 2 -"]


def test_a_page_break_with_blank_lines_inside_a_sentence_is_joined() -> None:
    # Footer, blank line, running header: once they go, the blank line must not end the paragraph mid-sentence.
    para = ("过去一年，全县教育系统攻坚克难、真抓实干，各项工作取得了新的进展，城区大班额问题基本得到解决，"
            "全县高考本科上线率创历史新高，职业教育实现新突破，县职教中心成功创建省级优质中职学校。")
    wrapped = [para[i : i + 35] for i in range(0, len(para), 35)]
    tail = "教师队伍建设不断加强，全年招聘新教师一百多名，交流轮岗校长教师四百多人次，队伍活力明显增强。"
    tail_wrapped = [tail[i : i + 35] for i in range(0, len(tail), 35)]
    lines = ["清河县文件汇编", TITLE, "同志们：", *wrapped[:2], "第 1 页 共 2 页", "", "清河县文件汇编", *wrapped[2:],
             "", *tail_wrapped, "第 2 页 共 2 页"]  # fmt: skip
    result = _clean("\r\n".join(lines))
    assert result.text.splitlines()[2:] == [para, "", tail]  # the real paragraph break after 。 stays
    assert [r.text for r in result.removals] == ["清河县文件汇编", "第 1 页 共 2 页", "清河县文件汇编", "第 2 页 共 2 页"]


def test_english_document() -> None:
    result = clean(read_script(str(FIXTURES / "english.txt")))
    lines = result.text.splitlines()
    assert lines[:2] == ["Second Inaugural Address", "Fellow-Countrymen:"]
    assert lines[2].endswith("a course to be pursued seemed fitting and proper.")
    assert lines[3].startswith("Now, at the expiration") and lines[3].endswith("could be presented.")
    assert [r.text for r in result.removals] == ["Visit www.speeches-archive.com for more", "Page 1 of 2",
                                                "Page 2 of 2"]


def test_newswire() -> None:
    result = clean(read_script(str(FIXTURES / "newswire.txt")))
    assert result.text.splitlines() == ["全国安全生产电视电话会议9日在京召开。",
                                        "会议强调，要坚持人民至上、生命至上，全力防范化解重大安全风险。"]
    assert len(result.removals) == 4


def test_document_site_download_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "fanwen.txt"
    path.write_bytes((FIXTURES / "fanwen_site.txt").read_text(encoding="utf-8").encode("gbk"))
    result = clean(read_script(str(path)))
    assert result.encoding == "gb18030"
    assert result.text.splitlines() == [
        "2024年在全市安全生产工作会议上的讲话稿", "同志们：", "今天我们召开全市安全生产工作会议，主要任务是部署下一阶段工作。",
        "我们要坚持人民至上、生命至上，全力防范化解重大安全风险。", "谢谢大家！"]
    assert [r.line for r in result.removals] == [1, 3, 4, 7, 10, 11]


def test_scraped_government_page() -> None:
    result = clean(read_script(str(FIXTURES / "gov_page.txt")))
    assert result.text.splitlines() == [
        "在全省经济工作会议上的讲话", "同志们：", "今天我们召开全省经济工作会议。",
        "我们要坚持稳中求进，全力以赴抓好各项工作。信息发布时间要准确，回应群众关切要及时。"]
    assert {r.reason for r in result.removals} == {
        "web-page chrome", "web-page chrome (related articles)", "watermark (site tag)"}


def test_an_applause_note_is_not_taken_away_by_noise_glued_after_it() -> None:
    result = _clean(f"{TITLE}\n\n{OPENING}谢谢大家！（热烈掌声）本文由第一范文网整理，转载请注明出处。\n")
    assert result.text.splitlines()[-1].endswith("谢谢大家！（热烈掌声）")
    assert [r.text for r in result.removals] == ["本文由第一范文网整理，转载请注明出处。"]


def test_a_related_list_label_with_sentences_after_it_takes_only_itself() -> None:
    # A related-articles label misplaced before the speech in a one-line scrape must not take the speech along.
    result = _clean(f"{TITLE}\n\n相关链接： 同志们：今天我们召开全县安全生产工作会议，主要任务是部署下一阶段工作。\n")
    assert "今天我们召开全县安全生产工作会议，主要任务是部署下一阶段工作。" in result.text


@pytest.mark.parametrize(
    ("title", "suffix"),
    [("在全县工作会议上的讲话(word版可编辑)", "（word版可编辑）"), ("在全县工作会议上的讲话-公文范文网", "-公文范文网"),
     ("在全县工作会议上的讲话_百度文库", "_百度文库"), ("在全县工作会议上的讲话 - 豆丁网", "- 豆丁网"),
     ("在全县工作会议上的讲话（精选5篇）", "（精选5篇）"), ("在全县工作会议上的讲话范文", "范文")],
)
def test_a_download_site_title_suffix_is_cut_and_the_title_stays(title: str, suffix: str) -> None:
    result = _clean(f"{title}\n\n{OPENING}\n{CLOSING}\n")
    assert result.text.splitlines()[0] == "在全县工作会议上的讲话"
    assert [r.text for r in result.removals] == [suffix]


@pytest.mark.parametrize("line", ["要学习先进典型的讲话范文本，不要照搬照抄。", "要抓好“十四五”规划（共5篇章）的落实。",
                                  "全县建成5G基站3200个，实现了乡镇全覆盖。"])
def test_title_suffix_near_misses_are_kept(line: str) -> None:
    result = _clean(_speech_with(line))
    assert result.removals == () and line in result.text.splitlines()


def test_only_noise_is_a_script_error() -> None:
    with pytest.raises(ScriptError, match="nothing left to speak") as info:
        clean(read_script(str(FIXTURES / "only_noise.txt")))
    assert "\n" not in str(info.value)


def test_long_line_without_punctuation_is_handled() -> None:
    line = "我们要坚持稳中求进工作总基调完整准确全面贯彻新发展理念" * 2000  # 50,000+ characters, no mark
    result = _clean(f"{TITLE}\n{line}\n")
    assert result.removals == () and line in result.text


# --- keep and user rules --------------------------------------------------------------------------------------------


def test_keep_protects_a_line() -> None:
    speech = _speech_with("请拨打热线电话：0571-12345678，反映问题。")
    assert _clean(speech).removals
    result = _clean(speech, keep=[r"热线电话"])
    assert result.removals == () and "请拨打热线电话：0571-12345678，反映问题。" in result.text


def test_keep_bad_pattern_is_config_error() -> None:
    with pytest.raises(ConfigError, match="--keep"):
        _clean(_speech_with(""), keep=["(unclosed"])


def test_load_rules_adds_line_and_inline_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\npattern = "阳光公文"\nreason = "my site"\n\n'
                    '[[rule]]\nname = "tag"\npattern = "【[^】]*推荐[^】]*】"\nreason = "site tag"\nscope = "inline"\n',
                    encoding="utf-8")
    rules = load_rules(str(path))
    assert [(r.name, r.scope) for r in rules] == [("rule 1", "line"), ("tag", "inline")]
    speech = _speech_with("阳光公文为您服务。") + "要抓好落实。【编辑推荐】\n"
    result = _clean(speech, rules=rules)
    assert {(r.text, r.reason) for r in result.removals} == {("阳光公文为您服务。", "my site"),
                                                             ("【编辑推荐】", "site tag")}
    assert "要抓好落实。" in result.text.splitlines()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[rule]\npattern = 'x'", "not valid TOML"),
        ("[[rule]]\npattern = '(unclosed'\nreason = 'x'\nname = 'bad-one'", "bad-one.*not a valid regular"),
        ("[[rule]]\nreason = 'x'", "no pattern"),
        ("[[rule]]\npattern = 'x'\nscope = 'page'", "scope"),
        ("[[rule]]\npattern = 'x*'", "matches empty"),
        ("[[rule]]\npattern = 'x'\nreasn = 'typo'", "unknown key 'reasn'"),
    ],
)
def test_bad_rules_file_is_config_error_naming_file_and_rule(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_rules(str(path))
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_rules(str(tmp_path / "none.toml"))


# --- property: noise-free speech loses nothing ---------------------------------------------------------------------

SENTENCES = [
    "今天是10月9日，节后上班第一天。", "双节假期已经过去，我们召开这次全县领导干部会议。",
    "要发挥党员会员的作用。", "我们要订阅《人民日报》，加强理论学习。", "举报制度要落实。",
    "责任既是义务，又是使命，更是推动发展的原动力。", "没有成效，劳而无功，等于白干。",
    "为困难群众免费赠送慰问品。", "全县上下要迅速进入角色，集中精力，紧扣中心，突出重点！",
    "为什么有的地方和部门工作干的好，有的地方和部门干的不好？", "地区生产总值增长5.2%，居民收入增长6.1%。",
    "我们讲“我的岗位我负责、我的岗位请放心”，就是要求各级领导干部守土有责。", "XX同志就抓好当前各项工作作了全面部署。",
    "要用好QQ、微信等网络平台联系群众。", "会议精神禁止外传。", "以上意见仅供大家参考。",
    "各单位要建好工作QQ群，及时传达会议精神。", "要吸引更多企业成为会员，维护会员权益。",
    "新华社是国家通讯社，要讲好中国故事。", "资金来源要合法合规。", "要把群众意见收集整理好，及时反馈。",
]
HEADINGS = ["一、所有工作都要负起责任来", "二、所有工作都要干出成效来", "（一）加强会员服务", "1.抓好订阅发行工作",
            "三是所有积极因素都要充分调动起来。", "第一，统一思想。", "首先，要提高认识。"]
TITLES = ["在节后收心会上的讲话", "在全县安全生产工作会议上的讲话", "在市工商联第五次会员代表大会上的讲话"]

paragraphs = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4).map("".join)
blocks = st.lists(st.one_of(paragraphs, st.sampled_from(HEADINGS), st.just("（掌声）")), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(title=st.sampled_from(TITLES), salutation=st.sampled_from(["同志们：", "各位代表：", "同志们、朋友们："]),
       body=blocks, closing=st.sampled_from(["散会。", "谢谢大家！", "同志们，让我们团结一心，共创美好未来！"]),
       blank=st.booleans())
def test_noise_free_speech_removes_nothing(title: str, salutation: str, body: list[str], closing: str,
                                          blank: bool) -> None:
    gap = "\n\n" if blank else "\n"
    text = title + gap + salutation + "\n" + gap.join(body) + "\n" + closing + "\n"
    result = clean(SourceText(path="t.txt", text=text, encoding="utf-8"))
    assert result.removals == ()
    assert _spoken(result.text) == _spoken(text)


EN_SENTENCES = [
    "We must protect copyright and the rights of creators.", "Fellow citizens, the state of our union is strong.",
    "Download speeds in rural areas have doubled since last year.", "I will not subscribe to the politics of fear.",
    "Page by page, we are writing a new chapter of our history.", "Let us read more, learn more and do more.",
    "Our advertisement industry employs two million people.", "Thank you.", "God bless America!",
    "In 2023 the economy grew by 2.5 percent, and unemployment fell to 3.7 percent.",
]
EN_HEADINGS = ["The Economy", "I. Jobs and Growth", "1. Health care", "(Applause.)"]


def _sections(paragraph: st.SearchStrategy[str], headings: list[str]) -> st.SearchStrategy[list[str]]:
    """Sections as a speech has them: each heading at most once, each followed by one to three paragraphs."""
    return st.lists(st.sampled_from(headings), unique=True, max_size=len(headings)).flatmap(
        lambda hs: st.tuples(*[st.lists(paragraph, min_size=1, max_size=3) for _ in hs], st.lists(paragraph, min_size=1, max_size=3)).map(
            lambda parts: [line for h, ps in zip([*hs, None], [*parts[1:], parts[0]]) for line in ([h] if h else []) + ps]))


@settings(max_examples=100, deadline=None)
@given(body=_sections(st.lists(st.sampled_from(EN_SENTENCES), min_size=1, max_size=3).map(" ".join), EN_HEADINGS))
def test_noise_free_english_speech_removes_nothing(body: list[str]) -> None:
    text = "State of the Union Address\nMr. Speaker, Madam Vice President, members of Congress:\n" + "\n".join(body) + "\n"
    result = clean(SourceText(path="t.txt", text=text, encoding="utf-8"))
    assert result.removals == ()
    assert _spoken(result.text) == _spoken(text)


def test_reads_as_speech() -> None:
    assert reads_as_speech("要发挥党员会员的作用。")
    assert reads_as_speech("We shall fight on the beaches, we shall fight on the landing grounds.")
    assert not reads_as_speech("会员群：")
    assert not reads_as_speech("自建平台、实时分享")


def test_title_block_and_report_lines_are_kept() -> None:
    text = ("政府工作报告\n——2024年3月5日在第十四届全国人民代表大会第二次会议上\n国务院总理 李强\n\n各位代表：\n"
            "过去一年，国内生产总值超过126万亿元，增长 5 个百分点左右。\n"
            "城镇新增就业1244万人，年末城镇调查失业率5.1%。\n"
            "第一，着力扩大国内需求。\n2024年\n谢谢！\n（热烈掌声）\n谢谢！\n")
    result = _clean(text)
    assert result.removals == ()
    assert result.text == text


@pytest.mark.parametrize(
    ("noise", "where"),
    [("All rights reserved. Copyright 2023 Speech Archive", "footer"), ("Subscribe now to continue reading", "body"),
     ("Advertisement", "header"), ("本文档可编辑修改，欢迎下载", "header"), ("资料均来源于网络，如有侵权请联系删除", "footer")],
)
def test_english_and_document_notes(noise: str, where: str) -> None:
    result = _clean(_speech_with(noise, where))
    assert [r.text for r in result.removals] == [noise]


EN_SPEECH = ["Remarks at the Library Opening", "Good morning, everyone.",
             "It is an honor to stand before you today at the opening of the new library, and I am grateful to you.",
             "This library belongs to all of you, and it will serve this town for generations to come.", "Thank you."]


@pytest.mark.parametrize(
    "noise",
    ["Read more: The full text of the speech", "RELATED: Five takeaways from the speech", "Share on Facebook",
     "Sign up for our newsletter", "This transcript has been edited for clarity.", "Click here to download the PDF",
     "Follow us on Twitter @herald", "Transcript courtesy of Rev.com"],
)
def test_english_page_chrome_in_the_body_is_removed(noise: str) -> None:
    # Mid-body, between two speech paragraphs, only a strong rule can take these out.
    result = _clean("\n".join([*EN_SPEECH[:3], noise, *EN_SPEECH[3:]]))
    assert [r.text for r in result.removals] == [noise]
    assert result.text.splitlines() == EN_SPEECH


@pytest.mark.parametrize(
    "near_miss",
    ["I want you to read more, to listen more, and to click less.", "Watch what we do, not what we say, friends.",
     "NASA: we will go to the Moon again, and this time we will stay."],
)
def test_english_near_misses_are_kept(near_miss: str) -> None:
    result = _clean("\n".join([*EN_SPEECH[:3], near_miss, *EN_SPEECH[3:]]))
    assert result.removals == ()


def test_a_transcript_speaker_label_goes_and_the_words_stay() -> None:
    result = _clean("\n".join([*EN_SPEECH[:3], "THE PRESIDENT: Thank you.", *EN_SPEECH[3:]]))
    assert [r.text for r in result.removals] == ["THE PRESIDENT:"]
    assert result.text.splitlines()[3] == "Thank you."


def test_source_note_after_a_sentence_in_a_scraped_line() -> None:
    result = _clean(_speech_with("要坚持人民至上，生命至上。来源：人民网 责任编辑：王五"))
    assert "要坚持人民至上，生命至上。" in result.text.splitlines()
    assert "人民网" not in result.text and "王五" not in result.text


# --- issue 9: families seen on real pages (each with the speech it must not take) -----------------------------------

ISSUE9_NOISE = [
    ("2024-12-12 09:00:02 690", "header", "date stamp"),
    ("首頁 -> 2023年全國兩會 ->最新播報", "header", "web-page chrome"),
    ("精选留言", "footer", "web-page chrome"),
    ("• 本周热门", "footer", "web-page chrome"),
    ("手机版", "header", "web-page chrome"),
    ("（想阅读完全部图文内容，您需要先登陆！）", "footer", "login prompt"),
    ("（未完，全文共1662字，当前显示422字）", "footer", "truncation"),
    ("全文约10497字，请下载后阅读、编辑。", "footer", "truncation"),
    ("（请认真阅读下面的提示信息）", "footer", "truncation"),
    ("收藏《在安委会例会上的讲", "footer", "bookmark"),
    ("公文高手，超级方便的公文写作神器！ 立即了解", "header", "the site's product"),
    ("近500万道试题、20多万套资源、50多万篇作文、60多万篇范文免费使用", "footer", "the site's product"),
    ("温家宝在第65届联大一般性辩论上的讲话（全文）（图）", "header", "news headline"),
    ("人大會議閉幕會 習近平發表重要講話全文", "header", "news headline"),
    ("稿件來源：香港新聞網", "header", "source note"),
    ("圖源：新華社", "header", "photo caption"),
    ("（圖/中央社）", "header", "photo caption"),
    ("【習近平致詞全文】", "header", "full text follows"),
    ("大陸中心/綜合報導", "header", "byline"),
    ("新華社記者 李濤 攝", "header", "photo caption"),
    ("<h3>视频：</h3>", "footer", "HTML"),
    ("p.western { font-family: \"Times New Roman\", serif; font-size: 10pt }", "header", "CSS"),
]


@pytest.mark.parametrize(("noise", "where", "reason"), ISSUE9_NOISE, ids=[n for n, _, _ in ISSUE9_NOISE])
def test_issue9_noise_line_is_removed_with_its_reason(noise: str, where: str, reason: str) -> None:
    result = _clean(_speech_with(noise, where))
    assert result.text == _clean(_speech_with("")).text, result.removals
    assert result.removals and any(reason in r.reason for r in result.removals), result.removals


def test_pinyin_after_a_character_is_cut_and_the_sentence_kept() -> None:
    result = _clean(_speech_with("上海世博會是第一次在發(fā)展中國家舉行的盛會，開創(chuàng)了先河。"))
    assert "上海世博會是第一次在發展中國家舉行的盛會，開創了先河。" in result.text
    assert [r.text for r in result.removals] == ["（fā）", "（chuàng）"]
    assert {r.reason for r in result.removals} == {"reading aid (pinyin)"}


ISSUE9_NEAR_MISSES = [
    "收藏家协会的同志们也来了。",
    "群众办事需要先登录政务平台，我们要简化流程！",
    "全文共分三个部分，我先讲第一部分。",
    "请大家踊跃留言，提出宝贵意见。",
    "今年（2023年）是全面贯彻党的二十大精神的开局之年。",
    "我们要学习(study)，也要实践（practice）。",
    "以下是我们全文学习的三点体会。",
    "全年累计访问企业3000次，解决问题500个。",
    "我们的网站，点击量达到10万次。",
    "要把会议精神分享到基层一线。",
    "新华社记者在现场采访了我们的工人。",
]


@pytest.mark.parametrize("sentence", ISSUE9_NEAR_MISSES)
@pytest.mark.parametrize("where", ["body", "header", "footer"])
def test_issue9_near_miss_speech_is_kept(sentence: str, where: str) -> None:
    result = _clean(_speech_with(sentence, where))
    assert _spoken(sentence.replace("(", "（").replace(")", "）")) in _spoken(result.text), result.removals


def test_traditional_characters_meet_the_same_rules() -> None:
    result = _clean(_speech_with("來源：新華社", "header"))
    assert result.removals and result.removals[0].reason == "source note"
    kept = "我們要發揮來源於群眾的智慧。"
    assert kept in _clean(_speech_with(kept)).text


# --- issue 9: furniture known by its place ---------------------------------------------------------------------------

LEAD = "3月13日上午，十四届全国人大一次会议举行闭幕会，国家主席习近平出席并发表重要讲话。以下为讲话全文："
SPEECH = "各位代表：\n这次大会选举我继续担任国家主席，我对各位代表的信任，表示衷心感谢！\n我们要团结奋斗，开拓创新。\n"


def test_a_news_lead_before_the_salutation_is_removed_and_names_the_speaker() -> None:
    from lectern.text.clean import NEWS_LEAD, speaker_in_lead

    result = _clean(f"新华社北京3月13日电\n{LEAD}\n图源：新华社\n{SPEECH}")
    assert result.text.splitlines()[0] == "各位代表："
    lead = [r for r in result.removals if r.reason == NEWS_LEAD]
    assert len(lead) == 1 and speaker_in_lead(lead[0].text) == "习近平"
    assert speaker_in_lead("中共中央政治局常委、全國人大常委會委員長吳邦國出席儀式并致辭。") == "吳邦國"


def test_a_news_lead_needs_a_known_speech_start_and_is_never_taken_after_it() -> None:
    no_start = "今天，市长王明出席全市工作会议并发表讲话。\n我们要团结奋斗，开拓创新。\n"
    assert _clean(no_start).text == no_start  # nothing says where the speech starts: nothing goes
    after = f"同志们：\n昨天，省长出席全省大会并发表重要讲话。我们要认真学习。\n{SPEECH}"
    assert "昨天，省长出席全省大会并发表重要讲话。" in _clean(after).text


def test_a_compilation_loses_its_title_and_introduction_before_its_first_piece() -> None:
    text = ("2023年支部书记党课讲稿汇编4篇\n党支部书记是党的最基层组织的领头人，既要言传更要身教。\n"
            f"第1篇：2023年支部书记党课讲稿\n{SPEECH}")
    result = _clean(text)
    assert result.text.splitlines()[0] == "2023年支部书记党课讲稿"
    assert "领头人" not in result.text
    assert "compilation item marker" in {r.reason for r in result.removals}


def test_an_outline_under_its_label_is_removed_and_the_speech_kept() -> None:
    text = f"目录/提纲：……\n一、认清形势\n二、明确思路\n{SPEECH}一、认清形势\n我们要认清形势。\n"
    result = _clean(text)
    assert result.text.splitlines()[:1] == ["各位代表："]
    assert result.text.rstrip().endswith("一、认清形势\n我们要认清形势。")


def test_blog_comments_are_removed_to_the_end_and_a_real_count_is_kept() -> None:
    text = f"{SPEECH}祝各位前程似锦。\n1 則留言：\n綜藝咖㊣琳兄 提到...\n愛哭死了 愛哭鬼\n"
    result = _clean(text)
    assert result.text.rstrip().endswith("祝各位前程似锦。")
    kept = f"{SPEECH}我们收到3条意见：\n第一条是关于交通的。\n"
    assert _clean(kept).text == kept


def test_a_header_line_repeating_the_breadcrumb_is_navigation() -> None:
    text = (f"聂荣臻元帅数据库 -- 聂荣臻同志和科技工作\n评论研究\n首页 > 评论研究> 聂荣臻同志和科技工作\n"
            f"努力开创我国科技工作的新局面\n{SPEECH}")
    assert _clean(text).text.splitlines()[0] == "努力开创我国科技工作的新局面"


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("甲：亲爱的同学们，新的学期开始了。", "亲爱的同学们，新的学期开始了。"),
        ("我们向母校致敬（请全体毕业生起立），感谢老师。", "我们向母校致敬，感谢老师。"),
        ("（按活动议程进行）", ""),
        ("●结束语：", ""),
        ("【致辞背景】××市动员大会致辞", ""),
        ("……", ""),
        ("1、市中院2、市检察院3、市公安局4、市司法局 。", ""),
    ],
)
def test_host_script_notes_are_not_spoken(line: str, kept: str) -> None:
    result = _clean(_speech_with(line))
    assert _spoken(result.text) == _spoken(_clean(_speech_with(kept)).text), result.removals
    assert result.removals


@pytest.mark.parametrize("line", ["甲方：乙方要按合同约定按时交付。", "今年（2023年）我们要抓好三件事。",
                                  "1、加强领导，落实责任。2、强化督查，确保实效。", "请大家起立的时候注意安全。"])
def test_host_note_traps_are_speech(line: str) -> None:
    assert _spoken(line.replace("(", "（")) in _spoken(_clean(_speech_with(line)).text)


# --- issue 9: English transcripts ------------------------------------------------------------------------------------


def test_a_labelled_transcript_loses_its_labels_and_the_other_voices() -> None:
    text = ("President Bush: Thank you all. I want you all to know that America today is on bended knee in prayer.\n"
            "Rescue Worker: I can't hear you!\n"
            "President Bush: I can hear you! The rest of the world hears you! And the people will hear all of us soon.\n"
            "Rescue Workers: U.S.A.! U.S.A.!\n"
            "President Bush: Thank you for your hard work, and may God bless America.\n")
    result = _clean(text)
    assert result.text.splitlines() == [
        "Thank you all. I want you all to know that America today is on bended knee in prayer.",
        "I can hear you! The rest of the world hears you! And the people will hear all of us soon.",
        "Thank you for your hard work, and may God bless America."]
    assert {r.reason for r in result.removals} == {"speaker label (transcript)",
                                                   "another voice than the speaker's (transcript)"}


@pytest.mark.parametrize("text", [
    "Mr. Smith: he told me the plant would close. We fought for it, and we won.\nThank you all for coming tonight.\n",
    "My fellow Americans: we meet tonight in a time of trial.\nNote: the figures are from last year.\nThank you.\n",
])
def test_a_colon_in_prose_is_not_a_transcript(text: str) -> None:
    assert _clean(text).text == text


@pytest.mark.parametrize(("line", "kept"), [
    ("10:53 A.M. EST Hello, everybody.", "Hello, everybody."),
    ("I am here to convey a hearty CONGRATULATIONS! (arms raised)", "I am here to convey a hearty CONGRATULATIONS!"),
    ("Office of the Press Secretary", ""),
    ("For Immediate Release", ""),
    ("END", ""),
    ("###", ""),
])
def test_transcript_furniture_is_not_spoken(line: str, kept: str) -> None:
    text = f"Remarks by the President\n\n{line}\nWe meet at a time of great change for our country and the world.\n"
    result = _clean(text)
    assert result.removals
    assert _spoken(result.text) == _spoken(text.replace(line, kept))


@pytest.mark.parametrize("sentence", ["We met at 10:30 this morning.", "The meeting ended at 10:57 and we went home.",
                                      "She raised her hand (and her voice) for us.", "The END of an era is near."])
def test_transcript_furniture_traps_are_speech(sentence: str) -> None:
    text = f"Remarks by the President\n\n{sentence}\nWe meet at a time of great change for our country.\n"
    assert _clean(text).text == text


def test_a_bloggers_preface_before_the_announced_text_is_removed() -> None:
    text = ("看北大最短毕业致辞的感受\n有人说，美好的理想是廉价的。\n而我觉得，理想是昂贵的。\n以下是原文，演讲全文仅535字：\n"
            "致辞：饶毅\n在祝福裹着告诫呼啸而来的毕业季，请原谅我不敢祝愿每一位毕业生都成功。\n")
    result = _clean(text)
    assert result.text.splitlines() == ["看北大最短毕业致辞的感受", "致辞：饶毅",
                                        "在祝福裹着告诫呼啸而来的毕业季，请原谅我不敢祝愿每一位毕业生都成功。"]
    en = ("My Remarks\nOne duty of the Chair is to deliver brief remarks. Below is a copy of the remarks that I delivered.\n"
          "Hello graduates. My name is Jason.\n")
    assert _clean(en).text.splitlines() == ["My Remarks", "Hello graduates. My name is Jason."]


def test_a_speech_that_says_below_keeps_its_words() -> None:
    text = "同志们：\n以下是我的三点意见：\n第一，要统一思想。\nAs you can see below, the remarks of our guests matter.\n"
    assert _clean(text).text == text


def test_a_seller_note_and_page_header_glued_inside_a_sentence_are_cut_and_the_sentence_rejoined() -> None:
    line = "我们要坚持第3页共12页本文格式为Word版，下载后可任意编辑人民至上、生命至上。"
    result = _clean(_speech_with(line))
    assert "我们要坚持人民至上、生命至上。" in result.text
    assert {r.reason for r in result.removals} == {"page header/footer (第N页共M页)", "document-site note (seller)"}


@pytest.mark.parametrize(("line", "kept"), [("文章标题：在全县大会上的讲话", "在全县大会上的讲话"), ("【字號：", ""),
                                            ("翻页", ""), ("【PPT】", ""), ("导语：本文来源于网友上传，仅供参考", "")])
def test_labels_and_presenter_cue_lines(line: str, kept: str) -> None:
    result = _clean(_speech_with(line))
    assert _spoken(result.text) == _spoken(_clean(_speech_with(kept)).text) and result.removals


@pytest.mark.parametrize("line", ["下载后我们要认真编辑宣传材料。", "这个标题：很重要，我们要研究。", "请大家翻页看第二部分。"])
def test_label_and_cue_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


def test_the_first_line_is_never_glued_across_a_removed_line() -> None:
    title = "Remarks by President Biden Before Briefing Regarding the Ongoing Wildfire Season Response and Federal"
    body = "We are going to do everything we can to support the people of the western states this season"
    text = f"{title}\n\n12:01 P.M. EDT\n\nOkay?\n{body}\n{body}\n{body}\n{body} and more.\n"
    assert _clean(text).text.splitlines()[0] == title


def test_a_speaker_leading_points_with_a_colon_is_not_a_transcript() -> None:
    text = ("First: we must build roads and bridges for every town in the state.\n"
            "Second: we must train the workers who will build them.\n"
            "Finally: we must pay for it honestly, without borrowing from our children.\n")
    assert _clean(text).text == text


@pytest.mark.parametrize(("line", "where"), [("首页 工作总结 讲话稿 心得体会 述职报告", "header"), ("首页范文稿件发言稿", "header"),
                                             ("日）", "header"), ("文档编号：ZH-2023-001", "footer"),
                                             ("版权声明：本文内容由互联网用户自发贡献", "footer"),
                                             ('<figure><img src="a.jpg"><figcaption>会场</figcaption></figure>', "body")])
def test_more_page_furniture(line: str, where: str) -> None:
    result = _clean(_speech_with(line, where))
    assert result.text == _clean(_speech_with("")).text, result.removals


def test_the_list_under_a_related_label_goes_to_the_first_sentence() -> None:
    text = _speech_with("") + "相关推荐\n• 在全县安全生产会议上的讲话\n2024年安全生产工作会议讲话稿范文（精选5篇）\n"
    assert _clean(text).text == _clean(_speech_with("")).text
    kept = _speech_with("") + "热门文章\n大家要记住这句话。\n"
    assert "大家要记住这句话。" in _clean(kept).text


@pytest.mark.parametrize("line", ["首页要突出政务公开，方便群众查询。", "我们在2023年12月）的会议上决定了。", "编号要统一规范。"])
def test_more_page_furniture_traps(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


# --- held-out set 2: families seen on unseen pages ------------------------------------------------------------------


@pytest.mark.parametrize(("line", "where"), [
    ("VIP专免", "header"), ("29.33KB", "header"), ("- 37.5 KB |", "header"), ("13 页", "header"), ("- 8页", "header"),
    ("999+", "header"), ("2024-04-05", "header"), ("- 2021-05-08 发布 |", "header"), ("侵权投诉", "header"),
    ("海报", "header"), ("General 更新 2024年04月19日", "header"), ("【篇一】", "header"),
    ("如果喜欢本篇内容，请赞赏鼓励哦！", "footer"), ("尚未有人赏赞，赶紧来一个吧", "footer"), ("请选择打赏类型", "footer"),
    ("¥8.88", "footer"), ("查看更多>>", "footer"), ("本文标题：在区十七届人大五次会议闭幕式上的发言", "footer"),
    ("作者原创，不允许二次传播，一经发现收回会员权益，追究法律责任。", "footer"),
    ('- 2、"仅部分预览"的文档，不可在线预览部分如存在完整性等问题，可反馈申请退款（可完整预览的文档不适用该条件！）。', "header"),
])
def test_document_page_details_tip_jars_and_footers_go(line: str, where: str) -> None:
    result = _clean(_speech_with(line, where))
    assert result.text == _clean(_speech_with("")).text, result.removals


@pytest.mark.parametrize("line", [
    "我们要给予他们充分的赞赏和鼓励。", "去年我们更新了2000台设备，共13页的报告大家都看了。", "全县共有999名党员参加了培训。",
    "要严防疫情二次传播，守好每一道关口。", "这次会议的海报设计得很好，大家要多宣传。", "我们的VIP客户服务要专门做好。",
    "这份文件全文5000字，大家要认真学习。", "网络直播打赏乱象必须整治。",
])
def test_document_page_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


@pytest.mark.parametrize(("line", "kept"), [
    ("在区重点工作攻坚行动推进会上的讲话 （本页约4900+字）", "在区重点工作攻坚行动推进会上的讲话"),
    ("党课：在做好办公室工作中书写人生华章（全文13438字）", "党课：在做好办公室工作中书写人生华章"),
    ("全市上下深入学习贯彻（一个伟人的名字加最高职务，你可以前后对照进行准确替换）系列重要讲话精神。",
     "全市上下深入学习贯彻系列重要讲话精神。"),
    ("我代表（此处填写单位名称）向大家表示感谢。", "我代表向大家表示感谢。"),
    ("（如沒有意見）沒有，通過。", "沒有，通過。"), ("不同意的請舉手。（稍停）沒有（或請放下）。", "不同意的請舉手。沒有。"),
    ("下面，進行第一項，通過大會日程。（宣讀日程）", "下面，進行第一項，通過大會日程。"), ("请工作人员宣读名单，（待宣读完毕）各位委员有什么意见，（稍候）同意的请举手，（稍后观察）手放下。",
                          "请工作人员宣读名单，各位委员有什么意见，同意的请举手，手放下。"),
])
def test_length_notes_writer_notes_and_chair_cues_are_cut_inline(line: str, kept: str) -> None:
    result = _clean(_speech_with(line))
    assert _spoken(kept) in _spoken(result.text) and result.removals, result.removals
    assert _spoken(result.text) == _spoken(_clean(_speech_with(kept)).text)


@pytest.mark.parametrize("line", [
    "这个问题（稍后我还会讲到）大家要高度重视。", "请大家（或者说各位代表）认真审议。", "我们要修改完善（你们可以提出意见）这个方案。",
    "会议期间（如有事请假）要履行手续。", "今天我宣读表彰决定，希望大家向先进学习。",
])
def test_chair_cue_and_writer_note_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


def test_the_sites_introduction_before_the_salutation_goes_whole() -> None:
    intro = "毕业典礼是一个重要的社交活动，学生们可以一起庆祝。请看以下是小编为大家整理的范文精选，供大家参考。"
    result = _clean(f"{TITLE}\n{intro}\n{OPENING}\n{CLOSING}\n")
    assert result.text == _clean(_speech_with("")).text.replace("\n\n", "\n"), result.removals
    assert any(r.reason.startswith("the site's introduction") for r in result.removals)


def test_a_site_voice_sentence_in_the_body_takes_only_itself() -> None:
    line = "新媒体中心的同志们辛苦了，大家要把工作做细。希望本文对你有所帮助。"
    result = _clean(_speech_with(line))
    assert "新媒体中心的同志们辛苦了，大家要把工作做细。" in result.text
    # no salutation in the head: the start of the speech is unknown, so only the site's own sentence goes
    head = f"{TITLE}\n毕业典礼是一个重要的社交活动，学生们可以一起庆祝。以下是小编整理的范文。\n今天我们召开大会。\n"
    assert "毕业典礼是一个重要的社交活动，学生们可以一起庆祝。" in _clean(head).text


_CHUNK_A = "县政协八届二次会议预备会主持词 各位委员：" + "各项筹备工作已就绪，明天就要开幕了。" * 12 + "请工作人员宣读大会秘"
_CHUNK_B = "书名单（草案），各位委员对这一名单有什么意见请发表。" + "同意的请举手，手放下。" * 10 + "一致通过。"


def test_a_document_page_in_numbered_chunks_loses_the_numbers_and_is_glued_where_a_chunk_cut_a_word() -> None:
    result = _clean(f"1、{_CHUNK_A}\n2、{_CHUNK_B}\n")
    assert "请工作人员宣读大会秘书名单（草案）" in result.text
    assert not result.text.startswith("1、") and "2、" not in result.text
    assert [r.text for r in result.removals if r.reason.startswith("chunk number")] == ["1、", "2、"]


@pytest.mark.parametrize("text", [
    # a speech's own numbered points end their sentences
    f"1、{_CHUNK_A}。\n2、{_CHUNK_B}\n",
    # a title or a salutation above: not the whole text in chunks
    f"在全县大会上的讲话\n1、{_CHUNK_A}\n2、{_CHUNK_B}\n",
    # numbers out of order, or short points
    f"1、{_CHUNK_A}\n3、{_CHUNK_B}\n", "1、要统一思想\n2、要狠抓落实。\n",
])
def test_numbered_points_of_a_speech_are_not_chunks(text: str) -> None:
    result = _clean(text)
    assert not any(r.reason.startswith("chunk number") for r in result.removals)
    assert "2、" in result.text or "3、" in result.text


# --- held-out pages (news agencies, Traditional government pages, transcripts) ------------------------------------


@pytest.mark.parametrize(("line", "where"), [
    ("以下是行政長官林鄭月娥今日(一月三十一日)發表的農曆新年賀辭全文:", "header"),
    ("以下為署理行政長官唐英年於六月二日會見新聞界的談話全文(中文部分):", "header"),
    ("跳至主要內容", "header"),
    ("跳到主要内容", "header"),
    ("Skip to main content", "header"),
    (":::", "header"),
    ("T+", "header"),
    ("A-", "header"),
    ("返回", "footer"),
    ("李家超宣誓就任 就職典禮致辭全文來了! 【同期】香港特區第六任行政長官 李家超", "header"),
    ("【同期】市长 王建国", "header"),
    ("*******************", "header"),
    ("2022年1月31日(星期一)", "footer"),
    ("香港時間12時45分", "footer"),
    ("即日新聞", "footer"),
    ("圖片", "footer"),
    ("網上廣播", "footer"),
    ("2022年10月23日，习近平在北京人民大会堂同中外记者亲切见面。这是习近平向在场的中外记者挥手致意。 新华社记者 庞兴雷/摄",
     "body"),
    ("10月23日,李强、赵乐际在人民大会堂出席会议。新华社记者 李学仁 摄", "body"),
])
def test_held_out_page_furniture_goes(line: str, where: str) -> None:
    result = _clean(_speech_with(line, where))
    assert _spoken(result.text) == _spoken(_speech_with("", where)), line
    assert result.removals


@pytest.mark.parametrize("line", [
    "以下是我要讲的三点意见，请大家认真领会全文。",  # a sentence that mentions 全文
    "我们要以下面是否落实为标准：凡是全文学习过的，都要交心得。",
    "返回家乡的大学生，是我们乡村振兴的生力军。",
    "2022年10月23日，我在北京同记者见面，记者王强摄下了这一幕。",  # a date and 摄, but a sentence of the speech
    "跳到主要内容之前，我先讲一点体会。",
    "T+1 结算制度要继续完善。",
    "2022年1月31日（星期一），我们在这里召开会议。",
    "北京时间12时45分，神舟飞船成功发射。",
    "图片和视频都要经过审核再发布。",
    "同期相比，我们的讲话全文来了个大调整，大家要认真学习。",
    "【同期】声音要清楚。",
])
def test_held_out_furniture_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


def test_a_transcript_with_labels_in_capitals_loses_the_other_voices() -> None:
    text = ("THE PRESIDENT:  Thank you.  Thank you very much.  It is a great honor to be here tonight with you.\n"
            "And to my fellow citizens, America is back.  We have a lot of work ahead of us this year.\n\n"
            "AUDIENCE:  USA!  USA!  USA!\n\n"
            "THE PRESIDENT:  Six weeks ago, I stood beneath the dome of this Capitol and spoke to the nation.\n"
            "We have accomplished more than most administrations accomplished in four years.\n\n"
            "REPRESENTATIVE GREEN:  He has no mandate.\n\n"
            "THE PRESIDENT:  Thank you.  God bless you.  And God bless America.\n")
    result = _clean(text)
    spoken = result.text
    assert "USA!" not in spoken and "mandate" not in spoken and "AUDIENCE" not in spoken
    assert "America is back." in spoken and "God bless America." in spoken and "Six weeks ago" in spoken
    assert "another voice than the speaker's (transcript)" in {r.reason for r in result.removals}


def test_a_speech_with_one_capital_label_keeps_every_line() -> None:
    # One label only (THE PRESIDENT:) is no dialogue: a short line is never taken as another voice.
    text = ("THE PRESIDENT:  Thank you all for being here today.\n"
            "Okay?\n"
            "It's real.\n"
            "We will rebuild these communities, and we will do it together.\n")
    spoken = _clean(text).text
    assert "Okay?" in spoken and "It's real." in spoken and "THE PRESIDENT" not in spoken


MENU_PAGE = ("行政長官香港特別行政區\nEnglish简体列印預設字體大小較大的字體最大的字體\n主頁\n簡歷\n政綱\n新聞稿\n演辭和文章\n"
             "圖片和短片\n行政會議\n相關連結\n聯絡\n網頁指南\n \n特首網誌\n \n香港政府一站通\n \n"
             "符合萬維網聯盟有關無障礙網頁設計指引中2A級別的要求\n\n新年祝願\n\n"
             "今日是2013年的第一日，我衷心祝願大家新一年事事順利、身體健康、生活愉快。\n"
             "我盼望香港的經濟可以有比較高速度的增長。\n")


def test_a_navigation_menu_above_the_speech_goes_and_its_title_stays() -> None:
    result = _clean(MENU_PAGE)
    assert result.text.splitlines()[0] == "新年祝願"
    assert "主頁" not in result.text and "行政會議" not in result.text and "一站通" not in result.text
    assert "今日是2013年的第一日" in result.text


@pytest.mark.parametrize("head", [
    # A poem recited before the speech: short lines with no menu word.
    "春天来了\n花儿开了\n燕子回来了\n田野绿了\n孩子们笑了\n\n在春季运动会上的讲话\n\n",
    # A title block after a short-lined program: two menu words are needed, and the title block stays.
    "首页\n上午\n下午\n晚上\n夜里\n\n在全县安全生产工作会议上的讲话\n2024年3月5日\n张明\n\n",
])
def test_short_lines_without_a_menu_stay(head: str) -> None:
    text = head + "同志们：\n今天我们召开会议，主要任务是部署下一阶段工作。\n"
    result = _clean(text)
    for line in head.split("\n"):
        if line.strip() and not (line == "首页"):
            assert line in result.text, line


def test_a_menu_takes_the_site_lines_but_not_the_title_block() -> None:
    text = ("网站首页\n主页\n学校简介\n新闻中心\n联系我们\n网页指南\n\n在全县安全生产工作会议上的讲话\n（2024年3月5日）\n张明\n\n"
            "同志们：\n今天我们召开会议，主要任务是部署下一阶段工作。\n")
    result = _clean(text)
    assert result.text.splitlines()[:3] == ["在全县安全生产工作会议上的讲话", "（2024年3月5日）", "张明"]
    assert "联系我们" not in result.text


def test_a_chinese_dialogue_loses_its_labels_and_the_other_voices() -> None:
    text = ("戚本禹：蒯大富，听说你支持刘刚拆中学红代会的台的大字报？\n"
            "蒯大富：没有看这张大字报。\n"
            "戚本禹：原来大家对你的意见很好。现在为什么对你有这么大意见？今天中央文革小组派我们来讲讲意见，总的意见经过讨论，"
            "具体讲法没一块讨论过，仅供你们参考，有意见就不要在这儿讨论了，下去讨论。\n"
            "群众：蒯大富可以代表刘刚。\n"
            "戚本禹：不要这么说。这并不是压制民主，对的接受，不对的可以不听。\n")
    result = _clean(text)
    assert "蒯大富：" not in result.text and "群众" not in result.text and "戚本禹：" not in result.text
    assert "这并不是压制民主，对的接受，不对的可以不听。" in result.text
    assert result.text.startswith("蒯大富，听说你支持")


@pytest.mark.parametrize("body", [
    # points led by 一是：/二是：/三是：, each once: an outline, not a dialogue
    "一是：加强领导，落实责任。\n二是：强化督查，确保实效。\n三是：严格考核，奖惩分明。\n",
    # a story told with quotations: 他说：“…” is said by the speaker
    "老支书说：“我们村要富起来。”\n他说：“大家跟我干。”\n老支书说：“不干就没有出路。”\n群众说：好！\n老支书说：干！\n",
    # labels that never come back: a list of roles with their tasks
    "组长：负责全面工作，统筹协调各项任务的落实。\n副组长：协助组长抓好日常工作。\n成员：按照分工抓好落实。\n",
])
def test_chinese_colons_that_are_not_a_dialogue_keep_every_line(body: str) -> None:
    result = _clean(f"{TITLE}\n\n同志们：\n{body}谢谢大家！\n")
    assert _spoken(body) in _spoken(result.text)


@pytest.mark.parametrize(("line", "where"), [("发言稿2018-06-11李一老师", "header"), ("2018-06-11 10:05 张老师", "header")])
def test_a_posts_byline_glued_to_its_date_goes(line: str, where: str) -> None:
    result = _clean(_speech_with(line, where))
    assert result.text == _clean(_speech_with("")).text, result.removals


def test_a_wechat_id_written_with_a_space_goes_and_a_speech_naming_wechat_stays() -> None:
    line = "我们要把工作做好。【更多公文素材，微信：dada wk01】"
    assert "dada" not in _clean(_speech_with(line)).text
    kept = "要用好微信：群众办事更方便，政务服务更高效。"
    assert _spoken(kept) in _spoken(_clean(_speech_with(kept)).text)


@pytest.mark.parametrize(("line", "kept"), [("请各班代表依次上台领取。（播放背景音乐）", "请各班代表依次上台领取。"),
                                            ("让我们一起唱响《毕业歌》！（合唱《毕业歌》）", "让我们一起唱响《毕业歌》！")])
def test_music_and_singing_cues_are_cut(line: str, kept: str) -> None:
    result = _clean(_speech_with(line))
    assert _spoken(result.text) == _spoken(_clean(_speech_with(kept)).text), result.removals


@pytest.mark.parametrize("line", ["这部短片（播放量超过一亿）很受欢迎。", "学校的合唱团（共有六十人）获得了金奖。"])
def test_music_cue_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


def test_a_compilation_item_in_brackets_marks_the_first_piece() -> None:
    text = "毕业酒会领导致辞7篇\n毕业酒会领导致辞（篇1）\n亲爱的同学们：\n上午好！今天我们欢聚这里。\n"
    result = _clean(text)
    assert result.text.splitlines() == ["亲爱的同学们：", "上午好！今天我们欢聚这里。"]


# --- held-out round 2 (zh): a blog post's footer, the comment box's login prompt, the title said again ------------


@pytest.mark.parametrize("line", [
    "本文2020-05-08 11:13:44发表“党会党课”栏目。",
    "本文于2021年3月5日发布在“讲话稿”分类",
    "本文2019/12/01由管理员发表于《领导讲话》栏目",
    "您需要登录后才可以发表评论， 登录 或者 注册",
    "请登录后评论",
    "登录后才能发表评论",
])
def test_a_post_footer_and_the_comment_login_prompt_go(line: str) -> None:
    result = _clean(_speech_with(line, "footer"))
    assert result.text == _clean(_speech_with("")).text, result.removals


@pytest.mark.parametrize("line", [
    "本文2020年下半年发表的数据显示，全县粮食产量稳中有升。",
    "用户必须实名登录后才能发表评论，这是网络治理的基本要求。",
    "群众需要登录后才可以办理业务，我们要把流程再简化。",
    "本文件自2020年5月8日起施行。",
])
def test_post_footer_traps_are_speech(line: str) -> None:
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


def test_the_page_title_said_again_after_the_speech_goes_even_when_it_reads_as_a_clause() -> None:
    title = "过好“政治生日”主题党课讲稿"
    text = f"{title}\n{title}\n同志们：\n今天我们一起学习。\n一、要牢记入党誓词\n誓词就是承诺。\n{title}\n点击下载\n"
    result = _clean(text)
    assert result.text.splitlines() == [title, "同志们：", "今天我们一起学习。", "一、要牢记入党誓词", "誓词就是承诺。"]


def test_a_title_worded_line_that_is_not_the_title_stays() -> None:
    # a line that merely looks like a title, said twice in the body, is not the page's title
    text = f"{TITLE}\n\n{OPENING}\n会议的主题是“安全生产”主题报告\n大家要认真学习。\n会议的主题是“安全生产”主题报告\n{CLOSING}\n"
    assert _spoken(_clean(text).text).count("会议的主题是“安全生产”主题报告") == 2
    # the title's words said in a sentence of the speech are the speech's
    line = f"今天是{TITLE}。"
    assert _spoken(line) in _spoken(_clean(_speech_with(line)).text)


# --- held-out round 2 (English): transcripts' time codes and turn heads, music cues, a speech page's fields -------

_EN_BODY = ["Good morning, everyone.",
            "It is an honor to stand before you today, and I am grateful to you.", "Thank you."]


@pytest.mark.parametrize("code", ["00:00:05", "0:01:13.6", "[00:01:23]", "(01:23)", "12:04",
                                  "00:00:01,000 --> 00:00:04,000", "2:01 pm", "10:53 a.m."])
def test_a_line_of_only_a_time_code_goes(code: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], code, *_EN_BODY[1:]]))
    assert code not in result.text and _spoken(_EN_BODY[1]) in _spoken(result.text), result.removals


@pytest.mark.parametrize("kept", ["At 10:30 we will open the doors, and at 11:00 the first class begins.",
                                  "10:30 is when the doors open, and the first class begins at 11:00.",
                                  "John 3:16 is the verse my mother taught me."])
def test_a_time_of_day_in_a_sentence_stays(kept: str) -> None:
    assert _spoken(kept) in _spoken(_clean("\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]])).text)


def test_a_podcast_turns_time_code_and_bold_name_go_and_every_voice_stays() -> None:
    text = ("(Intro music: Electroswing)\n\n"
            "0:00:14.3 **Adam Garrett-Harris** So, welcome to BookBytes, episode who knows?\n\n"
            "0:00:20.2 **Jen Luker** Episode three, I think. It has been a long month for all of us.\n\n"
            "0:00:22.6 **Adam Garrett-Harris** So, today we are talking about Apprenticeship Patterns.\n\n"
            "0:00:30.0 **Jen Luker** I am Jen Luker, and I read the first two chapters twice this week.\n\n"
            "0:00:47.2 **Jason Staten & Jen Luker** (laughing)\n\n"
            "0:01:13.6 I specifically liked that Io was called out because it is a prototype language.\n\n"
            "(Exit Music: Electroswing)\n")
    result = _clean(text)
    spoken = result.text
    for gone in ("0:00:14.3", "**", "Adam Garrett-Harris", "0:01:13.6", "Electroswing"):
        assert gone not in spoken, (gone, result.removals)
    for kept in ("So, welcome to BookBytes, episode who knows?", "Episode three, I think.",
                 "I am Jen Luker, and I read", "I specifically liked that Io was called out"):
        assert kept in spoken


@pytest.mark.parametrize("line", ["**Jane Doe:** Thank you all for coming tonight.",
                                  "**Q:** What did you learn from the first year?"])
def test_a_bold_label_with_its_colon_goes(line: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], line, *_EN_BODY[1:]]))
    assert "**" not in result.text and line.split("** ", 1)[1] in result.text


@pytest.mark.parametrize("line", ["**Thank you** all for coming tonight, it means a great deal to me.",
                                  "**Never** again will we let this happen to a child in our town."])
def test_a_bold_phrase_opening_a_sentence_is_speech(line: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], line, *_EN_BODY[1:]]))
    assert not [r for r in result.removals if "speaker" in r.reason], result.removals


@pytest.mark.parametrize("cue", ["[Music]", "(music fades)", "(Intro music: Electroswing)", "[Outro Music]",
                                 "(Exit Music: Electro swing)"])
def test_a_music_cue_line_goes(cue: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], cue, *_EN_BODY[1:]]))
    assert cue not in result.text, result.removals


@pytest.mark.parametrize("kept", ["The music of this town is the sound of its children laughing.",
                                  "(And yes, the music was far too loud.)",
                                  "We played music: jazz, blues and the old songs of the valley."])
def test_music_in_a_sentence_stays(kept: str) -> None:
    assert _spoken(kept) in _spoken(_clean("\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]])).text)


def test_a_speech_pages_fields_and_delivery_note_go() -> None:
    text = "\n\n".join([
        "Prime Minister's statement: 2 September 2019",
        "Prime Minister Boris Johnson delivered the following statement on Downing Street.",
        "From:", "Prime Minister's Office, 10 Downing Street and The Rt Hon Boris Johnson MP",
        "Delivered on:", "2 September 2019 (Transcript of the speech, exactly as it was delivered)",
        "Five weeks ago I spoke to you from these steps.", "CHECK AGAINST DELIVERY",
        "And so I am proud to say that we are going to set out the most ambitious spending round in a decade.",
    ])
    result = _clean(text)
    for gone in ("delivered the following", "From:", "Rt Hon", "Delivered on:", "2 September 2019 (",
                 "exactly as it was delivered", "CHECK AGAINST"):
        assert gone not in result.text.split("\n", 1)[1], (gone, result.removals)
    assert "Five weeks ago I spoke to you from these steps." in result.text
    assert "the most ambitious spending round in a decade." in result.text


@pytest.mark.parametrize("kept", ["From: the people of this valley, to the people of the world, we send our thanks.",
                                  "Check against delivery, my old boss used to say, and he was right about that.",
                                  "I delivered the following promise to my mother: I would finish school."])
def test_speech_field_traps_are_speech(kept: str) -> None:
    text = "\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]])
    assert _spoken(kept) in _spoken(_clean(text).text)


def test_a_preface_in_the_third_person_goes_and_a_speaker_quoting_a_statement_stays() -> None:
    preface = "Penny Mordaunt – 2018 Speech at Global Disability Summit\n\n" \
              "The statement made by Keir Starmer, the Prime Minister, on 19 January 2025.\n\n"
    result = _clean(preface + "\n".join(_EN_BODY))
    assert "statement made by" not in result.text and _EN_BODY[1] in result.text
    quoting = ["Good morning, everyone.", "It is an honor to stand before you today, and I am grateful to you.",
               "Yesterday Minister Smith delivered the following statement, and I quote it to you in full:",
               "We will not rest until every child in this town can read.", "Thank you."]
    assert _spoken("".join(quoting)) == _spoken(_clean("\n".join(quoting)).text)


def test_a_markdown_links_words_are_said_and_its_address_is_not() -> None:
    line = ("He has been on the [JavaScript Jabber](https://devchat.tv/js-jabber) podcast, and now he does "
            "[Soft Skills Engineering](https://softskills.audio/), which I really enjoy.")
    result = _clean("\n".join([_EN_BODY[0], line, *_EN_BODY[1:]]))
    assert "He has been on the JavaScript Jabber podcast, and now he does Soft Skills Engineering, which I really " \
           "enjoy." in result.text
    assert "http" not in result.text and "](" not in result.text


@pytest.mark.parametrize("kept", ["The list [a, b and c] is short, and I will read it to you in full today.",
                                  "Visit https://example.org for the agenda of the meeting."])
def test_brackets_and_bare_addresses_are_not_markdown_links(kept: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]]))
    assert not [r for r in result.removals if "Markdown" in r.reason]


def test_a_transcripts_words_between_time_codes_are_never_an_ad_block() -> None:
    lines = ["00:00:01", "I am so proud of each and every one of", "00:00:05", "you we are here today because every",
             "00:00:09", "single one of you stood tall and said", "00:00:13", "yes we", "00:00:13",
             "can yes we can learn yes we can succeed", "00:00:18", "fulfill", "00:00:32"]
    result = _clean("\n".join(lines))
    words = [ln for ln in lines if not ln.startswith("00:")]
    assert _spoken("".join(words)) == _spoken(result.text), result.removals


@pytest.mark.parametrize("note", ["(inaudible)", "(Inaudible.)", "[crosstalk 00:12:03]", "(Sighs)", "(video plays)",
                                  "[unintelligible]", "(clears throat)"])
def test_a_transcribers_note_goes_and_the_sentence_around_it_stays(note: str) -> None:
    line = f"We will build this bridge {note} together, and we will pay for it."
    result = _clean("\n".join([_EN_BODY[0], line, *_EN_BODY[1:]]))
    assert note not in result.text and "together, and we will pay for it." in result.text, result.removals


@pytest.mark.parametrize("line", ["Transcript:", "Full transcript", "Share this", "Tweet", "Print", "Back to top",
                                  "Leave a comment", "Related Posts", "Tags: speeches, commencement",
                                  "Categories: White House News", "Posted in Speeches"])
def test_an_english_pages_buttons_and_labels_go(line: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], _EN_BODY[1], line, _EN_BODY[2]]))
    assert line not in result.text, result.removals


@pytest.mark.parametrize("kept", ["Facebook connects people, and that is why I am here.", "Print is not dead.",
                                  "Share the load, share the joy.", "Search your hearts.",
                                  "Posted in the mail, my letter reached her a week later.",
                                  "Tags: they are what we put on luggage, and on people.",
                                  "He was inaudible, but we knew what he meant.",
                                  "(And the video plays on in my mind to this day.)"])
def test_english_chrome_and_transcriber_traps_are_speech(kept: str) -> None:
    assert _spoken(kept) in _spoken(_clean("\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]])).text)


def test_a_line_of_only_a_label_and_a_transcribers_note_goes_whole() -> None:
    text = "\n".join(["THE PRESIDENT: Thank you all for being here tonight, it is good to see you.",
                      "AUDIENCE MEMBER: (Inaudible.)",
                      "THE PRESIDENT: We will build this bridge together, and we will pay for it.",
                      "THE PRESIDENT: Thank you, and God bless you all."])
    result = _clean(text)
    assert "AUDIENCE" not in result.text and "Inaudible" not in result.text, result.removals
    assert "We will build this bridge together" in result.text


def test_a_turn_with_only_a_time_code_goes_on_the_voice_before_it() -> None:
    text = "\n\n".join(["0:00:12.9 **Adam Garrett-Harris** Hello and welcome to the show. This week it is just the two of us.",
                        "0:00:27.3 **Jason Staten** Yeah.",
                        "0:00:28.1 **Adam Garrett-Harris** So, this is one that I have wanted to do since we started. "
                        "I think you might have mentioned it, or maybe I did, I do not know, but it always intrigued me.",
                        "0:00:38.0 **Jason Staten** I think I mentioned it every time that we had a gap.",
                        "0:01:13.6 I specifically liked that Io was called out because it is a prototype language.",
                        "0:01:49.9 That is kind of my reason for even wanting to look at the book.",
                        "0:02:10.0 **Adam Garrett-Harris** Okay. Let us start with Ruby, then, and see how far we get "
                        "today before we run out of time, because there is a lot in this chapter to talk about."])
    spoken = _clean(text).text
    assert "I specifically liked that Io was called out" in spoken and "That is kind of my reason" in spoken


@pytest.mark.parametrize("note", ["[AUTHENTICITY CERTIFIED: Text version below transcribed directly from audio.]",
                                  "[Editor's note: This transcript has been lightly edited for clarity.]",
                                  "Tag: Speeches"])
def test_an_editors_note_in_brackets_and_a_tag_line_go(note: str) -> None:
    result = _clean("\n".join([_EN_BODY[0], note, *_EN_BODY[1:]]))
    assert note not in result.text, result.removals


@pytest.mark.parametrize("kept", ["[Note: this is the part where I tell you a secret.] And the secret is simple.",
                                  "I wrote a note: thank you, and I meant every word of it."])
def test_a_note_inside_a_speech_line_stays(kept: str) -> None:
    assert _spoken(kept) in _spoken(_clean("\n".join([_EN_BODY[0], kept, *_EN_BODY[1:]])).text)
