"""The rehearsal page in a real browser: Playwright driving Debian's chromium, the page opened from file://.

The page plays a real MP3 of known length: a tone per sentence with silences between, encoded by lectern's own
ffmpeg path, and a hand-made Timeline that places each sentence where its tone is. No browser is ever downloaded:
without chromium these tests skip locally, and fail under CI (``CI=true``), where .ci/run installs it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import struct
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lectern.ffmpeg import decoded_ms, encode_mp3
from lectern.model import (
    CleanScript,
    Estimate,
    Language,
    Paragraph,
    Pause,
    PauseKind,
    Placeholder,
    Plan,
    Section,
    Sentence,
    Speech,
    TimedSection,
    TimedSentence,
    Timeline,
)
from lectern.timecode import clock
from lectern.writers.page import render_page

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
SAMPLE_RATE = 24000
HOSTILE = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
TOLERANCE_MS = 50

# (section title, marker, [(sentence as written, tone ms)]): short sentences keep the whole file ≈ 8 s.
SCRIPT = (
    ("开场", None, [("同志们：", 600), ("今天是节后上班第一天。", 700), ("我和XX同志一起向大家致以敬意。", 650)]),
    ("所有工作都要负起责任来", "一是", [("一是所有工作都要负起责任来。", 700), ("责任心是第一位的。", 600)]),
    ("所有工作都要动起来", "二是", [("二是所有工作都要动起来。", 650), ("快干快上。", 550)]),
)
LEAD_MS = 200  # silence before the first sentence, as a chime or breath would leave
SENTENCE_GAP_MS = 350
SECTION_GAP_MS = 600


# --- the fixture: real audio, a matching timeline, the page ------------------------------------------------------


def _tone(ms: int, hz: float) -> bytes:
    n = ms * SAMPLE_RATE // 1000
    # A short fade in and out, so the MP3 has no clicks that smear a sentence's edges.
    fade = SAMPLE_RATE // 100
    return b"".join(
        struct.pack("<h", int(8000 * min(1.0, i / fade, (n - i) / fade) * math.sin(2 * math.pi * hz * i / SAMPLE_RATE)))
        for i in range(n)
    )


def _silence(ms: int) -> bytes:
    return b"\0\0" * (ms * SAMPLE_RATE // 1000)


def build_rehearsal(folder: Path, texts: list[list[str]] | None = None) -> tuple[Timeline, Plan]:
    """Write ``rehearsal.mp3`` and return the Timeline that places each tone, and a Plan that matches it."""
    pcm = bytearray(_silence(LEAD_MS))
    t = LEAD_MS
    timed_sections = []
    planned_sections = []
    for si, (title, marker, sentences) in enumerate(SCRIPT):
        section_start = 0 if si == 0 else t
        timed, planned = [], []
        for j, (written, tone_ms) in enumerate(sentences):
            text = texts[si][j] if texts else written
            pcm += _tone(tone_ms, 330 + 60 * len(timed_sections) + 40 * j)
            timed.append(TimedSentence(text.replace("XX", "某某"), t, t + tone_ms))
            last = j == len(sentences) - 1
            gap = SECTION_GAP_MS if last else SENTENCE_GAP_MS
            pauses = (Pause(PauseKind.SECTION if last else PauseKind.SENTENCE, gap),)
            if si == 1 and j == 0:
                pauses += (Pause(PauseKind.MARKER, 800),)
            planned.append(Sentence(text.replace("XX", "某某"), pauses=pauses, written=text, est_ms=tone_ms))
            t += tone_ms
            pcm += _silence(gap)
            t += gap
        timed_sections.append(
            TimedSection(index=si, level=0 if si == 0 else 1, marker=marker, title=title,
                         start_ms=section_start, end_ms=t, sentences=tuple(timed))
        )
        planned_sections.append(
            Section(index=si, level=0 if si == 0 else 1, marker=marker, title=title,
                    paragraphs=(Paragraph(tuple(planned)),))
        )
    raw = folder / "rehearsal.pcm"
    raw.write_bytes(bytes(pcm))
    encode_mp3(raw, SAMPLE_RATE, folder / "rehearsal.mp3")
    raw.unlink()
    timeline = Timeline(
        audio="rehearsal.mp3", duration_ms=t, engine="tone", voice="sine", sections=tuple(timed_sections),
        title="在节后收心会上的讲话", speaker="张三", language=Language.ZH,
    )
    speech = Speech(title=timeline.title, meta=(), language=Language.ZH, sections=tuple(planned_sections))
    script = CleanScript(path="speech.txt", encoding="utf-8", text="", placeholders=(Placeholder("XX", 1),))
    plan = Plan(speech=speech, script=script, rate=220.0, estimate=Estimate(speech_ms=t, pause_ms=0, chars=60))
    return timeline, plan


@dataclass
class Rehearsal:
    folder: Path
    timeline: Timeline
    page: Path
    hostile_page: Path

    @property
    def sentences(self) -> list[TimedSentence]:
        return [s for sec in self.timeline.sections for s in sec.sentences]

    def index_at(self, ms: float) -> int:
        """The sentence whose [start, next start) contains ``ms``; -1 before the first."""
        starts = [s.start_ms for s in self.sentences]
        return max((i for i, start in enumerate(starts) if start <= ms), default=-1)


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    folder = tmp_path_factory.mktemp("rehearsal")
    timeline, plan = build_rehearsal(folder)
    # The fixture must itself be right: the MP3 decodes to the length the timeline claims.
    assert abs(decoded_ms(folder / "rehearsal.mp3", SAMPLE_RATE) - timeline.duration_ms) <= 5
    page = folder / "index.html"
    page.write_text(render_page(timeline, plan), encoding="utf-8")

    hostile_texts = [[s for s, _ in sentences] for _, _, sentences in SCRIPT]
    hostile_texts[0][0] = HOSTILE
    hostile_texts[0][1] = ATTRIBUTE_BREAK
    hostile_texts[1][1] = "</script><!--<script>alert(1)</script>-->"
    hostile_timeline, hostile_plan = build_rehearsal(folder, hostile_texts)
    from dataclasses import replace

    hostile_timeline = replace(
        hostile_timeline,
        title=HOSTILE,
        sections=(replace(hostile_timeline.sections[0], title=ATTRIBUTE_BREAK), *hostile_timeline.sections[1:]),
    )
    hostile_page = folder / "hostile.html"
    hostile_page.write_text(render_page(hostile_timeline, hostile_plan), encoding="utf-8")
    return Rehearsal(folder, timeline, page, hostile_page)


# --- the browser -------------------------------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium)", pytrace=False)
    pytest.skip(reason)


LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def playwright() -> Iterator[tuple[object, str]]:
    """One Playwright driver for the module (its sync API allows one per thread) and the chromium to launch."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    executable = _chromium()
    if executable is None:
        _unavailable("no chromium found (apt-get install chromium); Playwright never downloads a browser here")
    with sync_playwright() as p:
        yield p, executable


