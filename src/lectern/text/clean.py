"""Text → the speech alone: take out what download sites add, and say why for every cut.

A cleaner that drops a sentence of the speech is worse than one that leaves a noise line (formats-and-norms.md), so
the design is conservative and reviewable:

- Noise is recognised by an ordered, declarative table of :class:`Rule` s (:data:`RULES`), one family per block,
  each with the reason shown to the user. No rule is a literal match on the example speech.
- A *strong* rule names something a speech never contains (a QQ number, a URL, ``第1页共21页``, ``举报倒卖``): it
  removes the sentence it is in, even a sentence-shaped one. A *weak* rule names a word ads use but speeches may
  too (``会员``, ``订阅``, ``免费``): it removes a line only when the line does not read as speech *and* sits outside
  the speech body (the header before the first speech line, the footer after the last) or right next to a line a
  strong rule removed. "要发挥党员会员的作用。" is therefore never touched.
- A line is cut into segments (at whitespace next to Chinese and after sentence ends). A watermark glued after a
  space, or one noise sentence inside a paragraph, is cut out with its own :class:`Removal`; the speech around it
  stays. A line goes only when every segment in it is noise.
- Context rules run after the table: an ad block before the title (unmarked lines boxed in by removed lines), a
  brand named in a removed credit line (``酷乐文行整理，咨询QQ…`` teaches that ``酷乐文行`` is a brand), and lines
  repeated as page headers/footers.
- ``--keep PATTERN`` protects matching lines from everything; ``--rules FILE`` adds rules (:func:`load_rules`).

Hard-wrapped lines are joined only after removal (:func:`lectern.text.ingest.join_hard_wraps`), so a page footer between
the halves of a sentence is gone before the halves are rejoined.
"""

from __future__ import annotations

import re
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from lectern.text import placeholders
from lectern.text.hanzi import simplified
from lectern.config import read_toml
from lectern.errors import ConfigError, ScriptError
from lectern.text.ingest import HEADING_RE, ends_sentence, is_wrapped_fragment, join_hard_wraps, wrap_width
from lectern.model import CleanScript, Removal, SourceText

