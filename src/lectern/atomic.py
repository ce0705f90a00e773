"""Atomic file writes: a reader (a player, a second build, a crash) sees the old file or the new one, never half.

The temporary file sits beside the target so the final ``os.replace`` stays on one file system. Files are made
readable by others (``mkstemp`` makes them 0600): a rehearsal folder is meant to be shared, copied and served.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """UTF-8 with LF line ends, whatever the platform."""
    write_bytes(path, text.encode("utf-8"))
