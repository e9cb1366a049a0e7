"""Local stand-ins for the exchanges: real websockets and HTTP servers on 127.0.0.1."""
