# The portico controller image: `docker build -t ghcr.io/portico-dev/portico:latest .`
# config/manager/kustomization.yaml names this image; change it there to use your own.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /portico ./cmd/portico

FROM gcr.io/distroless/static:nonroot
COPY --from=build /portico /portico
USER 65532:65532
ENTRYPOINT ["/portico"]
