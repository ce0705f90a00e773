"""lectern: turn a speech script into a timed rehearsal.

The public API is the pipeline's steps (see :mod:`lectern.build` for the whole line) and the data model in
:mod:`lectern.model`. The CLI (:mod:`lectern.cli`) is a thin client of these.
"""

__version__ = "0.1.0"
