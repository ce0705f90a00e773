"""Speech engines behind one small interface (:class:`lectern.engines.base.Engine`)."""
