"""Both apps against the committed supergraph and operations: codegen, then tsc.

A schema change that breaks an app (a field it reads gone or retyped, a
document the schema no longer validates, an operation missing from the
persisted-query manifest) fails here, in the test run, not only in the build.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from shared.devstack.config import REPO_ROOT

WEB = REPO_ROOT / "web"
TYPECHECK_TIMEOUT_SECONDS = 300

pytestmark = pytest.mark.skipif(
    not (WEB / "node_modules" / ".package-lock.json").exists() or shutil.which("npm") is None,
    reason="web/node_modules is missing (cd web && npm ci)",
)


@pytest.mark.parametrize("app", ["storefront", "admin"])
def test_the_app_type_checks_against_the_supergraph_and_its_operations(app: str) -> None:
    # given: the app's documents, schema/supergraph.graphql and the manifest in this checkout
    # when
    completed = subprocess.run(
        ["npm", "run", "typecheck", "--workspace", app],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=TYPECHECK_TIMEOUT_SECONDS,
        check=False,
    )
    # then
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
