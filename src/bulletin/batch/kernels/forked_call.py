"""Work that is not a kernel, run in a fresh fork of the warmed server: :func:`call` sends
``module:function`` and its arguments, a forked child of the server runs it in the caller's
environment and sends its JSON value back (the batch computes a month's index figures this way,
with pandas and the package already imported).
"""

from __future__ import annotations

import json
import os
import socket

from bulletin.core.errors import ForkedCallError


def _request(address: str, request: dict, timeout: float = 60) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        conn.connect(address)
        conn.sendall((json.dumps(request) + "\n").encode("utf-8"))
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def call(address: str, target: str, *args: object, timeout: float = 120) -> object:
    """Run ``module:function(*args)`` in a fresh fork of the warmed server; return its JSON value
    (:class:`~bulletin.core.errors.ForkedCallError` when the child could not)."""
    request = {"kind": "call", "target": target, "args": list(args), "env": dict(os.environ)}
    reply = json.loads(_request(address, request, timeout))
    if not reply["ok"]:
        raise ForkedCallError(reply["error"])
    return reply["value"]

