#!/usr/bin/env bash
# npm run mutate -- [area ...]   (areas: engine checkers fixes render delivery; default: all, one after another)
# Mutation testing with Stryker, one area per run; prints each area's mutation score. Not part of npm test.
set -euo pipefail
cd "$(dirname "$0")/.."
areas=("$@")
[ ${#areas[@]} -gt 0 ] || areas=(engine checkers fixes render delivery)
for area in "${areas[@]}"; do
  echo "== mutation testing: $area"
  MUTATE_AREA="$area" stryker run stryker.config.mjs
done
