# werkbrug: multi-stage build. The runtime image holds production dependencies and the compiled
# JavaScript only, and runs as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY connectors ./connectors
COPY jobs ./jobs
# `npm ci` runs the `prepare` script, which compiles TypeScript to dist/.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system werkbrug && useradd --system --gid werkbrug --home /app werkbrug
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# tsc copies no .sql files; the store reads its migrations from src/store/migrations.
COPY --from=build /app/src/store/migrations ./src/store/migrations
COPY package.json ./
COPY config ./config
RUN mkdir -p /app/.werkbrug && chown werkbrug:werkbrug /app/.werkbrug
USER werkbrug
# Configuration is checked at start; secrets come from the environment (see README).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD ["node", "dist/src/cli/main.js", "config", "check", "config/midden-utrecht.yaml"]
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
