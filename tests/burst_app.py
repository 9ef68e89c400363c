"""The service with one more route, for the SIGKILL test: a write as the partner API makes it.

``POST /test-burst/<slug>`` stores one project through the import path (record schema, one
transaction, committed before the answer) and answers 201. Importing the same slug again
updates the record, so a client may resend a request whose answer it never got.
"""

from __future__ import annotations

from widget_service import create_app, db
from widget_service.models import Channel
from widget_service.operations import import_document

app = create_app()


@app.post("/test-burst/<slug>")
def burst(slug: str) -> tuple[str, int]:
    record = {
        "alliance": "niedersachsen-packt-an",
        "slug": slug,
        "title": f"Burst {slug}",
        "summary": "Written by the SIGKILL test.",
        "status": "pending",
    }
    import_document(db.session(), {"projects": [record]}, Channel.API)
    return "stored\n", 201
