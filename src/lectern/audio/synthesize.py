"""Plan → Takes: every sentence rendered once, through the cache, by whichever engine was chosen.

This is the one place that decides what text an engine is given (the lexicon, then for the offline Mandarin voice
the numbers as words) and with which prosody (the preset's rate plus the speaker's [慢]/[快] marking), so that the
cache key covers exactly what shapes the audio and every engine is treated alike.

Cache lookups come first, so a rebuild makes no engine call for an unchanged sentence. Misses are rendered with
bounded concurrency, and each take is stored as soon as it is made: a run that fails or is interrupted keeps every
finished take, and the next run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import re
from collections import deque
from collections.abc import Callable

from lectern.audio.cache import TakeCache, take_key
from lectern.engines.base import Engine
from lectern.errors import ConfigError, EngineError, RetryBudgetSpent, ServiceBusy
from lectern.text.lexicon import Lexicon
from lectern.text.lexicon import apply as apply_lexicon
from lectern.model import Language, Plan, Sentence, Take, Voice
from lectern.text.numbers import normalize_numbers

OnTake = Callable[[int, Take, bool], None]

#: How many times one sentence may go back to the end of the queue (each time after the engine's own retries).
MAX_ROUNDS = 10

# Engines that read Arabic numerals in Chinese badly (espeak: 2026年 as 二千零二十六年, "%" in English; the neural
# voice's model knows only syllables, so its front end would read them without context).
_NEEDS_NUMBER_WORDS = frozenset({"espeak", "neural"})


# "I. Where We Stand" opening a sentence is a Roman-numbered heading: every engine says the pronoun "I" and runs
# on, so the listener hears "I where we stand". A speaker says the number ("One. Where we stand."). Only at the
# start, only a numeral followed by a dot and a capitalised word: the pronoun is never written "I." there.
_ROMAN_HEADING = re.compile(r"^(?P<lead>\s*)(?P<roman>[IVXL]{1,7})\.\s+(?=[A-Z])")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
    "seventeen eighteen nineteen".split()
_TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty"}


def _roman(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral below 90, else None (so "LIVID" or "VX" stay words)."""
    values = [_ROMAN_VALUES[c] for c in numeral]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if 0 < total < 90 and _to_roman(total) == numeral else None


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _english_number(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("-" + _ONES[ones] if ones else "")


def _read_roman_heading(text: str) -> str:
    m = _ROMAN_HEADING.match(text)
    value = _roman(m.group("roman")) if m else None
    if m is None or value is None:
        return text
    return m.group("lead") + _english_number(value).capitalize() + ". " + text[m.end():]


# espeak says the currency sign where it is written: "$4.5 million" came out "dollar four point five million" and
# "$5 today" "dollar five today". A speaker says the sign last, after any scale word: "4.5 million dollars".
_MONEY = re.compile(
    r"(?P<sign>[$£€])\s?(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<scale>\s+(?:thousand|million|billion|trillion)\b)?"
)
_CURRENCY = {"$": ("dollar", "dollars"), "£": ("pound", "pounds"), "€": ("euro", "euros")}


def _say_money(m: re.Match[str]) -> str:
    one, many = _CURRENCY[m.group("sign")]
    amount, scale = m.group("amount"), m.group("scale") or ""
    return f"{amount}{scale} {one if amount == '1' and not scale else many}"


def spoken_text(sentence: Sentence, language: Language, engine: str, lexicon: Lexicon | None) -> str:
    """The exact text ``engine`` is given for ``sentence``: lexicon readings, then numbers as words where needed.

    The lexicon goes first so an entry can name a word with digits (``G20``); the number reading leaves digits
    after a Latin letter alone, so the tone numbers of a pinyin reading survive it.
    """
    return _spoken(sentence.text, language, engine, lexicon)


@functools.lru_cache(maxsize=1 << 14)
def _spoken(text: str, language: Language, engine: str, lexicon: Lexicon | None) -> str:
    """Remembered: a rebuild after an edit (``lectern watch``) asks again for every sentence's text."""
    text = apply_lexicon(text, lexicon, engine=engine)
    if language is Language.ZH and engine in _NEEDS_NUMBER_WORDS:
        text = normalize_numbers(text)
    if language is Language.EN:
        text = _MONEY.sub(_say_money, _read_roman_heading(text))
    return text


def sentence_voice(voice: Voice, sentence: Sentence) -> Voice:
    """The voice with the sentence's relative rate folded in: [慢] at 0.85 on a -5% preset gives -20%."""
    return dataclasses.replace(voice, rate=voice.rate + round((sentence.rate - 1) * 100))


def synthesize(
    plan: Plan,
    engine: Engine,
    voice: Voice,
    cache: TakeCache,
    *,
    lexicon: Lexicon | None = None,
    on_take: OnTake | None = None,
    concurrency: int | None = None,
) -> tuple[Take, ...]:
    """One Take per sentence of ``plan.speech.sentences``, in that order (blocking; see :func:`synthesize_async`)."""
    return asyncio.run(
        synthesize_async(plan, engine, voice, cache, lexicon=lexicon, on_take=on_take, concurrency=concurrency)
    )


async def synthesize_async(
    plan: Plan,
    engine: Engine,
    voice: Voice,
    cache: TakeCache,
    *,
    lexicon: Lexicon | None = None,
    on_take: OnTake | None = None,
    concurrency: int | None = None,
) -> tuple[Take, ...]:
    """As :func:`synthesize`, for callers already inside an event loop.

    ``on_take(i, take, cached)`` is called once per sentence index as its take becomes available; ``cached`` is
    True when no engine call was made for it (found in the cache, or the same text as an earlier sentence).
    """
    if voice.engine != engine.name:
        raise ConfigError(f"voice {voice.name!r} is for the {voice.engine} engine, not {engine.name}")
    sentences = plan.speech.sentences
    sections = [sec for sec in plan.speech.sections for _ in sec.sentences]

    # One job per distinct cache key: identical sentences (a repeated 同志们！) are rendered once.
    jobs: dict[str, tuple[str, Voice, list[int]]] = {}
    for i, sentence in enumerate(sentences):
        text = spoken_text(sentence, plan.speech.language, engine.name, lexicon)
        prosody = sentence_voice(voice, sentence)
        key = take_key(engine=engine.name, version=engine.version, voice=prosody, text=text)
        jobs.setdefault(key, (text, prosody, []))[2].append(i)

    takes: list[Take | None] = [None] * len(sentences)

    def deliver(take: Take, indices: list[int], *, cached: bool) -> None:
        for n, i in enumerate(indices):
            takes[i] = take
            if on_take is not None:
                on_take(i, take, cached or n > 0)

    misses = []
    for key, (text, prosody, indices) in jobs.items():
        take = cache.get(key)
        if take is None:
            misses.append((key, text, prosody, indices))
        else:
            deliver(take, indices, cached=True)

    limit = max(1, min(engine.concurrency, concurrency or engine.concurrency))
    # A sentence whose quick retries failed in a passing way (ServiceBusy) goes back to the end of the queue: the
    # others go on meanwhile, and the engine's waiting budget, not a count of attempts, decides when to give up.
    queue = deque(misses)
    rounds: dict[str, int] = {}

    def located(e: EngineError, indices: list[int]) -> EngineError:
        first = indices[0]
        section = sections[first]
        where = section.marker or section.title or f"section {section.index + 1}"
        message = f"{e.message} (sentence {first + 1} of {len(sentences)}, in {_excerpt(where)})"
        if isinstance(e, RetryBudgetSpent | ServiceBusy):
            kept = sum(t is not None for t in takes)
            message += f"; {kept} of {len(sentences)} takes are kept: run the same command again to resume"
        return type(e)(message, path=e.path or plan.script.path, sentence=sentences[first].text)

    async def render(key: str, text: str, prosody: Voice, indices: list[int]) -> None:
        try:
            rendering = await engine.render(text, prosody)
        except ServiceBusy as e:
            rounds[key] = rounds.get(key, 0) + 1
            if rounds[key] >= MAX_ROUNDS:  # a guard for engines whose waits are too short to spend their budget
                raise located(e, indices) from e
            queue.append((key, text, prosody, indices))
            return
        except EngineError as e:
            raise located(e, indices) from e
        take = cache.put(key, text, engine.name, prosody.name, rendering)
        deliver(take, indices, cached=False)

    async def worker() -> None:
        while queue:
            await render(*queue.popleft())

    tasks = [asyncio.create_task(worker()) for _ in range(min(limit, len(misses)))]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        # The first failure ends the run; the others are stopped, and what finished is already in the cache.
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return tuple(t for t in takes if t is not None)


def _excerpt(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
