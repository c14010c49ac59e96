#!/usr/bin/env bash
# tripmcp-weather (ASan+UBSan build) driven by the official TypeScript SDK
# client: tests/interop/weather-client.mjs.
#
# Usage: BUILD=build tests/interop/weather-test.sh
# Prints PASS/FAIL lines and `N passed, N failed`.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" weather-sdk
interop_sdk_client weather-client.mjs tripmcp-weather
