# Build stage: compiler toolchain for better-sqlite3's native addon and the TypeScript build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY commands ./commands
RUN npm run build && npm prune --omit=dev

# Runtime stage: the same base, no build tools, unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOIBOT_DB=/data/doi-bot.sqlite3
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["node", "dist/src/main.js"]
