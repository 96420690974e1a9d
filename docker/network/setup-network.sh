#!/bin/sh
# One-time setup of the four-node network, following BigchainDB's "How to Set Up a BigchainDB Network":
# every member's validator public key and node id go into one shared genesis.json (same chain_id, same
# genesis_time, all validators at power 10), and each node's config.toml gets persistent_peers pointing at the
# others plus the settings BigchainDB recommends (no empty blocks, no mempool recheck, higher send/recv rates).
# Runs inside the tendermint/tendermint:v0.31.5 image (busybox sh) as the `network-setup` compose service.
# Idempotent: once a node carries the marker, nothing is regenerated (regenerating would fork the chain).
# Peers are written as <node id>@<address>:26656 with the nodes' fixed addresses (TM_NODE_ADDRS, same order as
# TM_NODES): Tendermint 0.31.5 resolves a peer's host name only once, at start, and drops a peer it cannot resolve
# (a stopped container has no DNS name). Without TM_NODE_ADDRS the node names are used.
set -eu

ROOT="${TM_ROOT:-/network}"
NODES="${TM_NODES:-tendermint-1 tendermint-2 tendermint-3 tendermint-4}"
CHAIN_ID="${TM_CHAIN_ID:-healthchain-network}"
P2P_PORT="${TM_P2P_PORT:-26656}"
POWER=10
MARKER=config/.healthchain-network
ADDRS="${TM_NODE_ADDRS:-}"

# The address peers use to reach the i-th node (1-based).
address_of() {
  i=0
  for a in $ADDRS; do i=$((i + 1)); if [ "$i" -eq "$1" ]; then echo "$a"; return; fi; done
  i=0
  for n in $NODES; do i=$((i + 1)); if [ "$i" -eq "$1" ]; then echo "$n"; return; fi; done
}

ready=0
total=0
for node in $NODES; do
  total=$((total + 1))
  if [ -f "$ROOT/$node/$MARKER" ]; then ready=$((ready + 1)); fi
done
addr_count=0
for a in $ADDRS; do addr_count=$((addr_count + 1)); done
if [ -n "$ADDRS" ] && [ "$addr_count" -ne "$total" ]; then
  echo "network-setup: TM_NODE_ADDRS lists $addr_count addresses for $total nodes" >&2
  exit 1
fi
if [ "$ready" -eq "$total" ]; then
  echo "network-setup: $total nodes already configured; nothing to do"
  exit 0
fi
if [ "$ready" -ne 0 ]; then
  echo "network-setup: only $ready of $total nodes are configured; refusing to regenerate a running network" >&2
  echo "network-setup: restore the missing node's volume from backup (see docker/README.md)" >&2
  exit 1
fi

validators=""
peers=""
index=0
for node in $NODES; do
  index=$((index + 1))
  home="$ROOT/$node"
  mkdir -p "$home"
  tendermint init --home "$home" >/dev/null
  pub_key=$(tendermint show_validator --home "$home")
  node_id=$(tendermint show_node_id --home "$home")
  case "$pub_key" in
    \{*tendermint/PubKeyEd25519*\}) ;;
    *) echo "network-setup: unexpected validator key from $node: $pub_key" >&2; exit 1 ;;
  esac
  case "$node_id" in
    *[!0-9a-f]* | "") echo "network-setup: unexpected node id from $node: $node_id" >&2; exit 1 ;;
  esac
  validators="${validators:+$validators,}{\"pub_key\":$pub_key,\"power\":\"$POWER\",\"name\":\"$node\"}"
  peers="${peers:+$peers }$node_id@$(address_of "$index"):$P2P_PORT"
done

genesis_time=$(date -u +%Y-%m-%dT%H:%M:%S.000000000Z)
genesis="{\"genesis_time\":\"$genesis_time\",\"chain_id\":\"$CHAIN_ID\",\"validators\":[$validators],\"app_hash\":\"\"}"

index=0
for node in $NODES; do
  index=$((index + 1))
  home="$ROOT/$node"
  printf '%s\n' "$genesis" > "$home/config/genesis.json"
  others=""
  position=0
  for peer in $peers; do
    position=$((position + 1))
    [ "$position" -eq "$index" ] || others="${others:+$others,}$peer" # a node does not list itself
  done
  sed -i \
    -e "s|^persistent_peers = .*|persistent_peers = \"$others\"|" \
    -e "s|^create_empty_blocks = .*|create_empty_blocks = false|" \
    -e "s|^recheck = .*|recheck = false|" \
    -e "s|^send_rate = .*|send_rate = 102400000|" \
    -e "s|^recv_rate = .*|recv_rate = 102400000|" \
    -e "s|^addr_book_strict = .*|addr_book_strict = false|" \
    -e "s|^moniker = .*|moniker = \"$node\"|" \
    -e "s|^log_level = .*|log_level = \"main:info,state:info,*:error\"|" \
    "$home/config/config.toml"
  date -u +%Y-%m-%dT%H:%M:%SZ > "$home/$MARKER"
done

# Hand the homes to the user the tendermint image runs as (the owner of its own /tendermint directory).
owner=$(stat -c %u:%g /tendermint 2>/dev/null || true)
if [ -n "$owner" ]; then
  for node in $NODES; do chown -R "$owner" "$ROOT/$node"; done
fi
echo "network-setup: chain $CHAIN_ID with $total validators created at $genesis_time"
