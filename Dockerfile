# Build: go-sqlite3 needs cgo, and FTS5 needs the sqlite_fts5 tag.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -tags sqlite_fts5 -trimpath -ldflags="-s -w" \
    -o /out/readingroom ./cmd/readingroom

# Run: a small Debian with the same glibc, as an unprivileged user, with the
# database on a volume.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin readingroom \
    && mkdir -p /data && chown readingroom:readingroom /data
COPY --from=build /out/readingroom /usr/local/bin/readingroom
USER readingroom
WORKDIR /data
VOLUME /data
ENV READINGROOM_DB=/data/readingroom.db \
    READINGROOM_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["readingroom"]
CMD ["serve"]
