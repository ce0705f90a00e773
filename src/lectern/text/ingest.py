"""Bytes → text: read a script file (or stdin), find its encoding, normalise it for analysis.

Scripts come from download sites, Word, web pages and old Windows machines, so the same speech may arrive as UTF-8,
UTF-8 with a BOM, UTF-16, GBK/GB18030 or Big5, with CRLF ends, NBSP indents, ideographic-space "paragraphs" on one
long scraped line, and half-width ``,:;!?()`` pasted into Chinese. Everything after this module sees one form:
LF lines, trimmed, no NBSP, Chinese punctuation full-width.

Mojibake is worse than an error: a wrong guess would be *spoken aloud* in a rehearsal. So every candidate decoding
must also look like plausible text (see :func:`_plausibility`), and when none does the user gets an
:class:`~lectern.errors.InputError` naming the file.

Hard-wrap joining lives here too (:func:`join_hard_wraps`) but is applied by :mod:`lectern.text.clean` *after* noise
removal: a page footer between the two halves of a wrapped sentence has to go before the halves can be rejoined, and
a watermark line must never be glued into the speech.
"""

from __future__ import annotations

import html
import io
import os
import re
import select
import stat
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from functools import cache
from typing import BinaryIO

from lectern.errors import InputError
from lectern.model import SourceText

#: Larger than any speech (a 3-hour report is ≈ 40,000 字 ≈ 120 kB); a 20 MB "script" is a mistake, and reading it
#: whole would only delay the error. A 5 MB text file still reads fine.
MAX_BYTES = 20 * 1024 * 1024

# Magic numbers of files people drop on the tool by mistake: each gets a message saying what it is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file; copy its text into a .txt or save it as .docx"),
    (b"\x89PNG", "a PNG image, not a script"),
    (b"\xff\xd8\xff", "a JPEG image, not a script"),
    (b"GIF8", "a GIF image, not a script"),
    (b"\xd0\xcf\x11\xe0", "a legacy Word/Office file (.doc); save it as .docx or .txt"),
    (b"{\\rtf", "an RTF file; save it as .docx or .txt"),
    (b"ID3", "an MP3 file, not a script"),
    (b"RIFF", "a RIFF (WAV/AVI) file, not a script"),
    (b"\x1f\x8b", "a gzip archive, not a script"),
    (b"7z\xbc\xaf", "a 7-Zip archive, not a script"),
    (b"Rar!", "a RAR archive, not a script"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Legacy Chinese encodings tried strictly, in this order. Big5 is a near-subset of GBK's byte space (every Big5 pair
# is also a valid GBK pair), so "decodes without error" cannot decide between them; plausibility does.
_CJK_CANDIDATES = ("gb18030", "big5", "cp950", "big5hkscs")

#: Below this share of common characters (among the non-ASCII ones) a decoding is treated as mojibake.
_PLAUSIBLE = 0.6


# --- reading ----------------------------------------------------------------------------------------------------


def read_script(path: str, *, stdin: BinaryIO | None = None) -> SourceText:
    """Read a .txt/.md/.docx script, or stdin when ``path`` is ``"-"``, and decode and normalise it.

    Every failure is an :class:`InputError` whose message is one line naming the file.
    """
    if path == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(f"too large (more than {MAX_BYTES // (1024 * 1024)} MB); a speech script is far smaller",
                             path=path)
        return decode(data, path)

    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=path) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, not a script file", path=path)
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        raise InputError("is a device, not a script file", path=path)
    if st.st_size > MAX_BYTES:
        raise InputError(f"too large ({st.st_size / 1024 / 1024:.1f} MB; the limit is "
                         f"{MAX_BYTES // (1024 * 1024)} MB); a speech script is far smaller", path=path)
    try:
        if stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        else:  # a named pipe (or another special file): its size says nothing, and open() may wait for a writer
            data = _read_stream(path)
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}", path=path) from None
    if len(data) > MAX_BYTES:  # a file that grew after stat, or a pipe with an endless writer
        raise InputError(f"too large (more than {MAX_BYTES // (1024 * 1024)} MB); a speech script is far smaller",
                         path=path)

    if path.lower().endswith(".docx"):
        if not data.startswith(b"PK\x03\x04"):
            if data.startswith(b"\xd0\xcf\x11\xe0"):  # a password-protected .docx is an OLE container too
                raise InputError("is not a plain .docx (password-protected, or a .doc renamed); save it as "
                                 ".docx without a password", path=path)
            raise InputError("is not a valid .docx document", path=path)
        return SourceText(path=path, text=_require_text(normalise(_docx_text(data, path)), path), encoding="docx")
    return decode(data, path, markdown=path.lower().endswith((".md", ".markdown")))


