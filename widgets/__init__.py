"""Qt views: read market/account state, emit user intents. They never parse or fetch."""
