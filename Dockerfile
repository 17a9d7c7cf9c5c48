# Joulebook: one image for the gateway and the central node.
#   docker build -t joulebook .
#   docker run --rm -v $PWD/gateway.yaml:/etc/joulebook/gateway.yaml --device /dev/ttyUSB0 joulebook gateway run -c /etc/joulebook/gateway.yaml
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY protocol protocol
COPY gateway gateway
COPY central central
COPY sim sim
COPY cli cli
COPY scripts scripts
COPY config config
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --ignore-scripts

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY config config
USER node
ENTRYPOINT ["node", "/app/bin/joulebook.js"]
CMD ["--help"]
