"""The whole pipeline as public functions: script → plan → takes → timeline → a rehearsal folder.

``prepare`` runs the text steps only (no audio, no network) and is what ``lectern clean``/``plan``/``report
--estimate`` use. ``build`` runs everything and writes the output folder atomically: the files are made in a
temporary folder beside the target and swapped in at the end, so a failed or interrupted build leaves the previous
rehearsal intact. Takes and encoded sections live in the cache, so running the same build again resumes where it
stopped instead of starting over.
"""

from __future__ import annotations

import errno
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from lectern.text import clean as clean_step
from lectern.text import ingest
from lectern.text import placeholders
from lectern.text import structure
from lectern.text import plan as plan_step
from lectern import errors, outfolder
from lectern.atomic import write_text
from lectern.config import default_cache_dir
from lectern.errors import ConfigError, InputError, LecternError, OutputError, ScriptError
from lectern.model import CleanScript, Language, Plan, Speech, Take, Timeline, Voice
from lectern.presets import Preset, load_preset
from lectern.rehearse.take import TAKES_DIR
from lectern.timecode import clock as _clock


@dataclass(frozen=True, slots=True)
class TextOptions:
    """Everything the text steps need, as the user gave it."""

    rules: Path | None = None
    keep: tuple[str, ...] = ()
    fills: tuple[str, ...] = ()
    rate: float | None = None  # delivery rate for estimates: 字/分 or words/min
    preset: str | None = None  # None: zh-formal for Chinese scripts, en-us for English ones
    fill_file: Path | None = None  # more --fill values, one a line (# comments), read before fills
    breath: bool = True  # breath groups need jieba's dictionary (≈ 1.5 s to load); outlines can skip them


@dataclass(frozen=True, slots=True)
class BuildOptions:
    text: TextOptions = field(default_factory=TextOptions)
    engine: str = "auto"
    cache_dir: Path | None = None
    lexicon: Path | None = None
    proxy: str | None = None
    chime: bool = False
    bom: bool = False
    target_ms: int | None = None
    pace: float | None = None  # the speaker's own pace for the report's human estimate
    # The target is the speaker's slot: the report budgets it by section and says what to cut. Only with fit_voice
    # is the voice's rate changed (within ±30%) so the rehearsal audio itself lasts the target.
    fit_voice: bool = False
    budgets: tuple[tuple[str, int], ...] = ()  # ("一是", 120_000): a section's own share of the target
    voice_rate: int = 0  # percent added to the preset's voice rate (--voice-rate +10%): the voice, not the estimate
    retry_budget_s: float | None = None  # how long the build may wait on a failing online service (None: ≈ 2 min)


@dataclass(frozen=True, slots=True)
class BuildResult:
    out_dir: Path
    timeline: Timeline
    plan: Plan
    engine: str
    engine_reason: str
    rate_percent: int
    files: tuple[str, ...]
    report: object  # lectern.report.analysis.Report
    target_note: str | None = None


TakeProgress = Callable[[int, int, str, bool], None]  # (done, total, sentence text, served from cache)


