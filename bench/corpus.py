"""Scoreboard of the text pipeline on the real-speech corpus in ``tests/corpus/`` (issue 9).

Every text there is a real download kept byte for byte (``tests/corpus/SOURCES.md`` names each one's source); beside
it, ``<name>.toml`` says what a careful human reader expects lectern to make of it, written before lectern was run on
the text:

    family        one of FAMILIES (the file name starts with it: ``<family>__<short-name>.txt``)
    title         the speech's title (a string, or a list of acceptable readings); absent: not judged
    speaker       the speaker's name; the check passes when meta["speaker"] contains it
    sections      top-level headings in order, ``{ heading = "一、…", level = 1 }``; level 1 is the shallowest level
                  lectern reports (level 2 the one below it). ``sections = []`` means: no headings at all
    noise         exact strings of the file that must NOT be spoken
    kept          exact sentences (or runs of text) of the speech that must be spoken
    placeholders  template blanks (XX, ××, ***…) the text really has; lectern must report each one
    encoding      the encoding the file's bytes are stored in, when not UTF-8 ("gbk", "big5")

Comparison rules (one place: ``fold``): all whitespace is removed (spaces, tabs, line breaks, ideographic spaces,
NBSP), and full-width ASCII forms U+FF01–U+FF5E are folded to ASCII (，→, ：→: （→( …). Nothing else is folded:
curly quotes, 、 and 。 stay as they are. Headings are compared as marker + title with trailing sentence punctuation
dropped. Titles are compared after collapsing runs of whitespace. A kept string may be written as it is spoken (HTML
entities decoded, markdown emphasis marks dropped); it must still be found in the file under those two readings.
"Spoken" means the Plan's sentences: both ``Sentence.text`` (what the voice says) and ``Sentence.written`` (the same
sentence as the script writes it, blanks unfilled) are searched, the sentences joined in speaking order.

    .venv/bin/python bench/corpus.py        # the table by family, then overall
    .venv/bin/python bench/corpus.py -v     # and every miss with its detail
"""

from __future__ import annotations

import html
import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

FAMILIES = (
    "meeting", "zhici", "news", "docsite", "oneline", "halfwidth", "traditional", "encoding", "english",
    "transcript", "markdown", "host",
)  # fmt: skip
KINDS = ("prepare", "expectation", "title", "speaker", "section", "noise", "kept", "placeholder")
THRESHOLD_OVERALL = 0.95
THRESHOLD_FAMILY = 0.85
TEXT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Case:
    name: str  # the text file's name, e.g. "news__chinahaoren-wenjiabao-lianda.txt"
    path: Path
    family: str
    expect: dict = field(hash=False)


@dataclass(frozen=True)
class Result:
    family: str
    file: str
    kind: str  # one of KINDS
    ok: bool
    detail: str  # what was expected and what lectern did


# --- folding ----------------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TRAILING = "。.,，:：;；!！?？"


def fold(text: str) -> str:
    """Whitespace removed, full-width ASCII forms folded to ASCII: the one comparison key of the scoreboard."""
    return _WS.sub("", text.translate(_FULLWIDTH))


def fold_heading(text: str) -> str:
    return fold(text).rstrip(_TRAILING)


def fold_title(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _readings(text: str) -> set[str]:
    """The ways a human may have written a string of the file: as stored, entities decoded, emphasis dropped."""
    unescaped = html.unescape(text)
    return {fold(text), fold(unescaped), fold(unescaped.replace("*", "").replace("\\", ""))}


# --- loading ----------------------------------------------------------------------------------------------------


def decode(case: Case) -> str:
    """The text's characters, decoded strictly with the encoding its expectation names (UTF-8 by default)."""
    return case.path.read_bytes().decode(case.expect.get("encoding", "utf-8"))


def text_files(corpus: Path = CORPUS) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.suffix in TEXT_SUFFIXES and "__" in p.name)


def load_cases(corpus: Path = CORPUS) -> list[Case]:
    cases = []
    for toml_path in sorted(corpus.glob("*.toml")):
        texts = [toml_path.with_suffix(s) for s in TEXT_SUFFIXES if toml_path.with_suffix(s).exists()]
        if len(texts) != 1:
            raise FileNotFoundError(f"{toml_path.name}: expected exactly one text beside it, found {len(texts)}")
        expect = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        family = expect.get("family", "")
        if family not in FAMILIES or not texts[0].name.startswith(family + "__"):
            raise ValueError(f"{toml_path.name}: family {family!r} is not one of FAMILIES or not the file's prefix")
        cases.append(Case(name=texts[0].name, path=texts[0], family=family, expect=expect))
    return cases