@pytest.fixture(scope="module")
def browser(playwright: tuple[object, str]) -> Iterator[object]:
    p, executable = playwright
    browser = p.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@dataclass
class Session:
    """One page with everything it reported: console errors, uncaught exceptions and dialogs (alert/confirm)."""

    page: object
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)


@pytest.fixture
def open_page(browser: object) -> Iterator[object]:
    contexts = []

    def open_(path: Path, *, viewport: tuple[int, int] = (1280, 860), mobile: bool = False) -> Session:
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=mobile, has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        contexts.append(context)
        page = context.new_page()
        session = Session(page)
        page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(str(e)))

        def on_dialog(dialog: object) -> None:
            session.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.as_uri())
        # Ready when the page has drawn the script and the audio knows its length.
        page.wait_for_function("document.querySelectorAll('.s').length > 0 && audio.readyState >= 1")
        return session

    yield open_
    for context in contexts:
        context.close()


def _clock(ms: int) -> str:
    return f"{ms // 60000}:{ms // 1000 % 60:02d}"


def _ms(session: Session) -> float:
    return session.js("audio.currentTime") * 1000


# --- the tests -----------------------------------------------------------------------------------------------------


def test_clicking_the_third_sentence_plays_from_its_start(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    session.js("window.seeks = []; audio.addEventListener('seeked', () => seeks.push(audio.currentTime * 1000))")
    third = rehearsal.sentences[2]
    session.page.locator("#script .s").nth(2).click()
    session.page.wait_for_function("seeks.length > 0 && !audio.paused")
    assert abs(session.js("seeks[0]") - third.start_ms) <= TOLERANCE_MS
    assert session.js("document.querySelector('.s.now').dataset.i") == "2"
    assert session.js("document.querySelector('.s.now').textContent").startswith("我和")
    assert session.errors == [] and session.dialogs == []


def test_highlight_follows_playback(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    # Also the speed control: 1.5× keeps this test short.
    session.js("s => { const r = document.getElementById('speed'); r.value = s; r.dispatchEvent(new Event('input')); }",
               "1.5")
    assert session.js("audio.playbackRate") == 1.5
    session.page.locator("#script .s").nth(0).click()
    # Sample in the page every 40 ms for 2 s of wall time (≈ 3 s of audio at 1.5×).
    samples = session.js(
        """() => new Promise(done => {
            const out = [];
            const timer = setInterval(() => {
                const now = document.querySelector('.s.now');
                out.push([audio.currentTime * 1000, now ? Number(now.dataset.i) : -1]);
                if (out.length >= 50) { clearInterval(timer); done(out); }
            }, 40);
        })"""
    )
    seen = set()
    for t, shown in samples:
        # The highlight is set on the last animation frame (or timeupdate, at least every 250 ms, when frames are
        # starved on a busy machine), a little before currentTime was read.
        assert shown in {rehearsal.index_at(t), rehearsal.index_at(t - 250)}, (t, shown)
        seen.add(shown)
    assert len(seen) >= 3, f"the highlight did not move along: {sorted(seen)}"
    session.js("audio.pause()")
    assert session.errors == [] and session.dialogs == []


def test_keys_move_by_section_and_sentence(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    sections = rehearsal.timeline.sections
    keyboard = session.page.keyboard
    keyboard.press("ArrowDown")
    assert abs(_ms(session) - sections[1].start_ms) <= TOLERANCE_MS
    keyboard.press("ArrowDown")
    assert abs(_ms(session) - sections[2].start_ms) <= TOLERANCE_MS
    keyboard.press("ArrowUp")
    assert abs(_ms(session) - sections[1].start_ms) <= TOLERANCE_MS
    keyboard.press("ArrowRight")
    assert abs(_ms(session) - sections[1].sentences[1].start_ms) <= TOLERANCE_MS
    keyboard.press("ArrowLeft")
    keyboard.press("ArrowLeft")
    assert abs(_ms(session) - sections[0].sentences[-1].start_ms) <= TOLERANCE_MS
    assert session.js("document.querySelector('#toc li.now a').textContent") == "开场"
    keyboard.press("l")
    assert session.js("[...document.querySelectorAll('.sec.looping')].map(s => s.id)") == ["sec-0"]
    keyboard.press("l")
    assert session.js("document.querySelectorAll('.sec.looping').length") == 0
    keyboard.press(" ")
    session.page.wait_for_function("!audio.paused")
    keyboard.press(" ")
    session.page.wait_for_function("audio.paused")
    # Space with a mode button focused (just clicked) plays; it must not press the button again.
    session.page.locator("#echo").click()
    keyboard.press(" ")
    session.page.wait_for_function("!audio.paused")
    assert session.js("document.getElementById('echo').getAttribute('aria-pressed')") == "true"
    session.js("audio.pause()")
    assert session.errors == [] and session.dialogs == []


def test_loop_returns_to_the_section_start(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    last = rehearsal.timeline.sections[2]
    session.js("window.seeks = []; audio.addEventListener('seeked', () => seeks.push(audio.currentTime * 1000))")
    session.js("ms => { audio.playbackRate = 1.5; audio.currentTime = ms / 1000; }", last.sentences[-1].start_ms)
    session.page.keyboard.press("l")
    session.page.keyboard.press(" ")
    # The last section loops: after its end, playback is back at its start.
    session.page.wait_for_function(f"seeks.some(t => Math.abs(t - {last.start_ms}) <= {TOLERANCE_MS})", timeout=8000)
    session.js("audio.pause()")
    # The loop follows navigation: ↑ loops the section arrived in.
    session.page.keyboard.press("ArrowUp")
    assert session.js("[...document.querySelectorAll('.sec.looping')].map(s => s.id)") == ["sec-1"]
    assert session.errors == [] and session.dialogs == []


def test_echo_mode_pauses_after_a_sentence_then_resumes(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    session.js(
        "window.events = [];"
        "audio.addEventListener('pause', () => events.push(['pause', audio.currentTime * 1000, performance.now()]));"
        "audio.addEventListener('play', () => events.push(['play', audio.currentTime * 1000, performance.now()]));"
    )
    session.page.locator("#echo").click()
    second = rehearsal.sentences[1]
    third = rehearsal.sentences[2]
    session.page.locator("#script .s").nth(1).click()
    session.page.wait_for_function("events.filter(e => e[0] === 'pause').length >= 1", timeout=5000)
    kind, paused_at, _ = session.js("events.find(e => e[0] === 'pause')")
    # Paused in the silence after the sentence: the speaker's turn to say it.
    assert second.end_ms <= paused_at < third.start_ms, (paused_at, second, third)
    assert session.page.locator("#echo-turn").is_visible()
    # …and resumes by itself after about as long as the sentence took.
    session.page.wait_for_function("events.filter(e => e[0] === 'play').length >= 2", timeout=5000)
    events = session.js("events")
    pause_index = next(i for i, e in enumerate(events) if e[0] == "pause")
    resumed = next(e for e in events[pause_index:] if e[0] == "play")
    assert resumed[2] - events[pause_index][2] >= 0.9 * (second.end_ms - second.start_ms)
    # From where it stopped (the audio pipeline may drift a frame or two past the pause), not the next sentence.
    assert second.end_ms <= resumed[1] < third.start_ms
    assert not session.page.locator("#echo-turn").is_visible()
    session.js("audio.pause()")
    assert session.errors == [] and session.dialogs == []


def test_script_markup_is_shown_as_text_and_never_runs(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.hostile_page)
    lines = session.page.locator("#script .s")
    assert lines.nth(0).inner_text() == HOSTILE
    assert lines.nth(1).inner_text() == ATTRIBUTE_BREAK
    assert lines.nth(4).inner_text() == "</script><!--<script>alert(1)</script>-->"
    assert session.js("document.title") == HOSTILE
    assert session.js("document.querySelectorAll('img').length") == 0
    assert session.js("document.querySelectorAll('script').length") == 2
    lines.nth(1).click()
    session.page.wait_for_timeout(200)
    session.js("audio.pause()")
    assert session.dialogs == []
    assert session.errors == []


def test_the_header_drops_the_dash_that_sets_off_a_subtitle(rehearsal: Rehearsal, open_page: object) -> None:
    # gov_work_report.txt: the header read "…市长 周启明 · ——2024年1月16日在…会议上", a doubled separator.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    subtitle = "——2024年1月16日在临川市第十七届人民代表大会第三次会议上"
    timeline = replace(timeline, meta=(("subtitle", subtitle), ("speaker", "张三")))
    page = rehearsal.folder / "meta.html"
    page.write_text(render_page(timeline, plan), encoding="utf-8")
    session = open_page(page)
    assert session.js("document.getElementById('meta').textContent") == "张三 · " + subtitle.lstrip("—")


def test_a_long_speech_charts_its_headings_with_the_subsections_folded_in(
    rehearsal: Rehearsal, open_page: object
) -> None:
    # A 120-item speech (（1）…（40） under each of 一、二、三、) drew 125 bars above the script.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    sections = [TimedSection(0, 0, None, "开场", 0, 4_000, (TimedSentence("同志们：", 100, 900),))]
    for h, name in enumerate("一二三"):
        start = 4_000 + h * 41_000
        sections.append(TimedSection(len(sections), 1, f"{name}、", "方面", start, start + 1_000,
                                     (TimedSentence(f"{name}、方面", start, start + 800),)))
        for k in range(40):
            at = start + 1_000 + k * 1_000
            sections.append(TimedSection(len(sections), 2, f"（{k + 1}）", "任务", at, at + 1_000,
                                         (TimedSentence(f"（{k + 1}）任务。", at, at + 900),)))
    timeline = replace(timeline, duration_ms=127_000, sections=tuple(sections))
    page = rehearsal.folder / "long.html"
    page.write_text(render_page(timeline), encoding="utf-8")
    session = open_page(page)
    bars = session.js("[...document.querySelectorAll('.bar-row')].map(r => [r.querySelector('.bar-name').textContent,"
                      " r.querySelector('.bar-value').textContent])")
    assert bars == [["开场", "0:04"], ["一、方面", "0:41"], ["二、方面", "0:41"], ["三、方面", "0:41"]]
    assert session.js("document.querySelectorAll('#toc li').length") == 124


def test_page_reads_on_desktop_phone_and_as_prompter(rehearsal: Rehearsal, open_page: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    desktop = open_page(rehearsal.page)
    desktop.page.locator("#script .s").nth(2).click()
    desktop.js("audio.pause()")
    assert desktop.page.locator("mark.ph").first.inner_text() == "XX"
    assert desktop.page.locator(".pz-marker").count() == 1
    # The contents: each section's start and its span to the next section's start (the spans add up to the whole),
    # rounded to the second as the timing report prints them: the page once showed 0:05 for a section the report
    # started at 0:06 (5.7 s), and "Pauses 0:49" beside the report's 0:50.
    sections = rehearsal.timeline.sections
    ends = [sec.start_ms for sec in sections[1:]] + [rehearsal.timeline.duration_ms]
    assert desktop.js("[...document.querySelectorAll('#toc li')].map(li => [...li.children].map(c => c.textContent))") == [
        [f"{sec.marker or ''}{sec.title}", clock(sec.start_ms), clock(end - sec.start_ms)]
        for sec, end in zip(sections, ends)
    ]
    assert desktop.js("document.querySelector('#summary dd').textContent") == clock(rehearsal.timeline.duration_ms)
    desktop.page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=True)

    phone = open_page(rehearsal.page, viewport=(390, 844), mobile=True)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.js("document.documentElement.scrollWidth") <= 390
    assert phone.page.locator("#player").is_visible()
    phone.page.locator("#script .s").nth(3).click()
    phone.js("audio.pause()")
    phone.page.screenshot(path=str(ARTIFACTS / "page-phone.png"))

    phone.page.locator("#prompter").click()
    assert phone.js("document.body.classList.contains('prompter')")
    assert phone.js("getComputedStyle(document.querySelector('#toc')).display") == "none"
    phone.page.wait_for_timeout(400)  # the smooth scroll to the current sentence
    phone.page.screenshot(path=str(ARTIFACTS / "page-prompter.png"))
    assert desktop.errors == [] and phone.errors == []


# --- the page of a real offline build ------------------------------------------------------------------------------

SPEECH = """在全县节后工作会议上的讲话

同志们：
今天是节后上班第一天。我和XX同志一起向大家致以敬意。总体上实现了预期目标。
一是所有工作都要负起责任来。责任心是第一位的。
二是所有工作都要动起来。快干快上，奋力冲刺四季度。
"""


@pytest.mark.slow
def test_page_of_a_real_offline_build(tmp_path: Path, open_page: object) -> None:
    from lectern.build import BuildOptions, build

    script = tmp_path / "speech.txt"
    script.write_text(SPEECH, encoding="utf-8")
    options = BuildOptions(engine="espeak", cache_dir=tmp_path / "cache")
    # In its own thread: synthesis runs an asyncio loop, and Playwright's sync API holds one in this thread.
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(build, str(script), tmp_path / "out", options).result()
    # The times to meet are the build's record of truth, timings.json, read as any other tool would read it.
    timings = json.loads((result.out_dir / "timings.json").read_text(encoding="utf-8"))
    sections = timings["sections"]
    sentences = [s for sec in sections for s in sec["sentences"]]
    session = open_page(result.out_dir / "index.html")
    assert session.js("lectern.sentences.map(s => s.start_ms)") == [s["start_ms"] for s in sentences]
    assert abs(session.js("audio.duration") * 1000 - timings["duration_ms"]) <= TOLERANCE_MS

    session.js("window.seeks = []; audio.addEventListener('seeked', () => seeks.push(audio.currentTime * 1000))")
    session.page.locator("#script .s").nth(2).click()
    session.page.wait_for_function("seeks.length > 0 && !audio.paused")
    assert abs(session.js("seeks[0]") - sentences[2]["start_ms"]) <= TOLERANCE_MS
    session.page.wait_for_timeout(300)
    t, shown = session.js("[audio.currentTime * 1000, Number(document.querySelector('.s.now').dataset.i)]")
    starts = [s["start_ms"] for s in sentences]
    assert shown in {max(i for i, s in enumerate(starts) if s <= ms) for ms in (t, t - 250)}
    session.js("audio.pause()")
    assert len(sections) > 1, "the speech's 一是/二是 should make sections"
    session.page.keyboard.press("ArrowDown")
    following = next(sec for sec in sections if sec["start_ms"] > t)
    assert abs(session.js("audio.currentTime") * 1000 - following["start_ms"]) <= TOLERANCE_MS
    assert session.errors == [] and session.dialogs == []


def test_english_headings_keep_the_space_after_their_number(rehearsal: Rehearsal, open_page: object) -> None:
    # "I. Where We Stand" showed as "I.Where We Stand" in the contents and the chart.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    sections = (
        replace(timeline.sections[0], title="Opening"),
        replace(timeline.sections[1], marker="I.", title="Where We Stand"),
        replace(timeline.sections[2], marker="II.", title="Where We Go"),
    )
    page = rehearsal.folder / "english.html"
    page.write_text(render_page(replace(timeline, sections=sections, language=Language.EN)), encoding="utf-8")
    session = open_page(page)
    toc = session.js("[...document.querySelectorAll('#toc li')].map(li => li.children[0].textContent)")
    assert toc == ["Opening", "I. Where We Stand", "II. Where We Go"]
    bars = session.js("[...document.querySelectorAll('.bar-name')].map(b => b.textContent)")
    assert bars == toc


def test_the_player_total_is_rounded_like_the_summary(rehearsal: Rehearsal, open_page: object) -> None:
    # The summary said 2:34 where the player said 2:33: one rounding for every length on the page.
    assert rehearsal.timeline.duration_ms % 1000 >= 500  # the fixture must be one where floor and round differ
    session = open_page(rehearsal.page)
    session.page.wait_for_function("document.getElementById('clock').textContent.includes('/')")
    total = session.js("document.getElementById('clock').textContent").split(" / ")[1]
    assert total == clock(rehearsal.timeline.duration_ms)
    assert session.js("document.querySelector('#summary dd').textContent") == total


# --- the prompter's keys -----------------------------------------------------------------------------------------


def test_prompter_pages_with_a_clicker_resizes_and_leaves_with_escape(rehearsal: Rehearsal, open_page: object) -> None:
    session = open_page(rehearsal.page)
    keyboard = session.page.keyboard
    session.page.locator("#prompter").click()
    # The current sentence is bright and the others dimmed, from the first sentence on.
    assert session.js("document.querySelector('.s.now').dataset.i") == "0"
    session.page.wait_for_timeout(300)  # the dimming fades in
    opacity = session.js("[...document.querySelectorAll('.s')].map(s => getComputedStyle(s).opacity)")
    assert opacity[0] == "1" and all(float(o) < 0.5 for o in opacity[1:])
    keyboard.press("PageDown")
    keyboard.press("PageDown")
    assert abs(_ms(session) - rehearsal.sentences[2].start_ms) <= TOLERANCE_MS
    keyboard.press("PageUp")
    assert abs(_ms(session) - rehearsal.sentences[1].start_ms) <= TOLERANCE_MS
    size = session.js("parseFloat(getComputedStyle(document.getElementById('script')).fontSize)")
    session.page.locator("#larger").click()
    bigger = session.js("parseFloat(getComputedStyle(document.getElementById('script')).fontSize)")
    assert bigger > size
    keyboard.press("-")
    keyboard.press("-")
    assert session.js("parseFloat(getComputedStyle(document.getElementById('script')).fontSize)") < size
    keyboard.press("Escape")
    assert not session.js("document.body.classList.contains('prompter')")
    assert session.js("getComputedStyle(document.querySelector('#toc')).display") != "none"
    assert session.errors == [] and session.dialogs == []


# --- rehearse mode: the microphone faked from a WAV ----------------------------------------------------------------

MIC_RATE = 48000


def _write_wav(path: Path, pcm: bytes, rate: int) -> None:
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)


@pytest.fixture(scope="module")
def mic_browser(rehearsal: Rehearsal, playwright: tuple[object, str]) -> Iterator[object]:
    """A chromium whose microphone plays the rehearsal's own audio (looped from the start when it is opened)."""
    from lectern.ffmpeg import decode_to_pcm

    p, executable = playwright
    wav = rehearsal.folder / "mic.wav"
    _write_wav(wav, decode_to_pcm(rehearsal.folder / "rehearsal.mp3", MIC_RATE), MIC_RATE)
    browser = _launch_with_microphone(p, executable, wav)
    yield browser
    browser.close()


def _launch_with_microphone(p: object, executable: str, wav: Path) -> object:
    args = LAUNCH_ARGS + [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    return p.chromium.launch(executable_path=executable, headless=True, args=args)


@pytest.fixture
def open_mic_page(mic_browser: object) -> Iterator[object]:
    contexts = []

    def open_(path: Path, browser: object = mic_browser) -> Session:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        session = Session(page)
        page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(str(e)))
        page.on("dialog", lambda d: (session.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.s').length > 0")
        return session

    yield open_
    for context in contexts:
        context.close()


TAP_TOLERANCE_MS = 300


def _save_take(session: Session, folder: Path) -> tuple[Path, Path]:
    """Click Save take; return the take JSON and the recording it names, both downloaded into ``folder``."""
    page = session.page
    saved: list[object] = []
    page.on("download", lambda d: saved.append(d))
    page.locator("#rh-save").click()
    for _ in range(50):
        if len(saved) >= 2:
            break
        page.wait_for_timeout(100)
    downloads = {d.suggested_filename: d for d in saved}
    assert len(downloads) == 2, list(downloads)
    json_name = next(name for name in downloads if name.endswith(".json"))
    take_path = folder / json_name
    downloads[json_name].save_as(take_path)
    name = json.loads(take_path.read_text(encoding="utf-8"))["recording"]
    assert name in downloads
    downloads[name].save_as(folder / name)
    return take_path, folder / name


def _rehearse(session: Session, schedule: list[tuple[float, str]]) -> list[float]:
    """Open rehearse mode, start with →, then press each key at its time (s from the recording's start).

    Returns when each key reached the page, in ms from the recording's start: both read in the page from the
    events' own timestamps (the keydown, the MediaRecorder's start event, or the first key when there is no
    recorder), so a busy machine that delivers a key late does not move the time the test expects.
    """
    import time

    page = session.page
    page.locator("#rehearse-open").click()
    assert session.js("lectern.rehearse.state()") == "ready"
    session.js(
        """() => {
            window.keyTimes = [];
            window.recordingStarted = null;
            addEventListener('keydown', e => keyTimes.push(e.timeStamp), true);
            if (window.MediaRecorder) {
                const start = MediaRecorder.prototype.start;
                MediaRecorder.prototype.start = function (...args) {
                    this.addEventListener('start', e => { recordingStarted = e.timeStamp; }, { once: true });
                    return start.apply(this, args);
                };
            }
        }"""
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("lectern.rehearse.state() === 'recording'", polling=10)
    started = time.monotonic()
    for at, key in schedule:
        delay = started + at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        page.keyboard.press(key)
    zero = session.js("recordingStarted === null ? keyTimes[0] : recordingStarted")
    return [t - zero for t in session.js("keyTimes")[1:]]


def test_rehearse_times_each_section_from_the_speakers_taps_and_saves_the_take(
    rehearsal: Rehearsal, open_mic_page: object, tmp_path: Path
) -> None:
    session = open_mic_page(rehearsal.page)
    page = session.page
    # Sentences: 3 in 开场, 2 in 一是, 2 in 二是. Every key a clicker or keyboard sends moves on; ← then → again
    # across a section edge re-times the section from the second arrival.
    schedule = [
        (0.7, "ArrowDown"),   # sentence 2
        (1.2, "PageDown"),    # sentence 3
        (1.6, " "),           # 一是 (entered too early…)
        (1.8, "ArrowLeft"),   # …back into 开场
        (2.0, "ArrowRight"),  # 一是 again: this is its start
        (3.0, "ArrowRight"),
        (4.0, "PageDown"),    # 二是
        (5.1, "ArrowRight"),
        (6.0, "ArrowRight"),  # past the last sentence: the take ends
    ]
    pressed = _rehearse(session, schedule)
    page.wait_for_function("lectern.rehearse.state() === 'done'", timeout=5000)
    expected_taps = [0.0, pressed[4], pressed[6]]
    end_ms = pressed[-1]

    # Save take: the recording and the take's JSON, both downloaded.
    take_path, recording = _save_take(session, tmp_path)
    take = json.loads(take_path.read_text(encoding="utf-8"))
    assert take["recording"].endswith(".webm")

    assert {"recording", "duration_ms", "speaking_ms", "pause_ms", "pace", "sections", "sentences",
            "confidence", "taps"} <= set(take)
    # lectern's own reader of take files accepts it whole (the schema `lectern take --taps` and the report read).
    from lectern.rehearse.take import parse_delivery, parse_taps

    delivery = parse_delivery(take_path.read_text(encoding="utf-8"), path=str(take_path))
    assert [(t.section, t.ms) for t in parse_taps(take_path.read_text(encoding="utf-8"))] == [
        (t["section"], t["ms"]) for t in take["taps"]
    ]
    assert delivery.source == "page" and delivery.language == "zh" and take["schema"] == "lectern.take/1"
    assert [t["section"] for t in take["taps"]] == [0, 1, 2]
    for tap, want in zip(take["taps"], expected_taps):
        assert abs(tap["ms"] - want) <= TAP_TOLERANCE_MS, (take["taps"], expected_taps)
    assert abs(take["duration_ms"] - end_ms) <= TAP_TOLERANCE_MS
    sections = take["sections"]
    assert [s["index"] for s in sections] == [0, 1, 2]
    assert [s["title"] for s in sections] == ["开场", "一是所有工作都要负起责任来", "二是所有工作都要动起来"]
    assert [s["start_ms"] for s in sections] == [t["ms"] for t in take["taps"]]
    assert [s["end_ms"] for s in sections[:-1]] == [t["ms"] for t in take["taps"][1:]]
    assert sections[-1]["end_ms"] <= take["duration_ms"]
    spans = [b.start_ms - a.start_ms for a, b in zip(rehearsal.timeline.sections, rehearsal.timeline.sections[1:])]
    spans.append(rehearsal.timeline.duration_ms - rehearsal.timeline.sections[-1].start_ms)
    assert [s["voice_ms"] for s in sections] == spans
    assert take["confidence"] is None and take["stopped_at"] is None  # the page does not align; it finished
    # Each section's pace over its span, in 字/分 from the section's characters.
    for s, sec in zip(sections, rehearsal.timeline.sections):
        units = sum(len([c for c in ts.text if "\u4e00" <= c <= "\u9fff"]) for ts in sec.sentences)
        assert s["pace"] == pytest.approx(units / ((s["end_ms"] - s["start_ms"]) / 60000), abs=0.1)
    assert len(take["sentences"]) == 7
    assert abs(take["sentences"][1]["start_ms"] - pressed[0]) <= TAP_TOLERANCE_MS

    # The recording is the take: it decodes to the length the JSON gives.
    assert abs(decoded_ms(recording, SAMPLE_RATE) - take["duration_ms"]) <= TAP_TOLERANCE_MS
    # The page's own pause detection heard the tones and the silences between them: the microphone played the
    # rehearsal's audio from the recording's start, so speaking time is about the tones within the take.
    heard = sum(
        max(0, min(s.end_ms, take["duration_ms"]) - s.start_ms)
        for s in rehearsal.sentences if s.start_ms < take["duration_ms"]
    )
    assert abs(take["speaking_ms"] - heard) <= 800, (take["speaking_ms"], heard, take["pauses"])
    assert take["speaking_ms"] + take["pause_ms"] == take["duration_ms"]
    assert session.js("lectern.rehearse.heardFrom()") == "recording"  # decoded back from the saved file
    # The longest pause inside the speech is a section gap (600 ms in the rehearsal), and falls where one is.
    longest = take["pauses"][0]
    assert 400 <= longest["ms"] <= 900, take["pauses"]
    assert [p["ms"] for p in take["pauses"]] == sorted((p["ms"] for p in take["pauses"]), reverse=True)

    # The table on the page says the same, to the second.
    rows = session.js("[...document.querySelectorAll('#rh-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    assert [r[1] for r in rows] == ["开场", "一是所有工作都要负起责任来", "二是所有工作都要动起来"]
    ends = [*expected_taps[1:], sections[-1]["end_ms"]]
    assert [r[2] for r in rows] == [clock(round(t)) for t in expected_taps]
    assert [r[3] for r in rows] == [clock(round(b - a)) for a, b in zip(expected_taps, ends)]
    assert [r[4] for r in rows] == [clock(span) for span in spans]

    # Playback jumps to a section's start in the take.
    page.locator(".rh-jump").nth(2).click()
    page.wait_for_function("!document.getElementById('rh-audio').paused")
    assert abs(session.js("document.getElementById('rh-audio').currentTime") * 1000 - sections[2]["start_ms"]) <= 300
    session.js("document.getElementById('rh-audio').pause()")

    # The take stays in the browser, charted beside the rehearsal; Clear (clicked twice) removes it.
    page.wait_for_function("document.querySelectorAll('.rh-htake').length === 1")
    assert session.js("lectern.rehearse.loadTakes().then(t => t.map(x => x.taps))") == [take["taps"]]
    page.locator("#rh-clear").click()
    page.locator("#rh-clear").click()
    page.wait_for_function("document.querySelectorAll('.rh-htake').length === 0")
    assert session.js("lectern.rehearse.loadTakes().then(t => t.length)") == 0
    page.screenshot(path=str(ARTIFACTS / "page-take.png"))
    page.keyboard.press("Escape")
    assert session.js("document.getElementById('rehearse').hidden")
    assert session.errors == [] and session.dialogs == []


def test_rehearse_shows_where_the_speaker_should_be_and_escape_finishes(
    rehearsal: Rehearsal, open_mic_page: object
) -> None:
    # A 6 s target for a ≈ 8 s rehearsal, budgeted as the report does it: 1 s for the opening, 4 s for 一是.
    timeline, plan = build_rehearsal(rehearsal.folder)
    page_path = rehearsal.folder / "target.html"
    budgets = [{"index": 0, "budget_ms": 1000}, {"index": 1, "budget_ms": 4000}, {"index": 2, "budget_ms": 1000}]
    report = {"target": {"target_ms": 6000, "budgets": budgets}}
    page_path.write_text(render_page(timeline, plan, report), encoding="utf-8")
    session = open_mic_page(page_path)
    page = session.page
    checkpoints = session.js("[...document.querySelectorAll('.rh-check-ref')].map(c => c.textContent)")
    voice_starts = [clock(sec.start_ms) for sec in rehearsal.timeline.sections]
    assert checkpoints == [f"{v} · {t}" for v, t in zip(voice_starts, ["0:00", "0:01", "0:05"])]
    _rehearse(session, [])
    # Still on the first sentence after the target's checkpoint for 一是 (1 s): behind, once by half a second.
    page.wait_for_function("document.getElementById('rh-drift-text').textContent.includes('落后')", timeout=5000)
    should = session.js("document.getElementById('rh-should').textContent")
    assert "一是所有工作都要负起责任来" in should and "目标" in should, should
    assert "开场" in session.js("document.getElementById('rh-should2').textContent")
    assert session.js("document.getElementById('rh-drift-bar').className") == "behind"
    page.locator("#rh-mirror").click()
    assert session.js("getComputedStyle(document.getElementById('rh-prompt')).transform") != "none"
    page.screenshot(path=str(ARTIFACTS / "page-rehearse.png"))
    page.keyboard.press("Escape")
    page.wait_for_function("lectern.rehearse.state() === 'done'", timeout=5000)
    # Only the first section was reached: the others are listed as not reached, the take says how much it covers.
    assert session.js("lectern.lastTake.taps.map(t => t.section)") == [0]
    assert session.js("lectern.lastTake.stopped_at") == 0  # stopped in the first sentence
    assert session.js("lectern.lastTake.sections.map(s => s.pace)") == [None]  # an unfinished section has no pace
    assert session.js("document.querySelectorAll('#rh-table tr.rh-missed').length") == 2
    assert session.errors == [] and session.dialogs == []


def test_rehearse_shows_hostile_text_as_text(rehearsal: Rehearsal, open_mic_page: object) -> None:
    session = open_mic_page(rehearsal.hostile_page)
    session.page.locator("#rehearse-open").click()
    lines = session.js("[...document.querySelectorAll('.rh-line')].map(p => p.textContent)")
    assert lines[:2] == [HOSTILE, ATTRIBUTE_BREAK]
    assert session.js("document.querySelector('.rh-sec').textContent") == ATTRIBUTE_BREAK
    assert session.js("document.querySelector('.rh-check-name').textContent") == ATTRIBUTE_BREAK
    # A take of it: the table, the take and the history carry the heading as text.
    session.page.keyboard.press("ArrowRight")
    session.page.wait_for_function("lectern.rehearse.state() === 'recording'")
    session.page.wait_for_timeout(300)
    session.page.keyboard.press("Escape")
    session.page.wait_for_function("lectern.rehearse.state() === 'done'")
    assert session.js("document.querySelector('#rh-table tbody .rh-jump').textContent") == ATTRIBUTE_BREAK
    assert session.js("lectern.lastTake.sections[0].title") == ATTRIBUTE_BREAK
    session.page.wait_for_function("document.querySelectorAll('.rh-htake').length === 1")
    assert session.js("document.querySelectorAll('img').length") == 0
    assert session.dialogs == [] and session.errors == []


# --- rehearse a real offline build, Chinese and English -------------------------------------------------------------

ENGLISH_SPEECH = """Remarks at the Harbour Project Opening

Friends and colleagues,
Thank you for coming today. This harbour has waited a long time for this day.
I. Where We Stand
We finished the first pier in March. The second is halfway done.
II. Where We Go
Next year we open the ferry line. Thank you all.
"""


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_rehearse_a_real_build_tapping_at_each_sentence(
    language: str, tmp_path: Path, playwright: tuple[object, str], open_mic_page: object
) -> None:
    """The speaker reads along with the rehearsal's own voice (the microphone plays it) and moves on at each sentence
    as the voice starts it: the take's sections start where timings.json says the voice's sections start."""
    from lectern.build import BuildOptions, build
    from lectern.ffmpeg import decode_to_pcm

    script = tmp_path / "speech.txt"
    script.write_text(SPEECH if language == "zh" else ENGLISH_SPEECH, encoding="utf-8")
    options = BuildOptions(engine="espeak", cache_dir=tmp_path / "cache")
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(build, str(script), tmp_path / "out", options).result()
    timings = json.loads((result.out_dir / "timings.json").read_text(encoding="utf-8"))
    sections = timings["sections"]
    assert len(sections) >= 3
    starts = [s["start_ms"] for sec in sections for s in sec["sentences"]]
    wav = tmp_path / "mic.wav"
    _write_wav(wav, decode_to_pcm(result.out_dir / "rehearsal.mp3", MIC_RATE), MIC_RATE)
    p, executable = playwright
    browser = _launch_with_microphone(p, executable, wav)
    try:
        session = open_mic_page(result.out_dir / "index.html", browser)
        page = session.page
        assert page.locator("#rehearse-open").inner_text() == ("排练" if language == "zh" else "Rehearse")
        # → starts the take at the first sentence; then → as the voice starts each next sentence, and once more
        # after the last one ends.
        schedule = [(ms / 1000, "ArrowRight") for ms in starts[1:]]
        schedule.append((timings["duration_ms"] / 1000 + 0.3, "ArrowRight"))
        pressed = _rehearse(session, schedule)
        page.wait_for_function("lectern.rehearse.state() === 'done'", timeout=5000)
        take_path, recording = _save_take(session, tmp_path)
        take = json.loads(take_path.read_text(encoding="utf-8"))
        # Each section's tap is the key that moved into its first sentence…
        firsts = [sum(len(sec["sentences"]) for sec in sections[:k]) for k in range(len(sections))]
        assert [t["section"] for t in take["taps"]] == [sec["index"] for sec in sections]
        assert take["taps"][0]["ms"] <= TAP_TOLERANCE_MS
        for tap, k in zip(take["taps"][1:], firsts[1:]):
            assert abs(tap["ms"] - pressed[k - 1]) <= TAP_TOLERANCE_MS, (take["taps"], pressed)
        # …pressed as the voice started it, so the sections start where timings.json has the voice's (within the
        # test's own timing of the keys on a shared machine).
        for tap, sec in zip(take["taps"][1:], sections[1:]):
            assert abs(tap["ms"] - sec["sentences"][0]["start_ms"]) <= 1000, (take["taps"], sections)
        voice = [b["start_ms"] - a["start_ms"] for a, b in zip(sections, sections[1:])]
        voice.append(timings["duration_ms"] - sections[-1]["start_ms"])
        assert [s["voice_ms"] for s in take["sections"]] == voice
        # Read along at the voice's own pace, each section takes about the voice's time; the table shows the
        # difference.
        rows = session.js("[...document.querySelectorAll('#rh-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
        for row, s in zip(rows, take["sections"]):
            diff = math.floor((s["end_ms"] - s["start_ms"] - s["voice_ms"]) / 1000 + 0.5)  # as JS rounds
            assert row[5] == ("±0:00" if diff == 0 else f"{'+' if diff > 0 else '−'}0:{abs(diff):02d}"), rows
            assert abs(diff) <= 2
        unit = "字/分" if language == "zh" else "wpm"
        assert all(r[6].endswith(unit) for r in rows), rows
        # The pauses the page heard are the voice's: speaking time close to the sentences' own lengths.
        voiced = sum(s["end_ms"] - s["start_ms"] for sec in sections for s in sec["sentences"])
        assert abs(take["speaking_ms"] - voiced) <= 0.15 * voiced, (take["speaking_ms"], voiced)
        assert abs(decoded_ms(recording, SAMPLE_RATE) - take["duration_ms"]) <= TAP_TOLERANCE_MS
        assert session.errors == [] and session.dialogs == []
    finally:
        browser.close()

    # `lectern take` analyses the saved recording with the page's taps: its sections start at the taps.
    from typer.testing import CliRunner

    from lectern.cli import app

    args = ["take", str(result.out_dir), str(recording), "--taps", str(take_path), "--json"]
    with ThreadPoolExecutor(1) as pool:
        ran = pool.submit(CliRunner().invoke, app, args, catch_exceptions=False).result()
    assert ran.exit_code == 0, ran.stderr
    analysed = json.loads(ran.stdout)
    assert analysed["recording"].endswith(recording.name)
    assert [s["index"] for s in analysed["sections"]] == [t["section"] for t in take["taps"]]
    for s, tap in zip(analysed["sections"], take["taps"]):
        assert abs(s["start_ms"] - tap["ms"]) <= TAP_TOLERANCE_MS, (analysed["sections"], take["taps"])
    assert abs(analysed["duration_ms"] - take["duration_ms"]) <= TAP_TOLERANCE_MS
    assert [t["ms"] for t in analysed["taps"]] == [t["ms"] for t in take["taps"]]
    assert (result.out_dir / "takes" / "001.json").is_file()


def test_rehearse_without_a_microphone_still_times_the_sections(rehearsal: Rehearsal, open_page: object) -> None:
    # A browser with no microphone (or a speaker who refuses it): the stopwatch and the taps work, nothing is saved.
    session = open_page(rehearsal.page)
    session.js("() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotFoundError')); }")
    pressed = _rehearse(session, [(0.3, "ArrowRight"), (0.6, "ArrowRight"), (1.0, "ArrowRight"), (1.3, "Escape")])
    session.page.wait_for_function("lectern.rehearse.state() === 'done'", timeout=5000)
    assert session.js("document.getElementById('rh-message').textContent") == ""  # the result replaced the notice
    take = session.js("lectern.lastTake")
    assert [t["section"] for t in take["taps"]] == [0, 1]
    assert abs(take["taps"][1]["ms"] - pressed[2]) <= TAP_TOLERANCE_MS
    assert take["recording"] == "" and take["warnings"] == ["no recording"]
    assert take["stopped_at"] == 3
    assert session.js("document.getElementById('rh-save').disabled")
    assert session.errors == [] and session.dialogs == []


def test_rehearse_buttons_and_a_tap_on_the_text_move_like_the_keys(rehearsal: Rehearsal, open_mic_page: object) -> None:
    session = open_mic_page(rehearsal.page)
    page = session.page
    page.locator("#rehearse-open").click()
    page.locator("#rh-start").click()
    page.wait_for_function("lectern.rehearse.state() === 'recording'")
    page.locator("#rh-next").click()
    page.locator("#rh-stage").click()  # a tap on the text, as on a phone
    page.locator("#rh-next").click()  # into 一是
    taps = session.js("lectern.rehearse.taps()")
    assert len(taps) == 2 and taps[0] == 0 and 0 < taps[1] < 5000, taps
    assert session.js("document.querySelector('.rh-line.now').textContent") == "一是所有工作都要负起责任来。"
    assert session.js("document.querySelector('.rh-check.now .rh-check-name').textContent") == "一是所有工作都要负起责任来"
    page.locator("#rh-back").click()
    assert session.js("lectern.rehearse.taps()") == [0]
    page.locator("#rh-start").click()  # Finish
    page.wait_for_function("lectern.rehearse.state() === 'done'")
    take = session.js("lectern.lastTake")
    assert [t["section"] for t in take["taps"]] == [0] and take["stopped_at"] == 2
    assert all(isinstance(s["start_ms"], int) for s in take["sentences"])
    assert session.errors == [] and session.dialogs == []


# --- found by a user's audit of real builds --------------------------------------------------------------------------


def test_the_speed_slider_takes_its_own_arrow_keys(rehearsal: Rehearsal, open_page: object) -> None:
    # With the speed slider focused, → moved to the next sentence and the speed could not be set from the keyboard.
    session = open_page(rehearsal.page)
    session.page.locator("#speed").focus()
    before = _ms(session)
    session.page.keyboard.press("ArrowRight")
    assert session.js("audio.playbackRate") == 1.05
    assert session.js("document.getElementById('speed-value').textContent") == "1.05×"
    session.page.keyboard.press("ArrowLeft")
    session.page.keyboard.press("ArrowLeft")
    assert session.js("audio.playbackRate") == 0.95
    assert _ms(session) == before
    # The seek bar keeps the page's keys (→ is the next sentence there), and space still plays from either.
    session.page.locator("#seek").focus()
    session.page.keyboard.press("ArrowRight")
    assert abs(_ms(session) - rehearsal.sentences[0].start_ms) <= TOLERANCE_MS
    assert session.errors == [] and session.dialogs == []


@pytest.mark.parametrize("language", [Language.ZH, Language.EN])
def test_every_control_of_the_player_has_a_name(rehearsal: Rehearsal, open_page: object, language: Language) -> None:
    # The seek bar was an unnamed slider: a screen reader said only "slider".
    from dataclasses import replace

    from lectern.writers.labels import page_labels

    timeline, plan = build_rehearsal(rehearsal.folder)
    page = rehearsal.folder / f"names-{language}.html"
    page.write_text(render_page(replace(timeline, language=language), plan), encoding="utf-8")
    session = open_page(page)
    unnamed = session.js(
        """[...document.querySelectorAll('#player input, #player button')].filter(e =>
             !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
           .map(e => e.id)"""
    )
    assert unnamed == []
    assert session.page.get_by_role("slider", name=page_labels(language)["seek"]).count() == 1


def test_rehearse_stopped_in_a_section_gives_it_no_difference_and_flags_the_rest_by_the_whole_ones(
    rehearsal: Rehearsal, open_page: object
) -> None:
    # Stopped 0:05 into a 3:01 opening, the table said "−2:56" for it, and its 0:05 against 3:01 of voice made the
    # speaker's "own average" so fast that the sections read at the voice's pace were all flagged as dragged.
    timeline, plan = build_rehearsal(rehearsal.folder)
    starts = [[0, 3_800, 7_600], [11_400, 15_800], [20_200, 130_000]]
    sections = tuple(
        TimedSection(sec.index, sec.level, sec.marker, sec.title, at[0], at[-1] + 3_000,
                     tuple(TimedSentence(s.text, t, t + 3_000) for s, t in zip(sec.sentences, at)))
        for sec, at in zip(timeline.sections, starts)
    )
    from dataclasses import replace

    page = rehearsal.folder / "stopped.html"
    page.write_text(render_page(replace(timeline, sections=sections, duration_ms=240_000), plan), encoding="utf-8")
    session = open_page(page)
    session.js("() => { navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotFoundError')); }")
    # A tenth of the voice's time for each whole section (1.14 s for 11.4 s, 0.88 s for 8.8 s), then stopped in the
    # first sentence of the third.
    _rehearse(session, [(0.38, "ArrowRight"), (0.76, "ArrowRight"), (1.14, "ArrowRight"), (1.58, "ArrowRight"),
                        (2.02, "ArrowRight"), (2.6, "Escape")])
    session.page.wait_for_function("lectern.rehearse.state() === 'done'", timeout=5000)
    assert session.js("lectern.lastTake.stopped_at") == 5
    rows = session.js("[...document.querySelectorAll('#rh-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    diff, flag = 5, 7
    assert rows[0][diff] and rows[1][diff]
    assert rows[2][diff] == "", rows  # stopped in: no difference against the whole section's voice time
    assert [r[flag] for r in rows] == ["", "", ""], rows
    assert session.errors == [] and session.dialogs == []


def test_on_a_phone_the_last_line_scrolls_clear_of_the_player(rehearsal: Rehearsal, open_page: object) -> None:
    # An English page at 390 px: the player wrapped to four rows (165 px) over a fixed 120 px of room below the
    # script, and the speech's last line stayed under it however far one scrolled.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    page = rehearsal.folder / "phone-en.html"
    page.write_text(render_page(replace(timeline, language=Language.EN), plan), encoding="utf-8")
    for width, height in ((390, 844), (320, 640)):
        session = open_page(page, viewport=(width, height), mobile=True)
        for prompter in (False, True):
            if prompter:
                session.page.locator("#prompter").click()
            session.js("window.scrollTo(0, document.documentElement.scrollHeight)")
            session.page.wait_for_timeout(100)
            last = session.js("[...document.querySelectorAll('#script .s')].pop().getBoundingClientRect().bottom")
            player = session.js("document.getElementById('player').getBoundingClientRect().top")
            assert last <= player, (width, prompter, last, player)
        assert session.errors == []


def test_a_page_without_its_audio_says_so_instead_of_a_dead_play_button(
    rehearsal: Rehearsal, browser: object, tmp_path: Path
) -> None:
    # index.html copied or mailed without rehearsal.mp3: Play did nothing and the page said nothing.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    for language in (Language.ZH, Language.EN):
        path = tmp_path / f"alone-{language}.html"
        path.write_text(render_page(replace(timeline, language=language), plan), encoding="utf-8")
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function("document.querySelectorAll('.s').length > 0")
            page.locator("#play").click()
            page.wait_for_function("!document.getElementById('audio-error').hidden", timeout=5000)
            message = page.evaluate("document.getElementById('audio-error').textContent")
            assert "rehearsal.mp3" in message
            assert ("音频" in message) == (language == Language.ZH), message
            box = page.locator("#audio-error").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert errors == []
        finally:
            context.close()


def test_the_contents_keep_the_current_section_in_view(rehearsal: Rehearsal, open_page: object) -> None:
    # 124 sections: the contents is a box of its own beside the script, and it stayed at the top while the speech
    # played on (or ↓ moved) into section 100, so the highlighted entry was out of sight.
    from dataclasses import replace

    timeline, plan = build_rehearsal(rehearsal.folder)
    sections = [TimedSection(0, 0, None, "开场", 0, 1_000, (TimedSentence("同志们：", 100, 900),))]
    for k in range(123):
        at = 1_000 + k * 50
        sections.append(TimedSection(len(sections), 1, f"（{k + 1}）", "任务", at, at + 50,
                                     (TimedSentence(f"（{k + 1}）任务。", at, at + 40),)))
    page = rehearsal.folder / "many.html"
    page.write_text(render_page(replace(timeline, sections=tuple(sections))), encoding="utf-8")
    session = open_page(page)
    box = "document.querySelector('nav#toc').getBoundingClientRect()"
    assert session.js(f"{box}.height") < session.js("document.getElementById('toc-list').scrollHeight")
    for _ in range(100):
        session.page.keyboard.press("ArrowDown")
    session.page.wait_for_timeout(100)
    now = session.js("document.querySelector('#toc li.now').getBoundingClientRect()")
    nav = session.js(box)
    assert now["top"] >= nav["top"] and now["bottom"] <= nav["bottom"], (now, nav)
    assert session.js("document.querySelector('#toc li.now a').textContent") == "（100）任务"
    assert session.errors == []


def test_rehearse_keeps_the_keyboard_inside_it(rehearsal: Rehearsal, open_mic_page: object) -> None:
    # Tab past Leave went on to the page hidden behind the rehearse screen: its contents links, then Play, which
    # would have played the rehearsal's voice into the microphone during a take.
    session = open_mic_page(rehearsal.page)
    page = session.page
    page.locator("#rehearse-open").click()
    outside = []
    for _ in range(20):
        page.keyboard.press("Tab")
        # (The body is where focus goes on its way out to the browser's own controls, past the last button.)
        outside.append(session.js("(e => e !== document.body && !e.closest('#rehearse') ? e.tagName + '#' + e.id : '')"
                                  "(document.activeElement)"))
    assert [o for o in outside if o] == []
    page.keyboard.press("Escape")
    assert session.js("document.getElementById('rehearse').hidden")
    # Back on the page, where the keyboard was before: on the button that opened it, and the page's controls work.
    assert session.js("document.activeElement.id") == "rehearse-open"
    page.locator("#play").focus()
    assert session.js("document.activeElement.id") == "play"
    assert session.errors == [] and session.dialogs == []
