"""What a new user meets first in the terminal (issue 13): --version, exit codes, the build table, progress."""

from __future__ import annotations

from typer.testing import CliRunner

from lectern import __version__
from lectern.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version_prints_the_package_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"lectern {__version__}"


def test_a_mistyped_engine_is_a_usage_error_exit_2(tmp_path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espek", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "'espek'" in lines[0] and "espeak" in lines[0]
    assert not (tmp_path / "out").exists()


def _stale_take(cache_dir, text: str) -> str:
    import os

    from lectern.audio.cache import TakeCache, take_key
    from lectern.engines.base import Rendering
    from lectern.model import Voice

    key = take_key(engine="espeak", version="0", voice=Voice("espeak", "cmn"), text=text)
    TakeCache(cache_dir).put(key, text, "espeak", "cmn", Rendering(b"\0\1" * 50_000, 22050, ()))
    for path in cache_dir.glob(f"*/{key}.*"):
        os.utime(path, (1_000_000, 1_000_000))
    return key


def test_cache_prune_and_info_show_the_cap(tmp_path) -> None:
    from lectern.audio.cache import TakeCache

    cache_dir = tmp_path / "c"
    old, new = _stale_take(cache_dir, "旧"), _stale_take(cache_dir, "新")
    assert TakeCache(cache_dir).get(new) is not None  # used just now
    result = invoke("cache", "info", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0 and "2 takes, 0.2 MB of 500 MB" in result.stdout
    result = invoke("cache", "prune", "--max-size", "0.15MB", "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("removed 1 takes and 0 encoded sections (0.1 MB); 0.1 MB left (cap 0.15 MB)")
    cache = TakeCache(cache_dir)
    assert cache.get(old) is None and cache.get(new) is not None
    result = invoke("cache", "prune", "--max-size", "lots", "--cache-dir", str(cache_dir))
    assert result.exit_code == 1 and "cannot read size 'lots'" in result.stderr


def test_a_build_prunes_the_cache_to_its_cap_but_keeps_its_own_takes(tmp_path, monkeypatch) -> None:
    from lectern.audio.cache import TakeCache

    cache_dir = tmp_path / "c"
    stale = _stale_take(cache_dir, "很久以前的一句话。")
    monkeypatch.setenv("LECTERN_CACHE_MAX", "1k")
    script = tmp_path / "s.txt"
    script.write_text("同志们：今天开会。谢谢大家！\n", encoding="utf-8")
    result = invoke("build", str(script), "--engine", "espeak", "-q", "-o", str(tmp_path / "out"),
                    "--cache-dir", str(cache_dir))
    assert result.exit_code == 0, result.stderr
    info = TakeCache(cache_dir).info()
    assert TakeCache(cache_dir).get(stale) is None
    assert info.entries >= 2  # this build's takes stay even over the cap
