#!/bin/sh
# The long proof tests, run through jest (whose global setup starts the test Postgres):
#   scripts/run-proof.sh chaos          the short chaos run (the same one npm test runs)
#   scripts/run-proof.sh chaos --full   >= 50,000 events (CHAOS_EVENTS overrides the count)
#   scripts/run-proof.sh soak           100,000 connect/disconnect cycles (SOAK_CYCLES overrides the count)
set -e
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-vm-modules"
case "$1" in
  chaos)
    if [ "$2" = "--full" ]; then export CHAOS_EVENTS="${CHAOS_EVENTS:-50000}"; fi
    exec npx jest --runInBand test/proof/chaos.e2e-spec.ts
    ;;
  soak)
    exec npx jest --runInBand --testMatch '**/test/proof/*.soak-spec.ts' -- test/proof/soak.soak-spec.ts
    ;;
  *)
    echo "usage: scripts/run-proof.sh chaos [--full] | soak" >&2
    exit 2
    ;;
esac