#: How long a named pipe may stay silent (no writer yet, or a writer that stopped writing) before lectern gives up.
PIPE_IDLE_TIMEOUT_S = 10.0
_CHUNK = 1 << 16


def _read_stream(path: str) -> bytes:
    """At most MAX_BYTES + 1 bytes of a non-regular file, in chunks, never blocking longer than the idle timeout.

    A plain open() of a FIFO blocks until a writer appears, which may be never; so it is opened non-blocking and
    every wait for data goes through poll(). A writer that never stops is cut off at the size cap.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_BYTES:
            if not poller.poll(PIPE_IDLE_TIMEOUT_S * 1000):
                what = "nothing was written to it" if not size else "its writer stopped sending"
                raise InputError(f"is a pipe and {what} for {PIPE_IDLE_TIMEOUT_S:g} s", path=path)
            try:
                chunk = os.read(fd, min(_CHUNK, MAX_BYTES + 1 - size))
            except BlockingIOError:  # woken with nothing to read yet
                continue
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


FRONT_MATTER_MAX_LINES = 40
_FM_KEY = re.compile(r"^[A-Za-z_][\w-]*:(?:\s|$)")
_FM_ITEM = re.compile(r"^\s*(?:-\s|$)|^\s+\S")
_YAML_ESCAPES = {"_": "\u00a0", " ": " ", '"': '"', "\\": "\\", "n": " ", "t": " ", "/": "/"}
_MD_LINE_SUBS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # ATX heading: the marks stay (one "# " to six), so structure makes the heading a section; closing #s go
    # (in _atx_title: a lazy (.*?) before optional [ \t]+#+ and [ \t]*$ is quadratic in a run of spaces).
    (re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$", re.M), lambda m: f"{m.group(1)} {_atx_title(m.group(2))}"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])"), r"\1"),  # a backslash escape: the character itself
    (re.compile(r"^ {0,3}>[ \t]?", re.M), ""),  # block quote
    (re.compile(r"^ {0,3}(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$", re.M), ""),  # rule / setext underline
    (re.compile(r"^ {0,3}[-*+][ \t]+(?!\d+[ \t]*[-—][ \t]*$)", re.M), ""),  # bullet (not a "- 3 -" page number)
    # Neither part of a link spans a '[': "[[[[…" or "[a](" repeated would otherwise rescan the line from each one.
    (re.compile(r"!\[[^\[\]\n]*\]\([^()\[\]\n]*\)"), ""),  # image
    (re.compile(r"\[([^\[\]\n]+)\]\([^()\[\]\n]*\)"), r"\1"),  # link → its text
    (re.compile(r"\*\*([^*\n]+?)\*\*|__([^_\n]+?)__"), r"\1\2"),  # strong emphasis
    (re.compile(r"(?<![*A-Za-z0-9])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*A-Za-z0-9])"), r"\1"),  # emphasis
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
)


def strip_markdown(text: str) -> str:
    """The words of a Markdown script without its markup, line for line (line numbers are kept).

    Only markup a speech writer uses: headings, quotes, bullets, emphasis, links, rules, front matter. ``**`` with
    no closing pair is left alone, since ``**同志`` is a template blank, not emphasis.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _without_front_matter(text)
    for pattern, replacement in _MD_LINE_SUBS:
        text = pattern.sub(replacement, text)
    return text


