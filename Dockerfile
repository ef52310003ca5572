# werkbrug: multi-stage build. The runtime image holds production dependencies and the compiled
# JavaScript only, and runs as a non-root user. One image for every role: `worker`, `scheduler`,
# and the one-off commands (`status`, `runs`, `backfill`, …); docker-compose.yml shows them.

# 1. Build: all dependencies, compile TypeScript to dist/ (`npm ci` runs the `prepare` script).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
COPY jobs ./jobs
RUN npm ci --no-audit --no-fund

# 2. Production dependencies only, installed fresh (no compiler, no test tools).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system werkbrug && useradd --system --gid werkbrug --home /app werkbrug
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc copies no .sql files; the store reads its migrations from src/store/migrations.
COPY --from=build /app/src/store/migrations ./src/store/migrations
COPY package.json ./
COPY config ./config
RUN mkdir -p /app/.werkbrug && chown werkbrug:werkbrug /app/.werkbrug
USER werkbrug
# /healthz of `werkbrug worker` and `werkbrug scheduler` (operations.health.port, default 9464).
# One-off commands have no endpoint: run them with --no-healthcheck or `docker compose run`.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WERKBRUG_HEALTH_PORT || '9464') + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
