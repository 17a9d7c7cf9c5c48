# Joulebook: one image for the central node and the gateway (docs/deploy.md).
#   docker build -t joulebook .
#   docker run -v ./central.yaml:/etc/joulebook/central.yaml:ro -v jb-data:/data -p 1883:1883 joulebook
#   docker run -v ./gateway.yaml:/etc/joulebook/gateway.yaml:ro -v jb-gw:/data --device /dev/ttyUSB0 \
#     --group-add dialout joulebook gateway run -c /etc/joulebook/gateway.yaml

# Build: the compiler and a C++ toolchain, for better-sqlite3 where it has no prebuilt binary.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Install scripts run only where package.json's allowScripts says so (better-sqlite3); our own `prepare`
# (the build) waits until the sources are in.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY protocol protocol
COPY common common
COPY gateway gateway
COPY central central
COPY sim sim
COPY cli cli
COPY scripts scripts
COPY config config
RUN npm run build && npm prune --omit=dev --ignore-scripts && rm -rf dist/.tsbuildinfo

# Run: Node and the built tree only, as the image's unprivileged `node` user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# The portal's pages and scripts, served as they are (no build step for the browser).
COPY --from=build /app/central/portal/public central/portal/public
COPY package.json ./
COPY bin bin
COPY config config
RUN mkdir -p /data /etc/joulebook && chown node:node /data
VOLUME /data
USER node
# MQTT and MQTT over TLS of the embedded broker; the API and portal.
EXPOSE 1883 8883 8080
ENTRYPOINT ["node", "/app/bin/joulebook.js"]
CMD ["central", "-c", "/etc/joulebook/central.yaml"]
