# doi-bot container image. Build: docker build -t doi-bot .   Run: see docs/operations.md.
# Both stages use the same base, so better-sqlite3's native addon built in the first one matches
# the libc and Node ABI of the second. Node 24 LTS: Node 20 reached end of life on 2026-04-30.
# scripts/docker-check.sh builds and runs this file in CI.

# Build stage: compiler toolchain for better-sqlite3's native addon and the TypeScript build.
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Compile native addons against the headers shipped in the base image instead of downloading
# them from nodejs.org, so the build needs only the npm registry (and works behind proxies).
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

# Runtime stage: the same base, no build tools, unprivileged user. The application files belong
# to root, so the bot cannot change its own code or dependencies; only /data is its to write.
FROM node:24-bookworm-slim
LABEL org.opencontainers.image.title="doi-bot" \
      org.opencontainers.image.description="Chat-ops bot for the Docker Official Images community on Slack and Libera.Chat IRC" \
      org.opencontainers.image.licenses="Apache-2.0"
# Health and metrics on 8080 by default (set DOIBOT_HTTP_PORT= to turn the listener off).
ENV NODE_ENV=production DOIBOT_DB=/data/doi-bot.sqlite3 DOIBOT_HTTP_PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# No curl in slim images: a small script that imports only node:http asks the bot's /healthz
# (on DOIBOT_OPS_PORT when set, else DOIBOT_HTTP_PORT). /healthz answers from the first second
# (before IRC/Slack connect), so no start period is needed.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["node", "dist/src/http/healthcheck.js"]
CMD ["node", "dist/src/main.js"]