def _without_front_matter(text: str) -> str:
    """The text with its YAML front matter blanked line for line, its ``title:`` kept as the first line.

    Blogs and site generators put the post's metadata first (``---``, ``title: …``, ``date: …``, ``---``); some
    exports drop the opening ``---``. Only ``title`` is the speech's (the title); the rest is never spoken.
    """
    lines = text.split("\n", FRONT_MATTER_MAX_LINES + 2)
    start = 1 if lines and lines[0].strip() == "---" else 0
    if start >= len(lines) or not _FM_KEY.match(lines[start]):
        return text
    end = None
    for k in range(start, min(len(lines), FRONT_MATTER_MAX_LINES + 1)):
        line = lines[k]
        if line.strip() == "---" and k > start:
            end = k
            break
        if not (_FM_KEY.match(line) or _FM_ITEM.match(line)):
            return text
    if end is None:
        return text
    title = _front_matter_title(lines[start:end])
    head = [title or ""] + [""] * end
    rest = lines[end + 1 :]
    return "\n".join(head + rest)


_KEY_HEADER = re.compile(r"^#[ \t]*(?P<key>(?i:source|url|link|speaker|author|by|title|talk|event|date|language))[ \t]*:"
                         r"[ \t]*(?P<value>\S.*?)[ \t]*$")
KEY_HEADER_MIN_LINES = 2


def _without_key_header(text: str) -> str:
    """The text with a header of ``# Key: value`` comment lines at its top read as metadata, line for line.

    Datasets and scrapers put a transcript's source, speaker and title first (``# Source: https://…``,
    ``# Speaker: …``, ``# Title: …``). Two such lines at least, from the first line on, then a blank line:
    the title and the speaker become the first two lines (the title block structure reads), the rest is blanked.
    A single ``# Title: …`` line is a Markdown heading, left alone.
    """
    lines = text.split("\n", 12)
    found: dict[str, str] = {}
    k = 0
    while k < min(len(lines), 10) and (m := _KEY_HEADER.match(lines[k].rstrip("\r"))):
        found.setdefault(m.group("key").lower(), m.group("value"))
        k += 1
    if k < KEY_HEADER_MIN_LINES or k >= len(lines) or lines[k].strip():
        return text  # one line, no text after it, or no blank line after it: not a header
    title = found.get("title") or found.get("talk")
    speaker = found.get("speaker") or found.get("author") or found.get("by")
    head = [v for v in (title, speaker) if v]
    return "\n".join(head + [""] * (k - len(head)) + lines[k:])


def _front_matter_title(lines: list[str]) -> str | None:
    for k, line in enumerate(lines):
        if not line.startswith("title:"):
            continue
        value = line[len("title:") :].strip()
        if value.startswith('"'):  # double-quoted: may go on over lines, with backslash escapes
            body = value[1:]
            j = k
            while not re.search(r'(?<!\\)"\s*$', body) and j + 1 < len(lines):
                j += 1
                body = (body[:-1] if body.endswith("\\") else body + " ") + lines[j].strip()
            body = re.sub(r'"\s*$', "", body)
            value = re.sub(r"\\(.)", lambda m: _YAML_ESCAPES.get(m.group(1), m.group(1)), body)
        elif value.startswith("'"):
            value = value[1:].rstrip().removesuffix("'").replace("''", "'")
        value = re.sub(r"\s+", " ", value).strip()
        return value or None
    return None


def decode(data: bytes, path: str, *, markdown: bool = False) -> SourceText:
    """Decode raw script bytes (BOM, strict UTF-8, GB18030/Big5 by plausibility, then charset detection).

    ``path`` is only used in error messages and copied into the result. ``markdown`` strips Markdown markup first.
    """
    if not data.strip():
        raise InputError("is empty", path=path)
    if data.startswith(b"PK\x03\x04"):
        # A .docx under another name (or piped in) is still a Word document; any other ZIP is not a script.
        return SourceText(path=path, text=_require_text(normalise(_docx_text(data, path)), path), encoding="docx")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"is {what}", path=path)

    text, encoding = _decode_text(data, path)
    text = _without_key_header(text)
    if markdown:
        text = strip_markdown(text)
    return SourceText(path=path, text=_require_text(normalise(text), path), encoding=encoding, written=text)


