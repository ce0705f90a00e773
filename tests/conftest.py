"""Shared fixtures. Tests never touch the network: proxies are cleared so a local fake service is reached directly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SPEECH = REPO / "examples" / "postholiday_meeting_raw.txt"


@pytest.fixture(autouse=True, scope="session")
def _offline_environment(tmp_path_factory: pytest.TempPathFactory) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            del os.environ[name]
    # Keep the user's real take cache out of tests.
    os.environ.setdefault("LECTERN_CACHE_DIR", str(tmp_path_factory.mktemp("take-cache")))


@pytest.fixture(scope="session")
def example_speech() -> Path:
    return EXAMPLE_SPEECH
