"""A bare Flask route returning fixed bytes: the yardstick of bench/throughput.py.

``GET /<size>`` answers ``size`` bytes made once, with nothing else done per request.
"""

from __future__ import annotations

from flask import Flask, Response

app = Flask(__name__)
_bodies: dict[int, bytes] = {}


@app.get("/<int:size>")
def fixed(size: int) -> Response:
    body = _bodies.get(size)
    if body is None:
        body = _bodies.setdefault(size, b"x" * size)
    return Response(body, mimetype="text/plain")