_FOLDED_PUNCT = {"，": "[，,]", "：": "[：:]", "；": "[；;]", "！": "[！!]", "？": "[？?]", "（": "[（(]", "）": "[）)]"}


def as_written(line: str, written: str) -> str:
    """``line`` of the normalised text as the author typed it in ``written`` (``讲话(区)``, not ``讲话（区）``): the
    normaliser makes half-width punctuation full-width for analysis, but a title is shown as written. ``line``
    itself when it is not found (a title joined from two lines, or from a .docx)."""
    if not line or not written:
        return line
    parts = []
    for ch in line:
        if ch.isspace():
            if parts and parts[-1] != r"\s*":
                parts.append(r"\s*")
        else:
            parts.append(_FOLDED_PUNCT.get(ch, re.escape(ch)))
    m = re.search("".join(parts), written)
    return re.sub(r"\s+", " ", m.group(0)).strip() if m else line


def _require_text(text: str, path: str) -> str:
    if not text.strip():
        raise InputError("contains only whitespace, nothing to read", path=path)
    return text


def _decode_text(data: bytes, path: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(f"starts with a {codec.upper()} byte-order mark but is not valid {codec.upper()}",
                                 path=path) from None
            _reject_binary(text, path)
            return text, codec

    if b"\x00" in data:
        # UTF-16 saved without a byte-order mark (some Windows tools) is the one text with NUL bytes.
        for codec in ("utf-16-le", "utf-16-be"):
            if len(data) % 2 == 0:
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    continue
                if _plausibility(text) >= 0.9 and _control_share(text) == 0:
                    return text, codec
        raise InputError("is a binary file (it contains NUL bytes), not a text script", path=path)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(text, path)
        return text, "utf-8"

    # Strict legacy attempts; keep every one that decodes and let plausibility pick (GBK vs Big5 ambiguity).
    best: tuple[float, str, str] | None = None
    for codec in _CJK_CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, text, _codec_name(codec))
        if score >= 0.95:  # clearly right; the other candidates can only tie or lose
            break
    if best is not None and best[0] >= _PLAUSIBLE:
        _reject_binary(best[1], path)
        return best[1], best[2]

    # A file cut mid-character (download sites truncate at a byte limit) or with one stray byte: accept a clear
    # winner when only a handful of bytes are bad, and drop them (a dropped character beats refusing the speech).
    for codec in ("utf-8", "gb18030", "big5"):
        text = data.decode(codec, errors="replace")
        spots = len(_BAD_RUN.findall(text))  # one damaged spot can spoil several bytes
        if (spots <= max(3, len(text) // 1000) and text.count("\ufffd") <= max(8, len(text) // 100)
                and _plausibility(text.replace("\ufffd", "")) >= 0.9):
            text = text.replace("\ufffd", "")
            _reject_binary(text, path)
            return text, _codec_name(codec)

    detected = _detect(data)
    if detected is not None:
        text, codec = detected
        _reject_binary(text, path)
        return text, codec
    raise InputError("cannot be decoded as UTF-8, UTF-16, GB18030/GBK or Big5 (is it a text file?)", path=path)


_BAD_RUN = re.compile("\ufffd+")


def _codec_name(codec: str) -> str:
    return "big5" if codec in ("big5", "cp950") else codec


def _detect(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer as the last resort, accepted only when its result is itself plausible text."""
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        return None
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if match.chaos > 0.25 or _plausibility(text) < _PLAUSIBLE:
        return None
    return text, match.encoding


@cache
def _common_chars() -> frozenset[str]:
    """Characters a real Chinese text is mostly made of, derived from the standards themselves (no data file).

    GB2312 level 1 (rows 0xB0–0xD7, 3,755 常用字) for simplified text and Big5's frequently-used block
    (0xA440–0xC67E, 5,401 常用字) for traditional text. Mojibake of one encoding read as the other lands largely in
    private-use, kana, box-drawing or rare-character areas, so its share of these is low.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if lead == 0xC6 and trail > 0x7E:
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


_COMMON_SYMBOLS = frozenset("，。、；：？！“”‘’（）《》【】〈〉「」『』—…·％　－～﹏０１２３４５６７８９")


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters that are common CJK characters, CJK punctuation or Latin letters.

    ASCII is neutral (an English file decodes the same under every candidate). Returns 1.0 for pure ASCII.
    """
    common = _common_chars()
    total = good = 0.0
    sample = text[:100_000]  # a sample decides as well as the whole and keeps a 5 MB file fast
    for i, ch in enumerate(sample):
        if ch < "\x80" or ch.isspace():  # ASCII and spaces (NBSP, U+3000) read the same under every candidate
            continue
        total += 1
        if ch in common or ch in _COMMON_SYMBOLS or unicodedata.category(ch).startswith("P"):
            good += 1
        elif "\u00c0" <= ch <= "\u024f" and ch.isalpha():
            # Accented Latin (café, Zürich) sits inside an ASCII word; GBK read as cp1252 gives runs of accents.
            if (i > 0 and sample[i - 1].isascii() and sample[i - 1].isalpha()) or (
                    i + 1 < len(sample) and sample[i + 1].isascii() and sample[i + 1].isalpha()):
                good += 1
        elif "\u4e00" <= ch <= "\u9fff":
            good += 0.3  # a real but rarer character: neutral-ish, names and terms use them
    return 1.0 if total == 0 else good / total


def _control_share(text: str) -> float:
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    return controls / max(1, len(sample))


def _reject_binary(text: str, path: str) -> None:
    sample = text[:20000]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if controls > max(2, len(sample) // 200):
        raise InputError("looks like a binary file (control characters), not a text script", path=path)


def _atx_title(text: str) -> str:
    """A Markdown heading's text without its closing sequence (``## Title ##`` → ``Title``; ``C#`` stays)."""
    text = text.rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare.endswith((" ", "\t")):
        return bare.rstrip(" \t")
    return text


# --- docx ---------------------------------------------------------------------------------------------------------


def _docx_text(data: bytes, path: str) -> str:
    """Paragraph texts in document order, tables included (some templates put the speech in a one-cell table)."""
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as e:  # pragma: no cover - dependency missing
        raise InputError("reading .docx needs python-docx (pip install python-docx)", path=path) from e
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        if zipfile.is_zipfile(io.BytesIO(data)):
            raise InputError("is a ZIP archive but not a Word .docx document", path=path) from e
        raise InputError("is not a valid .docx document", path=path) from e
    except Exception as e:  # python-docx raises bare lxml/zip errors on corrupt files
        raise InputError(f"is not a readable .docx document ({type(e).__name__})", path=path) from e

    from docx.oxml.ns import qn

    lines: list[str] = []

    def paragraph_text(p: object) -> str:
        parts = []
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):  # type: ignore[attr-defined]
            parts.append(node.text or "" if node.tag == qn("w:t") else ("\t" if node.tag == qn("w:tab") else "\n"))
        return _SOFT_BREAK_IN_SENTENCE.sub(_join_soft_break, "".join(parts))

    numbering = _DocxNumbering(document, qn)

    def walk(element: object) -> None:
        for child in element.iterchildren():  # type: ignore[attr-defined]
            if child.tag == qn("w:p"):
                lines.append(numbering.label(child) + paragraph_text(child))
            elif child.tag == qn("w:tbl"):
                for cell in cells(child):
                    walk(cell)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)

    def cells(table: object) -> Iterator[object]:
        """The table's own cells, row by row: not iter(w:tc), which also yields the cells of a nested table, read
        again when walk() reaches that table inside its cell."""
        for child in table.iterchildren():  # type: ignore[attr-defined]
            if child.tag == qn("w:tc"):
                yield child
            elif child.tag in (qn("w:tr"), qn("w:sdt"), qn("w:sdtContent")):  # rows, and rows/cells in a content control
                yield from cells(child)

    walk(document.element.body)
    return "\n".join(lines)


