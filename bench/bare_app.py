"""The baseline: bare Flask returning a precomputed byte string of a requested size.

It does the least a Flask view can do: route, then write bytes. The benchmark serves
it under the same server settings as the API, with ``BENCH_SIZES`` listing the sizes
of the API responses it is compared with.
"""

import os

from flask import Flask, Response, abort

app = Flask(__name__)
BODIES = {
    int(size): b"x" * int(size) for size in os.environ.get("BENCH_SIZES", "").split(",") if size
}


@app.get("/bytes/<int:size>")
def fixed_bytes(size: int) -> Response:
    if size not in BODIES:
        abort(404)
    return Response(BODIES[size], mimetype="application/json")
