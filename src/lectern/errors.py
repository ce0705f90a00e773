"""One error root, so the CLI catches a single type and prints one line.

Every error names the file it concerns (``path``) and, where it applies, the sentence, so a user can find the
problem in their script without a traceback.
"""

from __future__ import annotations

import os


class LecternError(Exception):
    """Base of every error lectern raises on purpose. Anything else is a bug."""

    def __init__(
        self, message: str, *, path: str | os.PathLike[str] | None = None, sentence: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        # Callers pass the Path they were given; the message joins strings, so a Path here must not turn a clear
        # error into a TypeError while it is being printed.
        self.path = os.fspath(path) if path is not None else None
        self.sentence = sentence

    def __str__(self) -> str:
        # One line of a readable length whatever it quotes: a file name with a newline in it, a 5,000-character
        # line of the script.
        parts = []
        if self.path:
            parts.append(quote(self.path, 200))
        parts.append(quote(self.message, 400))
        text = ": ".join(parts)
        if self.sentence:
            text += f" (at: {_excerpt(self.sentence)})"
        return text


def _excerpt(sentence: str, limit: int = 24) -> str:
    one_line = " ".join(sentence.split())
    return one_line if len(one_line) <= limit else one_line[:limit] + "…"


def quote(text: str, limit: int = 80) -> str:
    """``text`` as an error may show it: on one line, control characters escaped (a file name may hold a newline
    or an escape sequence), at most ``limit`` characters with the middle cut out."""
    safe = "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)
    if len(safe) <= limit:
        return safe
    head = limit * 2 // 3
    return f"{safe[:head]}…{safe[len(safe) - (limit - head - 1):]}"


class InputError(LecternError):
    """The script cannot be read: missing, a directory, empty, binary, undecodable, too large."""


class ScriptError(LecternError):
    """The script was read but holds nothing to speak, or markers/settings that make no sense."""


class ConfigError(LecternError):
    """A voice preset, rules file or lexicon is invalid (names the file and the key)."""


class EngineError(LecternError):
    """A speech engine failed after its retries (names the sentence)."""


class ServiceBusy(EngineError):
    """An online engine's quick retries of one sentence failed, but the failure is of the passing kind (a refusal,
    a cut stream): the sentence goes back to the end of the queue and is tried again later in the build."""


class RetryBudgetSpent(EngineError):
    """The build's time for waiting on a failing service is used up: it stops, keeping every take made so far."""


class OutputError(LecternError):
    """The output folder or a file in it cannot be written."""


class InstallError(LecternError):
    """An optional voice could not be installed: download failed, or what came does not match its pinned hash."""
