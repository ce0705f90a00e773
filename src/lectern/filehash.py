"""SHA-256 of a file, remembered within one process by the file's identity.

``lectern watch`` rebuilds on every save in one process: the take cache checks every take it serves and the output
folder checks the old rehearsal against its manifest, each time. A file already hashed is not read again while
it is the same file: same device and inode, size, modification and change times (ns). Any write to the file
changes its change time, which no one can set back (``os.utime`` sets the modification time and moves the change
time on), so an altered file is always read and checked again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_Identity = tuple[int, int, int, int, int]
_HASHED: dict[_Identity, str] = {}
_HASHED_MAX = 1 << 16  # ≈ 10 MB of memo at most; a 2-hour speech has ≈ 2,000 takes


def _identity(path: Path) -> _Identity:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def sha256_file(path: Path) -> str:
    identity = _identity(path)
    known = _HASHED.get(identity)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    remember(identity, digest.hexdigest())
    return _HASHED[identity]


def remember_written(path: Path, sha256: str) -> None:
    """Record the hash of bytes just written to ``path``, so they are not read back to be checked."""
    remember(_identity(path), sha256)


def remember(identity: _Identity, sha256: str) -> None:
    _HASHED[identity] = sha256
    if len(_HASHED) > _HASHED_MAX:
        _HASHED.pop(next(iter(_HASHED)))
