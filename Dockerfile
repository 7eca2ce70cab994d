# syntax=docker/dockerfile:1
# Build: docker build -t allegro-backup .
# Run:   see docker-compose.yml (the app next to PostgreSQL).

FROM rust:1.95-slim-bookworm AS builder
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY Cargo.toml Cargo.lock clippy.toml diesel.toml ./
COPY src src
COPY templates templates
COPY static static
COPY migrations migrations
# Templates, static files and migrations are compiled into the binary.
RUN cargo build --release --locked --bin allegro-backup

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libpq5 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
 && mkdir -p /app/data && chown app:app /app/data
COPY --from=builder /build/target/release/allegro-backup /usr/local/bin/allegro-backup
WORKDIR /app
USER app
ENV BIND_ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json \
    SIMULATOR_HOST=0.0.0.0
# 8081: the built-in Allegro simulator's approval page (demo without Allegro credentials).
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["allegro-backup", "healthcheck"]
ENTRYPOINT ["allegro-backup"]
CMD ["serve"]
