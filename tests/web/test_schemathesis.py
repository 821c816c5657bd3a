"""Property-based API testing against the published OpenAPI schema: no request gets a server error."""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from seqlab.web.app import create_app
from seqlab.web.service import ServeConfig

app = create_app(ServeConfig(wordvec_korean=2000, wordvec_english=200), warm=False)
app.state.service._build_wordvectors()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate(checks=[not_a_server_error])