def prepare(
    path: str,
    options: TextOptions = TextOptions(),
    *,
    stdin: BinaryIO | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Plan:
    """Read, clean, structure and plan a script. Raises a LecternError naming the file on bad input.

    ``on_stage`` hears "reading", "cleaning", "structuring" and "breath groups" (jieba's dictionary loads there,
    the one step of planning that takes seconds)."""
    stage = on_stage or (lambda _name: None)
    fills = (*read_fill_file(options.fill_file), *options.fills) if options.fill_file else options.fills
    check_fills(fills)
    stage("reading")
    source = ingest.read_script(path, stdin=stdin)
    rules = clean_step.load_rules(options.rules) if options.rules else ()
    stage("cleaning")
    script = clean_step.clean(source, rules=rules, keep=options.keep)
    stage("structuring")
    speech = structure.parse(script)
    if speech.title:
        speech = replace(speech, title=ingest.as_written(speech.title, source.written))
    _require_speech(speech, script)
    preset = choose_preset(options.preset, speech.language, path=script.path)
    rate = options.rate if options.rate is not None else preset.rate
    if options.breath:
        stage("breath groups")
    planned = plan_step.plan(speech, script, rate=rate, pauses=preset.pauses, fills=fills, breath=options.breath)
    return replace(planned, blanks=placeholders.locate(planned.blanks, source.text))


def read_fill_file(path: Path) -> tuple[str, ...]:
    """``--fill-file``: one fill a line, as ``--fill`` takes them (``1=张三``, ``XX=王明`` or a name); blank lines
    and ``#`` comments are skipped."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"cannot read the fill file (not UTF-8 text: byte {e.start} is invalid)", path=str(path)) from e
    except OSError as e:
        raise ConfigError(f"cannot read the fill file ({e.strerror or e})", path=str(path)) from e
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def check_fills(fills: tuple[str, ...] | list[str]) -> None:
    """Refuse ``--fill`` values that would be spoken literally or silently drop a name.

    placeholders.Fills reads any value that is not ``BLANK=NAME`` as a positional name, so ``=王明``, ``YY=王明`` or
    ``XX=`` would otherwise put "=王明" into the audio or read a blank as nothing.
    """
    for value in fills:
        shown = repr(value)
        if not value.strip():
            raise ConfigError(f"{shown} is empty: give a name (--fill 王明) or BLANK=NAME (--fill XX=王明)", path="--fill")
        key, sep, name = value.partition("=")
        if not sep:
            continue
        if key.strip().isascii() and key.strip().isdigit():
            if int(key) < 1:
                raise ConfigError(f"{shown}: blanks are numbered from 1, as lectern plan lists them", path="--fill")
            if not name.strip():
                raise ConfigError(f"{shown} has no name after '=': e.g. {key.strip()}=王明", path="--fill")
            continue
        if not key.strip():
            raise ConfigError(f"{shown} has nothing before '=': write the blank as the script has it, e.g. XX=王明",
                              path="--fill")
        if not name.strip():
            raise ConfigError(f"{shown} has no name after '=': e.g. {key.strip()}=王明", path="--fill")
        if not placeholders.Fills.parse([value]).named:
            raise ConfigError(f"{shown}: {key.strip()!r} is not a blank spelling (XX, ××, ＊＊, 某某…)", path="--fill")


def _require_speech(speech: Speech, script: CleanScript) -> None:
    """A script that leaves nothing but blanks to say is bad input for every command, not an empty rehearsal."""
    if not speech.sentences:
        raise ScriptError("nothing to speak: the script holds only a title block or stage marks", path=script.path)
    if not any(_has_words(placeholders.fill(s.text, default="")) for s in speech.sentences):
        if not script.placeholders:
            raise ScriptError("nothing to speak: the script holds no words, only punctuation or symbols",
                              path=script.path)
        listed = ", ".join(f"{errors.quote(p.text, 12)} ×{p.count}" for p in script.placeholders[:5])
        listed += ", …" if len(script.placeholders) > 5 else ""
        raise ScriptError(f"nothing to speak but placeholders ({listed}): the speech around them is missing",
                          path=script.path)


def _has_words(text: str) -> bool:
    return any(c.isalnum() for c in text)


def choose_preset(name: str | None, language: Language, *, path: str | None = None) -> Preset:
    """The preset the user named, or the default voice for the script's language.

    A preset for another language is refused: an English voice spells a Chinese script out letter by letter (a
    6-minute speech became 32 minutes of letters at 63 字/分), which is never what anyone wants to rehearse with.
    """
    preset = load_preset(name or DEFAULT_PRESETS[language])
    if preset.language != language:
        names = _presets_for(language) or [DEFAULT_PRESETS[language]]
        fitting = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        raise ConfigError(
            f"voice {preset.name!r} speaks {_LANGUAGE_NAMES[preset.language]}, but the script is in "
            f"{_LANGUAGE_NAMES[language]}: choose a {_LANGUAGE_NAMES[language]} voice, --voice {fitting} "
            f"(lectern voices --language {language.value})",
            path=path,
        )
    return preset


_LANGUAGE_NAMES = {Language.ZH: "Chinese", Language.EN: "English"}


def _check_voice_language(voice: Voice, language: Language, preset: Preset) -> None:
    """A preset file whose engine voice is for another language (``[espeak] voice = "en-us"`` in a Chinese preset)
    is refused like a preset for another language: the engine would spell the script out."""
    spoken: list[str] = []
    if voice.engine == "edge":
        spoken = [voice.name.split("-")[0].lower()]
    elif voice.engine == "espeak":
        from lectern.engines.select import list_engine_voices

        for row in list_engine_voices("espeak"):
            if row["name"].lower() == voice.name.lower():
                spoken = [lang.split("-")[0] for lang in row["language"].split(", ")]
    elif voice.engine == "neural":
        spoken = ["zh"]
    if spoken and language.value not in spoken:
        raise ConfigError(
            f"[{voice.engine}] voice {voice.name!r} does not speak {_LANGUAGE_NAMES[language]}, the script's language",
            path=preset.path or None,
        )


def _presets_for(language: Language) -> list[str]:
    from lectern.presets import list_presets

    try:
        return [p.name for p in list_presets() if p.language == language]
    except ConfigError:
        return []  # a broken preset elsewhere must not hide this error


DEFAULT_PRESETS = {Language.ZH: "zh-formal", Language.EN: "en-us"}


def default_out_dir(script_path: str, root: Path = Path("output")) -> Path:
    """``output/<script name>``, the name made safe: no control characters (a name with a newline or an escape
    sequence in it), nothing a file system refuses, at most 80 characters."""
    stem = Path(script_path).stem if script_path != "-" else "stdin"
    stem = "".join(ch if ch.isprintable() and ch not in '\\/:*?"<>|' else "_" for ch in stem)[:80].strip(" .")
    stem = stem if stem.strip("_") else "speech"
    # Example inputs are often named *_raw; the rehearsal is of the speech, not of the raw download.
    for suffix in ("_raw", "-raw"):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
    return root / stem


def build(
    path: str,
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    *,
    stdin: BinaryIO | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_take: TakeProgress | None = None,
    on_status: Callable[[str], None] | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Build a rehearsal folder for the script at ``path``.

    Every time in the outputs comes from the assembled audio (``assemble`` measures the sample offsets), never
    from the plan's estimate. ``on_stage`` hears each stage's name, ``on_take`` each sentence synthesized and
    ``on_progress(step, done, total)`` the steps of assembly (measuring takes, encoding parts, joining).
    """
    from lectern.audio import assemble as assemble_step
    from lectern.report import analysis as report_step
    from lectern.audio import synthesize as synth_step
    from lectern.audio.cache import SECTIONS_DIR, TakeCache
    from lectern.engines.select import select_engine
    from lectern.text.lexicon import Lexicon

    stage = on_stage or (lambda _name: None)
    started = time.time()
    _recover_interrupted_swap(out_dir)  # first: a build that then fails on its script still gives it back
    plan = prepare(path, options.text, stdin=stdin, on_stage=stage)
    report_step.check_budgets(options.budgets, [s for s in plan.speech.sections if s.sentences], options.target_ms)
    check_out_dir(out_dir)
    preset = choose_preset(options.text.preset, plan.speech.language, path=plan.script.path)
    staging = _staging_dir(out_dir)
    try:
        stage("engine")
        # An online engine backs off when the service refuses or fails; the progress display says so.
        edge_options: dict[str, object] = {}
        if on_status is not None:
            edge_options["on_retry"] = lambda _sentence, _attempt, _error, delay: on_status(
                f"service busy, retrying in {max(1, round(delay))} s")
        if options.retry_budget_s is not None:
            edge_options["wait_budget_s"] = options.retry_budget_s
        engine, reason = select_engine(
            options.engine, proxy=options.proxy, language=plan.speech.language.value, offered=preset.engines,
            edge_options=edge_options,
        )
        voice = preset.voice_for(engine.name)
        _check_voice_language(voice, plan.speech.language, preset)
        voice = replace(voice, rate=voice.rate + options.voice_rate)
        lexicon = Lexicon.merged(preset.lexicon, options.lexicon)
        cache_root = options.cache_dir or default_cache_dir()
        cache = TakeCache(cache_root)

        def synth(rate_percent: int) -> tuple[Take, ...]:
            total = len(plan.speech.sentences)
            done = 0

            def progress(_i: int, take: Take, cached: bool) -> None:
                nonlocal done
                done += 1
                if on_take:
                    on_take(done, total, take.text, cached)

            return synth_step.synthesize(
                plan, engine, replace(voice, rate=rate_percent), cache, lexicon=lexicon, on_take=progress
            )

        def assemble(takes: tuple[Take, ...]) -> Timeline:
            stage("assemble")
            return assemble_step.assemble(
                plan,
                takes,
                staging,
                chime=options.chime,
                reuse_dir=Path(cache_root) / SECTIONS_DIR,
                engine=engine.name,
                voice=voice.name,
                on_progress=on_progress,
            ).timeline

        stage("synthesize")
        rate_percent = voice.rate
        timeline = assemble(synth(rate_percent))
        target_note = None
        if options.target_ms is not None and options.fit_voice:
            rate_percent, target_note, timeline = _fit_to_target(
                timeline, rate_percent, options.target_ms, lambda rate: assemble(synth(rate))
            )

        stage("write")
        report = report_step.build_report(
            timeline, plan, pace=options.pace, target_ms=options.target_ms, budgets=options.budgets
        )
        takes = _carry_takes(out_dir, staging, timeline, options.target_ms, target_shares(report))
        files = write_outputs(staging, timeline, plan, report, bom=options.bom, takes=takes,
                              changed=_changed_since(out_dir, timeline))
        try:
            outfolder.write_manifest(staging)
        except OSError as e:
            raise OutputError(f"cannot write {outfolder.MANIFEST} ({e.strerror or e})", path=str(out_dir)) from e
        _swap_into_place(staging, out_dir)
    except BaseException as e:
        shutil.rmtree(staging, ignore_errors=True)
        if _disk_full(e):
            raise _no_space(e, out_dir, options.cache_dir or default_cache_dir(), plan) from e
        raise
    # Older takes and sections beyond the cap go now; this build's own were just used and stay.
    from lectern.config import default_cache_cap

    cache.prune(default_cache_cap(), keep_since=started - 1)
    return BuildResult(
        out_dir=out_dir,
        timeline=timeline,
        plan=plan,
        engine=engine.name,
        engine_reason=reason,
        rate_percent=rate_percent,
        files=files,
        report=report,
        target_note=target_note,
    )


def _disk_full(error: BaseException) -> bool:
    """ENOSPC (or a quota) anywhere in the build, raised as it is or already wrapped in a LecternError."""
    for e in (error, error.__cause__):
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
    return False


def _no_space(error: BaseException, out_dir: Path, cache_root: Path, plan: Plan) -> OutputError:
    """One line naming the folder that filled up, what the rehearsal needs there and what is free."""
    audio_s = plan.estimate.total_ms / 1000
    mp3 = audio_s * 64_000 / 8  # the whole at 64 kb/s
    where = getattr(error, "path", None) or ""
    if where and Path(where).resolve().is_relative_to(Path(cache_root).resolve()):
        folder = Path(cache_root)
        # takes (22,050 Hz s16 mono) and the encoded parts
        needed = audio_s * 22_050 * 2 + mp3
    else:
        folder = out_dir
        # the whole, the section files (as much again), the parts' PCM waiting to be encoded (at worst all of
        # it), the text files
        needed = 2 * mp3 + audio_s * 22_050 * 2 + 2e6
    probe = folder.resolve()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = f", {_megabytes(shutil.disk_usage(probe).free)} free"
    except OSError:
        free = ""
    return OutputError(f"no space left on the disk: the rehearsal needs about {_megabytes(needed)} there{free}",
                       path=str(folder))


def _megabytes(n: float) -> str:
    return f"{max(1, round(n / 1e6)):,} MB"


def _fit_to_target(
    timeline: Timeline, rate_percent: int, target_ms: int, render: Callable[[int], Timeline]
) -> tuple[int, str, Timeline]:
    """Re-render at the voice rate that lands the assembled audio on the target (within the engine's ±30%); only
    with ``--fit-voice``.

    Each pass measures the assembled audio, not the estimate: engines trim and stretch differently, and an
    engine's rate does not scale speech exactly linearly, so up to three corrections are made. Takes at rates
    already tried come from the cache. The note is one sentence about the voice, from the last measurement: the
    preset's rate, the rate used, the length it gave and, when the limit stopped it, how far it got. What the
    speaker should cut is the report's to say (at their pace), so the note gives no advice of its own.
    """
    from lectern.report.targets import rate_for_target

    preset = rate_percent
    stopped = ""
    for _ in range(4):
        total = timeline.duration_ms
        if abs(total - target_ms) <= target_ms * 0.01:
            break
        speaking = sum(s.end_ms - s.start_ms for sec in timeline.sections for s in sec.sentences)
        new_rate, why = rate_for_target(total, total - speaking, target_ms, rate_percent)
        if new_rate is None:
            stopped = why
            break
        if new_rate == rate_percent:
            break
        rate_percent = new_rate
        timeline = render(rate_percent)
    change = (
        f"voice rate {rate_percent:+d}% (the preset's)"
        if rate_percent == preset
        else f"voice rate {preset:+d}% (the preset's) → {rate_percent:+d}%"
    )
    note = f"{change}: the rehearsal audio lasts {_clock(timeline.duration_ms)} for the {_clock(target_ms)} target"
    if stopped:
        note += f" ({stopped})"
    return rate_percent, note, timeline


def check_out_dir(out_dir: Path) -> None:
    """Refuse, before any synthesis, an output path the final swap would fail on or destroy.

    The swap replaces the whole folder, so ``-o .`` or ``-o ~/Documents`` would delete the user's files (the
    script among them); only a missing folder, an empty one or a rehearsal lectern wrote (:mod:`lectern.outfolder`)
    may be replaced.
    """
    foreign = _foreign_in(out_dir, out_dir)
    if foreign:
        raise OutputError(
            f"holds files that are not a rehearsal ({_listed(foreign)}); a build replaces the whole folder, so "
            "choose a new folder with -o", path=str(out_dir),
        )


def _foreign_in(out_dir: Path, name: Path) -> list[str]:
    """What of the user's the folder holds; an error when it is a file or cannot be read."""
    try:
        # The swap renames the resolved path: check that one (``-o speech.txt/..`` does not exist as written but
        # resolves to the script's own folder).
        target = out_dir.resolve()
        if not target.exists():
            above = next((p for p in target.parents if p.exists()), None)
            if above is not None and not above.is_dir():
                raise OutputError(f"cannot make this folder: {errors.quote(str(above), 120)} is a file, not a folder",
                                  path=str(name))
            return []
        if not target.is_dir():
            raise OutputError("exists and is not a folder", path=str(name))
        return outfolder.foreign_files(target)
    except OSError as e:
        raise OutputError(f"cannot use as the output folder ({e.strerror or e})", path=str(name)) from e


def _listed(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(errors.quote(n, 60) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def write_outputs(
    folder: Path, timeline: Timeline, plan: Plan, report: object, *, bom: bool = False, takes: Sequence[object] = (),
    changed: Sequence[int] = (),
) -> tuple[str, ...]:
    """Render every text output of a build into ``folder`` (already holding the audio); ``changed``: the sentences
    new since the folder's previous build, marked on the page."""
    from lectern.writers import chapters, cue, page, script, subtitles, timings

    speaker = dict(plan.speech.meta).get("speaker")
    outputs = {
        "rehearsal.cue": cue.render_cue(timeline, performer=speaker, bom=bom),
        "rehearsal.srt": subtitles.render_srt(timeline),
        "rehearsal.vtt": subtitles.render_vtt(timeline),
        "rehearsal.lrc": subtitles.render_lrc(timeline),
        "chapters.vtt": chapters.render_chapters_vtt(timeline),
        "chapters.json": chapters.render_chapters_json(timeline),
        "timings.json": timings.render_timings(timeline),
        "script.txt": script.render_script(plan),
        **report_files(report, takes),
    }
    # The build's name is a hash of everything it wrote: an open page polls version.js and reloads when it changes.
    version = hashlib.blake2b("\0".join(outputs.values()).encode(), digest_size=8).hexdigest()
    outputs["index.html"] = page.render_page(timeline, plan, report, version=version, changed=changed)
    outputs["version.js"] = page.render_version(version)
    for name, text in outputs.items():
        try:
            write_text(folder / name, text)
        except OSError as e:
            raise OutputError(f"cannot write {name} ({e.strerror or e})", path=str(folder)) from e
    return tuple(outputs)


def _changed_since(out_dir: Path, timeline: Timeline) -> list[int]:
    """The sentences (indexes in speaking order) whose text the rehearsal in ``out_dir`` does not have: what a
    rebuild after an edit changed. A sentence that only moved is not new; a sentence said twice is new the second
    time only if the old build said it once. Nothing when there is no previous rehearsal (a first build)."""
    from collections import Counter

    from lectern.writers.timings import parse_timings

    try:
        previous = parse_timings((out_dir / "timings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, LecternError):
        return []
    old = Counter(s.text for section in previous.sections for s in section.sentences)
    changed = []
    for i, text in enumerate(s.text for section in timeline.sections for s in section.sentences):
        if old[text] > 0:
            old[text] -= 1
        else:
            changed.append(i)
    return changed


def report_files(report: object, takes: Sequence[object] = ()) -> dict[str, str]:
    """The timing report's three files by name: written by every build, and again by ``lectern report`` and
    ``lectern take``; ``takes`` (TakeComparison, oldest first) add the "Your delivery" part."""
    from lectern.writers import report as report_writer

    return {
        "report.md": report_writer.render_md(report, takes),  # type: ignore[arg-type]
        "report.html": report_writer.render_html(report, takes),  # type: ignore[arg-type]
        "report.json": report_writer.render_json(report, takes),  # type: ignore[arg-type]
    }


# --- the speaker's own takes (issue 11) ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TakeResult:
    out_dir: Path
    path: Path  # takes/NNN.json
    comparison: object  # lectern.rehearse.compare.TakeComparison of this take
    report: object  # the re-rendered Report


def read_rehearsal(out_dir: Path) -> Timeline:
    """The Timeline a build wrote to ``out_dir/timings.json``; one InputError line when there is none."""
    from lectern.writers.timings import parse_timings

    timings = out_dir / "timings.json"
    if not out_dir.exists():
        raise InputError("no such rehearsal folder: build the speech first (lectern build SCRIPT -o FOLDER)",
                         path=str(out_dir))
    if not out_dir.is_dir():
        raise InputError("is a file, not a rehearsal folder", path=str(out_dir))
    if not timings.is_file():
        raise InputError("no timings.json here: build the speech into this folder first", path=str(out_dir))
    try:
        text = timings.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"is not UTF-8 text (byte {e.start}): not a timings.json lectern wrote", path=str(timings)) from e
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e})", path=str(timings)) from e
    return parse_timings(text, path=str(timings))


def _saved_target(out_dir: Path) -> int | None:
    """The target the last build or report was given (report.json), so a take is judged against the same slot."""
    try:
        document = json.loads((out_dir / "report.json").read_text("utf-8"))
        target = document.get("target") or {}
        value = target.get("target_ms")
        return value if isinstance(value, int) and value > 0 else None
    except (OSError, ValueError, AttributeError):
        return None


def _saved_plan_for_target(out_dir: Path, timeline: Timeline) -> tuple[float | None, tuple[tuple[str, int], ...]]:
    """The speaker's pace and the section budgets (``--budget``) the folder's report was last made with, so a take,
    which only adds "Your delivery" to the report, keeps the rest of it as it was."""
    try:
        document = json.loads((out_dir / "report.json").read_text("utf-8"))
        pace = (document.get("delivery") or {}).get("speaker_pace")
        pace = float(pace) if isinstance(pace, (int, float)) and not isinstance(pace, bool) else None
        positions = {s.index: n for n, s in enumerate(timeline.sections, start=1)}
        budgets = tuple(
            (str(positions[b["index"]]), int(b["budget_ms"]))
            for b in ((document.get("target") or {}).get("budgets") or ())
            if b.get("given") is True and b.get("index") in positions and isinstance(b.get("budget_ms"), int)
        )
        return pace, budgets
    except (OSError, ValueError, AttributeError, TypeError):
        return None, ()


def target_shares(report: object) -> dict[int, int] | None:
    """Each section's share of the report's target (section index → ms): what a take is held to, as the page's
    rehearse mode holds it."""
    fit = getattr(report, "target", None)
    return {b.index: b.budget_ms for b in fit.budgets} if fit is not None and fit.budgets else None


def _saved_facts(out_dir: Path):  # noqa: ANN202 - PlanFacts | None
    """What the build's report.json kept of the script (paragraphs, blanks, pauses), so the report a take
    re-renders is as complete as the build's."""
    from lectern.writers.report import facts_from_json

    try:
        return facts_from_json(json.loads((out_dir / "report.json").read_text("utf-8")))
    except (OSError, ValueError):
        return None


def load_takes(
    out_dir: Path, timeline: Timeline, target_ms: int | None, shares: dict[int, int] | None = None
) -> list[object]:
    """Every take kept in ``out_dir/takes`` compared with ``timeline``, oldest first. A take that no longer fits the
    rehearsal (a section index past its end, after the script was rebuilt shorter) is left out of the report but
    kept on disk; an unreadable one is an error naming it."""
    from lectern.rehearse.compare import compare
    from lectern.rehearse.take import parse_delivery, take_paths

    out = []
    count = len(timeline.sections)
    for path in take_paths(out_dir):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read this take ({e})", path=str(path)) from e
        delivery = parse_delivery(text, path=str(path))
        if not delivery.sections or any(s.index >= count for s in delivery.sections):
            continue
        out.append(compare(int(path.stem), delivery, timeline, target_ms, shares))
    return out


def _carry_takes(
    out_dir: Path, staging: Path, timeline: Timeline, target_ms: int | None, shares: dict[int, int] | None = None
) -> list[object]:
    """A rebuild keeps the speaker's takes: they are the user's recordings' timings, not the build's output."""
    old = out_dir / TAKES_DIR
    if not old.is_dir():
        return []
    shutil.copytree(old, staging / TAKES_DIR)
    if target_ms is None:
        target_ms, shares = _saved_target(out_dir), None
    return load_takes(staging, timeline, target_ms, shares)


def take(
    out_dir: Path,
    recording: Path,
    *,
    taps_path: Path | None = None,
    target_ms: int | None = None,
    pace: float | None = None,
    save: bool = True,
) -> TakeResult:
    """Time a recording of the speaker against the rehearsal in ``out_dir``: write ``takes/NNN.json`` and the report
    files with the "Your delivery" part. ``save=False`` analyses only (nothing is written)."""
    from lectern.rehearse.analyse import analyse_recording
    from lectern.rehearse.compare import compare
    from lectern.rehearse.take import next_take_path, parse_delivery, parse_taps, render_delivery
    from lectern.report import analysis as report_step

    timeline = read_rehearsal(out_dir)
    taps = ()
    if taps_path is not None:
        try:
            taps_text = taps_path.read_bytes().decode("utf-8")
        except FileNotFoundError as e:
            raise InputError("no such take file", path=str(taps_path)) from e
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read this take file ({e})", path=str(taps_path)) from e
        taps = parse_taps(taps_text, path=str(taps_path))
    delivery = analyse_recording(recording, timeline, taps=taps, taps_path=str(taps_path) if taps_path else None)
    # A take adds "Your delivery" to the report and leaves the rest of it as the build (or lectern report) made it:
    # the same speaker's pace and, for the same target, the same section budgets.
    saved_target = _saved_target(out_dir)
    saved_pace, saved_budgets = _saved_plan_for_target(out_dir, timeline)
    if target_ms is None:
        target_ms = saved_target
    if pace is None:
        pace = saved_pace
    budgets = saved_budgets if target_ms is not None and target_ms == saved_target else ()
    path = next_take_path(out_dir)
    report = report_step.build_report(
        timeline, None, facts=_saved_facts(out_dir), pace=pace, target_ms=target_ms, budgets=budgets
    )
    shares = target_shares(report)
    # The take as it is kept (its figures rounded as takes/NNN.json holds them), so that the terminal, the JSON
    # and the report files say the same numbers.
    delivery = parse_delivery(render_delivery(delivery), path=str(path))
    if save:
        try:
            write_text(path, render_delivery(delivery))
        except OSError as e:
            raise OutputError(f"cannot write the take ({e.strerror or e})", path=str(path)) from e
        takes = load_takes(out_dir, timeline, target_ms, shares)
        for name, text in report_files(report, takes).items():
            try:
                write_text(out_dir / name, text)
            except OSError as e:
                raise OutputError(f"cannot write {name} ({e.strerror or e})", path=str(out_dir)) from e
        if (out_dir / outfolder.MANIFEST).is_file():
            try:  # the report is lectern's again as rewritten, so a later build may still replace it
                outfolder.write_manifest(out_dir)
            except OSError as e:
                raise OutputError(f"cannot write {outfolder.MANIFEST} ({e.strerror or e})", path=str(out_dir)) from e
    comparison = compare(int(path.stem), delivery, timeline, target_ms, shares)
    return TakeResult(out_dir, path, comparison, report)


def _recover_interrupted_swap(out_dir: Path) -> None:
    """A build killed between its two final renames leaves the previous rehearsal in ``.NAME.old-PID-*/previous``
    and no ``NAME``: put it back where the user looks for it. Killed just after them, it leaves the previous one
    there beside the new: that copy is lectern's own and superseded, and goes. Only a folder that is all lectern's
    (its manifest) is moved or removed; the owner's pid in the name keeps a running build's swap out of reach."""
    target = out_dir.resolve()
    try:
        leftovers = [p for p in target.parent.glob(f".{glob.escape(target.name)}.old-*") if not _owner_alive(p.name)]
    except OSError:
        return
    for leftover in leftovers:
        previous = leftover / "previous"
        try:
            if previous.is_dir() and not outfolder.foreign_files(previous):
                if not target.exists():
                    os.rename(previous, target)
                else:
                    shutil.rmtree(previous)
            leftover.rmdir()  # only when nothing else is in it
        except OSError:
            continue  # left as it is: nothing is deleted that is not known to be lectern's


def _staging_dir(out_dir: Path) -> Path:
    """Make the temporary folder beside the target, so the final rename stays on one file system."""
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        # A killed build leaves its staging folder behind; it holds nothing the cache does not. The owner's pid is
        # in the name so that a second build into the same folder does not pull a running one's files away.
        for stale in parent.glob(f".{glob.escape(out_dir.name)}.building-*"):
            if not _owner_alive(stale.name):
                shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out_dir.name}.building-{os.getpid()}-"))
        staging.chmod(0o755)  # it becomes the output folder; mkdtemp makes it private
        return staging
    except OSError as e:
        raise OutputError(f"cannot write the output folder ({e.strerror or e})", path=str(out_dir)) from e


def _keep_new(staging: Path, out_dir: Path, foreign: list[str], name: Path) -> OutputError:
    """Move the finished rehearsal out of its staging folder (which a later build would clear) to a visible name
    beside ``out_dir``, and say where it is."""
    said = f"now holds files that are not a rehearsal ({_listed(foreign)}), so it was left as it is"
    for n in range(1, 100):
        kept = out_dir.with_name(f"{out_dir.name}.new" + (f"-{n}" if n > 1 else ""))
        if kept.exists():
            continue
        try:
            os.rename(staging, kept)
        except OSError:
            break
        return OutputError(f"{said}; the new rehearsal is in {errors.quote(str(kept), 200)}", path=str(name))
    return OutputError(said, path=str(name))


def _owner_alive(staging_name: str) -> bool:
    m = re.search(r"\.(?:building|old)-(\d+)-", staging_name)
    if not m:
        return False  # named before pids were recorded: its build is long gone
    pid = int(m.group(1))
    if pid == os.getpid():
        return True  # this process's own, e.g. another thread's build
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but is not ours to signal
    return True


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``staging`` with two renames; the old rehearsal stays readable until the second.

    The folder is judged again right before, and once more after it is moved aside (so nothing saved into it
    during the build, or in between, is deleted): if it now holds anything lectern did not write, it is put back
    as it was and the new rehearsal is kept beside it under a name the error gives.
    """
    name = out_dir
    out_dir = out_dir.resolve()
    old = None
    try:
        early = _foreign_in(out_dir, name)
        if early:
            raise _keep_new(staging, out_dir, early, name)
        if out_dir.exists():
            if not out_dir.is_dir():
                raise OutputError("exists and is not a folder", path=str(out_dir))
            old = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.old-{os.getpid()}-"))
            os.rename(out_dir, old / "previous")
            try:
                late = outfolder.foreign_files(old / "previous")
            except OSError:
                late = ["(the folder could not be read)"]
            if late:
                os.rename(old / "previous", out_dir)
                raise _keep_new(staging, out_dir, late, name)
        os.rename(staging, out_dir)
    except OSError as e:
        if old is not None and (old / "previous").exists() and not out_dir.exists():
            os.rename(old / "previous", out_dir)
        raise OutputError(f"cannot replace the output folder ({e.strerror or e})", path=str(out_dir)) from e
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