# A line break (Shift+Enter) inside a Word paragraph right after a comma falls in the middle of a sentence: the
# writer was breaking the line by hand to fit the page. After anything else it may separate a title from its date
# or speaker, so it stays a line break there.
_SOFT_BREAK_IN_SENTENCE = re.compile(r"(?<=[，、,])[ \t]*\n[ \t]*(?=\S)")


def _join_soft_break(m: re.Match[str]) -> str:
    before = m.string[m.start() - 1]
    return " " if before == "," else ""


_CN_DIGITS = "〇一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")) + (_CN_DIGITS[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


_NUM_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "chineseCounting": _chinese_number,
    "chineseCountingThousand": _chinese_number,
    "japaneseCounting": _chinese_number,
    "taiwaneseCounting": _chinese_number,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
}


class _DocxNumbering:
    """Word's automatic list numbering, rendered as text.

    Government templates often number their headings (一、 （一） 1.) with Word's numbering rather than typed
    characters; python-docx returns the text without them, which would hide every section from structure. Bullets
    and unknown formats render as nothing.
    """

    def __init__(self, document: object, qn: object) -> None:
        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (numFmt, lvlText, start)
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in node.iter(qn("w:lvl")):
                start = self._val(lvl, "w:start", "1")
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                    self._val(lvl, "w:numFmt", "decimal"), self._val(lvl, "w:lvlText", ""),
                    int(start) if start.isdigit() else 1)
            abstract[node.get(qn("w:abstractNumId"))] = levels
        for num in root.iter(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})
        try:
            styles = document.styles.element  # type: ignore[attr-defined]
        except AttributeError:
            return
        for style in styles.iter(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None:
                num_id = self._val(num_pr, "w:numId", "")
                self.style_num[style.get(qn("w:styleId"))] = (num_id, int(self._val(num_pr, "w:ilvl", "0") or 0))

    def _val(self, node: object, tag: str, default: str) -> str:
        child = node.find(self.qn(tag))  # type: ignore[attr-defined, operator]
        return child.get(self.qn("w:val"), default) if child is not None else default  # type: ignore[operator]

    def label(self, paragraph: object) -> str:
        qn = self.qn
        ppr = paragraph.find(qn("w:pPr"))  # type: ignore[attr-defined, operator]
        if ppr is None:
            return ""
        num_pr = ppr.find(qn("w:numPr"))  # type: ignore[operator]
        if num_pr is not None:
            num_id, level = self._val(num_pr, "w:numId", ""), int(self._val(num_pr, "w:ilvl", "0") or 0)
        else:
            style = ppr.find(qn("w:pStyle"))  # type: ignore[operator]
            style_id = style.get(qn("w:val")) if style is not None else None  # type: ignore[operator]
            if style_id not in self.style_num:
                return ""
            num_id, level = self.style_num[style_id]
        levels = self.levels.get(num_id)
        if not levels or level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        fmt, text, _ = levels[level]
        if fmt not in _NUM_FORMATS:
            return ""

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            k_fmt, _, k_start = levels.get(k, ("decimal", "", 1))
            return _NUM_FORMATS.get(k_fmt, str)(counters.get(k, k_start))

        return re.sub(r"%(\d)", render, text)


# --- normalisation ---------------------------------------------------------------------------------------------

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
_CJK = f"[{_HAN}{_CJK_PUNCT}]"

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_LINE_BREAKS = re.compile("\r\n|[\r\f\v\x1c\x1d\x1e\x85\u2028\u2029]")
# Two or more ideographic/em spaces inside a line: the paragraph indent of a page that was scraped to one line.
_WIDE_SPACE_RUN = re.compile("[\u3000\u2003][ \t]*[\u3000\u2003][ \t\u3000\u2003]*")
# Two or more NBSPs (an HTML ``&nbsp;&nbsp;`` paragraph indent) after a Chinese sentence end, before Chinese text.
# Plain spaces do not count: a typed file keeps its line numbers, and clean splits at such spaces anyway.
# (A run holding two NBSPs, taken whole: nested stars over one run would backtrack quadratically in its length.)
_NBSP_RUN_AFTER_CJK_END = re.compile(f"(?<=[。！？：；”」』）])(?=[ ]*+\u00a0[ ]*+\u00a0)[ \u00a0]++(?=[{_HAN}“「（【])")
_OTHER_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_HALF_PUNCT = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_HALF_PUNCT_RE = re.compile(r"[,:;!?]")
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,80})\)")
_HAN_OR_PUNCT = re.compile(_CJK)
_HAN_RE = re.compile(f"[{_HAN}]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def normalise(text: str) -> str:
    """One form for analysis: LF, no NBSP/zero-width, wide-space runs as line breaks, trimmed lines, CJK punctuation.

    Lines are only ever split (a scraped one-line page becomes paragraphs), never merged or dropped, so a file
    without wide-space runs keeps its line numbers and the removals clean reports can be found in it.
    Whole-text regexes rather than a per-line loop: a 5 MB file must not take seconds.
    """
    text = _ZERO_WIDTH.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)
    if "&" in text:  # a scraped page's character references (&#39; &quot; &nbsp;): the characters they name
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = _EDGE_SPACE.sub("", text)  # a leading U+3000/NBSP is a paragraph indent: the line break already says so
    text = _WIDE_SPACE_RUN.sub("\n", text)
    text = _NBSP_RUN_AFTER_CJK_END.sub("\n", text)
    text = text.replace("\u00a0", " ")
    text = _OTHER_SPACES.sub(" ", text)
    text = _EDGE_SPACE.sub("", text)
    text = _full_width_punct(text)
    return text.rstrip("\n") + "\n"


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _HAN_OR_PUNCT.match(ch) is not None


