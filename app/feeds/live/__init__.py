"""Live market data: venue sockets with keepalive, backoff and a per-stream data watchdog."""
