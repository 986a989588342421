# Vigil on the official Node.js image (docs/operations.md, "Docker").
#   docker build -t vigil .   then   docker compose up -d
# Build stage: install from the lockfile (better-sqlite3 compiles here), build, pack the npm
# tarball and install it globally: the same package an operator installs with npm.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && npm pack --pack-destination /tmp
RUN npm install --global --no-audit --no-fund /tmp/vigil-*.tgz

# Runtime stage: the installed package only, as the image's unprivileged `node` user.
FROM node:20-bookworm-slim
COPY --from=build /usr/local/lib/node_modules/vigil /usr/local/lib/node_modules/vigil
RUN ln -s ../lib/node_modules/vigil/bin/vigil.mjs /usr/local/bin/vigil && mkdir -p /var/lib/vigil && chown node:node /var/lib/vigil
USER node
# Listening on every interface of the container, so TLS is on (plain HTTP is refused off loopback).
ENV NODE_ENV=production \
    VIGIL_DATA_DIR=/var/lib/vigil \
    VIGIL_API_LISTEN=0.0.0.0:8080 \
    VIGIL_API_TLS=auto \
    VIGIL_HEC_LISTEN=0.0.0.0:8088 \
    VIGIL_HEC_TLS=auto \
    VIGIL_MQTT_LISTEN=0.0.0.0:8883
VOLUME /var/lib/vigil
EXPOSE 8080 8088 8883
STOPSIGNAL SIGTERM
ENTRYPOINT ["vigil"]
CMD ["up", "--log-format", "json"]
