"""The take cache: every synthesized sentence stored under the hash of everything that shaped its audio.

The key covers the engine, its version, the voice and prosody and the exact text sent to the engine (after the
lexicon and number reading), so editing one sentence, or changing the lexicon entry one sentence uses, re-renders
only that sentence, and a new engine version never serves stale audio.

An entry is two files under ``root/ab/`` (``ab`` = the key's first two hex digits, to keep directories small):
``<key>.pcm`` (s16le mono) and ``<key>.json`` (sample rate, sample count, boundaries, SHA-256 of the PCM). Both are
written to a temporary file and renamed, PCM first, so the JSON's presence means the entry is complete. A run killed
mid-write leaves at most a temporary file, never a half entry; a PCM truncated or altered later (disk full, a
copy gone wrong) fails its size or checksum and reads as a miss, so it is re-rendered and overwritten.

The cache has a size cap (:func:`lectern.config.default_cache_cap`). Each hit touches the entry's JSON file, so its
modification time says when a build last used it; :meth:`TakeCache.prune` deletes the least recently used entries
(and encoded sections, which assembly touches the same way) until the cache fits. The PCM file is never touched:
assembly names what it derived from a take by the PCM's size and mtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from lectern.atomic import write_bytes
from lectern.config import default_cache_dir
from lectern.engines.base import Rendering
from lectern.errors import OutputError
from lectern.filehash import remember_written, sha256_file
from lectern.model import Boundary, Take, Voice

_FORMAT = 1  # bump when the entry layout changes: old entries then read as misses


def take_key(*, engine: str, version: str, voice: Voice, text: str) -> str:
    """The content address of one take: SHA-256 over engine, engine version, voice name, prosody and text.

    ``voice.rate`` is the effective rate for this sentence (preset rate plus any [慢]/[快] marking).
    """
    fields = [_FORMAT, engine, version, voice.name, voice.rate, voice.pitch, voice.volume, text]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


SECTIONS_DIR = "sections"  # assembly's encoded sections, reused by rebuilds


@dataclass(frozen=True, slots=True)
class CacheInfo:
    root: Path
    entries: int
    bytes: int


@dataclass(frozen=True, slots=True)
class PruneResult:
    removed: int  # takes removed
    sections_removed: int  # encoded sections removed
    freed: int  # bytes
    left: int  # bytes the cache still holds


class TakeCache:
    """Takes on disk, addressed by :func:`take_key`. Safe for several writers: every write is a rename."""

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        # Checked here, not at the first write: `cache info`/`clear` would otherwise report an empty cache for a
        # mistyped --cache-dir, and a build would fail only after planning.
        if self.root.exists() and not self.root.is_dir():
            raise OutputError("is not a folder: the take cache must be a folder (--cache-dir)", path=str(self.root))

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.pcm", folder / f"{key}.json"

    def get(self, key: str) -> Take | None:
        """The cached take, or None when there is none or it is damaged (then it will be remade by put)."""
        pcm_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT or meta.get("key") != key:
                return None
            samples = int(meta["samples"])
            if pcm_path.stat().st_size != samples * 2:
                return None  # truncated
            if sha256_file(pcm_path) != meta["sha256"]:
                return None  # altered
            _touch(meta_path)
            return Take(
                key=key,
                text=str(meta["text"]),
                engine=str(meta["engine"]),
                voice=str(meta["voice"]),
                sample_rate=int(meta["sample_rate"]),
                samples=samples,
                pcm_path=pcm_path,
                boundaries=tuple(Boundary(str(t), int(s), int(e)) for t, s, e in meta.get("boundaries", ())),
            )
        except (OSError, ValueError, KeyError, TypeError):
            # Missing, unreadable or malformed: a miss, never an error. The entry is rewritten on put.
            return None

    def put(self, key: str, text: str, engine: str, voice: str, rendering: Rendering) -> Take:
        """Store a rendering and return it as a Take whose ``pcm_path`` is in the cache."""
        pcm = rendering.pcm[: len(rendering.pcm) // 2 * 2]  # whole samples only
        pcm_path, meta_path = self._paths(key)
        meta = {
            "format": _FORMAT,
            "key": key,
            "text": text,
            "engine": engine,
            "voice": voice,
            "sample_rate": rendering.sample_rate,
            "samples": len(pcm) // 2,
            "sha256": hashlib.sha256(pcm).hexdigest(),
            "boundaries": [[b.text, b.start_ms, b.end_ms] for b in rendering.boundaries],
        }
        try:
            pcm_path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(pcm_path, pcm)
            remember_written(pcm_path, meta["sha256"])  # hashed from the bytes just written: no need to read them back
            write_bytes(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError as e:
            raise OutputError(f"cannot write to the take cache ({e.strerror or e})", path=str(self.root)) from e
        return Take(
            key=key,
            text=text,
            engine=engine,
            voice=voice,
            sample_rate=rendering.sample_rate,
            samples=len(pcm) // 2,
            pcm_path=pcm_path,
            boundaries=rendering.boundaries,
        )

    def info(self) -> CacheInfo:
        """How many complete entries the cache holds and how many bytes all its files take."""
        entries = 0
        size = 0
        if self.root.is_dir():
            for path in self.root.glob("*/*"):
                if path.is_file() and _ENTRY_FILE.fullmatch(path.name) and _SHARD.fullmatch(path.parent.name):
                    size += path.stat().st_size
                    entries += path.suffix == ".json"
            sections = self.root / SECTIONS_DIR
            for path in (*sections.glob("mp3/*"), *sections.glob("*")):
                if path.is_file() and (_SECTION_FILE.fullmatch(path.name) or _SECTIONS_INDEX.fullmatch(path.name)):
                    size += path.stat().st_size
        return CacheInfo(self.root, entries, size)

    def prune(self, max_bytes: int, *, keep_since: float | None = None) -> PruneResult:
        """Delete the least recently used takes and encoded sections until the cache holds at most ``max_bytes``.

        Anything used at or after ``keep_since`` (a build's start) is kept even over the cap: a build must not
        throw away the takes it is about to assemble. Only files named as lectern names them are looked at.
        """
        items: list[tuple[float, int, tuple[Path, ...], bool]] = []  # (last use, bytes, files, is a take)
        if self.root.is_dir():
            for meta in self.root.glob("*/*.json"):
                if not (_SHARD.fullmatch(meta.parent.name) and _ENTRY_FILE.fullmatch(meta.name)):
                    continue
                files = (meta, meta.with_suffix(".pcm"))
                try:
                    used = meta.stat().st_mtime
                    size = sum(f.stat().st_size for f in files if f.exists())
                except OSError:
                    continue
                items.append((used, size, files, True))
            for part in (self.root / SECTIONS_DIR / "mp3").glob("*.mp3"):
                if _SECTION_FILE.fullmatch(part.name):
                    try:
                        st = part.stat()
                    except OSError:
                        continue
                    # with its checksum file (assemble: ``<name>.mp3.sum``)
                    items.append((st.st_mtime, st.st_size, (part, part.with_name(part.name + ".sum")), False))
        total = self.info().bytes
        removed = sections = freed = 0
        for used, size, files, is_take in sorted(items, key=lambda item: item[0]):
            if total - freed <= max_bytes:
                break
            if keep_since is not None and used >= keep_since:
                continue
            for f in files:
                f.unlink(missing_ok=True)
            freed += size
            removed += is_take
            sections += not is_take
        return PruneResult(removed, sections, freed, total - freed)

    def clear(self) -> int:
        """Delete every entry; returns how many there were.

        Only files named the way lectern names them are removed, folder by folder: ``--cache-dir`` may point at a
        folder of the user's by mistake, and a ``db/`` or ``sections/`` of theirs must survive ``cache clear``.
        """
        before = self.info().entries
        if self.root.is_dir():
            for folder in self.root.iterdir():
                if folder.is_dir() and _SHARD.fullmatch(folder.name):
                    _remove_ours(folder, _ENTRY_FILE)
            # Encoded sections kept by assembly for fast rebuilds are derived from takes: they go with them.
            sections = self.root / SECTIONS_DIR
            if sections.is_dir():
                _remove_ours(sections / "mp3", _SECTION_FILE)
                _remove_ours(sections, _SECTIONS_INDEX)
        return before


_SHARD = re.compile(r"[0-9a-f]{2}")
# An entry's files and the temporary files an interrupted write leaves (lectern.atomic: ".NAME.XXXX.tmp").
_ENTRY_FILE = re.compile(r"\.?[0-9a-f]{64}\.(?:pcm|json)(?:\..+\.tmp)?")
_SECTION_FILE = re.compile(r"\.?[0-9a-f]{32,64}\.mp3(?:\..+)?")
_SECTIONS_INDEX = re.compile(r"\.?takes\.json(?:\..+\.tmp)?")


def _remove_ours(folder: Path, ours: re.Pattern[str]) -> None:
    """Delete the files in ``folder`` whose names match ``ours``, then the folder itself if that emptied it."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.is_file() and ours.fullmatch(path.name):
            path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass  # something of the user's is left in it (or another build wrote meanwhile): keep it


def _touch(path: Path) -> None:
    """Mark an entry as just used (see :meth:`TakeCache.prune`); a read-only cache still serves hits."""
    try:
        now = time.time()
        os.utime(path, (now, now))
    except OSError:
        pass


