"""The take cache: content addressing, hits and misses, damaged entries remade, atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lectern.audio.cache import TakeCache, take_key
from lectern.config import default_cache_dir
from lectern.engines.base import Rendering
from lectern.errors import OutputError
from lectern.model import Boundary, Voice

VOICE = Voice("espeak", "cmn", rate=-5)
PCM = bytes(range(256)) * 40  # 10,240 bytes = 5,120 samples
RENDERING = Rendering(PCM, 22050, (Boundary("今天", 0, 300), Boundary("是", 300, 500)))


def key(text: str = "今天是十月九日。", **changes: object) -> str:
    fields: dict[str, object] = {"engine": "espeak", "version": "1.52.0", "voice": VOICE, "text": text}
    fields.update(changes)
    return take_key(**fields)  # type: ignore[arg-type]


def test_the_key_covers_everything_that_shapes_the_audio() -> None:
    base = key()
    assert len(base) == 64 and base == key()
    variants = {
        key(text="今天是十月十日。"),
        key(engine="edge"),
        key(version="1.52.1"),
        key(voice=Voice("espeak", "en-us", rate=-5)),
        key(voice=Voice("espeak", "cmn", rate=0)),
        key(voice=Voice("espeak", "cmn", rate=-5, pitch=2)),
        key(voice=Voice("espeak", "cmn", rate=-5, volume=10)),
    }
    assert base not in variants and len(variants) == 7


def test_miss_then_hit(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    k = key()
    assert cache.get(k) is None
    made = cache.put(k, "今天是十月九日。", "espeak", "cmn", RENDERING)
    assert made.samples == len(PCM) // 2 and made.duration_ms == 5120 * 1000 // 22050 == 232
    assert made.pcm_path.read_bytes() == PCM
    assert made.pcm_path.parent.name == k[:2]
    found = cache.get(k)
    assert found == made
    assert found is not None and found.boundaries == RENDERING.boundaries and found.text == "今天是十月九日。"


def test_an_odd_byte_is_dropped_so_samples_are_whole(tmp_path: Path) -> None:
    take = TakeCache(tmp_path).put(key(), "x", "espeak", "cmn", Rendering(b"\x01\x02\x03", 22050))
    assert take.samples == 1 and take.pcm_path.stat().st_size == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda pcm, meta: pcm.write_bytes(pcm.read_bytes()[:-100]),  # truncated
        lambda pcm, meta: pcm.write_bytes(b"\x00" * pcm.stat().st_size),  # same size, other bytes
        lambda pcm, meta: pcm.unlink(),  # audio lost
        lambda pcm, meta: meta.write_text("{not json", encoding="utf-8"),  # half-written metadata
        lambda pcm, meta: meta.write_text('{"format": 1}', encoding="utf-8"),  # fields missing
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_remade(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = TakeCache(tmp_path)
    k = key()
    take = cache.put(k, "t", "espeak", "cmn", RENDERING)
    damage(take.pcm_path, take.pcm_path.with_suffix(".json"))
    assert cache.get(k) is None
    cache.put(k, "t", "espeak", "cmn", RENDERING)
    remade = cache.get(k)
    assert remade is not None and remade.pcm_path.read_bytes() == PCM


def test_an_interrupted_write_leaves_no_entry_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = TakeCache(tmp_path)
    k = key()
    real_replace = os.replace
    calls = []

    def fail_on_metadata(src: str, dst: str) -> None:
        calls.append(dst)
        if str(dst).endswith(".json"):
            raise KeyboardInterrupt  # the run is killed between the audio and its metadata
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_metadata)
    with pytest.raises(KeyboardInterrupt):
        cache.put(k, "t", "espeak", "cmn", RENDERING)
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(calls) == 2
    assert cache.get(k) is None  # the metadata is the commit point
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_a_write_failure_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError) as caught:
        TakeCache(blocker).put(key(), "t", "espeak", "cmn", RENDERING)
    assert caught.value.path == str(blocker)


def test_info_and_clear(tmp_path: Path) -> None:
    root = tmp_path / "takes"
    cache = TakeCache(root)
    assert cache.info().entries == 0 and cache.info().bytes == 0
    for text in ("一", "二", "三"):
        cache.put(key(text), text, "espeak", "cmn", RENDERING)
    info = cache.info()
    assert info.entries == 3 and info.bytes > 3 * len(PCM) and info.root == root
    (root / "notes.txt").write_text("not ours")
    assert cache.clear() == 3
    assert cache.info().entries == 0 and cache.get(key("一")) is None
    assert (root / "notes.txt").exists()  # clear removes only what the cache made
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]  # emptied shard folders go too


def test_clear_on_a_folder_of_the_users_keeps_their_files(tmp_path: Path) -> None:
    # --cache-dir pointed at the wrong folder: its db/ and sections/ look like the cache's folders but are not.
    cache = TakeCache(tmp_path)
    cache.put(key(), "今天是十月九日。", "espeak", "cmn", RENDERING)
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "data.sqlite").write_text("user data")
    (tmp_path / "sections" / "mp3").mkdir(parents=True)
    (tmp_path / "sections" / "slides.pptx").write_text("user slides")
    (tmp_path / "sections" / "mp3" / ("ab" * 20 + ".mp3")).write_bytes(b"an encoded section")
    (tmp_path / "sections" / "takes.json").write_text("{}")
    assert cache.clear() == 1
    assert cache.get(key()) is None
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["db", "db/data.sqlite", "sections", "sections/slides.pptx"]


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LECTERN_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("LECTERN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "lectern" / "takes"


def test_prune_removes_the_least_recently_used_takes_first(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    for n, text in enumerate(("一", "二", "三", "四")):
        cache.put(key(text), text, "espeak", "cmn", RENDERING)
        meta = next(tmp_path.glob(f"*/{key(text)}.json"))
        os.utime(meta, (1_000_000 + n, 1_000_000 + n))  # written in this order, long ago
    pcm_mtime = next(tmp_path.glob(f"*/{key('一')}.pcm")).stat().st_mtime_ns
    assert cache.get(key("一")) is not None  # a hit makes "一" the most recently used
    # assembly names what it derives from a take by the PCM's size and mtime: a hit must not change them
    assert next(tmp_path.glob(f"*/{key('一')}.pcm")).stat().st_mtime_ns == pcm_mtime
    entry = cache.info().bytes // 4
    result = cache.prune(2 * entry)
    assert (result.removed, result.freed, result.left) == (2, 2 * entry, 2 * entry)
    assert [t for t in ("一", "二", "三", "四") if cache.get(key(t))] == ["一", "四"]
    assert cache.info().bytes <= 2 * entry


def test_prune_keeps_what_the_running_build_used_and_drops_old_sections(tmp_path: Path) -> None:
    cache = TakeCache(tmp_path)
    cache.put(key("一"), "一", "espeak", "cmn", RENDERING)
    part = tmp_path / "sections" / "mp3" / ("ab" * 20 + ".mp3")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 5000)
    os.utime(part, (1_000_000, 1_000_000))
    result = cache.prune(0, keep_since=1_000_001)
    assert (result.removed, result.sections_removed) == (0, 1)
    assert cache.get(key("一")) is not None and not part.exists()


def test_default_cache_cap_and_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    from lectern.config import DEFAULT_CACHE_CAP, default_cache_cap, parse_size
    from lectern.errors import ConfigError

    monkeypatch.delenv("LECTERN_CACHE_MAX", raising=False)
    assert default_cache_cap() == DEFAULT_CACHE_CAP == 500_000_000
    monkeypatch.setenv("LECTERN_CACHE_MAX", "2GB")
    assert default_cache_cap() == 2_000_000_000
    assert [parse_size(s) for s in ("300", "1.5gb", "800k", "10 MB")] == [300_000_000, 1_500_000_000, 800_000, 10_000_000]
    with pytest.raises(ConfigError):
        parse_size("lots")


def test_a_take_altered_after_it_was_checked_is_checked_again(tmp_path: Path) -> None:
    """A warm process (lectern watch) remembers the takes it checked; a later change to one is still caught."""
    cache = TakeCache(tmp_path)
    k = key()
    take = cache.put(k, "t", "espeak", "cmn", RENDERING)
    assert cache.get(k) is not None  # checked, and remembered
    stamp = take.pcm_path.stat().st_mtime_ns
    take.pcm_path.write_bytes(b"\x00" * take.pcm_path.stat().st_size)  # same size, other bytes
    os.utime(take.pcm_path, ns=(stamp + 1_000_000, stamp + 1_000_000))  # written a moment later
    assert cache.get(k) is None


def test_a_take_altered_in_place_with_its_time_set_back_is_still_caught(tmp_path: Path) -> None:
    """Same inode, same size, modification time restored (``touch -r``, a sync tool, a coarse clock): only the
    change time tells, and the remembered hash must not be trusted."""
    cache = TakeCache(tmp_path)
    k = key()
    take = cache.put(k, "t", "espeak", "cmn", RENDERING)
    assert cache.get(k) is not None  # checked, and remembered
    before = take.pcm_path.stat()
    with open(take.pcm_path, "r+b") as f:  # in place: the inode stays
        f.write(b"\x00" * 16)
    os.utime(take.pcm_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = take.pcm_path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert cache.get(k) is None
