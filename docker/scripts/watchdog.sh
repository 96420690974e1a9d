#!/bin/sh
# Restarts a BigchainDB/Tendermint pair that Docker alone would leave broken. Docker restarts a crashed or
# out-of-memory-killed BigchainDB, but not its Tendermint, which keeps a dead ABCI connection: every transaction then
# fails. Compose's `depends_on … restart: true` acts only when Compose itself restarts BigchainDB. Docker never
# restarts an unhealthy container either. So, for each pair in the layout:
#   - BigchainDB unhealthy                      → restart BigchainDB, wait until healthy, restart Tendermint;
#   - Tendermint unhealthy (ABCI check fails)   → restart Tendermint;
#   - BigchainDB (re)started after Tendermint   → restart Tendermint (its ABCI connection went to the old process).
# A container that is not running is left alone (stopped on purpose, or Docker's restart policy is at work).
# Run it every minute on the Docker host, e.g. a systemd timer or cron (see docker/README.md):
#   * * * * * root /opt/healthchain/docker/scripts/watchdog.sh /opt/healthchain/docker/network >> /var/log/healthchain-watchdog.log 2>&1
set -eu
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: watchdog.sh <layout directory>"
[ -f "$1/docker-compose.yml" ] || die "$1: no docker-compose.yml here"
HC_DIR=$(cd "$1" && pwd)
WAIT_SECONDS="${HC_WATCHDOG_WAIT_SECONDS:-180}"
POLL_SECONDS="${HC_WATCHDOG_POLL_SECONDS:-5}"

# "running healthy 20261204140102" : state, health (none without a health check), start time to the second.
state_of() {
  id=$(dc ps -q "$1")
  if [ -z "$id" ]; then echo "absent none 0"; return; fi
  docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.StartedAt}}' "$id" |
    { read -r status health started; printf '%s %s %s\n' "$status" "$health" "$(printf '%s' "${started%%.*}" | tr -cd '0-9')"; }
}

wait_healthy() {
  service=$1
  waited=0
  while [ "$waited" -lt "$WAIT_SECONDS" ]; do
    set -- $(state_of "$service")
    [ "$2" = healthy ] && return 0
    sleep "$POLL_SECONDS"; waited=$((waited + POLL_SECONDS))
  done
  return 1
}

services=$(dc config --services) || die "'docker compose config' failed in $HC_DIR (is its .env there?)"
status=0
for tm in $(printf '%s\n' "$services" | grep '^tendermint'); do
  bdb="bigchaindb${tm#tendermint}"
  set -- $(state_of "$bdb"); bdb_status=$1; bdb_health=$2; bdb_started=$3
  set -- $(state_of "$tm"); tm_status=$1; tm_health=$2; tm_started=$3
  if [ "$bdb_status" != running ] || [ "$tm_status" != running ]; then
    log "$bdb is $bdb_status, $tm is $tm_status: not running, left alone"
    continue
  fi
  if [ "$bdb_health" = unhealthy ]; then
    log "$bdb is unhealthy: restarting $bdb, then $tm"
    dc restart "$bdb"
    if ! wait_healthy "$bdb"; then
      log "$bdb is not healthy after ${WAIT_SECONDS}s: $tm not restarted; look at 'docker compose logs $bdb'"
      status=1
      continue
    fi
    dc restart "$tm"
  elif [ "$tm_health" = unhealthy ]; then
    log "$tm is unhealthy (its ABCI connection to $bdb does not answer): restarting $tm"
    dc restart "$tm"
  elif [ "$bdb_started" -gt "$tm_started" ]; then
    log "$bdb restarted after $tm started: restarting $tm to reconnect it"
    dc restart "$tm"
  fi
done
exit "$status"
