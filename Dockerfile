# syntax=docker/dockerfile:1
# The playground's image: the web server in classroom mode by default, and the same image runs the
# executor (compose.yaml gives it its own command). docs/deploy.md says how the pieces fit.
#
# Debian bookworm because the project is built and tested against Debian 12's packages: the
# Python client libraries the snippets import, bubblewrap, memcached and redis-server
# (scripts/setup.mjs lists them). RabbitMQ and MariaDB are not installed: in a deployment they are
# servers of their own, reached through AMQP_URL and MYSQL_URL.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 downloads a prebuilt binary when one matches the platform; otherwise node-gyp
# builds it, which needs these.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The lock file alone first, so that a change to the code does not reinstall every package.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The client is static files served by the server; the dev tools that built it are not needed
# afterwards. tsx (which runs the server's TypeScript) is a runtime dependency and stays.
RUN npx vite build --logLevel warn \
  && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# Keep this list in step with SERVICE_PACKAGES and RUNNER_PACKAGES in scripts/setup.mjs
# (scripts/deploy-files.test.ts checks it):
#   - memcached, redis-server: every learner gets their own instances, started by the web server;
#   - bubblewrap and Debian's python3 with the client libraries: the executor's sandboxes;
#   - tini: PID 1 that reaps the orphans of the daemons and sandboxes (Node does not).
RUN apt-get update \
  && apt-get install -y --no-install-recommends \
    tini \
    memcached redis-server \
    bubblewrap python3 \
    python3-memcache python3-redis python3-pika python3-sqlalchemy python3-pymysql \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Owned by root and read-only to the server's user: the server never writes its own code.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/server ./server
COPY --from=build /app/shared ./shared
COPY --from=build /app/lessons ./lessons

# The data of the web server (its secret, the learners' Redis snapshots, the SQLite store when no
# CLASSROOM_STORE_URL is given). A named volume mounted here starts with this owner.
ENV PLAYGROUND_DATA_DIR=/var/lib/playground
RUN mkdir -p "$PLAYGROUND_DATA_DIR" && chown node:node "$PLAYGROUND_DATA_DIR"

ENV NODE_ENV=production
# The web server needs no privileges; the executor does (it runs as root: see compose.yaml).
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
# server.pid guards a data directory against a second server on the same machine, by pid; a pid
# written by an earlier container means nothing in this one's pid namespace and could name a live
# process here (the restart would then refuse to start), so a new container starts without it.
# `node --import tsx` rather than `npx tsx`: one process, which gets SIGTERM itself and stops the
# learners' instances cleanly.
CMD ["sh", "-c", "rm -f \"$PLAYGROUND_DATA_DIR/server.pid\" && exec node --import tsx server/main.ts --classroom"]
