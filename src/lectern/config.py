"""The user's configuration: reading their TOML files (voice presets, lexicons, cleaning rules) with one kind of
error, and where lectern keeps its own files (the take cache, the voice list).

Each caller validates its own keys; this only turns "missing", "unreadable" and "not TOML" into a
:class:`ConfigError` that names the file and what it was meant to be.
"""

from __future__ import annotations

import os
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