# --- checking ---------------------------------------------------------------------------------------------------


def _prepare(path: Path):
    from lectern.build import TextOptions, prepare

    return prepare(str(path), TextOptions(breath=False))


def check(case: Case) -> list[Result]:
    """Every expectation of one text, judged on what lectern's text pipeline makes of it."""
    e = case.expect
    results: list[Result] = []

    def add(kind: str, ok: bool, detail: str) -> None:
        results.append(Result(case.family, case.name, kind, ok, detail))

    source = decode(case)
    source_keys = _readings(source)
    bad = [s for s in [*e.get("noise", ()), *e.get("kept", ())] if not any(fold(s) in k for k in source_keys)]
    bad += [s for s in [html.unescape(k) for k in e.get("kept", ())] if not any(fold(s) in k for k in source_keys)]
    for s in dict.fromkeys(bad):
        add("expectation", False, f"the expectation {s!r} is not in the file (a typo in the .toml)")

    try:
        plan = _prepare(case.path)
    except Exception as exc:  # noqa: BLE001 - every failure is a miss to report, not a crash of the scoreboard
        add("prepare", False, f"prepare raised {type(exc).__name__}: {exc}")
        for kind, items in (("title", [e["title"]] if "title" in e else []), ("speaker", [e.get("speaker")] * ("speaker" in e)),
                            ("section", e.get("sections", []) or ([None] if "sections" in e else [])),
                            ("noise", e.get("noise", [])), ("kept", e.get("kept", [])),
                            ("placeholder", e.get("placeholders", []))):  # fmt: skip
            for item in items:
                add(kind, False, f"not judged, prepare failed ({item!r})")
        return results

    speech = plan.speech
    sentences = speech.sentences
    spoken_text = fold("".join(s.text for s in sentences))
    spoken_written = fold("".join(s.written or s.text for s in sentences))

    if "title" in e:
        wanted = [e["title"]] if isinstance(e["title"], str) else list(e["title"])
        got = fold_title(speech.title)
        ok = got in {fold_title(w) for w in wanted}
        add("title", ok, f"title {speech.title!r}, expected {' or '.join(map(repr, wanted))}")

    if "speaker" in e:
        meta = dict(speech.meta)
        got = meta.get("speaker")
        ok = bool(got) and fold(e["speaker"]) in fold(got)
        add("speaker", ok, f"meta speaker {got!r}, expected one naming {e['speaker']!r} (meta: {meta})")

    if "sections" in e:
        results.extend(_check_sections(case, e["sections"], speech.sections))

    for noise in e.get("noise", ()):
        decoded = html.unescape(noise)
        # A character reference on its own (&#39;, &quot;) is noise as written: the character it names is the
        # speech's own punctuation (I&#39;ve is said I've), so only the reference itself must not be spoken.
        alone = decoded != noise and not any(c.isalnum() for c in decoded)
        keys = ({fold(noise)} if alone else {fold(noise), fold(decoded)}) - {""}
        where = [k for k in keys if k in spoken_text or k in spoken_written]
        add("noise", not where, f"noise {noise!r} " + (f"is spoken: …{_context(where[0], sentences)}…" if where
                                                        else "is not spoken"))

    for kept in e.get("kept", ()):
        key = fold(html.unescape(kept))
        ok = key in spoken_text or key in spoken_written
        add("kept", ok, f"kept {kept!r} " + ("is spoken" if ok else f"is not spoken as one run; nearest: "
                                                                     f"{_nearest(key, sentences)}"))

    reported = {fold(p.text).lower() for p in plan.script.placeholders}
    for blank in e.get("placeholders", ()):
        ok = fold(blank).lower() in reported
        add("placeholder", ok, f"placeholder {blank!r}; lectern reported "
                               f"{[f'{p.text}×{p.count}' for p in plan.script.placeholders]}")
    return results


