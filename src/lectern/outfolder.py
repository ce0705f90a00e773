"""Which folder a build may replace: only one lectern wrote, as it wrote it.

A build swaps a whole new folder in for the old one, so whatever the old one holds is deleted. Every rehearsal
therefore carries a manifest, ``.lectern-manifest.json``: each file's path, size and SHA-256, written last. A folder
may be replaced when it is missing, empty, or holds only files its manifest lists, unchanged (a listed file the user
deleted loses nothing). Anything else (a file the manifest does not list, a listed file that was edited, a folder
or link of the user's) is *foreign*, and the build refuses, naming it.

A rehearsal written before manifests existed is recognised by its ``timings.json`` (lectern's, with
``"audio": "rehearsal.mp3"``) and by holding nothing but a rehearsal's file names, with only ``NN-….mp3`` files in
``sections/``. A folder of the user's that merely shares names with a rehearsal (``myspeech/`` with its own
``script.txt``, a site with ``index.html``) has no such ``timings.json``, so all of it counts as foreign.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from lectern.atomic import write_bytes
from lectern.filehash import sha256_file

MANIFEST = ".lectern-manifest.json"
_FORMAT = 1

# Everything a build puts in its folder. Used only for rehearsals from before the manifest.
OUTPUT_NAMES = frozenset({
    "rehearsal.mp3", "sections", "rehearsal.cue", "rehearsal.srt", "rehearsal.vtt", "rehearsal.lrc", "chapters.vtt",
    "chapters.json", "timings.json", "script.txt", "report.md", "report.html", "report.json", "index.html",
})  # fmt: skip
# The speaker's takes (lectern take): a build copies them into the new folder, so replacing the old one loses none.
CARRIED = "takes"
# What file managers drop into any folder they show; losing them loses nothing.
DESKTOP_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_SECTION_FILE = re.compile(r"\d+-.+\.mp3")


def write_manifest(folder: Path) -> None:
    """List every file under ``folder`` with its size and SHA-256; called once the folder is complete."""
    files = {}
    for rel, path in _walk(folder):
        if rel == MANIFEST or path.is_symlink() or not path.is_file():
            continue
        files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    body = {"lectern": _FORMAT, "files": dict(sorted(files.items()))}
    write_bytes(folder / MANIFEST, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def refresh_manifest(folder: Path, names: list[str]) -> None:
    """Record files lectern has just rewritten in a rehearsal (``lectern report`` renders report.* again), so the
    next build still sees a folder lectern wrote. A folder without a manifest is left without one."""
    listed = _read_manifest(folder)
    if listed is None:
        return
    for name in names:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            listed[name] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    body = {"lectern": _FORMAT, "files": dict(sorted(listed.items()))}
    write_bytes(folder / MANIFEST, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def foreign_files(folder: Path) -> list[str]:
    """The paths under ``folder`` (relative, ``/``-separated) that a build replacing it would destroy.

    Raises OSError when the folder cannot be read (the caller says so).
    """
    listed = _read_manifest(folder)
    if listed is None:
        return sorted(_foreign_in_old_rehearsal(folder))
    foreign = []
    for rel, path in _walk(folder):
        name = rel.rsplit("/", 1)[-1]
        if rel == MANIFEST or name in DESKTOP_LITTER or _carried(rel):
            continue
        if path.is_symlink():
            foreign.append(rel)
        elif path.is_dir():
            if not any(f.startswith(rel + "/") for f in listed):
                foreign.append(rel + "/")
        elif rel not in listed:
            foreign.append(rel)
        else:
            want = listed[rel]
            if path.stat().st_size != want.get("size") or sha256_file(path) != want.get("sha256"):
                foreign.append(f"{rel} (changed since lectern wrote it)")
    return sorted(foreign)


def _carried(rel: str) -> bool:
    return rel == CARRIED or rel.startswith(CARRIED + "/")


def _read_manifest(folder: Path) -> dict[str, dict] | None:
    path = folder / MANIFEST
    if not path.is_file() or path.is_symlink():
        return None
    try:
        body = json.loads(path.read_bytes().decode("utf-8"))
        files = body["files"]
        if body.get("lectern") != _FORMAT or not isinstance(files, dict):
            return None
        return {str(k): v for k, v in files.items() if isinstance(v, dict)}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # not ours, or damaged: judged as a folder without one


def _foreign_in_old_rehearsal(folder: Path) -> list[str]:
    entries = [(rel, p) for rel, p in _walk(folder) if rel != MANIFEST]  # a damaged one of ours
    if not entries:
        return []
    if not _is_old_rehearsal(folder):
        # Not a rehearsal at all: all of it is the user's (its files, or its folders when it holds no file).
        files = [rel for rel, p in entries if (p.is_symlink() or not p.is_dir())
                 and rel.rsplit("/", 1)[-1] not in DESKTOP_LITTER]
        return files or [rel + "/" for rel, p in entries if p.is_dir() and not p.is_symlink()]
    foreign = []
    for rel, path in entries:
        parts = rel.split("/")
        if parts[-1] in DESKTOP_LITTER or _carried(rel):
            continue
        if path.is_symlink():
            foreign.append(rel)
        elif len(parts) == 1:
            if rel not in OUTPUT_NAMES or path.is_dir() != (rel == "sections"):
                foreign.append(rel + ("/" if path.is_dir() else ""))
        elif parts[0] != "sections" or len(parts) > 2 or path.is_dir() or not _SECTION_FILE.fullmatch(parts[1]):
            foreign.append(rel + ("/" if path.is_dir() else ""))
    return foreign


def _is_old_rehearsal(folder: Path) -> bool:
    """A ``timings.json`` as lectern writes it: the audio it describes, its length and its sections."""
    timings = folder / "timings.json"
    if timings.is_symlink() or not timings.is_file() or timings.stat().st_size > 64 << 20:
        return False
    try:
        body = json.loads(timings.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return False
    return (isinstance(body, dict) and body.get("audio") == "rehearsal.mp3" and "duration_ms" in body
            and isinstance(body.get("sections"), list))


def _walk(folder: Path) -> list[tuple[str, Path]]:
    """Every entry under ``folder`` as (relative path, path), links not followed."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False, onerror=_raise):
        base = Path(root)
        for name in sorted(dirs) + sorted(files):
            path = base / name
            found.append((path.relative_to(folder).as_posix(), path))
    return found


def _raise(error: OSError) -> None:
    raise error  # a folder that cannot be listed cannot be judged: the caller refuses it
