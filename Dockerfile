# Multi-stage build of the `host` service: compile with the Swift toolchain, run on a slim Debian.
#   docker build -t kasparro-etl .
#   docker run --env DATABASE_URL=... -p 8000:8000 kasparro-etl
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# The host and its resource bundle (the API document), which must sit next to the binary.
RUN swift build -c release --product host --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/host" /usr/local/bin/host \
 && cp -R "$(swift build -c release --show-bin-path)/kasparro-etl_Server.resources" /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /app etl
WORKDIR /app
COPY --from=build /usr/local/bin/host /usr/local/bin/host
COPY --from=build /usr/local/bin/kasparro-etl_Server.resources /usr/local/bin/kasparro-etl_Server.resources
COPY pipelines.yaml ./
COPY data ./data
USER etl
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} || exit 1"]
ENTRYPOINT ["host"]
CMD ["run", "pipelines.yaml"]
