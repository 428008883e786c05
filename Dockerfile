# Roster in a container: built by the repository's own scripts (scripts/package.sh, the release
# package), run as a non-root user on a small glibc image. See docs/deploy.md, "A container".
#   docker build -t roster .
#   docker run -p 3000:3000 roster serve --demo      # a trial: demo data, credentials in the log
FROM rust:1.95-bookworm AS build
# Node and npm: binaryen (the wasm's optimiser) and esbuild come from npm (scripts/setup.sh).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/package.sh \
 && mkdir -p /out/data \
 && tar -C /out -xzf target/package/roster-*-linux-*.tar.gz \
 && mv /out/roster-* /out/roster

# glibc and libgcc, nothing else (no shell): the server needs no more.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/roster /opt/roster
COPY --from=build --chown=65532:65532 /out/data /var/lib/roster/data
WORKDIR /var/lib/roster
# The database and the demo's credentials go to /var/lib/roster/data: keep it on a volume.
VOLUME /var/lib/roster/data
ENV BIND_ADDRESS=0.0.0.0:3000 \
    PUBLIC_URL=http://localhost:3000
EXPOSE 3000
USER nonroot
ENTRYPOINT ["/opt/roster/server"]
CMD ["serve"]
