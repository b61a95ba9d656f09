#!/usr/bin/env bash
# Where the compose file's Redis image cannot be pulled, build a stand-in under its exact
# name: Debian's redis-server on the same local base as the API's image.
# Usage: container/redis-stand-in.sh   (reads the image name from docker-compose.yml)
set -euo pipefail
cd "$(dirname "$0")/.."
source container/podman-env.sh
image=$(sed -n 's/^ *image: \(redis:.*\)$/\1/p' docker-compose.yml | head -1)
base=$(sed -n 's/^ARG PYTHON_IMAGE=//p' Dockerfile | head -1)
podman image exists "$image" && exit 0
timeout 60 podman pull -q "$image" >/dev/null 2>&1 && exit 0
podman image exists "$base" || timeout 60 podman pull -q "$base" >/dev/null 2>&1 \
  || container/stand-in-base.sh "$base"
podman build --format docker --pull=never -q -t "$image" -f - . >/dev/null <<CONTAINERFILE
FROM $base
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/*
USER redis
EXPOSE 6379
CMD ["redis-server"]
CONTAINERFILE
echo "stand-in $image: Debian's redis-server on $base"
