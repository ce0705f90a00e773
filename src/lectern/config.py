"""The user's configuration: reading their TOML files (voice presets, lexicons, cleaning rules) with one kind of
error, and where lectern keeps its own files (the take cache and the voice list; installed voice models).

Each caller validates its own keys; this only turns "missing", "unreadable" and "not TOML" into a
:class:`ConfigError` that names the file and what it was meant to be.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from lectern.errors import ConfigError


def read_toml(path: str | Path, what: str) -> dict[str, Any]:
    """The parsed table of ``path``; ``what`` names the file's role in errors ("voice preset", "lexicon file")."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise ConfigError(f"{what} not found", path=name) from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"cannot read {what} (not UTF-8 text: byte {e.start} is invalid)", path=name) from e
    except OSError as e:
        raise ConfigError(f"cannot read {what} ({e.strerror or e})", path=name) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"not valid TOML ({e})", path=name) from e


def default_cache_dir() -> Path:
    """``$LECTERN_CACHE_DIR``, else the user cache directory (XDG on Linux) / lectern / takes."""
    configured = os.environ.get("LECTERN_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("lectern", appauthor=False)) / "takes"


# The take cache keeps what the last builds used and forgets the rest: ~15 builds of a 10-minute speech at a few
# voices and rates came to 300 MB with no limit. 500 MB holds the working set of several speeches.
DEFAULT_CACHE_CAP = 500 * 1000 * 1000
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb)?\s*", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3}


def parse_size(text: str, *, option: str = "--max-size") -> int:
    """A size as people write it: ``500MB``, ``1.5GB``, ``800k``; a bare number is megabytes."""
    m = _SIZE.fullmatch(text)
    if not m:
        raise ConfigError(f"cannot read size {text!r}: use e.g. 500MB, 2GB or 300 (megabytes)", path=option)
    unit = (m.group(2) or "mb").lower()
    return round(float(m.group(1)) * _SIZE_UNITS[unit])


def default_cache_cap() -> int:
    """``$LECTERN_CACHE_MAX`` (e.g. ``2GB``), else :data:`DEFAULT_CACHE_CAP`."""
    configured = os.environ.get("LECTERN_CACHE_MAX")
    return parse_size(configured, option="LECTERN_CACHE_MAX") if configured else DEFAULT_CACHE_CAP


def default_data_dir() -> Path:
    """``$LECTERN_DATA_DIR``, else the user data directory (XDG on Linux) / lectern: installed voice models.

    Not the cache: clearing the take cache must not delete a model the user chose to install.
    """
    configured = os.environ.get("LECTERN_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("lectern", appauthor=False))
