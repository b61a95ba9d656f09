# syntax=docker/dockerfile:1
# Article Data API: build the wheel, then run it on a slim Python as a non-root user.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY schemas ./schemas
COPY fixtures ./fixtures
# The project's wheel and every dependency's, so the runtime stage installs offline.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
ARG VERSION=0.1.0
ARG SOURCE_URL=""
LABEL org.opencontainers.image.title="Article Data API" \
      org.opencontainers.image.description="Structured data about news articles as JSON over HTTP" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8000 \
    LOG_LEVEL=info \
    CACHE_MAX_AGE=300
# The wheels are mounted, not copied, so they never become a layer of the image.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels "article-data-api==${VERSION}"
# Snapshots live under XDG_CACHE_HOME by default; /snapshots is a mount point for a shared
# one (compose). Both belong to the user the container runs as.
ENV XDG_CACHE_HOME=/srv/cache
RUN mkdir -p /srv/cache /snapshots && chown 10001:10001 /srv/cache /snapshots
USER 10001:10001
# The bundled corpus's snapshot, baked into the image: the container serves at once, and
# with --read-only. A corpus mounted at run time gets its own snapshot, built at start.
RUN article-data-api build
EXPOSE 8000
# Slim images have no curl: Python itself asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["article-data-api", "serve"]
