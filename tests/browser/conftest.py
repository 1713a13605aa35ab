"""Fixtures for the browser suites: a Gatehouse server and headless Chromium (Debian's) driven by Playwright."""
import os
import re
import shutil
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
from gatehouse import Server  # noqa: E402

OUTPUT = os.path.join(os.path.dirname(__file__), "..", "..", "test-output", "screenshots")


@pytest.fixture(scope="session")
def server():
    instance = Server(dev=True, extra_args=["--allow-signup"]).start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


class Shots:
    """Saves a screenshot of each page a test visits, numbered, under test-output/screenshots/<test>/."""

    def __init__(self, test_name):
        self.folder = os.path.join(OUTPUT, re.sub(r"[^A-Za-z0-9_.-]", "_", test_name))
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.folder, exist_ok=True)
        self.count = 0

    def __call__(self, page, name):
        self.count += 1
        page.screenshot(path=os.path.join(self.folder, f"{self.count:02d}-{name}.png"), full_page=True)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.shots = Shots(request.node.name)
    yield tab
    context.close()
