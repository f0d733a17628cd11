"""A short property-based run over the OpenAPI schema: whatever the input, never a 5xx."""

from collections import Counter

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error

from tests.server.conftest import login

MAX_EXAMPLES = 25


def test_no_operation_answers_with_a_server_error(app, client, world):
    headers = login(client, "liming")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    statuses: Counter[int] = Counter()
    for operation in operations:

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            if case.path == "/v1/auth/logout":  # would sign the shared token out
                case.headers = {**(case.headers or {}), **login(client, "liming")}
            elif case.path != "/v1/auth/login":
                case.headers = {**(case.headers or {}), **headers}
            response = case.call_and_validate(checks=[not_a_server_error])
            statuses[response.status_code] += 1

        call()
    assert statuses[200] >= len(operations) * 2, statuses  # most calls got past authentication
