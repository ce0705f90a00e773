"""``lectern watch``: rebuild a rehearsal every time the script (or a file it uses) is saved, in one warm process.

Saving is not one event. Editors write a temporary file and rename it over the script (a new inode), or truncate
the script and write it again (for a moment it is empty or half there), or write it in several pieces. So the
watcher polls each file's (inode, size, mtime) and only acts once a change has *settled*: the files looked the same
for ``settle_s``. The state a build starts from is taken before it reads anything, so a save that lands during a
build (or a half-written state read by mistake) is simply followed by another build; and the build swaps its folder
in only when it succeeded, so an invalid save (empty, nothing but download-site noise) prints its error and leaves
the last good rehearsal, and its page, as they were.

Polling needs no dependency and behaves the same on every file system (inotify misses a rename over the script on
some editors' atomic saves, and does not see network shares); four stats every 50 ms cost nothing.

The process stays warm: jieba's dictionary, the engine (``--engine auto`` is resolved once, not probed on every
save), the take cache and the encoded parts are loaded once, so a rebuild after a one-sentence edit synthesizes
one sentence and re-encodes one part.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lectern.build import BuildOptions, BuildResult, build, check_out_dir
from lectern.drafts.diff import DraftDiff, diff_drafts, draft_from_timeline
from lectern.errors import LecternError

POLL_S = 0.05
SETTLE_S = 0.25


@dataclass(frozen=True, slots=True)
class FileState:
    """What a poll sees of one file; ``inode`` None when it is missing."""

    inode: int | None
    size: int = 0
    mtime_ns: int = 0


def file_state(path: Path) -> FileState:
    try:
        st = os.stat(path)
    except OSError:
        return FileState(None)
    return FileState(st.st_ino, st.st_size, st.st_mtime_ns)


class SaveWatcher:
    """Waits for a settled change of any of ``paths``.

    ``clock`` and ``sleep`` are parameters so tests can drive it without waiting.
    """

    def __init__(self, paths: Sequence[Path], *, poll_s: float = POLL_S, settle_s: float = SETTLE_S,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.paths = tuple(paths)
        self.poll_s = poll_s
        self.settle_s = settle_s
        self._clock = clock
        self._sleep = sleep
        self.seen = self._snapshot()  # the state the last build started from

    def _snapshot(self) -> tuple[FileState, ...]:
        return tuple(file_state(p) for p in self.paths)

    def wait(self, stop: threading.Event | None = None) -> tuple[Path, ...] | None:
        """The paths that changed since the last build, once they have stayed unchanged for ``settle_s``; None when
        ``stop`` is set first. The returned state becomes the one the next build starts from."""
        last = self._snapshot()
        since = self._clock()
        while stop is None or not stop.is_set():
            now = self._clock()
            current = self._snapshot()
            if current != last:
                last, since = current, now  # still being written: start the quiet period again
            elif current != self.seen and now - since >= self.settle_s:
                changed = tuple(p for p, a, b in zip(self.paths, self.seen, current) if a != b)
                self.seen = current
                return changed
            self._sleep(self.poll_s)
        return None


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What one build of the watch loop did."""

    number: int  # 1 for the first build
    changed: tuple[Path, ...]  # the saved files that caused it (empty for the first build)
    seconds: float
    result: BuildResult | None = None
    error: LecternError | None = None
    diff: DraftDiff | None = None  # against the last good build, measured lengths; None for the first
    synthesized: tuple[str, ...] = ()  # sentences the engine rendered (the rest came from the cache)

    @property
    def ok(self) -> bool:
        return self.result is not None


def watched_files(script: str, options: BuildOptions) -> tuple[Path, ...]:
    """The script and every file of the user's it reads: lexicon, cleaning rules, fills, a preset given as a file."""
    paths = [Path(script)]
    preset = options.text.preset
    for extra in (options.lexicon, options.text.rules, options.text.fill_file,
                  Path(preset) if preset and ("/" in preset or preset.endswith(".toml")) else None):
        if extra is not None:
            paths.append(Path(extra))
    return tuple(dict.fromkeys(paths))


def watch(
    script: str,
    out_dir: Path,
    options: BuildOptions,
    *,
    on_build: Callable[[Rebuild], None],
    on_stage: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    watcher: SaveWatcher | None = None,
) -> None:
    """Build once, then again after every settled save, until ``stop`` is set or Ctrl-C. Ctrl-C while waiting
    returns normally; during a build it propagates (the build leaves the last good rehearsal in place).

    ``options.fit_voice`` would re-render every sentence at a new rate on each save: ``lectern watch`` does not
    offer it; ``options.target_ms`` alone (the report's budget by section) costs nothing.
    """
    if script == "-":
        raise LecternError("cannot watch standard input: give the script's file name", path=script)
    check_out_dir(out_dir)
    watcher = watcher or SaveWatcher(watched_files(script, options))
    last_good: BuildResult | None = None
    changed: tuple[Path, ...] = ()
    number = 0
    while True:
        number += 1
        synthesized: list[str] = []

        def on_take(_done: int, _total: int, text: str, cached: bool) -> None:
            if not cached:
                synthesized.append(text)

        start = time.perf_counter()
        try:
            result = build(script, out_dir, options, on_stage=on_stage, on_take=on_take)
        except LecternError as e:
            outcome = Rebuild(number, changed, time.perf_counter() - start, error=e)
        else:
            diff = None
            if last_good is not None:
                diff = diff_drafts(draft_from_timeline(last_good.timeline, last_good.plan),
                                   draft_from_timeline(result.timeline, result.plan))
            if options.engine == "auto":
                # Probing the edge service on every save would cost a network round trip: keep what was chosen.
                options = replace(options, engine=result.engine)
            last_good = result
            outcome = Rebuild(number, changed, time.perf_counter() - start, result=result, diff=diff,
                              synthesized=tuple(synthesized))
        # Ctrl-C from here on interrupts nothing (the build is in place): it is how a watch ends.
        try:
            on_build(outcome)
            found = watcher.wait(stop)
        except KeyboardInterrupt:
            return
        if found is None:
            return
        changed = found
