# The portico controller image: `docker build -t ghcr.io/portico-dev/portico:latest .`
# config/manager/kustomization.yaml names this image; change it there to use your own.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /portico ./cmd/portico

# The nginx mode's image (config/nginx): portico and an nginx binary at /usr/sbin/nginx, run
# as nginx's unprivileged user. Everything nginx writes goes to its prefix (--nginx-prefix,
# an emptyDir in config/nginx), so the root filesystem stays read-only. Any image works that
# has nginx (1.18 or later) and this binary:
# `docker build --target nginx -t ghcr.io/portico-dev/portico-nginx:latest .`
FROM nginxinc/nginx-unprivileged:1.27-alpine AS nginx
COPY --from=build /portico /portico
USER 101:101
ENTRYPOINT ["/portico"]

# The default target, the controller of the cloud providers.
FROM gcr.io/distroless/static:nonroot
COPY --from=build /portico /portico
USER 65532:65532
ENTRYPOINT ["/portico"]
