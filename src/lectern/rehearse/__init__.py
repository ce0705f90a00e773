"""Rehearse with me (issue 11): the speaker's own delivery, recorded and timed against the script.

take (the take file's schema, shared with the page's rehearse mode) · decode (any recording → mono samples, with
pydub) · speech (speech and pauses from energy frames) · align (which stretch of the recording is which sentence and
section) · analyse (a recording and a rehearsal folder → a Delivery, with warnings) · compare (a Delivery against
the rehearsal and the target, for the report).

This part computes; writers render it. It reads what a build wrote (timings.json) and never imports an engine,
an audio step or a writer.
"""
