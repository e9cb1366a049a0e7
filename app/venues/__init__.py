"""Wire formats, no I/O: per venue, raw message -> core events, plus the venue's book-sync rules."""
