"""Persistence, no Qt: settings, layouts and the trade journal (added with the features that need them)."""
