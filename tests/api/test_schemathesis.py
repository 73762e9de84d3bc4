"""Both APIs keep to their OpenAPI document (issue 18): Schemathesis, over real HTTP against the live test
server, sends every operation of /api/openapi.json data the document says is valid and data it says is
not, as a caseworker on a case's team, as a coordinator and without a token, and every check must pass:
no server error, only documented status codes, content types and bodies, no operation that answers
without authentication, invalid data refused, valid data accepted. The one list of what the document
cannot say is tests/api/contract.UNDOCUMENTABLE.

Bounded, so that the suite stays within its time: a fixed seed and EXAMPLES positive and EXAMPLES negative
cases per operation. benchmarks/schemathesis_run.py is the longer run.
"""

import importlib

import pytest
from django.apps import apps

from refugiu.cases import vocabularies as v
from refugiu.cases.tokens import api_token_create
from tests.api import contract
from tests.cases.factories import DepartmentFactory, beneficiary_new, case_new, caseworker, coordinator
from tests.directory.test_api import directory_build

EXAMPLES = 5
SEED = 18


@pytest.fixture
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def world() -> dict[str, dict[str, str]]:
    """A directory with public and confidential records, and a department whose coordinator and one
    caseworker share a case; the headers each caller sends."""
    # The directory's vocabularies, which its migrations write and live_server's flush after each test
    # takes away again (the same load, which updates in place).
    importlib.import_module("refugiu.directory.migrations.0003_vocabularies").load(apps, None)
    directory_build()
    department = DepartmentFactory()
    worker, boss = caseworker(department), coordinator(department)
    case_new(
        department=department,
        by=boss,
        team=[(worker, v.TeamFunction.LAWYER)],
        beneficiary=beneficiary_new(by=boss),
    )
    return {
        "caseworker": {"Authorization": f"Bearer {api_token_create(user=worker, name='schemathesis')[1]}"},
        "coordinator": {"Authorization": f"Bearer {api_token_create(user=boss, name='schemathesis')[1]}"},
        "anonymous": {},
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_fast_passwords")
@pytest.mark.parametrize("caller", ["caseworker", "coordinator", "anonymous"])
def test_both_apis_keep_to_their_document(live_server, caller):
    headers = world()[caller]
    tally = contract.run(contract.load(live_server.url), headers=headers, examples=EXAMPLES, seed=SEED)
    assert len(tally.examples) >= 31, sorted(tally.examples)  # every operation was exercised
    assert not tally.failures, f"{sum(tally.failures.values())} failures:\n\n{tally.report()}"
