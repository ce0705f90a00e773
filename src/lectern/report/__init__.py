"""The timing report's figures (:mod:`~lectern.report.analysis`) and target lengths (:mod:`~lectern.report.targets`).

Only computation: rendering to Markdown, HTML, JSON and the terminal lives in :mod:`lectern.writers.report`.
"""
