#!/bin/sh
# Starts a private D-Bus session and gnome-keyring unlocked with the keyring password (Docker secret, or the file in
# HC_KEYRING_PASSWORD_FILE), then runs the emergency service with the given arguments. The keyring file lives in
# $HOME/.local/share/keyrings on the volume, so the emergency key survives container restarts.
set -eu
password_file="${HC_KEYRING_PASSWORD_FILE:-/run/secrets/emergency_keyring_password}"
if [ ! -r "$password_file" ]; then
  echo "healthchain-emergency: no keyring password at $password_file (a Docker secret emergency_keyring_password)" >&2
  exit 2
fi
cd /opt/healthchain
exec dbus-run-session -- sh -c '
  gnome-keyring-daemon --unlock --components=secrets < "$0" > /dev/null
  exec node_modules/.bin/tsx src-main/emergency/cli.ts "$@"
' "$password_file" "$@"
