"""The audio part: a Plan's sentences → Takes (through an engine and the take cache) → a Timeline and the MP3.

Times in every output come from here: :mod:`lectern.audio.assemble` measures what it glues together.
"""
