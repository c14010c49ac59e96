#!/usr/bin/env bash
# tripmcp-calendar (ASan+UBSan build, with tripmcp-travel beside it for
# travel:// attachments) driven by the official TypeScript SDK client:
# tests/interop/calendar-client.mjs.
#
# Usage: BUILD=build tests/interop/calendar-test.sh
# Prints PASS/FAIL lines and `N passed, N failed`.
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" calendar-sdk
interop_sdk_client calendar-client.mjs tripmcp-calendar tripmcp-travel