Scope = Literal["line", "segment", "inline"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One noise pattern and the reason shown when it removes something.

    ``scope``: ``"segment"`` removes the sentence/whitespace-separated piece that matches (the whole line if nothing
    else in it is speech); ``"line"`` removes the whole line; ``"inline"`` cuts just the matched text.
    ``strong``: see the module docstring; weak rules never remove a line that reads as speech.
    """

    name: str
    pattern: re.Pattern[str]
    reason: str
    scope: Scope = "segment"
    strong: bool = True


def _rule(name: str, pattern: str, reason: str, scope: Scope = "segment", strong: bool = True) -> Rule:
    if pattern.startswith("(?i)"):  # scoped, so the rules can be combined into one pre-filter (see _Table)
        pattern = f"(?i:{pattern[4:]})"
    return Rule(name, re.compile(pattern), reason, scope, strong)


_H = "\u4e00-\u9fff"
_SPEAKER_LABEL = "speaker label (transcript)"
SITE_VOICE = "document-site note (the site speaking to its reader)"
TITLE_FOOTER = "web-page chrome (the page's title label)"
FULL_TEXT_LEAD = "news lead (the full text follows)"
PREFACE = "a preface before the text it announces"
SPEECH_FIELD = "web-page chrome (the speech page's field)"
TIME_CODE = "time code (transcript)"
_SITE_WORDS = "文库|文档网|范文网|资料网|文秘网|公文网|秘书网|材料网|写作网|范文大全|文档下载|文稿网|写作吧|笔杆子"

# A recording's time code: 0:00:14.3, 00:01:23, 01:23, 00:00:01,000; bracketed or not ([00:01:23], (01:23)).
_TC = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TC_B = rf"(?:\[{_TC}\]|\({_TC}\)|{_TC})"
# At a line's start, before words: H:MM:SS (two colons) or bracketed; "10:30 is when we start" is a sentence.
_TC_LEAD = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?|\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?\]"
# A name in bold: capitalised words (Adam Garrett-Harris, Jen Luker & Safia Abdalla, Dr. Jane Doe), at most six.
_BOLD_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:&|and|[A-Z][\w.'’-]*)){0,5}"

# A transcriber's note in brackets, with or without its time code ((inaudible), [crosstalk 00:12:03], (Sighs),
# (video plays)): what the tape did, never what the speaker says. On a line with only a label (AUDIENCE MEMBER:
# (Inaudible.)), the line goes whole.
_TNOTE = (r"(?i:[(\[]\s*(?:inaudible|unintelligible|indiscernible|crosstalk|cross-talk|off[- ]mic(?:rophone)?"
          r"|audio (?:cuts out|gap|drops)|video (?:plays|clip|begins|ends|playing)|sighs|chuckles|coughs"
          r"|clears (?:his |her )?throat|overlapping (?:voices|speech)|no audio|technical difficulties)"
          r"(?:\s*[,;]?\s*(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)?\s*\.?\s*[)\]])")

#: The built-in table, in the order it is tried; the first matching rule gives the reason. Families follow
#: formats-and-norms.md ("Download-site noise"). Weak rules come after the strong ones of their family.
RULES: tuple[Rule, ...] = (
    # --- page headers and footers: a speech never says its own page number ------------------------------------
    _rule("page-of", r"第\s*\d{1,4}\s*页\s*[,，/、]?\s*共\s*\d{1,4}\s*页", "page header/footer (第N页共M页)", "inline"),
    # Anchored rules use scope "line": a lone "5" between spaces inside a sentence is not a page number.
    _rule("page-of-en", r"(?i)^page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", "page header/footer (Page N of M)", "line"),
    _rule("page-dash", r"^[-—–]\s*\d{1,4}\s*[-—–]$", "page number (- N -)", "line"),
    _rule("page-slash", r"^\d{1,4}\s*/\s*\d{1,4}$", "page number (N/M)", "line"),
    _rule("page-bare", r"^(?:第\s*\d{1,4}\s*页|共\s*\d{1,4}\s*页|\d{1,3})$", "page number", "line"),
    # --- contact lines: a speech never gives a QQ number, a WeChat ID or a mobile number ------------------------
    _rule("qq", r"(?i)(?:QQ|扣扣|企鹅)\s*(?:群|号|群号)?\s*[:：]?\s*\d{5,12}", "contact line (QQ number)"),
    _rule("qq-group", r"(?i)(?:免费|交流|会员|加入|进|加)\s*QQ\s*群", "contact line (QQ group ad)"),
    _rule("wechat-id", r"(?i)(?:微信|weixin|wechat|VX|V信|威信|薇信)\s*(?:号|ID)?\s*[:：]\s*[A-Za-z](?:[\w-]|\s(?=[\w-])){4,}",
          "contact line (WeChat ID)"),
    _rule("wechat-add", r"(?i)(?:加|添加|联系)\s*(?:微信|VX|V信|薇信|威信)(?![\u4e00-\u9fff]{0,2}(?:群众|平台|工作))",
          "contact line (add on WeChat)"),
    _rule("mobile", r"(?<!\d)1[3-9]\d{9}(?!\d)", "contact line (mobile number)"),
    _rule("phone", r"(?:电话|热线|手机|联系方式|Tel|TEL|tel)\s*[:：]\s*[\d(（][\d\s()（）-]{6,}", "contact line (phone)"),
    _rule("email", r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+\.[A-Za-z]{2,}|邮箱\s*[:：]",
          "contact line (e-mail)"),
    _rule("service", r"(?:联系|咨询|添加)客服|客服\s*(?:QQ|微信|电话)", "contact line (customer service)"),
    # --- brand and watermark lines -------------------------------------------------------------------------------
    # A Markdown link in a plain-text transcript ([JavaScript Jabber](https://devchat.tv/js-jabber)): its words are
    # said, its brackets and address are not (cut before the web-address rule takes the whole sentence).
    _rule("md-link", r"\[(?=[^\[\]\n]{1,120}\]\((?:https?://|www\.)[^()\s]{1,300}\))|\]\((?:https?://|www\.)[^()\s]{1,300}\)",
          "link address (Markdown)", "inline"),
    _rule("url", r"(?i)https?://\S+|www\.[\w-]+\.\S+", "watermark (web address)"),
    # A bare domain is a watermark only when it stands alone: "Companies like Amazon.com…" is a sentence.
    _rule("domain", r"(?i)^\W{0,3}[a-z0-9-]{2,}(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|cc|top|vip)(?:\.cn)?\W{0,3}$",
          "watermark (web address)"),
    # Segment rules start with their literal words (the piece goes whole, so no span is needed): fast on long lines.
    _rule("doc-site", rf"(?:{_SITE_WORDS})", "watermark (document-site name)"),
    _rule("credit", r"(?:整理|收集|编辑|制作)(?:发布|上传|分享|提供)|整理[，,、\s]*(?:咨询|联系|QQ|qq|微信|加|欢迎)",
          "watermark (credit of the uploader)"),
    _rule("copyright", r"版权所有|版权声明|版权归|侵权必究|如有侵权|侵删|联系删除|转载请注明|未经(?:授权|许可)[，,]?(?:禁止|不得|严禁)转载"
          r"|(?i:all rights reserved)|©|(?i:copyright)\s*(?:©|\(c\)|\d{4})"
          r"|(?:不允许|禁止|严禁|不得)二次(?:传播|转载|分发)|收回会员权益", "watermark (copyright notice)"),
    _rule("site-tag", r"【[^】\n]{0,8}(?:文档|范文|资料|精品|推荐|会员|下载|原创|纠错|打印|关闭|收藏|分享)[^】\n]{0,8}】",
          "watermark (site tag)", "inline"),
    _rule("site-voice", r"小编|感谢(?:您|你)?的?阅读|(?:希望|但愿)(?:本文|以上内容|这篇文章)?(?:能)?对(?:您|你)有所?帮助|本文档格式为"
          r"|下载(?:后|即可)(?:编辑|使用)", SITE_VOICE),
    _rule("doc-note", r"欢迎(?:下载|收藏)|可(?:任意|自由)?(?:编辑|复制)修改|可任意编辑|(?i:word)\s*格式"
          r"|更多[^，。\n]{0,6}(?:请(?:关注|访问|登录|下载|搜索|点击)|尽在|敬请)"
          r"|(?:资料|文档|内容)(?:均|皆)?来源于网络|双击.{0,6}删除|本文档"
          # the site disclaiming what its users upload, or labelling its own notes
          r"|(?:内容|资料|文档|本文)(?:均|皆)?来自(?:用户|网友|网络|互联网)|由(?:互联网)?用户自发(?:贡献|上传)|(?:由|系)(?:网友|用户)上传"
          r"|^(?:免责)?声明\s*[:：]|^下载(?:提示|说明|须知)\s*[:：]|(?:值得|建议|记得|赶紧)收藏[！!]*$"
          r"|(?i:continue reading|subscribe (?:now|today|to read)|sign in to read)", "document-site note"),
    # --- web-page chrome scraped along with the speech (gov.cn, news sites) ------------------------------------
    _rule("page-chrome", r"字[体号]\s*[:：]?\s*[【\[]?\s*大\s*中\s*小|打印本页|关闭窗口|分享到\s*[:：]|扫一扫在手机|"
          r"(?:发布|发表|更新)(?:时间|日期)\s*[:：]|浏览(?:次数|量)\s*[:：]|阅读(?:次数|量)\s*[:：]|点击(?:数|量|率)\s*[:：]|"
          r"网站地图|网站标识码|ICP备|公网安备|(?:主办|承办|协办)单位\s*[:：]|返回顶部|上一篇\s*[:：]|下一篇\s*[:：]|"
          r"相关(?:链接|阅读|新闻|文章|推荐)\s*[:：]"
          # A breadcrumb to its last item (首页 > 新闻中心 > 领导讲话): that item is a category or the title again.
          r"|^(?:(?:当前位置|您的位置|您的当前位置|您现在的位置)\s*[:：]\s*)?(?:首页|主页|网站首页)(?:\s*-?[>›»/|]\s*[^\s>›»/|]{1,16})+"
          r"|^(?:当前位置|您的位置|您的当前位置|您现在的位置)\s*[:：]|^本文(?:链接|地址|网址)\s*[:：]"
          r"|(?i:\bshare this\b|\bprint this\b|getty images|\(AP Photo|/ AP\b)",
          "web-page chrome"),
    # A CMS footer names the page's title (本文标题：在…上的发言): chrome, but structure may take the title from it.
    _rule("title-footer", r"^本文标题\s*[:：]\s*\S", TITLE_FOOTER, "line"),
    # A list of related articles to the end of the line: the titles after the label are the site's, and they read
    # like titles (…的讲话（精选10篇）). Only when no sentence end follows, so a label misplaced before the speech in a
    # one-line scrape cannot take the speech with it.
    _rule("related-list", r"(?:相关(?:链接|阅读|新闻|文章|推荐|范文)|猜你喜欢|推荐阅读|延伸阅读|热门(?:推荐|文章|范文)|精彩推荐"
          r"|推荐访问)\s*[:：][^。！？!?\n]{0,160}$", "web-page chrome (related articles)", "inline"),
    # What a download site appends to a document's title: "-公文范文网", "_百度文库", "（word版可编辑）", "（精选5篇）",
    # "…的讲话范文". Cut from the line so the title itself stays (a title is the speech's metadata).
    # Each alternative starts where its run of separators or spaces starts, never inside it: from every dash of a
    # 100,000-dash line the scan would run to the line's end (quadratic).
    _rule("title-suffix", r"(?<![\s\-_|｜—–])(?=[\s\-_|｜—–]*[-_|｜—–])[\s\-_|｜—–]++[^\s\-_|｜—–]{1,12}"
          r"(?:网|文库|文档|范文|资料|巴巴)\s*$"
          r"|(?<!\s)\s*+[（(【\[]\s*+(?:(?i:word|docx?|pdf)\s*+版?)?\s*+(?:(?:可编辑|可修改|可复制|完整版|最新版|通用版|优秀篇)[^）)】\]]{0,6}"
          r"|(?:精选|共|通用|优选|最新)?\s*+\d+\s*+篇|(?:精选|优选|最新|推荐)?(?:文档|范文|资料|汇编))[）)】\]]"
          r"|(?<=讲话|致辞|发言|报告|演讲)(?:范文|模板|范本)(?:大全|精选)?(?=\s*$)",
          "document-site title suffix", "inline"),
    # WeChat article chrome (copying an article from the WeChat app or its web view).
    _rule("wechat-chrome", r"预览时标签不可点|微信扫一扫(?:关注|可打开|赞赏)|(?:继续|向上)滑动看下一个|轻触阅读原文|喜欢此内容的人还喜欢"
          r"|^(?:阅读原文|写留言|赞赏|在看|点赞|分享|收藏|知道了|留言|取消|允许)$", "web-page chrome (WeChat)", "line"),
    _rule("byline", rf"^(?:文|图|摄影?|编辑|作者)\s*[/|｜]\s*[{_H}·A-Za-z ]{{2,12}}$"
          rf"|^(?:记者|通讯员)\s*[{_H}·]{{2,4}}(?:\s+(?:记者|通讯员)?\s*[{_H}·]{{2,4}})*$"
          r"|^By [A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z'-]+(?: and [A-Z][a-z]+ [A-Z][a-z'-]+)?$"
          r"|^(?i:published|updated|posted)(?: on)?:? +(?:\w+ \d|\d)", "byline", "line"),
    # --- membership, subscription and anti-resale ads ------------------------------------------------------------
    _rule("resale", r"举报倒卖(?:会员|资料|文档|材料)|打击倒卖(?:活动|资料|会员|文档)|【[^】]{0,10}倒卖[^】]{0,10}】"
          r"|倒卖(?:资料|会员|文档|材料)|(?:禁止|严禁|不得)(?:倒卖|转售|二次销售|商用)",
          "anti-resale notice"),
    # Trade-union speeches talk about 会员 too (会员资料, 对会员免费开放): only document-site phrases count.
    _rule("member-ad", r"会员(?:群|专区|可(?:阅读|下载|查看)|登录|充值|特权|下载)|(?:开通|升级|购买|充值|VIP|vip|年费|终身|钻石)会员"
          r"|(?:加入|成为|开通|升级|购买|充值)\s*(?:VIP|vip|Vip)|(?i:vip)\s*专[免享]",
          "membership ad"),
    _rule("subscribe-ad", r"立享|立即订阅|现在订阅|订阅(?:后|即可|本号|专栏|立享)|长按(?:识别|二维码)|关注(?:微信)?公众号"
          r"|点击[^，。\n]{0,4}关注我们|关注我们(?:获取|领取|查看|了解更多)|扫码(?:关注|加群|加好友|阅读|下载)"
          # 微信公众号：某某 关注后回复“廉政”免费领取…: a speech names an account inside a sentence, never as a label.
          r"|^(?:微信)?公众号\s*[:：]|关注后?回复|回复[“\"「【]?[^”\"」】\s，。、；！？,]{1,8}[”\"」】]?(?:即可)?(?:免费)?(?:领取|获取|下载)",
          "subscription ad"),
    _rule("gift-ad", r"赠送.{0,8}会员|会员.{0,8}赠送|免费(?:下载|获取).{0,6}(?:资料|文档|模板|范文)"
          r"|免费(?:赠送|领取).{0,6}(?:会员|文档|模板|范文)", "membership ad (free gift)"),
    # English news-page chrome and transcript credits, anchored at a piece's start: a speaker says "read more",
    # never "Read more:" as a label before a link.
    _rule("en-chrome", r"^(?i:read more|related(?: articles?| stories)?|see also|also read|recommended|more on this"
          r"|watch|listen)\s*:|^(?i:share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email)\b)"
          r"|^(?i:follow us on (?:facebook|twitter|instagram|x|linkedin)\b)|^(?i:sign up for (?:our|the) (?:\w+ )?newsletter)"
          r"|^(?i:click here\b)|^(?i:(?:this |the )?transcript (?:has been|was) (?:lightly )?(?:edited|condensed))"
          r"|(?i:\btranscript (?:courtesy of|by|provided by)\b)", "web-page chrome (English)"),
    # A transcript's speaker label (THE PRESIDENT: …): the label goes, the words stay.
    _rule("speaker-label", r"^(?!(?:RELATED|READ MORE|SEE ALSO|ALSO READ|WATCH|LISTEN|UPDATE|EDITOR'S NOTE|NOTE)\b)"
          r"(?:THE |MR\. |MRS\. |MS\. |DR\. )?[A-Z][A-Z'-]{2,}(?: [A-Z][A-Z'-]+){0,2}:\s+(?=[A-Z\"“])",
          _SPEAKER_LABEL, "inline"),
    # A line that is only the word 广告 (an ad slot's label): never a line of a speech.
    _rule("ad-label", r"^\s*[【\[(（]?(?:广告|推广|赞助内容|(?i:advertisement|sponsored))[】\])）]?\s*$", "ad label", "line"),
    # --- paywall and truncation notes ----------------------------------------------------------------------------
    _rule("truncated-inline", r"[（(]\s*未完(?:待续)?\s*[)）]|未完[，,]?待续"
          r"|[（(]\s*(?:此处)?省略\s*\d+\s*字\s*[)）]|(?:此处)?省略\s*\d+\s*字",
          "truncation note", "inline"),
    _rule("paywall", r"预览(?:已)?结束|试读结束|剩余\s*\d+\s*字|(?:还剩|剩余|剩下)\s*\d+\s*页(?:未读)?|^继续阅读\W*$|正式会员可阅读|全文请|(?:查看|阅读|下载|获取)(?:全文|完整版|完整内容|完整文档)"
          r"|点击(?:下载|查看全文|阅读全文|获取)|下载(?:全文|完整|本文|文档|word)|(?i:word版|docx?版)|^未完[…\.。]*$"
          r"|^(?:免费|立即|点击|马上)?(?:下载|阅读|查看)(?:全文|原文|地址|文档)?\W*$"
          r"|(?i:subscribe to (?:our|my|the) (?:newsletter|channel))"
          r"|仅部分预览|不可在线预览|申请退款",
          "paywall/truncation note"),
    # --- scraped datelines and photo captions ---------------------------------------------------------------------
    _rule("dateline", rf"^(?:据)?(?:(?:新华社|中新社|中新网|新华网|人民网|央视网|中国新闻网|本报)"
          rf"(?:[{_H}]{{0,8}}\d{{1,2}}月\d{{1,2}}日(?:电|讯)|[{_H}]{{2,8}}电(?=[\s（(])|讯(?=[\s（(]))"
          rf"|[{_H}]{{2,12}}?\d{{1,2}}月\d{{1,2}}日电(?=[\s（(]|$))"
          rf"(?:\s*[（(]记者[^）)]{{1,40}}[)）])?", "news dateline", "inline"),
    _rule("dateline-en", r"^[A-Z][A-Z .,'-]{2,30}\((?:AP|Reuters|AFP|Xinhua|Bloomberg)\)\s*[—–-]+\s*", "news dateline",
          "inline"),
    _rule("reporter", r"[（(](?:记者|通讯员)[^）)]{1,40}[)）]", "reporter credit", "inline"),
    # A news photo's caption, one paragraph: its date first, its credit last (2022年10月23日，…。 新华社记者 庞兴雷/摄).
    _rule("caption-line", rf"^\s*(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日[，,][^\n]{{8,400}}?[。）)]\s*"
          rf"(?:新华社|人民日报|本报|中新社)?(?:记者|通讯员|摄影)\s*[{_H}·]{{2,4}}(?:\s*[、\s]\s*[{_H}·]{{2,4}})*\s*[/／]?\s*摄\s*[)）]?\s*$",
          "photo caption", "line"),
    _rule("photo", rf"(?:新华社|人民日报|本报|中新社)?(?:记者|通讯员|摄影)\s*[{_H}·]{{2,4}}(?:\s*[、\s]\s*[{_H}·]{{2,4}})*\s*[/／]?\s*摄\s*[)）]?$",
          "photo caption", "inline"),
    _rule("caption", r"^图为", "photo caption"),
    # --- source notes --------------------------------------------------------------------------------------------
    _rule("source-inline", r"[（(【\[]\s*(?:来源|来\s+源|稿源|信息来源|文章来源|转自|责任编辑|责编|编辑)\s*[:：][^）)】\]]{1,60}[)）】\]]",
          "source note", "inline"),
    _rule("source", r"^(?:来源|来\s+源|本文来自|文章来自|稿源|信息来源|文章来源|本文来源|原标题|原文链接|转自|转载自|稿件来源|图源|责任编辑|责编|编辑|校对|审核|审校|监制|供稿|图片来源)\s*[:：]",
          "source note"),
    # --- issue 9: families seen on real pages ---------------------------------------------------------------------
    # A page's own stamp: date and clock time (2024-12-12 09:00:02 690), view counters (查看：4943次).
    # A press release's stamp: its date with the weekday, its clock time (2022年1月31日(星期一) / 香港時間12時45分).
    _rule("release-stamp", r"^\s*\d{4}年\d{1,2}月\d{1,2}日\s*[（(]星期[一二三四五六日天][)）]\s*$"
          r"|^\s*(?:[\u4e00-\u9fff]{2,4})?时间\s*\d{1,2}\s*时\s*\d{1,2}\s*分\s*$", "web-page chrome (date stamp, counter)",
          "line"),
    _rule("page-stamp", r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}|(?:查看|浏览|阅读|点击|访问)(?:次数|量)?\s*[:：]\s*\d+\s*次?"
          r"|^时间\s*[:：]\s*\d{4}|^点击(?:数|量)?\s*[:：]|^(?:作者|来源)\s*[:：]\s*$", "web-page chrome (date stamp, counter)"),
    # A label of the page's furniture on a line of its own (精选留言, 热门推荐, 手机版, • 本周热门).
    # A navigation bar (首页 工作总结 讲话稿 心得体会, 首页范文稿件发言稿), a date fragment left by a scrape (日）), a series
    # number (编号：…): never a line of a speech, never its title.
    _rule("nav-bar", r"^(?:网站)?首页(?:[\s|｜/>]*[^\s，。！？,!?|｜/>]{2,8}){1,12}$", "web-page chrome", "line"),
    _rule("date-fragment", r"^[\d一二三四五六七八九十〇○]{0,4}\s*[年月日号][)）]$", "date fragment (a scrape's leftover)", "line"),
    _rule("serial", r"^(?:文章|文档|资料)?编号\s*[:：]\s*[A-Za-z0-9-]{2,}", "document-site note (series number)"),
    _rule("figure", r"<(figure|figcaption|script|style)\b[^>\n]{0,200}>[^\n]{0,500}?</\1>", "HTML figure or script",
          "inline"),
    _rule("font-size", r"^[【\[]?\s*字[体号]\s*[:：]?\s*[】\]]?$"
          # the page's text-size buttons, one a line (T+ / T-, A+ / A-)
          r"|^\s*[TtAa]\s*[+\-＋－]\s*$", "web-page chrome", "line"),
    # An accessible page's skip link and its access-key anchors (跳至主要內容, :::, Skip to main content).
    _rule("skip-link", r"^\s*(?:跳[至到转](?:主要|主)?(?:内容|正文)(?:区块?)?|(?i:skip to (?:the )?(?:main )?content)|:::)\s*$",
          "web-page chrome (skip link)", "line"),
    # A seller's note glued inside a sentence by a PDF/Word extract: cut, and the sentence rejoined.
    _rule("seller-inline", r"本文(?:档)?格式为\s*(?i:word|docx?|pdf|wps)\s*版?[，,]?\s*(?:下载后)?(?:可任意编辑|可编辑|可修改|可复制)?[。！!]?"
          r"|(?:下载后|下载即可)(?:可)?(?:任意)?(?:编辑|修改)[。！!]?", "document-site note (seller)", "inline"),
    _rule("title-label", r"^(?:文章标题|文档标题|标题|题目)\s*[:：]\s*(?=\S)", "label (the title follows)", "inline"),
    _rule("lede-label", r"^导语\s*[:：]|正式会员可(?:完整)?阅读", "document-site note"),
    _rule("cue-line", r"^[【\[（(]?\s*(?:翻页|下一页|换页|出图|出表|(?i:ppt)|切换画面|播放视频)\s*[】\]）)]?$",
          "presenter cue (a stage direction, not speech)", "line"),
    _rule("chrome-label", r"^\W{0,3}(?:精选留言|我要留言|发表留言|相关内容|热门推荐|本周热门|本月热门|热门文章|热门范文|相关推荐|相关文章"
          r"|最新文档|最新文章|猜你喜欢|推荐阅读|延伸阅读|发表评论|网友评论|最新评论|评论列表|手机版|电脑版|二维码|微信订阅号|分享|分享到"
          r"|返回列表|返回|留言|评论|立即了解|正文复制|复制|打印|收藏|海报|侵权投诉|赏赞|打赏|查看更多"
          # a government press release's section labels (即日新聞 / 圖片 / 網上廣播)
          r"|即日新闻|图片|网上广播)\W{0,3}$", "web-page chrome", "line"),
    # The site's own ad slogan for its product (公文写作神器, 范文免费使用, 尊享会员权益).
    _rule("product-ad", r"写作神器|(?:范文|试题|资源|文档)免费使用|尊享会员|开通会员(?:文档)?无限下载|文档无限下载", "ad (the site's product)"),
    # Truncation and login notes of document sites, half- or full-width (（未完，全文共6606字，当前仅显示2320字…).
    _rule("truncated-count", r"全文[共约]\s*\d+\s*字|当前(?:仅)?显示\s*\d+\s*字|请(?:认真)?阅读下面(?:的)?提示信息"
          r"|阅读完?全部图文内容", "paywall/truncation note"),
    # A page-length note after a title: （本页约4900+字）, （全文13438字）.
    _rule("length-note", r"[（(]\s*(?:全文|本页|本文)[共约]?\s*\d+\+?\s*字\s*[)）]|本页约\s*\d+\+?\s*字",
          "paywall/truncation note", "inline"),
    # A document page's details, each on its own line (- 2021-05-08 发布 |, 29.33KB, 13 页, 999+): never speech.
    _rule("doc-meta", r"^[-•·]?\s*(?:\d{4}-\d{1,2}-\d{1,2}(?:\s*(?:发布|上传|更新))?|\d+(?:\.\d+)?\s*(?i:[KMG]B)|\d{1,4}\s*页"
          r"|\d{1,5}\+)\s*[|｜]?$", "document-site note (date, size, pages, views)", "line"),
    # A post's byline with its date glued in (发言稿2018-06-11李一老师: the category, the date, the author).
    _rule("date-byline", r"^[\u4e00-\u9fff]{0,8}\d{4}-\d{1,2}-\d{1,2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*[\u4e00-\u9fff]{0,8}$",
          "web-page chrome (date stamp, counter)", "line"),
    # A page's update stamp with a date at the end (General 更新 2024年04月19日, 发布于 2023-05-01).
    _rule("update-stamp", r"^[^。！？，,]{0,16}(?:更新|发布|发表|上传)(?:于|时间|日期)?\s*[:：]?\s*\d{4}(?:年|-|/)\d{1,2}(?:月|-|/)"
          r"\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$", "web-page chrome (date stamp, counter)", "line"),
    # A tip jar under a post (如果喜欢本篇内容，请赞赏鼓励哦！ 请选择打赏类型 ¥8.88).
    _rule("tip-jar", r"请?选择打赏|打赏类型|请赞赏鼓励|赞赏鼓励哦|尚未有人(?:赏赞|赞赏|打赏)|赶紧来一个吧|喜欢本篇内容"
          r"|^[¥￥]\s*\d+(?:\.\d{1,2})?$", "web-page chrome (tip jar)"),
    # A template's note to the writer in brackets: （一个伟人的名字加最高职务，你可以前后对照进行准确替换）, （此处填写单位名称）.
    _rule("writer-note", r"[（(][^（）()\n]{0,30}(?:你|您)(?:可以?|需要?|要)[^（）()\n]{0,20}(?:替换|填写|填入|修改|改为|补充)[^（）()\n]{0,10}[)）]"
          r"|[（(](?:此处|这里)(?:填写|填入|插入|写上?)[^（）()\n]{0,20}[)）]", "template note (to the writer)", "inline"),
    _rule("login", r"[（(][^（）()\n]{0,30}(?:需要|请)先?登[录陆][^（）()\n]{0,12}[）)]", "login prompt", "inline"),
    # A blog post's footer stamp, its date and its category (本文2020-05-08 11:13:44发表“党会党课”栏目。, 本文于2021年3月5日
    #发布在“讲话稿”分类), and the comment box's login prompt under it (您需要登录后才可以发表评论, 请登录后评论): the CMS's,
    # a line of its own. A speech says 本文 and 登录后 inside sentences, never as a whole line of this shape.
    _rule("post-footer", r"^本文(?:于|在)?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*"
          r"(?:由[^，。！？\s]{1,12})?(?:发表|发布|更新|收录|编辑)(?:于|在|到)?\s*[“\"「《]?[^”\"」》。！？\n]{1,16}[”\"」》]?"
          r"\s*(?:栏目|分类|频道|专栏|版块)?\s*[。.]?$"
          r"|^(?:您|你)?(?:需要|须|必须|请)?先?登[录陆]后?(?:才(?:可以|能)|方可|即可)?(?:发表|进行|参与|查看)?(?:评论|留言|回复)"
          r"[^。！？!?\n]{0,20}$", "web-page chrome (post footer, comment box)", "line"),
    # A bookmark link holding the title (收藏《在安委会例会上的讲…).
    _rule("bookmark", r"^(?:收藏|分享|下载)《", "web-page chrome (bookmark link)"),
    # A template or HTML fragment scraped as text: tags, a chopped tag at a line start, [标签:标题], style sheets.
    _rule("html-tag", r"</?[a-zA-Z][a-zA-Z0-9]{0,10}(?:\s[^<>\n]{0,200})?/?>|<!--[^\n]{0,200}?-->|^[a-z]{1,5}>(?=\s)"
          r"|\[标签[:：][^\]\n]{0,10}\]", "HTML or template markup", "inline"),
    _rule("css", r"(?:@(?:page|media|font-face)\b[^{}\n]{0,80}|(?<![\w.#-])[a-zA-Z][\w-]{0,20}(?:[.#][\w-]{1,20})?)"
          r"\s*\{[^{}\n]{0,400}\}", "style sheet (CSS)", "inline"),
    # Pinyin after a character (發(fā)展, 戰（zhàn）略): a reading aid, not a word to say.
    _rule("pinyin", r"(?<=[\u4e00-\u9fff])[（(][a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}[）)]",
          "reading aid (pinyin)", "inline"),
    # A news page: its headline announcing the full text, the agency's byline and photo credits.
    _rule("headline", r"^[^。！？]{4,40}?(?:[（(](?:全文|图|组图|视频|附全文|附视频)[）)]){1,3}$"
          r"|^[^。！？]{4,40}?(?:讲话|致辞|致词|贺词|演讲|发言)全文$", "news headline (the page's, announcing the full text)",
          "line"),
    # The same headline with its hook (…致辭全文來了！, …讲话全文发布), and a TV script's sound-bite label with the
    # speaker's caption to the line's end (【同期】香港特區第六任行政長官 李家超): the page's, not the speech.
    _rule("headline-hook", r"^[^。！？，,\n]{4,40}?(?:讲话|致辞|致词|贺词|演讲|发言)全文(?:来了|发布|公布|出炉)(?:[！!]|(?=\s|$))"
          r"|【同期声?】[^【】。！？!?\n]{0,30}$", "news headline (the page's, announcing the full text)", "inline"),
    _rule("full-text", r"【[^【】\n]{0,12}全文】|(?:以下[为是]|下面是)[^。！？\n]{0,8}全文\s*(?:[:：]|$)|全文如下\s*[:：]?"
          r"|^(?:以下[为是]|下面是)(?:原文|全文|讲话原文|演讲原文)[^。！？\n]{0,16}[:：]$"
          # the whole line announcing it, however long the report of who and when (以下是行政长官…今日（一月三十一日）
          # 发表的农历新年贺辞全文：; …谈话全文（中文部分）：): a line ending in 全文 and a colon says no sentence
          r"|^\s*(?:以下[为是]|下面是)[^。！？\n]{0,80}?全文\s*(?:[（(][^（）()\n]{1,8}[)）])?\s*[:：]\s*$",
          FULL_TEXT_LEAD, "inline"),
    _rule("photo-credit", r"[（(]\s*图\s*[/／:：|]\s*[^（）()\n]{1,16}[）)]|^图源\s*[:：]", "photo caption", "inline"),
    _rule("agency-byline", rf"^(?:[{_H}]{{2,8}}[/／])?(?:综合|编译)?报[导道]$", "byline", "line"),
    # An English transcript's furniture: clock stamps (10:53 A.M. EST), the press office's header, END, ### marks.
    _rule("clock-stamp", r"(?<![\w:.])\d{1,2}:\d{2}\s*[AaPp]\.?\s?[Mm]\.?\s*(?:[ECMP][SD]T|GMT|UTC)\b", "time stamp (transcript)",
          "inline"),
    _rule("press-office", r"^(?:Office of the (?:Press Secretary|First Lady|Vice President)|For Immediate Release|Cite:?"
          r"|END|THE WHITE HOUSE|The White House|#{1,6}|-30-|\*\s?\*\s?\*|\*{5,})$", "press-office header or end mark", "line"),
    # A recording's time codes: a line of only a time code (00:00:05, [01:23], 00:00:01,000 --> 00:00:04,000, a
    # broadcast's clock line 2:01 pm), never said. A time of day inside a sentence ("at 10:30 we start") stays.
    _rule("time-code", rf"^\s*{_TC_B}(?:\s*(?:-->|–|—|-)\s*{_TC_B})?\s*$|^\s*\d{{1,2}}:\d{{2}}\s*(?i:[ap]\.?\s?m\.?)\s*$",
          TIME_CODE, "line"),
    # A turn's head: its time code (0:00:14.3, [00:01:23]) and the speaker's name in bold after it
    # (0:00:14.3 **Adam Garrett-Harris** So, welcome…), or a bold label with its colon (**Jane Doe:** …). The words
    # stay. A bold phrase opening a sentence (**Thank you** all) has no colon and no time code: it stays.
    _rule("turn-head", rf"^\s*(?:(?:{_TC_LEAD})\s+(?:\*\*{_BOLD_NAME}\*\*:?\s+)?|\*\*{_BOLD_NAME}(?::\*\*|\*\*:)\s+)",
          _SPEAKER_LABEL, "inline"),
    # A transcriber's note (see _TNOTE), and a line of only a label and the note.
    _rule("transcriber-line", rf"^\s*(?:[A-Z][\w.'’ -]{{0,40}}:\s*)?{_TNOTE}\s*$", "transcriber's note (not speech)", "line"),
    _rule("transcriber-note", _TNOTE, "transcriber's note (not speech)", "inline"),
    # An editor's note in brackets on a line of its own ([Editor's note: …], [AUTHENTICITY CERTIFIED: Text version
    # below transcribed directly from audio.], [Transcriber's note: …]): the site's, about the text.
    _rule("editor-note", r"^\s*\[(?i:editor'?s note|editorial note|note|transcriber'?s note|authenticity certified|update"
          r"|correction|clarification)\s*:[^\[\]\n]{1,400}\]\s*$", "editor's note (about the text)", "line"),
    # An English page's buttons and labels on a line of their own (Share this, Tweet, Print, Back to top, Leave a
    # comment, Related Posts, Transcript:, Tags: …, Categories: …, Posted in Speeches): never a line of a speech.
    _rule("en-chrome-line", r"^\W{0,3}(?i:share(?: this(?: (?:page|post|article|story))?)?|tweet|facebook|twitter|linkedin|whatsapp"
          r"|reddit|pinterest|e-?mail|print(?: this)?|copy link|back to top|leave a (?:comment|reply)|related posts?"
          r"|related|more stories|(?:full |video |audio |official )?transcript|comments?|menu|search)\W{0,3}$"
          r"|^(?i:tags?|categories|category|filed under|topics)\s*:\s*[^.!?\n]{1,120}$"
          r"|^Posted in(?: [A-Z][\w&'’-]*){1,4}$", "web-page chrome (English)", "line"),
    # A podcast's or a video's music cue on a line of its own ((Intro music: Electroswing), [Music], (music fades)).
    _rule("music-cue", r"(?i)^\s*[\[(]\s*(?:(?:intro|outro|exit|opening|closing|theme|background|upbeat|soft|dramatic"
          r"|transition)\s+)?music(?:\s+(?:plays?|playing|fades?(?:\s+(?:in|out))?|ends|up|out|in|continues|swells))?"
          r"\s*(?:[:\-–—]\s*[^()\[\]\n]{1,40})?\s*[\])]\s*$", "sound cue (music, not speech)", "line"),
    # A speech page's fields (gov.uk: From: / Delivered on: / Published / Location:), label alone on its line,
    # and its note on the text's status ((Transcript of the speech, exactly as it was delivered), Check against
    # delivery, (Original script, may differ from delivered version)).
    _rule("speech-field", r"^(?:From|Delivered on|Published|Last updated|Location|Delivered|Speaker|Speech type|Part of)\s*:\s*$",
          SPEECH_FIELD, "line"),
    _rule("delivery-note", r"(?i)[(\[]\s*(?:transcript of the speech, exactly as it was delivered|original script, may differ"
          r" from (?:the )?delivered version|check against delivery|as delivered|as prepared(?: for delivery)?"
          r"|speaker'?s notes?)\s*[)\]]|^\s*(?i:check against delivery|as prepared for delivery|as delivered)\s*[.!]?\s*$",
          "note on the text (as delivered / check against delivery)", "inline"),
    # A gesture in brackets ((arms raised), (pointing to the crowd)): a stage note.
    _rule("gesture", r"\((?:[a-z]+ ){0,3}(?:raised|raises|raising|pauses?|pausing|gestures?|gesturing|points?|pointing|nods?"
          r"|nodding|smiles?|smiling|waves?|waving|turns?|turning|holds? up|holding up)(?: [a-z]+){0,4}\)",
          "stage note (a gesture)", "inline"),
    # A host script's and a template's own notes: host labels (甲：/乙：, 男：/女：), a part's label (●结束语：),
    # a compilation's notes (【致辞人】…, 【范例一】), the speaking order (发言顺序：1、市中院2、市检察院…) and a line
    # of only …… (a part left out).
    _rule("host-label", r"^(?:[甲乙丙丁]|男|女|合|男女合)\s*[:：](?=\s*\S)", "host label (who speaks the line)", "inline"),
    _rule("part-label", r"^[●■◆▲★☆○◎•]\s*[^，。！？\s]{1,10}\s*[:：]$", "script label (a part's name)", "line"),
    _rule("template-note", r"^【(?:致辞人|致辞背景|背景|适用场合|场合|致辞时间|注意事项|范例[一二三四五六七八九十\d]{1,3}|范文[一二三四五六七八九十\d]{1,3}|篇[一二三四五六七八九十\d]{1,3})】",
          "template note (a compilation's label)", "line"),
    _rule("order-label", r"(?:发言|汇报|讲话|出场|表态)顺序\s*[:：]$", "host note (the speaking order)"),
    _rule("order-list", r"^(?:\d{1,2}、[^\d、，。！？\n]{1,12}){3,}\s*。?$",
          "host note (the speaking order)", "line"),
    # A presenter's cue in brackets: （请全体起立）, （按活动议程进行）, （注意时间）, 【翻页】. Said by nobody.
    _rule("cue", r"[（(【](?:请|由)?[^（）()【】\n]{0,14}?(?:起立|坐下|就座|落座|入场|入座|退场|肃立|奏国歌|奏乐|唱国歌|升国旗"
          r"|翻页|下一页|出图|出表|(?i:ppt)|播放视频|注意时间|按[^（）()【】\n]{0,8}进行"
          r"|播放(?:背景)?(?:音乐|歌曲|短片|宣传片|《)|背景音乐|音乐起|(?:合唱|齐唱|全体合唱)(?=《|[）)]))[^（）()【】\n]{0,8}[）)】]"
          # a chair's script: what to do while a list is read or a vote is taken (（宣读日程）, （稍候）, （如没有意见）,
          # （待宣读完毕）, （稍后观察）), and the other wording to say if the room answers otherwise (（或请放下）)
          r"|[（(][^（）()\n]{0,6}(?:宣读|稍候|稍停|稍后观察|稍作停顿|待[^（）()\n]{0,6}(?:完毕|结束)|如(?:无|没有|有)[^（）()\n]{0,4}(?:意见|异议))"
          r"[^（）()\n]{0,8}[）)]|[（(](?:或|或者)(?:请[^（）()\n]{1,4}|没有|无)[）)]",
          "presenter cue (a stage direction, not speech)", "inline"),
    _rule("omission", r"^[…\.。·]{2,}$", "omission mark (a part left out)", "line"),
    # --- weak words: only outside the speech body, on lines that do not read as speech ----------------------------
    _rule("weak-ad", r"会员|订阅|免费|赠送|扫码|公众号|客服|下载|资料|权益|优惠|限时|倒卖|举报|外传|仅供|转载|本站|QQ|qq|微信"
          r"|(?i:\b(?:subscribe|newsletter|advertisement|sponsored|click here|read more|sign up|log in|share this"
          r"|download|related articles?)\b)", "ad or notice (outside the speech)", strong=False),
)

_WEAK = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in RULES if not r.strong))

# --- what reads as speech -----------------------------------------------------------------------------------------

_HAN = re.compile(f"[{_H}]")
_SENTENCE_END = re.compile("[。！？!?…]")
_INNER_PUNCT = re.compile("[，、；：“]")
_SPEAKER_WORDS = re.compile("我们|咱们|大家|同志|我国|我市|我县|我省|我区|必须|坚持|推进|落实")
_TITLE = re.compile("讲话|致辞|发言|报告|演讲|讲稿|主持词|贺词|祝酒词|动员|会议|大会|座谈会|论坛|典礼|仪式|开幕式|闭幕式|上的|——"
                    "|(?i:address|speech|remarks|lecture)")
_SALUTATION = re.compile(r"^[^，。！？]{0,24}(?:同志|代表|朋友|女士|先生|嘉宾|来宾|老师|同学|各位|大家|领导|委员|战友|乡亲|"
                         r"Fellow|Ladies|Gentlemen|Friends|Members|Mr\.|Madam)[^，。！？]{0,12}[：:，,！!]$")
_STAGE_NOTE = re.compile(r"^[（(][^）)]{1,16}[)）]$")
_EN_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")


def reads_as_speech(text: str) -> bool:
    """Sentence-shaped: what ads rarely are (they are short, with no full stop and few commas)."""
    han = len(_HAN.findall(text))
    if han:
        if han >= 4 and _SENTENCE_END.search(text):
            return True
        if han >= 12 and _INNER_PUNCT.search(text):
            return True
        return han >= 6 and _SPEAKER_WORDS.search(text) is not None
    words = len(_EN_WORD.findall(text))
    return words >= 10 or (words >= 5 and text.rstrip("\"')”’").endswith((".", "!", "?", ",", ";")))


_DATE_LINE = re.compile(r"^[（(]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年"
                        r"[\d一二三四五六七八九十]{1,3}月(?:[\d一二三四五六七八九十]{1,3}日)?\s*[)）]?$")


def _protected(text: str) -> bool:
    """Shapes weak rules and context rules never remove: speech, headings, titles, date lines, salutations, and
    stage notes (a parenthesised line, unless it holds an ad word: ``（仅供学习交流）`` is not a stage note)."""
    text = simplified(text)
    return bool(reads_as_speech(text) or HEADING_RE.match(text) or _TITLE.search(text) or _SALUTATION.match(text)
                or _DATE_LINE.match(text) or (_STAGE_NOTE.match(text) and not _WEAK.search(text)))


def _opens_speech(text: str) -> bool:
    return bool(reads_as_speech(text) or _SALUTATION.match(text) or HEADING_RE.match(text))


# --- segments -----------------------------------------------------------------------------------------------------

# Separators inside a line: whitespace next to Chinese, and the gap after a sentence end.
_SEPARATOR = re.compile(rf"(?<=[{_H}\u3000-\u303f\uff00-\uffef“”‘’…])\s+|(?<!\s)\s+(?=[{_H}\u3000-\u303f\uff00-\uffef“”‘’…])"
                        r"|(?<=[。！？!?])(?![”’」』）)\"'。！？!?…])\s*|(?<=[。！？][”’」』])\s*"
                        # after an applause note, so noise glued to it takes the note away with it
                        r"|(?<=(?:掌声|笑声|鼓掌|欢呼)[）)])\s*"
                        r"|(?<=[a-z0-9][.])\s+(?=[A-Z\"“])")


def _segments(line: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SEPARATOR.finditer(line):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end())
    if start < len(line):
        spans.append((start, len(line)))
    return [(a, b) for a, b in spans if line[a:b].strip()]


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    kept: str  # text after cuts
    removed: bool = False
    strong: bool = False  # removed (wholly or partly) by a strong rule
    kept_by_user: bool = False
    glue: bool = False  # the rest of the previous line's sentence (a document page's chunk break fell in it)


# --- the cleaner ----------------------------------------------------------------------------------------------------


def clean(source: SourceText, *, rules: Sequence[Rule] = (), keep: Sequence[str] = ()) -> CleanScript:
    """Remove download-site noise from ``source``; every removal is recorded with its line, text and reason.

    ``rules`` are tried before the built-in table (a user's reason wins); ``keep`` are regexes whose lines are never
    touched. Raises :class:`ScriptError` when nothing but noise is left.
    """
    keep_patterns = _compile_keep(keep)
    raw_lines = source.text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    table = _Table((*rules, *RULES, *_brand_rules(raw_lines)))
    lines = [_Line(i, text, text) for i, text in enumerate(raw_lines, start=1)]
    removals: list[Removal] = []
    width = wrap_width(raw_lines)

    def protected(text: str) -> bool:
        return _protected(text) or is_wrapped_fragment(text, width)

    _unchunk(lines, removals)

    # Pass 1: strong rules, segment by segment.
    for ln in lines:
        if not ln.text.strip():
            continue
        if any(p.search(ln.text) for p in keep_patterns):
            ln.kept_by_user = True
            continue
        _apply_strong(ln, table, removals)

    # Pass 1b: what a page puts around the speech, known from its place (issue 9 families).
    _remove_page_context(lines, removals)
    _remove_site_intro(lines, removals)

    # Pass 2: weak rules, outside the speech body or next to a strongly removed line.
    body = [ln.number for ln in lines if not ln.removed and ln.kept.strip() and _opens_speech(ln.kept)]
    first, last = (body[0], body[-1]) if body else (len(lines) + 1, 0)
    weak = table.weak
    for i, ln in enumerate(lines):
        if ln.removed or ln.kept_by_user or not ln.kept.strip() or protected(ln.kept):
            continue
        outside = ln.number < first or ln.number > last
        beside = any(0 <= j < len(lines) and lines[j].strong for j in (i - 1, i + 1))
        if not (outside or beside):
            continue
        for rule in weak:
            if rule.pattern.search(simplified(ln.kept)):
                _remove_line(ln, rule.reason, removals)
                break

    _remove_other_voices(lines, removals)
    _remove_boxed_in(lines, first, last, protected, removals)
    _remove_repeated(lines, first, last, protected, removals)

    removals.sort(key=lambda r: r.line)
    text = _tidy(join_hard_wraps("\n".join(_kept_across_page_breaks(lines))))
    if not text.strip():
        raise ScriptError(f"nothing left to speak: all {len(removals)} non-blank lines look like download-site noise "
                          "(protect speech lines with --keep PATTERN)", path=source.path)
    return CleanScript(path=source.path, encoding=source.encoding, text=text, removals=tuple(removals),
                       placeholders=placeholders.find(text))


def _kept_across_page_breaks(lines: Sequence[_Line]) -> list[str]:
    """The kept lines, without the blank lines of a page break that cut a sentence.

    A footer and a header sit between blank lines (第 3 页 共 12 页, then the next page): once they are removed, the
    blank lines left would read as a paragraph end and split the sentence the page break fell in. A blank line is
    dropped only in a gap of removed and blank lines that held a removed line and follows a line cut by the wrap,
    so a real paragraph break (after a finished sentence, or with nothing removed) stays.
    """
    width = wrap_width([ln.kept for ln in lines if not ln.removed])  # as join_hard_wraps will measure it
    out: list[str] = []
    previous = ""  # the last kept line with words
    k = 0
    while k < len(lines):
        if not lines[k].removed and lines[k].kept.strip():
            if lines[k].glue and out and out[-1].strip():
                out[-1] += lines[k].kept.strip()  # the sentence a chunk break cut, whole again
            else:
                out.append(lines[k].kept)
            previous = out[-1]
            k += 1
            continue
        end = k
        while end < len(lines) and (lines[end].removed or not lines[end].kept.strip()):
            end += 1
        gap = lines[k:end]
        # Never after the first line: that is a title (a front matter's, a page's), not half a sentence.
        page_break = (any(ln.removed for ln in gap) and end < len(lines) and is_wrapped_fragment(previous, width)
                      and len(out) > 1)
        if not page_break:
            out.extend(ln.kept for ln in gap if not ln.removed)
        k = end
    return out


_ANCHOR = re.compile(r"(?<!\\)(?<!\[)\^|(?<!\\)\$")
# Where a piece can start or end inside a line (see _SEPARATOR): at the line's edges, next to whitespace, after a
# sentence end or a closing quote/bracket. In the pre-filter a segment rule's ^/$ stand for these places: dropping
# them instead would let a rule such as the bare-domain watermark start at every character of a 60,000-digit run
# and scan to its end, quadratic time on one line.
_PIECE_START = r"(?:^|(?<=[\s。！？!?”’」』)）]))"
_PIECE_END = r"(?:$|(?=\s)|(?<=[。！？!?”’」』)）]))"


def _piece_anchored(pattern: str) -> str:
    return _ANCHOR.sub(lambda m: _PIECE_START if m.group() == "^" else _PIECE_END, pattern)


class _Table:
    """The rules of one run, split by scope, with one combined regex so that clean lines cost a single search."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        strong = [r for r in rules if r.strong]
        self.line = [r for r in strong if r.scope == "line"]
        self.inline = [r for r in strong if r.scope == "inline"]
        self.segment = [r for r in strong if r.scope == "segment"]
        self.weak = [r for r in rules if not r.strong]
        # Segment rules are searched on pieces, so their ^/$ anchors may sit mid-line: the pre-filter widens them to
        # any piece edge (a looser pattern is still a correct pre-filter, and an anchored one stays linear).
        parts = [_piece_anchored(r.pattern.pattern) if r.scope == "segment" else r.pattern.pattern for r in strong]
        try:
            self.any_strong: re.Pattern[str] | None = re.compile("|".join(f"(?:{p})" for p in parts))
        except re.error:  # a user pattern with global flags or conflicting group names: search rule by rule
            self.any_strong = None

    def may_match(self, text: str) -> bool:
        return self.any_strong is None or self.any_strong.search(text) is not None


def _apply_strong(ln: _Line, table: _Table, removals: list[Removal]) -> None:
    folded = simplified(ln.text)  # rules are matched on Simplified characters; offsets are the same
    if not table.may_match(folded):
        return
    for rule in table.line:
        if rule.pattern.search(folded):
            _remove_line(ln, rule.reason, removals, strong=True)
            return

    # Inline cuts: just the matched text.
    cuts: list[tuple[int, int, str]] = []
    for rule in table.inline:
        for m in rule.pattern.finditer(folded):
            if m.end() > m.start() and not any(a < m.end() and m.start() < b for a, b, _ in cuts):
                cuts.append((m.start(), m.end(), rule.reason))
    cuts.sort()

    rest = _without(ln.text, [(a, b) for a, b, _ in cuts])
    rest_folded = _without(folded, [(a, b) for a, b, _ in cuts])
    noise_cuts = [c for c in cuts if c[2] != _SPEAKER_LABEL]  # what follows a speaker label is the speech itself
    if not _has_words(rest) or (noise_cuts and len(rest) <= 12 and not _protected(rest)):
        # Nothing, or only a stub such as "最新最全的" left of "最新最全的【文档】": the line was the noise.
        _remove_line(ln, cuts[0][2] if cuts else "empty after cuts", removals, strong=True)
        return

    # Segment rules on what is left.
    segment_rules = table.segment
    spans = _segments(rest)
    found: dict[tuple[int, int], str] = {}
    for a, b in spans:  # each piece on its own, so ^ and $ can anchor at a sentence inside a paragraph
        piece = rest_folded[a:b]
        for rule in segment_rules:
            if rule.pattern.search(piece):
                found[(a, b)] = rule.reason
                break
    if len(spans) > 1:  # and the whole line, for noise that spans pieces ("【字体：大 中 小】", "首页 > 要闻")
        for rule in segment_rules:
            for m in rule.pattern.finditer(rest_folded):
                for a, b in spans:
                    if a < max(m.end(), m.start() + 1) and m.start() < b and (a, b) not in found:
                        found[(a, b)] = rule.reason
    noisy = sorted((a, b, reason) for (a, b), reason in found.items())
    _spread_to_glued(rest, spans, noisy)
    if noisy and len(noisy) == len(spans):
        reasons = [r for _, _, r in noisy if not r.startswith("glued")]
        _remove_line(ln, (reasons or [noisy[0][2]])[0], removals, strong=True)
        return
    if not cuts and not noisy:
        return
    for a, b, reason in cuts:
        removals.append(Removal(ln.number, ln.text[a:b].strip(), reason))
    for a, b, reason in noisy:
        removals.append(Removal(ln.number, rest[a:b].strip(), reason))
    ln.kept = _without(rest, [(a, b) for a, b, _ in noisy])
    ln.strong = True


def _spread_to_glued(rest: str, spans: list[tuple[int, int]], noisy: list[tuple[int, int, str]]) -> None:
    """A short piece that is not speech, glued in one line to a noise piece, belongs to it ("更多范文请访问 www…")."""
    changed = True
    while changed and noisy:
        changed = False
        marked = {(a, b) for a, b, _ in noisy}
        for k, (a, b) in enumerate(spans):
            if (a, b) in marked or b - a > 20 or _protected(rest[a:b]):
                continue
            beside = [s for s in (spans[k - 1] if k else None, spans[k + 1] if k + 1 < len(spans) else None)
                      if s in marked]
            if beside:
                noisy.append((a, b, "glued to a watermark in the same line"))
                changed = True
                break
    noisy.sort()


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in sorted(spans):
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


_WORDS = re.compile(f"[{_H}A-Za-z0-9]")


def _has_words(text: str) -> bool:
    return _WORDS.search(text) is not None


def _remove_line(ln: _Line, reason: str, removals: list[Removal], *, strong: bool = False) -> None:
    ln.removed = True
    ln.strong = ln.strong or strong
    removals.append(Removal(ln.number, ln.text, reason))


# --- context rules --------------------------------------------------------------------------------------------------

NEWS_LEAD = "news lead (the agency's report of the speech, not the speech)"
HEADER_LINES = 15  # a page's furniture before the speech: this many non-blank lines at most

# A third-person report of the speech: …出席…并发表重要讲话。 / …发表新年贺词， / …出席仪式并致辞。
_LEAD_VERB = re.compile(r"(?:出席|在)[^。！？\n]{0,80}?并?(?:发表|致)[^。！？\n]{0,10}?(?:讲话|致辞|贺词|演讲|讲演|报告)"
                        r"|发表[^。！？\n]{0,10}?(?:讲话|致辞|贺词)|出席[^。！？\n]{0,30}?并致辞|全文如下")
_LEAD_SPEAKER = re.compile(r"(?:主席|总理|总书记|委员长|书记|部长|省长|市长|县长|区长|校长|院长|主任|董事长|总统|首相|大使|秘书长|行政长官)"
                           r"([\u4e00-\u9fff]{2,4}?)(?=出席|在|今|当地时间|于|发表|致辞|表示|强调|指出|，)")
_HEADER_SALUTATION = re.compile(r"^[^。！？]{0,60}(?:同志|代表|朋友|女士|先生|嘉宾|来宾|老师|同学|各位|领导|委员|同事|校友|家长)"
                                r"[^。！？]{0,12}[：:，,！!]$")
# A compilation (…讲稿汇编4篇): its pieces are marked 第1篇： or …篇1; what comes before the first is the site's.
_COMPILATION_ITEM = re.compile(r"^第\s*[1一]\s*篇\s*[:：]?|^[^。！？]{2,30}[（(]?篇\s*[1一][）)]?$|^【范文一】$")
_PREFACE_ANNOUNCE = re.compile(
    r"^(?:以下[为是]|下面是)(?:原文|全文|讲话原文|演讲原文|演讲全文|讲话全文)[^。！？\n]{0,20}[:：]$"
    r"|\b(?i:below (?:is|are)) (?:a copy of |the (?:full )?(?:text|transcript) of )?(?:the |my )?"
    r"(?:remarks|speech|address|transcript|commencement)\b"
    # an archive's or a press office's line introducing the text (Below is the text of the speech made by…, The
    # statement made by Keir Starmer, the Prime Minister, on…, Prime Minister Boris Johnson delivered the following
    # statement on Downing Street.)
    # (a report in the third person, to the line's end: never a speaker's own "…and I quote:")
    r"|^(?!.*\b(?:I|we|We|my|My|our|Our|us)\b)(?:(?:The )?[A-Z][\w.'’-]+ ){1,6}(?:delivered|made|gave|issued) the following"
    r" (?:statement|speech|remarks|address)\b[^.!?:]{0,80}\.?$"
    r"|^(?i:the )?(?i:text of the )?(?i:statement|speech|remarks|address) (?i:made|given|delivered) by\b"
)
# Who a preface names as the speaker: "…the speech made by Penny Mordaunt, the Secretary of State…", "Prime
# Minister Boris Johnson delivered the following statement".
_PREFACE_SPEAKER = re.compile(
    r"\b(?:speech|statement|remarks|address) (?:made|given|delivered) by (?:the )?(?P<a>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3})"
    r"|^(?P<b>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,5}) (?:delivered|made|gave|issued) the following\b"
)


def speaker_in_preface(text: str) -> str | None:
    """The speaker an English preface names (the speech made by Penny Mordaunt, … → Penny Mordaunt)."""
    m = _PREFACE_SPEAKER.search(text.strip())
    return (m.group("a") or m.group("b")) if m else None
_OUTLINE_LABEL = re.compile(r"^(?:目录|提纲|目录/提纲|内容提要|内容提纲)\s*[:：]?\s*[…\.。]*$")
_COMMENTS_HEADER = re.compile(r"^\d+\s*(?:则|条|个)?\s*(?:留言|评论|回复)\s*[:：]?$|^(?i:\d+\s+comments?)\s*:?$"
                              r"|^(?:网友评论|评论列表|发表评论)\s*[:：]?$")
_LIST_LABEL = re.compile(r"^\W{0,3}(?:相关推荐|热门推荐|最新文档|最新文章|相关文章|猜你喜欢|推荐阅读|延伸阅读|热门文章|热门范文"
                         r"|相关内容|相关范文|精彩推荐|本周热门|本月热门)\W{0,3}$")


def _salutation_like(text: str) -> bool:
    return _SALUTATION.match(text) is not None


_BREADCRUMB_SEP = re.compile(r"(?<!\s)\s*+(?:->|[>›»])\s*+")  # from a space run's start: one pass over a long run
_TITLE_SEP = re.compile(r"\s+(?:--|-|—|_|\|)\s+|_")


# A name or role before a colon; never a word a speaker leads a point with (First: …, Note: …, Step One: …).
_NAME_LABEL = re.compile(
    r"^(?!(?:First|Second|Third|Fourth|Fifth|Finally|Lastly|Next|Then|Now|Today|Tonight|Here|Note|Remember|Example"
    r"|Step|Goal|Rule|Lesson|Point|Part|Chapter|Section|Summary|Conclusion|Update|Correction|Source|Photo|Credit"
    r"|Warning|Yes|No|So|And|But)\b)((?:[A-Z][A-Za-z.'’-]*)(?: [A-Z][A-Za-z.'’-]*){0,3}):[ \t]+(?=\S)"
)
# A Chinese transcript's label: a name or a role of two or three characters (戚本禹：, 群众：, 记者：) before what is
# said. Never a point's lead (一是：, 首先：, 总之：), never a quotation (他说：“…”, 我讲：…), never one label only.
_ZH_NAME_LABEL = re.compile(
    r"^(?![我你他她它咱这那其首次再最总一二三四五六七八九十第])([\u4e00-\u9fff]{2,3})(?<![说讲道称曰问指示调出])[：:]"
    r"(?=[^\s“”‘’「」『』\"'])"
)
TRANSCRIPT_MIN_LABELS = 3
OTHER_VOICE_SHARE = 0.2


def _voice(label: str) -> str:
    """Whose turn a cut label opens: the name without its time code and bold marks (0:00:14.3 **Jen Luker** → Jen
    Luker), so the turns of one voice count together; empty when the head is only a time code."""
    return re.sub(rf"^\s*(?:{_TC_LEAD})\s*", "", label).strip().strip("*").rstrip(":： \t").strip("*")


def _remove_other_voices(lines: list[_Line], removals: list[Removal]) -> None:
    """A transcript labelled line by line (President Bush: …, Rescue Worker: …, TR: …): the labels go, and so do
    the lines of the other voices (a crowd, a heckler, a machine) when they say little next to the speaker.

    Only a transcript: at least three labelled lines and two labels. The speaker is the label with the most words;
    a label whose lines hold less than a fifth of that is another voice. A colon in a sentence ("Mr. Smith: he
    said…" once in prose) never makes a transcript.
    """
    # Labels in capitals (THE PRESIDENT:, AUDIENCE:) were already cut by the speaker-label rule: their lines count too.
    # A turn's time code with no name after it (0:01:13.6 I specifically liked…) goes on the voice before it.
    cut = {r.line: _voice(r.text) for r in removals
           if r.reason == _SPEAKER_LABEL and (ln := lines[r.line - 1]).text.lstrip().startswith(r.text)
           and _voice(r.text)}
    labelled: list[tuple[_Line, str, int]] = []  # line, label, where the words start (0: the label is gone)
    zh: list[tuple[_Line, str, int]] = []
    for ln in lines:
        if ln.removed or ln.kept_by_user:
            continue
        if m := _NAME_LABEL.match(ln.kept):
            labelled.append((ln, m.group(1), m.end()))
        elif ln.number in cut:
            labelled.append((ln, cut[ln.number], 0))
        elif m := _ZH_NAME_LABEL.match(ln.kept):
            zh.append((ln, m.group(1), m.end()))
    # Chinese labels make a dialogue only when the voices take turns: some label comes back after another one.
    zh_names = [name for _, name, _ in zh]
    if not labelled and any(name in zh_names[:k] and zh_names[k - 1] != name for k, name in enumerate(zh_names)):
        labelled = sorted(zh, key=lambda x: x[0].number)
    # A voice's share is its turns: a labelled line and the unlabelled lines after it, to the next label (the
    # speaker's label opens a turn of many paragraphs and hard-wrapped lines; a heckler's, one line).
    names = Counter()
    bounds = [ln.number for ln, _, _ in labelled] + [len(lines) + 1]
    for (ln, name, end), stop in zip(labelled, bounds[1:], strict=True):
        names[name] += len(ln.kept) - end + sum(len(x.kept) for x in lines[ln.number : stop - 1] if not x.removed)
    if len(labelled) < TRANSCRIPT_MIN_LABELS or len(names) < 2:
        return
    main = names.most_common(1)[0][1]
    for ln, name, end in labelled:
        if names[name] < OTHER_VOICE_SHARE * main:
            _remove_line(ln, "another voice than the speaker's (transcript)", removals)
        elif end:
            removals.append(Removal(ln.number, ln.kept[:end].strip(), _SPEAKER_LABEL))
            ln.kept = ln.kept[end:]


def speaker_in_lead(text: str) -> str | None:
    """The speaker a news lead names by post (国家主席习近平出席… → 习近平), as written (Traditional kept)."""
    m = _LEAD_SPEAKER.search(simplified(text))
    return text[m.start(1) : m.end(1)] if m else None


def _remove_page_context(lines: list[_Line], removals: list[Removal]) -> None:
    """Page furniture recognised by where it stands rather than by its words.

    - a compilation's title and introduction, before its first piece (第1篇：, …篇1);
    - an outline (目录/提纲：) and the heading lines under it;
    - a blog's comments, from their header (1 則留言：) to the end;
    - header lines that repeat an item of the page's breadcrumb (评论研究 under 首页 > 评论研究 > …), or the browser
      title built from one (站名 -- 栏目);
    - a news lead before the speech: the agency's third-person report (…出席并发表重要讲话。), only when the speech's
      start is known (a salutation, or a 全文 label) and only before it.
    """
    live = [ln for ln in lines if not ln.removed and not ln.kept_by_user and ln.kept.strip()]
    head = live[:HEADER_LINES]
    folded = {id(ln): simplified(ln.kept) for ln in live}

    # A blogger's preface, before the line that announces the text (以下是原文：, Below is a copy of the remarks…).
    shown = [ln for ln in lines if ln.text.strip()][:HEADER_LINES]
    k = next((k for k, ln in enumerate(shown) if _PREFACE_ANNOUNCE.search(simplified(ln.text))), None)
    if k is not None:
        for ln in shown[: k + 1]:
            if not ln.removed and not ln.kept_by_user and (reads_as_speech(ln.kept) or ln is shown[k]):
                _remove_line(ln, PREFACE, removals)

    # A speech page's field label on its own line (From:, Delivered on:): its value is the next line, when that is
    # no sentence (Prime Minister's Office, 10 Downing Street and The Rt Hon Boris Johnson MP; 2 September 2019).
    labelled = {r.line for r in removals if r.reason == SPEECH_FIELD}
    for k, ln in enumerate(shown):
        if ln.number in labelled and k + 1 < len(shown):
            nxt = shown[k + 1]
            if (not nxt.removed and not nxt.kept_by_user and nxt.kept.strip() and len(nxt.kept) <= 160
                    and not ends_sentence(nxt.kept) and nxt.number not in labelled):
                _remove_line(nxt, SPEECH_FIELD, removals)

    item = next((k for k, ln in enumerate(head) if _COMPILATION_ITEM.search(folded[id(ln)])), None)
    if item is not None:
        for ln in head[:item]:
            _remove_line(ln, "a compilation's title and introduction (before its first piece)", removals)
        ln = head[item]
        m = _COMPILATION_ITEM.search(folded[id(ln)])
        rest = ln.kept[m.end():].strip()
        removals.append(Removal(ln.number, ln.kept[: m.end()].strip(), "compilation item marker"))
        if rest:
            ln.kept = rest
        else:
            ln.removed = True

    for k, ln in enumerate(live):
        if not ln.removed and _OUTLINE_LABEL.match(folded[id(ln)]):
            _remove_line(ln, "outline of the document (目录/提纲)", removals)
            for nxt in live[k + 1 :]:
                text = nxt.kept.strip()
                if HEADING_RE.match(text) and len(text) <= 60 and not _SENTENCE_END.search(text):
                    _remove_line(nxt, "outline of the document (目录/提纲)", removals)
                else:
                    break

    written = [ln for ln in lines if ln.text.strip()]
    for k, ln in enumerate(written):
        if k > 0 and _LIST_LABEL.match(simplified(ln.text.strip())):
            # The site's list of other articles under its label (相关推荐, 热门文章): titles, to the first sentence.
            for nxt in written[k + 1 :]:
                if nxt.removed or nxt.kept_by_user:
                    continue
                if ends_sentence(nxt.kept) or _salutation_like(nxt.kept):
                    break
                _remove_line(nxt, "list of the site's other articles (after its label)", removals)
            break

    for k, ln in enumerate(live):
        if not ln.removed and _COMMENTS_HEADER.match(folded[id(ln)]) and k > 0:
            for rest_ln in live[k:]:
                if not rest_ln.removed:
                    _remove_line(rest_ln, "comments below the post", removals)
            break

    crumbs: set[str] = set()
    for r in removals:
        if r.reason.startswith("web-page chrome") and _BREADCRUMB_SEP.search(r.text):
            crumbs.update(p.strip() for p in _BREADCRUMB_SEP.split(r.text)[1:] if len(p.strip()) >= 2)
    for ln in live:
        if ln.removed or ln.kept_by_user:
            continue
        if crumbs:
            parts = [p.strip() for p in _TITLE_SEP.split(ln.kept)]
            if ln.kept.strip() in crumbs or (len(parts) > 1 and any(p in crumbs for p in parts)):
                if ln in head:
                    _remove_line(ln, "navigation (an item of the page's breadcrumb)", removals)
                    continue
        if _opens_speech(ln.kept) and not _LEAD_VERB.search(folded[id(ln)]):
            break

    _remove_menu(lines, removals)

    start = next((k for k, ln in enumerate(head) if not ln.removed and _HEADER_SALUTATION.match(ln.kept.strip())), None)
    if start is None and head:
        # The line after a 全文 label or headline (the label itself may be gone, or glued to the lead).
        marks = [r.line for r in removals if r.reason.startswith("news lead") and r.line <= head[-1].number]
        if marks:
            start = next((k + (ln.number == marks[0]) for k, ln in enumerate(head) if ln.number >= marks[0]), None)
    if start is None:
        return
    for ln in head[:start]:
        if not ln.removed and _LEAD_VERB.search(folded[id(ln)]) and re.search("[。，：]", ln.kept):
            _remove_line(ln, NEWS_LEAD, removals, strong=True)

CHUNK_NUMBER = "chunk number of a document page (1、… 2、…: the page's pieces, not the speech's list)"
_CHUNK = re.compile(r"^\s*(\d{1,3})、")
_CHUNK_MIN = 200  # characters: a document page's chunks are long; a speech's numbered points rarely all are
_ENDS_SENTENCE = re.compile(r"[。！？!?…”』」）)；;：:]\s*$")


def _unchunk(lines: list[_Line], removals: list[Removal]) -> None:
    """A document page that shows its text in numbered chunks (1、县政协…大会秘 / 2、书名单…): the numbers are the
    page's, and a chunk ends wherever the page cut it, inside a word.

    Only when the whole text is such chunks: every non-blank line opens with the next number from 1, every chunk but
    the last is long, and at least one chunk stops in mid-sentence where the next one goes on with Chinese. A
    speech's own numbered points end their sentences, so a speech is never taken for chunks. The numbers go, and a
    chunk that goes on with the sentence of the one before is glued to it.
    """
    written = [ln for ln in lines if ln.text.strip()]
    if len(written) < 2:
        return
    for k, ln in enumerate(written):
        m = _CHUNK.match(ln.text)
        if not m or int(m.group(1)) != k + 1 or (k < len(written) - 1 and len(ln.text.strip()) < _CHUNK_MIN):
            return
    cut = [k for k in range(1, len(written)) if not _ENDS_SENTENCE.search(written[k - 1].text)
           and _HAN.match(written[k].text[_CHUNK.match(written[k].text).end():].lstrip())]
    if not cut:
        return
    for k, ln in enumerate(written):
        m = _CHUNK.match(ln.text)
        removals.append(Removal(ln.number, m.group(0).strip(), CHUNK_NUMBER))
        ln.text = ln.kept = ln.text[m.end():].lstrip()
        ln.glue = k in cut


SITE_INTRO = "the site's introduction (a paragraph where the site speaks to its reader, before the speech)"


def _remove_site_intro(lines: list[_Line], removals: list[Removal]) -> None:
    """The site's introduction before the speech: a paragraph in which the site speaks to its reader (…下面是小编为
    大家整理的…，供大家参考。) is the site's all through, its first sentences too (毕业典礼是一个重要的社交活动…).

    Only in the header, before the speech's salutation (which must be there: without it the start is unknown), and
    only a line that a site-voice sentence was cut from; a line of the speech never has one.
    """
    live = [ln for ln in lines if ln.text.strip() and not ln.kept_by_user][:HEADER_LINES]
    start = next((k for k, ln in enumerate(live) if not ln.removed and _HEADER_SALUTATION.match(ln.kept.strip())), None)
    if start is None:
        return
    voiced = {r.line for r in removals if r.reason == SITE_VOICE}
    for ln in live[:start]:
        if not ln.removed and ln.number in voiced and ln.kept.strip():
            removals.append(Removal(ln.number, ln.kept.strip(), SITE_INTRO))
            ln.removed = True
            ln.strong = True


MENU_MIN_ITEMS = 5
MENU_ITEM_MAX = 8
_MENU_WORD = re.compile(r"首页|主页|联系|联络|关于我们|简介|新闻|登录|注册|搜索|导航|网站地图|指南|连结|链接|帮助|English|简体|繁体",
                        re.IGNORECASE)
_PUNCT = re.compile(r"[，。！？、：；,.!?:;（）()《》“”\"]")
_MENU_NAME = re.compile(r"[\u4e00-\u9fff·]{2,3}|\S{2,12}\s+[\u4e00-\u9fff·]{2,4}")  # 李四, 校长 李四


def _remove_menu(lines: list[_Line], removals: list[Removal]) -> None:
    """A site's navigation menu scraped above the speech, one item a line (主頁 / 簡歷 / 新聞稿 / 聯絡 / 網頁指南).

    A menu: five short lines at least, one after another, no punctuation, two of them words only menus use (首页,
    联系, 新闻, 指南, English…), all before the speech's first sentence. Then what stands above the speech is the
    site's (its name, its language links, its badges), except the speech's own title block: the lines just before
    the speech that are a date or a name, and the one line above them that is its title. Lines that read as speech,
    headings and 讲话 titles are never taken. A poem of short lines has no menu words; it stays.
    """
    live = [ln for ln in lines if not ln.removed and not ln.kept_by_user and ln.kept.strip()]
    first = next((k for k, ln in enumerate(live) if _opens_speech(ln.kept)), None)
    if first is None or first < MENU_MIN_ITEMS + 1:
        return
    head = live[:first]

    def item(ln: _Line) -> bool:
        # 行政會議 is a menu item, though 会议 is a title's word: only sentences, headings and dates are not items
        text = simplified(ln.kept.strip())
        return (len(text) <= MENU_ITEM_MAX and not _PUNCT.search(text) and not reads_as_speech(text)
                and not HEADING_RE.match(text) and not _DATE_LINE.match(text))

    menu = False
    k = 0
    while k < len(head):
        j = k
        while j < len(head) and item(head[j]) and (j == k or head[j].number == head[j - 1].number + 1):
            j += 1
        if j - k >= MENU_MIN_ITEMS and sum(bool(_MENU_WORD.search(simplified(x.kept))) for x in head[k:j]) >= 2:
            menu = True
            break
        k = max(j, k + 1)
    if not menu:
        return
    keep = len(head)
    while keep > 1 and (_DATE_LINE.match(simplified(head[keep - 1].kept.strip()))
                        or _MENU_NAME.fullmatch(head[keep - 1].kept.strip())):  # a date, a name: the title block's
        keep -= 1
    keep -= 1  # the title
    for ln in head[:keep]:
        if item(ln) or not _protected(ln.kept):
            _remove_line(ln, "navigation menu (the site's, above the speech)", removals)


_BRAND_CREDIT = re.compile(rf"([{_H}A-Za-z0-9]{{2,12}}?)(?:整理|出品|制作|原创|独家|编辑)(?=[，,、\s]|$)")
_CONTACT = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in RULES
                               if r.name in ("qq", "url", "domain", "wechat-id", "mobile", "email", "service")))
