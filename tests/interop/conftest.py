import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from gatehouse import Server  # noqa: E402


@pytest.fixture(scope="session")
def server():
    """A dev server shared by the suites that only read or add their own accounts."""
    instance = Server(dev=True).start()
    yield instance
    instance.stop()


@pytest.fixture
def fresh_server():
    """A dev server of the test's own, for tests that stop or kill it."""
    instance = Server(dev=True)
    yield instance
    instance.stop()
