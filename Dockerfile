# The app's image: Node 22, production dependencies only, the unprivileged `node` user, SQLite data on the /data
# volume, migrations applied on start. Embedded default (SQLite, worker inside the web process):
#   docker build -t okendo-braze .
#   docker run -p 3000:3000 --env-file .env -v okendo-braze-data:/data okendo-braze
# Scale-out (Postgres, web and worker processes): compose.yaml. Health: /healthz (liveness), /readyz (readiness).
# NODE_IMAGE: a Debian-based image with Node 22 under /usr/local and a `node` user, as the official one.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Native addons are compiled against this image's Node (headers under /usr/local), which the runtime stage also
# runs, instead of the `node` dev dependency's that .npmrc names for development machines.
ENV npm_config_nodedir=/usr/local
# Dependencies first, so that a code change does not reinstall them. The install runs `prisma generate`.
COPY package.json package-lock.json .npmrc prisma.config.ts ./
COPY prisma ./prisma
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production PORT=3000 DATABASE_URL=file:/data/app.sqlite
WORKDIR /app
COPY --from=build /app/package.json /app/server.mjs /app/worker.mjs ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
# Migrations (both dialects) and the generated Postgres client; the scripts that start the app.
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/app/db-url.mjs /app/app/migrations.mjs ./app/
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs (native check, migrations, server), without npm in between: npm does not pass the stop
# signal on, and the server needs it to let the delivery worker finish the batch in flight.
CMD ["sh", "-c", "node scripts/ensure-native.mjs && node scripts/migrate.mjs && exec node server.mjs"]