_CREDIT_WORDS = ("整理", "出品", "制作", "原创", "独家", "编辑")
_NOT_BRANDS = frozenset({"根据录音", "根据", "本文", "资料", "文字", "材料", "会议", "录音", "本站", "网友", "小编"})


def _brand_rules(lines: Sequence[str]) -> tuple[Rule, ...]:
    """Brands learned from credit lines that carry a strong contact/URL signal (``酷乐文行整理，咨询QQ…``).

    The brand then goes wherever it stands alone (a bare ``酷乐文行`` line in the header). Learned, not listed,
    because every download site has its own name.
    """
    brands: list[str] = []
    for line in lines:
        if not any(word in line for word in _CREDIT_WORDS) or not _CONTACT.search(line):
            continue
        for m in _BRAND_CREDIT.finditer(line):
            brand = m.group(1)
            if brand not in _NOT_BRANDS and len(brand) >= 3 and brand not in brands:
                brands.append(brand)
    return tuple(_rule(f"brand:{b}", rf"^.{{0,10}}{re.escape(b)}.{{0,10}}$",
                       f"watermark (brand {b!r} from a credit line)")
                 for b in brands)


def _remove_boxed_in(lines: list[_Line], first: int, last: int, protected: Callable[[str], bool],
                     removals: list[Removal]) -> None:
    """Ad slogans in the header or footer: unmarked lines boxed in, with no blank line, by removed lines.

    Download sites stack their slogans ("自建平台、实时分享") between their notices; such a line has no noise word
    of its own, but a run of lines directly between two removed lines, before the speech starts (or after it ends),
    is part of the ad block. Titles, headings and sentences are protected, and a blank line breaks the box, so a
    title set apart by blank lines is never taken.
    """
    n = len(lines)
    # A transcript's words between its time codes (00:00:05 / yes we / 00:00:13) are the speech, never an ad block.
    timed = {r.line for r in removals if r.reason == TIME_CODE}
    i = 0
    while i < n:
        ln = lines[i]
        if ln.removed or not ln.kept.strip() or ln.kept_by_user or not (ln.number < first or ln.number > last):
            i += 1
            continue
        j = i
        while j < n and not lines[j].removed and lines[j].kept.strip() and not lines[j].kept_by_user:
            j += 1
        run = lines[i:j]
        above_removed = i > 0 and lines[i - 1].removed
        below_removed = j < n and lines[j].removed
        inside = all(x.number < first for x in run) or all(x.number > last for x in run)
        timed_box = (i > 0 and lines[i - 1].number in timed) or (j < n and lines[j].number in timed)
        if above_removed and below_removed and inside and not timed_box and not any(protected(x.kept) for x in run):
            for x in run:
                _remove_line(x, "ad block before or after the speech (between removed lines)", removals)
        i = j


