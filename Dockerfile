# probe: the HTTP API and queue worker (`probe serve`), or any other probe command.
# Design document, section 10.1. Build: docker build -t probe .
# Run: docker run -e PROBE_API_TOKEN=... -e DB_HOST=... -e DB_PASSWORD=... -p 8090:8090 probe
# (listening on 0.0.0.0 requires PROBE_API_TOKEN: probe serve refuses to start without it).

# Stage 1: dependencies (the talib addon is built from its bundled TA-Lib sources), bundle, production deps only
FROM node:20-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# npm 11 honours package.json's allowScripts (talib's own install script must not run)
RUN npm install -g npm@11
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-talib.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Stage 2: runtime
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json strategies.json ./
COPY config.example.yaml ./config.yaml
# .probe: the embedded PostgreSQL's data, used only when no database is configured
RUN mkdir .probe && chown node:node .probe
USER node
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8090/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve", "--config", "/app/config.yaml", "--host", "0.0.0.0"]
