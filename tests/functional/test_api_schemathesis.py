"""The API against its own OpenAPI document (schemathesis, in process over WSGI): generated
requests, valid and not, find no 500 and no answer the document does not describe."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from sqlalchemy.orm import Session

from widget_service import tokens

PA = "niedersachsen-packt-an"


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    return {**config, "API_RATE_LIMIT": "100000 per minute"}


# no 500, and every answer as the document describes it (status, type, body, headers); a
# schema-valid record may still be refused for what the schema cannot know (an action
# field that does not exist), so "valid data is accepted" is not among them
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def partner_token(demo: Session) -> str:
    _row, plain = tokens.issue(demo, PA, "stadt-sehnde", trusted=True)
    demo.commit()
    return plain


def test_the_api_keeps_to_its_document(app: Flask, partner_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # plain bodies: the WSGI client does not undo gzip (compression has tests of its own)
    headers = {"Authorization": f"Bearer {partner_token}", "Accept-Encoding": "identity"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            if case.path_parameters and case.method != "GET":
                # writes for the alliance the token serves, so they reach validation and storage
                case.path_parameters["alliance"] = PA
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
