#!/usr/bin/env bash
# Install (from Debian's packages) and start a local PostgreSQL for the test-suite.
# Prints the URL to use as TEST_DATABASE_URL. Idempotent: safe to run when it is already up.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z $(ls /usr/lib/postgresql 2>/dev/null) ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib) >&2
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >&2
fi
hba=/etc/postgresql/$ver/main/pg_hba.conf
if ! grep -q "sse-bot tests" "$hba"; then
  # Trust loopback connections: a throwaway server that only tests on this machine use.
  sed -i '1i host all all 127.0.0.1/32 trust # sse-bot tests\nhost all all ::1/128 trust # sse-bot tests' "$hba"
fi
if ! pg_lsclusters -h | grep "^$ver main" | grep -q online; then
  pg_ctlcluster "$ver" main start >&2
else
  pg_ctlcluster "$ver" main reload >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
echo "postgresql://postgres@127.0.0.1:5432/postgres"
