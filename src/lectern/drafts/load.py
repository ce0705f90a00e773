"""A draft from what the user names: a script (planned, lengths estimated) or a rehearsal folder (lengths measured)."""

from __future__ import annotations

from pathlib import Path

from lectern.build import TextOptions, prepare
from lectern.drafts.diff import Draft, draft_from_plan, draft_from_timeline
from lectern.errors import InputError


def load_draft(source: str, options: TextOptions = TextOptions(breath=False)) -> Draft:
    """A folder with ``timings.json`` (or that file itself) is a built rehearsal; anything else is a script."""
    from lectern.writers.timings import parse_timings

    path = Path(source)
    if path.name == "timings.json" and path.is_file():
        path = path.parent
    if path.is_dir():
        timings = path / "timings.json"
        if not timings.is_file():
            raise InputError("is a folder without timings.json: give a script or a rehearsal folder", path=source)
        try:
            text = timings.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read timings.json ({e})", path=str(timings)) from e
        return draft_from_timeline(parse_timings(text, path=str(timings)))
    return draft_from_plan(prepare(source, options))
