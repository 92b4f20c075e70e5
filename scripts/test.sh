#!/usr/bin/env bash
# Install dckg with its test dependencies in .venv and run the whole suite (lint included).
# Where apt-get is usable (root), it also installs Debian's chromium for the page tests and
# Virtuoso, a second SPARQL engine for the remote-backend tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
  command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
fi
if command -v virtuoso-t >/dev/null 2>&1; then
  export DCKG_TEST_VIRTUOSO="${DCKG_TEST_VIRTUOSO:-1}"
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
# Two test processes (one per core of the CI machine); DCKG_TEST_PROCESSES=0 runs in one.
# A test file runs whole in one process, so that its fixtures are built once.
exec .venv/bin/python -m pytest -n "${DCKG_TEST_PROCESSES:-2}" --dist loadfile "$@"
