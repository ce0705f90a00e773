"""The text part: script bytes → :class:`~lectern.model.Plan` (ingest → clean → structure → plan).

Pure functions over strings and the data model; nothing here touches an engine, audio, a writer or the CLI, so
every rule can be tested on a string (the import-linter contracts in ``pyproject.toml`` keep it so).
"""
