#!/usr/bin/env bash
# `make image`: build the image with docker where a daemon answers, else with podman
# (configured by container/podman-env.sh). With podman, the FROM image is pulled, or,
# where no registry can be reached, a stand-in is made (container/stand-in-base.sh).
# IMAGE names the result (default article-data-api:VERSION).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
image=${IMAGE:-article-data-api:$version}
base=$(sed -n 's/^ARG PYTHON_IMAGE=//p' Dockerfile | head -1)

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  exec docker build -t "$image" --build-arg VERSION="$version" .
fi
command -v podman >/dev/null || {
  echo "make image: neither a Docker daemon nor podman is available" >&2
  exit 1
}
source container/podman-env.sh
if ! podman image exists "$base"; then
  # A registry that cannot be reached fails at once (no DNS) or within the timeout.
  timeout 60 podman pull -q "$base" >/dev/null 2>&1 || container/stand-in-base.sh "$base"
fi
# --format docker: the OCI format has no HEALTHCHECK. --no-cache: this buildah reuses a
# COPY layer after the copied files changed (containers/buildah#6106), which built an
# image of old code; a build from scratch takes about 15 s.
podman build --format docker --pull=never --no-cache -q -t "$image" \
  --build-arg VERSION="$version" . >/dev/null
size=$(podman image inspect "$image" --format '{{.Size}}')
echo "built $image with podman: $((size / 1000000)) MB"
