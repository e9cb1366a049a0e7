"""The data layer, no Qt: recordings, replay, the ingest pipeline, and (later) live websocket feeds."""