def _remove_repeated(lines: list[_Line], first: int, last: int, protected: Callable[[str], bool],
                     removals: list[Removal]) -> None:
    """Running headers and footers: the same non-speech line two or more times.

    A repeated title (a page header that repeats the title) keeps its first occurrence when that is in the title
    block, before the speech starts; lines that read as speech, salutations (``同志们！`` recurs on purpose),
    headings, stage notes (``（掌声）``) and any line ending a sentence (``谢谢！``) never count.
    """
    counts = Counter(ln.kept for ln in lines if not ln.removed and ln.kept.strip())
    # Twice is a header only when a copy sits at the top or bottom (outside the speech) or next to removed noise;
    # an unmarked heading said twice mid-speech stays. Three times or more is a running header wherever it is.
    placed: set[str] = set()
    for i, ln in enumerate(lines):
        if counts[ln.kept] == 2 and not ln.removed and (
                ln.number < first or ln.number > last
                or any(0 <= j < len(lines) and lines[j].removed for j in (i - 1, i + 1))):
            placed.add(ln.kept)
    # The page's title line said again (the site's copy under it, a download link after the speech) is a header or
    # footer even when it reads as speech: a title with quotes and twelve characters (过好“政治生日”主题党课讲稿) has the
    # shape of a clause. Only a title-worded line (讲稿, 讲话, 报告…) with no sentence end, never a heading.
    head = next((ln for ln in lines if not ln.removed and ln.kept.strip()), None)
    title = head.kept if head is not None else None
    if title and (not _TITLE.search(simplified(title)) or ends_sentence(title) or HEADING_RE.match(title)
                  or _SALUTATION.match(title)):
        title = None
    seen: set[str] = set()
    for ln in lines:
        if ln.removed or ln.kept_by_user or counts[ln.kept] < 2 or not _has_words(ln.kept):
            continue
        if title is not None and ln.kept == title and ln is not head:
            _remove_line(ln, "repeated page header/footer", removals)
            continue
        if counts[ln.kept] == 2 and ln.kept not in placed:
            continue
        text = ln.kept
        if (reads_as_speech(text) or ends_sentence(text) or HEADING_RE.match(text) or _SALUTATION.match(text)
                or _STAGE_NOTE.match(text)):
            continue
        if text not in seen and ln.number < first and protected(text):
            seen.add(text)  # the title itself; later copies are page headers
            continue
        seen.add(text)
        _remove_line(ln, "repeated page header/footer", removals)


