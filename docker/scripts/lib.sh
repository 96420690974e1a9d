# Shared by the operation scripts beside it (sourced, not run). POSIX sh: runs on any Docker host.
# Each script works on one compose layout directory (docker/single-node or docker/network) and, in the network
# layout, on one node (--node N): the services are then mongodb-N, bigchaindb-N and tendermint-N.

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# Compose in the layout directory, so its .env and docker-compose.yml are the ones used.
dc() { (cd "$HC_DIR" && docker compose "$@"); }

# hc_layout DIR [NODE]: checks the directory and sets HC_DIR and the service names MONGO, BDB, TM.
hc_layout() {
  [ -n "${1:-}" ] || die "give the layout directory (docker/single-node or docker/network)"
  [ -f "$1/docker-compose.yml" ] || die "$1: no docker-compose.yml here"
  HC_DIR=$(cd "$1" && pwd)
  suffix=""
  if [ -n "${2:-}" ]; then
    case "$2" in *[!0-9]* | "") die "--node must be a node number, not '$2'" ;; esac
    suffix="-$2"
  elif grep -q '^  tendermint-1:' "$HC_DIR/docker-compose.yml"; then
    die "this layout has several nodes: choose one with --node N"
  fi
  grep -q "^  tendermint$suffix:" "$HC_DIR/docker-compose.yml" || die "no service tendermint$suffix in $HC_DIR/docker-compose.yml"
  MONGO="mongodb$suffix"
  BDB="bigchaindb$suffix"
  TM="tendermint$suffix"
}

# Destructive steps need --yes: a typo must not wipe a node.
hc_confirm() {
  [ "${HC_YES:-}" = 1 ] || die "this deletes $1; run again with --yes if that is what you want"
}

# Drops BigchainDB's database (the ledger copy in MongoDB) of the current node; MongoDB must run.
hc_drop_bigchain_db() {
  dc up -d --wait "$MONGO"
  dc exec -T "$MONGO" mongo --quiet bigchain --eval 'printjson(db.dropDatabase())'
}

# Tendermint 0.31.5's own reset: removes data/ (blocks, state, WAL) and the address book, and resets
# priv_validator_state.json to height 0; keeps the keys, genesis.json and config.toml. (Emptying data/ by hand
# deletes priv_validator_state.json, and Tendermint then refuses to start.)
hc_reset_tendermint() {
  dc run --rm --no-deps --entrypoint tendermint "$TM" unsafe_reset_all --home /tendermint
}
