#!/bin/sh
# Back up a node: its MongoDB (mongodump of every database, gzip archive) and its Tendermint home (keys, genesis,
# config, blocks and state) as one consistent pair. Tendermint is stopped meanwhile, so no block is committed
# between the two copies; in the network layout the other three nodes keep the ledger running. BigchainDB's own
# volume holds no ledger data and is not copied.
#   docker/scripts/backup.sh docker/single-node               → docker/single-node/backup/<time>-mongodb.archive.gz …
#   docker/scripts/backup.sh docker/network --node all [--out /mnt/backup/ledger]
# The Tendermint archive holds the validator's signing key: keep backups as confidential as the node itself.
set -eu
. "$(dirname "$0")/lib.sh"

dir=""; node=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --node) node="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    -*) die "unknown option $1" ;;
    *) dir="$1"; shift ;;
  esac
done
[ -f "${dir:-.}/docker-compose.yml" ] || die "give the layout directory (docker/single-node or docker/network)"
if [ "$node" = all ]; then
  nodes=$(sed -n 's/^  tendermint-\([0-9][0-9]*\):$/\1/p' "$dir/docker-compose.yml")
  [ -n "$nodes" ] || die "--node all: this layout has a single node; leave --node out"
else
  nodes="${node:-single}"
fi

out="${out:-$dir/backup}"
mkdir -p "$out"
chmod 700 "$out"
out=$(cd "$out" && pwd)
stamp=$(date -u +%Y%m%dT%H%M%SZ)

for n in $nodes; do
  if [ "$n" = single ]; then hc_layout "$dir" ""; else hc_layout "$dir" "$n"; fi
  mongo_file="$out/$stamp-$MONGO.archive.gz"
  tm_file="$out/$stamp-$TM.tar.gz"
  log "stopping $TM: no new blocks while copying"
  dc stop "$TM"
  # Start Tendermint again whatever happens below.
  trap 'dc start "$TM" >/dev/null 2>&1 || true' EXIT
  log "dumping $MONGO to $mongo_file"
  dc exec -T "$MONGO" mongodump --archive --gzip > "$mongo_file"
  log "archiving the Tendermint home of $TM to $tm_file"
  dc run --rm --no-deps --user 0 -v "$out:/backup" --entrypoint tar "$TM" -czf "/backup/${tm_file##*/}" -C /tendermint .
  log "starting $TM"
  dc start "$TM"
  trap - EXIT
  [ -s "$mongo_file" ] && [ -s "$tm_file" ] || die "a backup file of $TM is empty: $mongo_file, $tm_file"
  chmod 600 "$mongo_file" "$tm_file"
done
log "backup done in $out"
