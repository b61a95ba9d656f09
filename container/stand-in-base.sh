#!/usr/bin/env bash
# Build a stand-in for the Dockerfile's FROM image where the registry cannot be reached:
# Debian bookworm (minbase, by debootstrap, from the mirror apt already uses here) with
# Python 3, pip, venv and CA certificates, imported into podman under the FROM image's
# exact name. Usage: container/stand-in-base.sh IMAGE_NAME
set -euo pipefail
image=$1
cd "$(dirname "$0")/.."
source container/podman-env.sh

# The mirror apt uses: from deb822 sources, else from a one-line sources.list.
mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
  mirror=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || { echo "stand-in-base: no Debian mirror in apt's sources" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase \
  --include=python3,python3-venv,python3-pip,python-is-python3,ca-certificates \
  bookworm "$root" "$mirror" >/dev/null
# pip in the build trusts what this host trusts (a proxy's CA, say).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
# pip installs system-wide, as in the official image (Debian marks its Python as managed).
rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
tar -C "$root" -c . | podman import --change 'CMD ["python3"]' - "$image" >/dev/null
echo "stand-in base: $image (Debian bookworm from $mirror, $(chroot "$root" python3 --version))"
