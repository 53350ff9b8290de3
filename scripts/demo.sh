#!/usr/bin/env bash
# `npm start`: the main job, locally and offline.
#  1. synthesise the CDK app (no AWS credentials needed; esbuild bundles the Lambda locally, no Docker);
#  2. explain every bundled example denial against the bundled account snapshot;
#  3. drive the real Lambda handler end to end on the same examples (snapshot instead of AWS,
#     a loopback HTTP server standing in for the Slack webhook).
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_VERSION_CHECK=true

echo "== 1/3 cdk synth =="
npx --no-install cdk synth --quiet
echo "synthesised: $(ls cdk.out/*.template.json | xargs -n1 basename | tr '\n' ' ')"

echo
echo "== 2/3 s3-403 explain on examples/events/*.json =="
# The built CLI, called directly, once for the whole folder (every *.json in it, in name order): no npx,
# no node start-up per example.
[ -f dist/bin/s3-403.js ] || npm run build --silent
echo
node dist/bin/s3-403.js explain --event examples/events --snapshot examples/snapshot.json --format text

echo
echo "== 3/3 the Lambda handler, end to end on the examples =="
npx tsx scripts/local-run.ts