# The trailing run is matched only from its first space: tried from every space of a long run that does not end
# the line, it would rescan the run each time (quadratic).
_EDGE_SPACE = re.compile("^[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+"
                         "|(?<![ \t\u00a0\u2000-\u200a\u202f\u205f\u3000])[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+$",
                         re.MULTILINE)
# A mark converts after Chinese, or before Chinese when it does not follow a Latin letter (``OK,好`` stays,
# ``5%,我们`` converts). The mark is matched first so the regex engine can skip ahead to it quickly.
_HALF_PUNCT_IN_CJK = re.compile(f"[,:;!?](?:(?<={_CJK}.)|(?<![A-Za-z\\n].)(?={_CJK}))")


def _full_width_punct(text: str) -> str:
    """Half-width ``,:;!?()`` typed into Chinese become full-width, so sentence and heading rules see one form.

    A mark converts only next to Chinese: ``10:30``, ``5.2``, ``1,000`` and English text are left alone. Parentheses
    convert as a pair, when either the inside or an outside neighbour is Chinese, so they never end up mismatched.
    """
    if not _HAN_RE.search(text):
        return text
    text = _HALF_PUNCT_IN_CJK.sub(lambda m: _HALF_PUNCT[m.group(0)], text)
    if "(" not in text:
        return text

    def paren(m: re.Match[str]) -> str:
        inner = m.group(1)
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if _HAN_RE.search(inner) or _is_cjk(before) or _is_cjk(after):
            return f"（{inner}）"
        return m.group(0)

    return _PAREN_PAIR.sub(paren, text)


