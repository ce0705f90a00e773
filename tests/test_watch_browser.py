"""The open rehearsal page notices a new build (``lectern watch`` rebuilding on save) and reloads at the same place,
with the sentences the edit changed marked and a button that plays them.

Opened from file://, where fetch() is blocked: the page polls ``version.js`` with a script element. The rebuild
makes the first section longer, so "the same place" must be found by the section's name, not by the old time.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.test_page_browser import browser, open_page, playwright  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SPEECH = """在全县节后工作会议上的讲话

同志们：
今天是节后上班第一天。总体上实现了预期目标。
一是所有工作都要负起责任来。责任心是第一位的。
二是所有工作都要动起来。快干快上，奋力冲刺四季度。各单位要抓紧谋划明年的工作。
"""
OFFSET_MS = 2500


def test_the_page_reloads_at_the_same_section_after_a_rebuild(tmp_path: Path, open_page: object) -> None:  # noqa: F811
    from lectern.build import BuildOptions, build

    script = tmp_path / "speech.txt"
    script.write_text(SPEECH, encoding="utf-8")
    out = tmp_path / "out"
    options = BuildOptions(engine="espeak", cache_dir=tmp_path / "cache")

    def rebuild() -> object:
        # In its own thread: synthesis runs an asyncio loop, and Playwright's sync API holds one in this thread.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(build, str(script), out, options).result()

    first = rebuild()
    session = open_page(out / "index.html")
    names = session.js("Array.from(document.querySelectorAll('.sec-name')).map(n => n.textContent)")
    target = names.index("二是所有工作都要动起来")
    old_start = session.js(f"lectern.sections[{target}].start_ms")
    session.js(f"audio.currentTime = {(old_start + OFFSET_MS) / 1000}")
    old_version = session.js("lectern.version")
    assert session.js("lectern.changed") == [] and session.js("document.getElementById('next-change')") is None
    assert old_version and old_version in (out / "version.js").read_text(encoding="utf-8")
    session.page.wait_for_timeout(1500)  # it polls, sees the same build, and stays
    assert session.js("lectern.version") == old_version and session.js("audio.currentTime") > 0

    script.write_text(SPEECH.replace("总体上实现了预期目标。", "总体上实现了预期目标，群众普遍满意，社会安定祥和。"),
                      encoding="utf-8")
    with session.page.expect_event("load", timeout=30_000):
        second = rebuild()
    session.page.wait_for_function("window.lectern && document.querySelectorAll('.s').length > 0 && audio.readyState >= 1")
    assert session.js("lectern.version") != old_version
    new_start = session.js(f"lectern.sections[{target}].start_ms")
    assert new_start > old_start + 1000, "the edit should have moved the section later"
    assert [s.start_ms for s in second.timeline.sections][target] == new_start
    now_ms = session.js("audio.currentTime * 1000")
    assert abs(now_ms - (new_start + OFFSET_MS)) <= 50
    # The highlighted sentence is in that section, and the address carries no leftover place.
    assert session.js("document.querySelector('.s.now').closest('section').id") == f"sec-{target}"
    assert "lectern-at" not in session.js("location.href")
    assert first.timeline.sections[target].title == second.timeline.sections[target].title
    # The edited sentence is marked as new since the last build, and one button plays it.
    assert session.js("lectern.changed") == [2]
    marked = session.js("Array.from(document.querySelectorAll('.s.changed')).map(n => n.textContent)")
    assert marked == ["总体上实现了预期目标，群众普遍满意，社会安定祥和。"]
    assert "1" in session.js("document.querySelector('.notice.changes').textContent")
    session.page.click("#next-change")
    session.page.wait_for_timeout(300)
    assert abs(session.js("audio.currentTime * 1000") - session.js("lectern.sentences[2].start_ms")) <= 400
    assert session.js("document.querySelector('.s.now').classList.contains('changed')")
    assert [e for e in session.errors if "version.js" not in e] == [] and session.dialogs == []
