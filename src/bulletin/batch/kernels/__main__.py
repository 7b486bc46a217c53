"""``python -m bulletin.batch.kernels SOCKET``: the fork server's process
(:func:`bulletin.batch.kernels.server.serve`)."""

import os
import sys

from bulletin.batch.kernels.server import serve

if __name__ == "__main__":  # pragma: no cover - the server process
    serve(sys.argv[1])
    # Its kernels are stopped and its folder removed: end without the interpreter's teardown of
    # everything warmed (the runner waits for this exit at the end of every run).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