def _tidy(text: str) -> str:
    """Collapse the blank lines left where noise was, so paragraphs stay one blank line apart at most."""
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n" if text.strip() else ""


# --- user rules -----------------------------------------------------------------------------------------------------


def _compile_keep(keep: Sequence[str]) -> list[re.Pattern[str]]:
    out = []
    for pattern in keep:
        try:
            out.append(re.compile(pattern))
        except re.error as e:
            raise ConfigError(f"pattern {pattern!r} is not a valid regular expression ({e})", path="--keep") from None
    return out


def load_rules(path: str | os.PathLike[str]) -> tuple[Rule, ...]:
    """Extra rules from a TOML file::

        [[rule]]
        pattern = "某某文库"          # a Python regular expression
        reason = "watermark (site)"  # shown in the removals table
        scope = "line"               # optional: "line" (default), "segment" or "inline"
        name = "my-site"             # optional

    User rules are strong: they remove even sentence-shaped lines, since the user asked for them.
    """
    data = read_toml(path, "rules file")
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise ConfigError("[[rule]] must be an array of tables", path=path)
    rules: list[Rule] = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"rule {i} is not a table", path=path)
        name = str(entry.get("name", f"rule {i}"))
        pattern = entry.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise ConfigError(f"rule {name!r} has no pattern", path=path)
        scope = entry.get("scope", "line")
        if scope not in ("line", "segment", "inline"):
            raise ConfigError(f"rule {name!r}: scope must be \"line\", \"segment\" or \"inline\", not {scope!r}",
                              path=path)
        unknown = set(entry) - {"name", "pattern", "reason", "scope"}
        if unknown:
            raise ConfigError(f"rule {name!r}: unknown key {sorted(unknown)[0]!r}", path=path)
        try:
            compiled = re.compile(pattern)
        except re.error as e:
            raise ConfigError(f"rule {name!r}: pattern {pattern!r} is not a valid regular expression ({e})",
                              path=path) from None
        if compiled.search(""):
            raise ConfigError(f"rule {name!r}: pattern {pattern!r} matches empty text", path=path)
        reason = str(entry.get("reason", f"rule {name}"))
        rules.append(Rule(name, compiled, reason, scope, True))
    return tuple(rules)
