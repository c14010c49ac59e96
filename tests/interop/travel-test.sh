#!/usr/bin/env bash
# tripmcp-travel (ASan+UBSan build) driven by the official TypeScript SDK
# client: tests/interop/travel-client.mjs.
#
# Usage: BUILD=build tests/interop/travel-test.sh
# Prints PASS/FAIL lines and `N passed, N failed`.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" travel-sdk
interop_sdk_client travel-client.mjs tripmcp-travel