def _check_sections(case: Case, expected: list[dict], sections) -> list[Result]:
    headed = [s for s in sections if s.level >= 1]
    shown = [f"L{s.level} {(s.marker or '')}{s.title}" for s in headed]
    if not expected:
        return [Result(case.family, case.name, "section", not headed,
                       "no headings expected; lectern made " + (", ".join(shown) if headed else "none"))]
    top = min((s.level for s in headed), default=1)
    out = []
    for level in sorted({int(x.get("level", 1)) for x in expected}):
        want = [x["heading"] for x in expected if int(x.get("level", 1)) == level]
        got = [fold_heading((s.marker or "") + s.title) for s in headed if s.level == top + level - 1]
        for i, heading in enumerate(want):
            ok = i < len(got) and got[i] == fold_heading(heading)
            out.append(Result(case.family, case.name, "section", ok,
                              f"level-{level} heading #{i + 1} {heading!r}: lectern has "
                              f"{got[i] if i < len(got) else 'none'!r}; all headings: {shown or 'none'}"))
        if len(got) > len(want):
            out.append(Result(case.family, case.name, "section", False,
                              f"level-{level}: {len(got) - len(want)} heading(s) more than the text has: "
                              f"{got[len(want):]}"))
    return out


def _context(key: str, sentences) -> str:
    for s in sentences:
        for text in (s.text, s.written):
            if key in fold(text or ""):
                return (text or "")[:120]
    joined = "".join(s.text for s in sentences)
    i = fold(joined).find(key)
    return fold(joined)[max(0, i - 20): i + len(key) + 20] if i >= 0 else key


def _nearest(key: str, sentences) -> str:
    """The spoken sentence holding the start (or else the end) of the missing run, to show what lectern did."""
    for probe in (key[:6], key[-6:]):
        for s in sentences:
            text = s.written or s.text
            if probe and probe in fold(text):
                return repr(text[:160])
    return "no spoken sentence holds its start or end"


def check_all(cases: Iterable[Case]) -> list[Result]:
    return [r for case in cases for r in check(case)]


# --- scoreboard -------------------------------------------------------------------------------------------------


def scoreboard(results: list[Result]) -> dict[str, tuple[int, int, int]]:
    """family → (texts, expectations, passed); the key "overall" sums them."""
    board: dict[str, tuple[int, int, int]] = {}
    for family in FAMILIES:
        rs = [r for r in results if r.family == family]
        if rs:
            board[family] = (len({r.file for r in rs}), len(rs), sum(r.ok for r in rs))
    board["overall"] = (len({r.file for r in results}), len(results), sum(r.ok for r in results))
    return board


def rate(passed: int, total: int) -> float:
    return passed / total if total else 1.0


def render(board: dict[str, tuple[int, int, int]]) -> str:
    lines = [f"{'family':<12} | {'texts':>5} | {'expectations':>12} | {'passed':>6} | {'rate':>6}",
             f"{'-' * 12}-+-{'-' * 5}-+-{'-' * 12}-+-{'-' * 6}-+-{'-' * 6}"]
    for family, (texts, total, passed) in board.items():
        if family == "overall":
            lines.append(lines[1])
        lines.append(f"{family:<12} | {texts:>5} | {total:>12} | {passed:>6} | {rate(passed, total):>6.1%}")
    return "\n".join(lines)


def meets_thresholds(board: dict[str, tuple[int, int, int]]) -> tuple[bool, str]:
    _texts, total, passed = board["overall"]
    low = [f"{f} {rate(p, t):.0%}" for f, (_n, t, p) in board.items() if f != "overall" and rate(p, t) < THRESHOLD_FAMILY]
    ok = rate(passed, total) >= THRESHOLD_OVERALL and not low
    return ok, f"overall {rate(passed, total):.1%} (needs ≥ {THRESHOLD_OVERALL:.0%}); families below " \
               f"{THRESHOLD_FAMILY:.0%}: {', '.join(low) or 'none'}"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv or "--verbose" in argv
    results = check_all(load_cases())
    board = scoreboard(results)
    print(render(board))
    ok, summary = meets_thresholds(board)
    print(f"\n{summary} → {'PASS' if ok else 'not yet'}")
    if verbose:
        misses = [r for r in results if not r.ok]
        print(f"\n{len(misses)} misses:")
        for family in FAMILIES:
            for r in (r for r in misses if r.family == family):
                print(f"  [{r.family}] {r.file} {r.kind}: {r.detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