# --- hard wraps ---------------------------------------------------------------------------------------------------

_FINAL = "。！？；：….!?;:"
_CLOSERS = "”’」』）)》】\"'"
#: Lines that open something new and so never continue the line above (GB/T 9704 headings, spoken-list markers,
#: stage notes, salutations).
HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[)）]|\d{1,3}[.．、](?!\d)|[（(]\d{1,3}[)）]"
    r"|[一二三四五六七八九十]+是|第[一二三四五六七八九十百]+[，,、：:]|(?:首先|其次|再次|最后)[，,]"
    r"|[IVX]+\.\s|[-*•·]\s|#{1,6}\s)"
)
_STAGE_NOTE = re.compile(r"^[（(][^）)]{1,12}[）)]$")
# A wrapped line that starts with a stage note and goes on with the speech: "(Applause.) More than 11,000 homes…"
_NOTE_THEN_TEXT = re.compile(r"^[(\[][A-Za-z][^)\]\n]{0,30}[)\]]\s+[A-Za-z\"“]")
_SALUTATION = re.compile(r"^[^，。！？]{1,30}[：:]$")


def ends_sentence(line: str) -> bool:
    """Ends with a sentence-final mark or a colon (closing quotes and brackets skipped)."""
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _FINAL or line.endswith("——")


