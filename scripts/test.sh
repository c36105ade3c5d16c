#!/bin/sh
# `npm test`: every test — server (jest: unit, e2e, proof) then the console (vitest, browser e2e).
# `npm test -- <jest args>` runs only the matching server tests.
set -e
if [ "$#" -gt 0 ]; then
  NODE_OPTIONS="--experimental-vm-modules --expose-gc" exec npx jest "$@"
fi
npm run test:server
npm run test:web
