#!/bin/sh
# Move a single node (docker/single-node) that already ran on its own onto a shared network. Its own chain must go:
# Tendermint keeps the old genesis state in data/, and BigchainDB's MongoDB records that chain as synced, so without
# a reset the node never joins. Steps (after --yes): stop, reset Tendermint, drop the bigchain database, install the
# network's genesis.json and the peers in config.toml, start.
#   docker/scripts/join-network.sh docker/single-node --show-identity
#       prints this node's validator public key and node id for the network's coordinator
#   docker/scripts/join-network.sh docker/single-node --genesis genesis.json \
#       --peers "<node id>@<host or LAN IP>:26656,<node id>@<host>:26656,…" --yes
# Give peers as IP addresses where you can: Tendermint resolves a peer's name only once, at start.
set -eu
. "$(dirname "$0")/lib.sh"

dir=""; genesis=""; peers=""; show=""; HC_YES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --genesis) genesis="${2:-}"; shift 2 ;;
    --peers) peers="${2:-}"; shift 2 ;;
    --show-identity) show=1; shift ;;
    --yes) HC_YES=1; shift ;;
    -*) die "unknown option $1" ;;
    *) dir="$1"; shift ;;
  esac
done
hc_layout "$dir" ""

if [ -n "$show" ]; then
  dc run --rm --no-deps --entrypoint tendermint "$TM" init --home /tendermint >/dev/null
  printf 'validator public key: %s\n' "$(dc run --rm --no-deps --entrypoint tendermint "$TM" show_validator --home /tendermint)"
  printf 'node id:              %s\n' "$(dc run --rm --no-deps --entrypoint tendermint "$TM" show_node_id --home /tendermint)"
  exit 0
fi

# Everything is checked before anything is changed.
[ -n "$genesis" ] && [ -f "$genesis" ] || die "--genesis: give the network's genesis.json (from its coordinator)"
grep -q '"chain_id"' "$genesis" && grep -q '"validators"' "$genesis" || die "$genesis: not a Tendermint genesis (no chain_id or validators)"
[ -n "$peers" ] || die "--peers: give the other nodes as <node id>@<host>:26656, separated by commas"
old_ifs=$IFS; IFS=,
for peer in $peers; do
  id=${peer%%@*}; addr=${peer#*@}
  case "$peer" in *@*:*) ;; *) die "peer '$peer' is not <node id>@<host>:<port>" ;; esac
  [ ${#id} -eq 40 ] || die "peer '$peer': the node id must be 40 hex digits"
  case "$id" in *[!0-9a-f]*) die "peer '$peer': the node id must be 40 hex digits" ;; esac
  case "${addr##*:}" in *[!0-9]* | "") die "peer '$peer': the port must be a number" ;; esac
done
IFS=$old_ifs
hc_confirm "this node's own chain (its blocks and bigchain database) to join the network in $genesis"
genesis_abs=$(cd "$(dirname "$genesis")" && pwd)/$(basename "$genesis")

log "stopping $BDB and $TM"
dc stop "$BDB" "$TM"
log "resetting $TM (tendermint unsafe_reset_all)"
hc_reset_tendermint
log "installing the network's genesis.json and peers"
dc run --rm --no-deps --user 0 -e TM_PEERS="$peers" -v "$genesis_abs:/incoming/genesis.json:ro" --entrypoint /bin/sh "$TM" -c '
  set -e
  cp /incoming/genesis.json /tendermint/config/genesis.json
  sed -i \
    -e "s|^persistent_peers = .*|persistent_peers = \"$TM_PEERS\"|" \
    -e "s|^create_empty_blocks = .*|create_empty_blocks = false|" \
    -e "s|^recheck = .*|recheck = false|" \
    -e "s|^send_rate = .*|send_rate = 102400000|" \
    -e "s|^recv_rate = .*|recv_rate = 102400000|" \
    -e "s|^addr_book_strict = .*|addr_book_strict = false|" \
    /tendermint/config/config.toml
  chown -R "$(stat -c %u:%g /tendermint)" /tendermint/config'
log "dropping the bigchain database of $MONGO"
hc_drop_bigchain_db
log "starting $BDB and $TM"
dc up -d "$BDB" "$TM"
log "done: publish 26656 on the LAN address (TM_P2P_BIND_IP in .env) so the peers reach this node"
