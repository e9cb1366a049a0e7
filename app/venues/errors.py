"""Errors shared by the venue parsers."""

from __future__ import annotations


class MalformedMessage(ValueError):
    """A message that does not have the shape its venue documents.

    Feeds count and drop these; one bad message must never stop a feed.
    """


class UnknownInstrument(LookupError):
    """A venue/symbol pair the bundled instrument table (or the given metadata) does not know."""
