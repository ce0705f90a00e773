"""Between drafts: compare two versions of a speech (diff) and rebuild a rehearsal on every save (watch)."""
