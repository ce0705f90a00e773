"""Shared fixtures. Tests never touch the network: proxies are cleared so a local fake service is reached directly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SPEECH = REPO / "examples" / "postholiday_meeting_raw.txt"
# A short Chinese speech with two headings and one blank: the CLI tests' script.
SHORT_SPEECH = """关于做好当前工作的讲话
同志们：
今天我们召开会议，主要是部署下一阶段工作。
一、提高认识，统一思想
统一是前提。我们要充分认识做好工作的重要性。
二、突出重点，狠抓落实
要抓好XX项目建设，确保按期完成。
同志们，任务艰巨，使命光荣。谢谢大家！
"""


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