_WIDE_CHAR = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                        "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _columns(line: str) -> int:
    """Display width: a Chinese character takes two columns, as on the page that was wrapped."""
    return len(line) + len(_WIDE_CHAR.findall(line))


def wrap_width(lines: list[str]) -> int | None:
    """The width (in columns) a document was hard-wrapped at, or None when it was not hard-wrapped.

    Hard-wrapped means at least a third of the lines sit at one common width (the 90th-percentile width) without
    ending a sentence; a document written one paragraph per line has almost none, and a short list of similar
    items inside a normal speech is far below its width.
    """
    measured = [(line, _columns(line)) for line in lines if line.strip()]
    if len(measured) < 3:
        return None
    widths = sorted(columns for _, columns in measured)
    width = widths[min(len(widths) - 1, int(len(widths) * 0.9))]
    if width < 30:
        return None
    near = sum(1 for line, columns in measured if _is_fragment(line, columns, width))
    if near < 2 or near < 0.3 * len(widths):  # in a wrapped document most lines are full
        return None
    return width


def is_wrapped_fragment(line: str, width: int | None) -> bool:
    """A line cut by a hard wrap: at the wrap width and not ending a sentence.

    Chinese wraps fill the line to within a character or two; English wraps at word boundaries are ragged.
    """
    if width is None or not line:
        return False
    return _is_fragment(line, _columns(line), width)


def _is_fragment(line: str, columns: int, width: int) -> bool:
    if columns < 0.7 * width or ends_sentence(line):
        return False
    return columns >= width - 4 if _WIDE_CHAR.search(line) else True


_BROKEN_OFF = re.compile(r"(?<=[A-Za-z,] --)[ \t]*\n(?=[a-z])")


def join_hard_wraps(text: str) -> str:
    """Join lines that were hard-wrapped in the middle of a sentence (PDF copies, e-mail, fixed-width exports).

    A line is joined to the next when the document is hard-wrapped (:func:`wrap_width`), the line is near that
    width and does not end a sentence (or with a colon), and the next line is not blank, a heading, a salutation or
    a stage note. Short lines (a title block, a signature) are never near the width, so they are never glued into
    the speech. Chinese joins with no space, English with one.
    English text that separates paragraphs with blank lines (e-mail, Gutenberg) also joins a full-width line that
    happens to end a sentence: there the blank line, not the line end, marks the paragraph.
    Risk: a paragraph that happens to end exactly at the wrap width without punctuation is joined to the next one.
    """
    if _BROKEN_OFF.search(text):
        # A caption-style transcript breaks lines at a dash where the speaker broke off ("I've been --" / "had the
        # opportunity…"): the lower-case line goes on with the same sentence.
        text = _BROKEN_OFF.sub(" ", text)
    lines = text.split("\n")
    width = wrap_width(lines)
    if width is None:
        return text
    blank_separated = text.count("\n\n") >= 2
    out: list[list[str]] = []  # each output line as its parts, joined once (adding to a string is quadratic)
    previous = ""  # the last physical line joined into out[-1]
    for line in lines:
        continues = is_wrapped_fragment(previous, width) or (
            blank_separated and previous and not _WIDE_CHAR.search(previous) and _columns(previous) >= 0.85 * width
            and (line[:1].isalpha() or _NOTE_THEN_TEXT.match(line)) and not previous.endswith(":"))
        if (out and previous and line and continues
                and not HEADING_RE.match(line) and not _STAGE_NOTE.match(line) and not _SALUTATION.match(line)):
            glue = "" if _is_cjk(previous[-1]) or _is_cjk(line[0]) else " "
            out[-1] += (glue, line)
        else:
            out.append([line])
        previous = line
    return "\n".join("".join(parts) for parts in out)
