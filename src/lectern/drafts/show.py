"""What ``lectern diff`` and ``lectern watch`` print, as rows and lines (the CLI draws them)."""

from __future__ import annotations

from lectern.drafts.diff import (
    DraftDiff,
    change_lines,
    changed_sentences,
    chinese_words,
    section_note,
    signed,
    total_line,
)
from lectern.model import Language
from lectern.drafts.watch import Rebuild
from lectern.timecode import clock

SECTION_HEADER = ("status", "section", "before", "after", "change", "note")
CHANGES_SHOWN = 12  # sentence changes listed per section after a save; `lectern diff` lists them all


def section_rows(diff: DraftDiff, *, all_sections: bool = True) -> list[tuple[str, ...]]:
    """One row per section: status, name, length before and after, change, what happened to it."""
    rows = []
    for s in diff.sections:
        if not all_sections and s.status == "same" and not s.moved and not s.delta_ms:
            continue
        before = clock(s.old_ms) if s.status != "added" else "—"
        after = clock(s.new_ms) if s.status != "removed" else "—"
        rows.append((s.status, s.title, before, after, signed(s.delta_ms), section_note(s)))
    return rows


def sentence_lines(diff: DraftDiff, *, limit: int | None = None) -> list[str]:
    """Each changed section's sentence changes under its name: ``+`` added, ``−`` removed, ``~`` word diff."""
    lines = []
    texts = changed_sentences(diff, limit=limit)
    words = chinese_words(texts) if diff.language != Language.EN and texts else None  # one dictionary pass for all
    for s in diff.sections:
        changes = change_lines(s, diff.language, limit=limit, words=words)
        if changes:
            lines.append(f"{s.title}:")
            lines.extend("  " + line for line in changes)
    return lines


def rebuild_lines(rebuild: Rebuild, target_ms: int | None = None) -> list[str]:
    """The lines after a rebuild other than the section table: what was saved, the total, what was re-synthesized."""
    result = rebuild.result
    if result is None:
        return []
    saved = ", ".join(p.name for p in rebuild.changed)
    # The first good build (also one after saves that could not be built) says what it built, as a first build.
    lines = [f"{saved} saved: rebuilt in {rebuild.seconds:.1f} s → {result.out_dir}/" if rebuild.diff is not None else
             (f"{saved} saved: " if saved else "") + f"built {clock(result.timeline.duration_ms)} of audio in "
             f"{len(result.timeline.sections)} section{'s' if len(result.timeline.sections) != 1 else ''} "
             f"in {rebuild.seconds:.1f} s → {result.out_dir}/"]
    if rebuild.diff is not None:
        if rebuild.diff.unchanged and not rebuild.diff.delta_ms:
            lines.append("no change in the speech")
        lines.append(total_line(rebuild.diff, target_ms))
    n = len(rebuild.synthesized)
    plural = "s" if n != 1 else ""
    if rebuild.diff is None:
        lines.append(f"synthesized {n} sentence{plural} (the rest came from the cache)" if n else
                     "every sentence came from the cache")
        return lines
    lines[1:1] = sentence_lines(rebuild.diff, limit=CHANGES_SHOWN)
    lines.append(f"re-synthesized {n} sentence{plural}" + (":" if n else ""))
    lines.extend(f"  {text}" for text in rebuild.synthesized[:CHANGES_SHOWN])
    if n > CHANGES_SHOWN:
        lines.append(f"  … and {n - CHANGES_SHOWN} more")
    return lines
