"""Property-based API testing against the published OpenAPI schema: no request gets a server error.

The schema is read at collection from an app that loads nothing (``app.openapi()``, no start-up): every worker
collects every file, before the session's SEQLAB_HOME is set, and starting the app there cost each worker about
18 s of model loading in the user's own cache. The requests go to the session's ready app (``client``).
"""

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from seqlab.web.app import create_app
from seqlab.web.service import ServeConfig

schema = schemathesis.openapi.from_dict(create_app(ServeConfig(), warm=False).openapi())


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, client):
    case.call_and_validate(checks=[not_a_server_error], app=client.app)
