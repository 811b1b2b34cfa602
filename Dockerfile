# syntax=docker/dockerfile:1
# The orderwire hub (and the example orders service, same image, another command).
#   docker build -t orderwire .
#   docker run -p 8080:8080 -e JWT_SECRET=… -e CORS_ORIGINS=https://app.example orderwire
# Three stages: build (every dependency, TypeScript, the SDK bundle), deps (production
# dependencies only), runtime (those two, nothing else, as the unprivileged `node` user).
# Node 24 LTS, the production runtime (CI runs the suite on it and on the 20.19 floor). Pinned to
# a release; a platform that pins by digest passes --build-arg NODE_IMAGE=node:24.22.3-bookworm-slim@sha256:….
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/realtime/package.json libs/realtime/
COPY libs/client/package.json libs/client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY libs/contracts/package.json libs/contracts/
COPY libs/realtime/package.json libs/realtime/
COPY libs/client/package.json libs/client/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/console/dist ./apps/console/dist
COPY --from=build /app/apps/orders-service/dist ./apps/orders-service/dist
COPY --from=build /app/libs/contracts/package.json ./libs/contracts/
COPY --from=build /app/libs/contracts/dist ./libs/contracts/dist
COPY --from=build /app/libs/contracts/asyncapi.json ./libs/contracts/
COPY --from=build /app/libs/realtime/package.json ./libs/realtime/
COPY --from=build /app/libs/realtime/dist ./libs/realtime/dist
COPY --from=build /app/libs/client/package.json ./libs/client/
COPY --from=build /app/libs/client/dist ./libs/client/dist
# The code belongs to root and is read-only to the process; it writes nothing to disk.
USER node
EXPOSE 8080
# Ready: accepting connections and, with the redis engine, Redis answering.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains (SHUTDOWN_GRACE_MS) and closes Redis (SHUTDOWN_CLOSE_MS) before exit 0: give the
# orchestrator's stop timeout more than their sum (compose: stop_grace_period; k8s:
# terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
