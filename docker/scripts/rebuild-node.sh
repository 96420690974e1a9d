#!/bin/sh
# Rebuild a node whose ledger copy is lost or damaged, from its peers: keep its keys and genesis, reset Tendermint
# (`tendermint unsafe_reset_all`), drop BigchainDB's `bigchain` database, start again; the node then replays the
# chain from the other nodes. Only for a node that has peers: a lone node would start an empty ledger (restore a
# backup instead, see docker/README.md).
#   docker/scripts/rebuild-node.sh docker/network --node 3 --yes
#   docker/scripts/rebuild-node.sh docker/single-node --yes      (a single-node host that is part of a network)
set -eu
. "$(dirname "$0")/lib.sh"

dir=""; node=""; HC_YES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --node) node="${2:-}"; shift 2 ;;
    --yes) HC_YES=1; shift ;;
    -*) die "unknown option $1" ;;
    *) dir="$1"; shift ;;
  esac
done
hc_layout "$dir" "$node"
hc_confirm "the ledger copy of $TM/$BDB (blocks and the bigchain database; keys and genesis stay)"

log "stopping $BDB and $TM"
dc stop "$BDB" "$TM"
log "resetting $TM (tendermint unsafe_reset_all)"
hc_reset_tendermint
log "dropping the bigchain database of $MONGO"
hc_drop_bigchain_db
log "starting $BDB and $TM; $TM now catches up from its peers"
dc up -d "$BDB" "$TM"
log "done: follow with 'docker compose logs -f $TM' in $HC_DIR; the node is back when its height matches the others"
