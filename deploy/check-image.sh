#!/usr/bin/env bash
# What the image's runtime stage holds, built on this machine without a Docker engine: the package as
# `npm pack` makes it, installed with --omit=dev into an empty folder (dependencies' install scripts
# run, better-sqlite3's native module included), then the image's commands run from there:
# --help, the central node (embedded broker, SQLite: the native module loads) and gateway check.
# Usage: npm run build && deploy/check-image.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill ${central_pid:-} ${sim_pid:-} 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

echo "== npm pack (the built tree: bin, dist, config, docs)"
tarball="$(cd "$root" && npm pack --ignore-scripts --silent --pack-destination "$work")"
echo "$tarball"
echo "== npm install --omit=dev into an empty prefix"
npm install --global --prefix "$work/prefix" --omit=dev --no-audit --no-fund --prefer-offline "$work/$tarball" >/dev/null
jb="$work/prefix/bin/joulebook"
export NODE_ENV=production

echo "== joulebook --help"
"$jb" --help | grep -E '^  (gateway|central|provision)\b'

echo "== joulebook central (embedded broker, SQLite) for a moment"
port="$(free_port)"
printf 'dataDir: %s/central-data\nbroker: { embedded: { host: 127.0.0.1, port: %s, credentials: users.yaml } }\n' "$work" "$port" > central.yaml
"$jb" central broker user set --credentials users.yaml --username gw1 --role gateway --site ams1 --gateway gw1 >/dev/null
"$jb" central -c central.yaml > central.log 2>&1 & central_pid=$!
for _ in $(seq 50); do grep -q 'central node running' central.log && break; sleep 0.2; done
grep -q 'central node running' central.log || { cat central.log; echo "central did not start"; exit 1; }
kill -TERM "$central_pid"; wait "$central_pid"; central_pid=
echo "central started on SQLite and stopped cleanly"

echo "== joulebook gateway check against a simulated meter"
sim_port="$(free_port)"
"$jb" sim modbus --profile abb-b23 --tcp "127.0.0.1:$sim_port" --units 1 > sim.log 2>&1 & sim_pid=$!
for _ in $(seq 50); do grep -q simulating sim.log && break; sleep 0.2; done
printf 'gateway: { id: gw1, site: ams1, room: r1 }\nbuses: [{ id: b, type: tcp, host: 127.0.0.1, port: %s }]\ndevices: [{ id: m1, bus: b, unit: 1, profile: abb-b23 }]\n' "$sim_port" > gateway.yaml
"$jb" gateway check -c gateway.yaml --no-broker
echo "image check passed"
