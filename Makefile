# parquet-publisher: build, test and demo entry points.
#
#   make deps     install what is missing: Debian packages (deps-system), the readers' venv (deps-venv)
#   make build    release build of the parquet-publisher binary
#   make test     deps, then every test target against a throwaway MariaDB
#   make format   swift-format in place
#
# The work is in scripts/; this file only wires it. Add a target by following the pattern:
# depend on `deps` when it needs the apt packages or the venv, use $(VENV_PYTHON) for Python,
# $(SWIFT_BUILD_FLAGS) for swift build, and scripts/test-env.sh to run with the test server.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
# Swift builds use both cores on their own; two of them at once only fight over memory.
.NOTPARALLEL:

VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?= -c release
SWIFT_TEST_FLAGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps deps-system deps-venv build test soak format lint clean demo bench-encode bench-snapshot bench-incremental bench-rollup install

all: build

deps: deps-system deps-venv

# Debian packages only: what building needs (and the test server's binaries).
deps-system:
	@scripts/deps.sh system

# The Python venv with the pinned readers, rebuilt when requirements-test.txt changes.
deps-venv:
	@scripts/deps.sh venv $(VENV) requirements-test.txt

build: deps-system
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product parquet-publisher

# Every test target. Integration tests find the server through PP_TEST_* (test-env.sh exports
# them); the server is stopped afterwards whatever the tests did, and their status is ours.
test: deps
	@scripts/test-env.sh $(SWIFT) test $(SWIFT_TEST_FLAGS)

# The consistency harness for longer: concurrent writers against many refresh cycles, the
# one-writer races (two refresh processes, the daemon and refresh) for many rounds, and refresh
# cycles with faults mixed in (corrupt files, killed connections, processes and servers...).
SOAK_CYCLES ?= 500
RACE_ITERATIONS ?= 40
FAULT_SOAK_CYCLES ?= 70
soak: deps
	@PP_SOAK_CYCLES=$(SOAK_CYCLES) PP_RACE_ITERATIONS=$(RACE_ITERATIONS) PP_FAULT_SOAK_CYCLES=$(FAULT_SOAK_CYCLES) \
		scripts/test-env.sh $(SWIFT) test --filter 'ConsistencyHarness|OneWriterPerDataset|FaultSoak'


# swift-format with the repository's .swift-format (swift-nio's settings); .ci/run fails on lint.
FORMAT_PATHS := Package.swift Sources Tests

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

clean:
	$(SWIFT) package clean
	@scripts/test-mariadb.sh stop build/test-mariadb
	rm -rf build

# Filled by later issues: the demo and benchmarks (issue 2, 3, 4) and install (issue 5).
bench-incremental: deps build
	@scripts/bench/incremental.sh

bench-encode: deps build
	@scripts/bench/encode.sh

# The main job on a new machine: a generated shop in a throwaway MariaDB, published and queried.
demo: deps build
	@scripts/demo/run.sh all

# The binary, the unit, its system user (sysusers.d) and an example config that never
# replaces an existing one. SYSCONFDIR defaults to /etc.
install: build
	@PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) SYSCONFDIR=$(or $(SYSCONFDIR),/etc) scripts/install.sh

bench-snapshot: deps build
	@scripts/bench/snapshot.sh

# A rollup of the 5M-row orders table: full build vs DuckDB's GROUP BY, maintenance, size.
bench-rollup: deps build
	@scripts/bench/rollup.sh
