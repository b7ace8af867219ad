# Builds one of the example services (examples/gateway, examples/orders, examples/payments)
# from the repository root:
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=payments -t threadline-payments .
#
# The services are TypeScript run directly by Node 24's type stripping; the workspace packages
# resolve to their sources through the `@threadline/source` export condition, so nothing is
# compiled. Only the chosen service's production dependencies are installed (npm workspaces).
# BuildKit (the default builder of Docker 23+ / Compose v2) also applies
# service.Dockerfile.dockerignore next to this file; the COPY lines below are explicit anyway.
ARG NODE_IMAGE=node:24-slim

# Workspace manifests only, so the dependency layer is rebuilt only when a package.json changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY packages ./packages
COPY examples ./examples
RUN find packages examples -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

FROM ${NODE_IMAGE} AS deps
ARG SERVICE
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=manifests /src ./
RUN set -e; \
    if [ -z "${SERVICE}" ] || [ ! -f "examples/${SERVICE}/package.json" ]; then \
      echo "build arg SERVICE must name a workspace under examples/ (gateway, orders, payments); got '${SERVICE}'" >&2; \
      exit 1; \
    fi; \
    npm ci --workspace "examples/${SERVICE}" --omit=dev --ignore-scripts --no-audit --no-fund; \
    npm cache clean --force

FROM ${NODE_IMAGE}
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps --chown=node:node /app ./
COPY --chown=node:node packages ./packages
COPY --chown=node:node examples/${SERVICE} ./examples/${SERVICE}
USER node
# exec: node becomes PID 1 and receives SIGTERM itself (the services and the register hook
# flush telemetry on SIGTERM).
CMD ["sh", "-c", "exec node --conditions=@threadline/source --import @threadline/node/register \"examples/${SERVICE}/src/main.ts\""]
