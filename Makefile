# portico Makefile, in kubebuilder's style: `make help` lists the targets.

# Tools are built from the pinned modules under hack/tools into ./bin.
LOCALBIN ?= $(CURDIR)/bin
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
GOLANGCI_LINT ?= $(LOCALBIN)/golangci-lint

# The envtest control plane (kube-apiserver, etcd, kubectl) is built from source into a cache
# outside the repository; hack/controlplane/build.sh prints where.
CONTROLPLANE_BUILD := hack/controlplane/build.sh
KUBEBUILDER_ASSETS ?= $(shell $(CONTROLPLANE_BUILD) --print)
export KUBEBUILDER_ASSETS

TEST_FLAGS ?=
# PORTICO_BENCH_INGRESSES sets how many Ingresses the convergence benchmark creates: a
# comma-separated list of sizes, each measured on its own control plane.
PORTICO_BENCH_INGRESSES ?= 1000,3000
export PORTICO_BENCH_INGRESSES
# PORTICO_BENCH_GCP_LBS sets how many load balancers the GCP benchmark creates through the
# controller against gcptest, under 20 writes per second.
PORTICO_BENCH_GCP_LBS ?= 1000
export PORTICO_BENCH_GCP_LBS
# PORTICO_BENCH_AWS_LBS sets how many load balancers the AWS benchmark creates through the
# controller against awstest, under 20 writes per second.
PORTICO_BENCH_AWS_LBS ?= 1000
export PORTICO_BENCH_AWS_LBS

.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash -o pipefail

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage:\n  make \033[36m<target>\033[0m\n"} \
		/^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2 } \
		/^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)

##@ Development

.PHONY: fmt
fmt: ## Format the Go code with gofmt.
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint with .golangci.yml.
	$(GOLANGCI_LINT) run ./...

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate the deepcopy code of the API types, the reference docs, gcptest's compute schemas and awstest's AWS API models.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...
	go run ./hack/docgen docs
	go generate ./providers/gcp/gcptest
	go generate ./providers/aws/awstest

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate the CRDs into config/crd/bases and RBAC into config/rbac.
	$(CONTROLLER_GEN) crd rbac:roleName=controller paths=./... \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac

.PHONY: verify
verify: ## Fail if a generated file is stale, a go.mod is untidy or gofmt is not clean.
	hack/verify.sh

##@ Build

.PHONY: build
build: ## Build bin/portico.
	go build -o $(LOCALBIN)/portico ./cmd/portico

.PHONY: run
run: ## Run the controller against the cluster of the current kubeconfig.
	go run ./cmd/portico controller

.PHONY: dev
dev: ## Run portico with its samples on a local control plane, no cluster needed.
	go run ./cmd/portico dev

##@ Test

.PHONY: controlplane
controlplane: ## Build the envtest control plane from source when it is missing (cached).
	@$(CONTROLPLANE_BUILD) >/dev/null

.PHONY: test
test: verify vet controlplane ## Run every test: unit, fuzz seed corpora, envtest and end-to-end.
	go test $(TEST_FLAGS) ./...

.PHONY: test-full
test-full: vet ## Run the provider tests with the contract suite's full sweeps (every crash point's write index, 40 more fault seeds).
	PORTICO_CONTRACT_CRASH=all go test $(TEST_FLAGS) ./providers/...

.PHONY: bench
bench: controlplane bench-nginx ## Run the benchmarks: translation and routing, the nginx mode, convergence at scale on a real API server, and the GCP and AWS scenarios.
	go test -run '^$$' -bench . -benchmem ./model
	go test -run '^$$' -bench . -benchtime 1x -timeout 120m ./test/bench

.PHONY: bench-nginx
bench-nginx: ## Run the nginx mode's benchmarks with a real nginx: rendering 10,000 Ingresses, latency and throughput, reloads under churn.
	go test -run '^$$' -bench . -benchmem ./nginx-fallback
	go test -run '^$$' -bench . -benchtime 1x -timeout 30m ./test/nginxmode

.PHONY: bench-large
bench-large: controlplane ## Run the convergence benchmark at 10,000 Ingresses (about an hour on 2 cores).
	PORTICO_BENCH_INGRESSES=10000 go test -run '^$$' -bench Converge -benchtime 1x -timeout 240m ./test/bench

# Tools

$(CONTROLLER_GEN): hack/tools/controller-gen/go.mod
	@mkdir -p $(LOCALBIN)
	cd hack/tools/controller-gen && go build -o $@ sigs.k8s.io/controller-tools/cmd/controller-gen

$(GOLANGCI_LINT): hack/tools/golangci-lint/go.mod
	@mkdir -p $(LOCALBIN)
	@echo ">> building golangci-lint from source (a few minutes the first time)" >&2
	cd hack/tools/golangci-lint && go build -o $@ github.com/golangci/golangci-lint/v2/cmd/golangci-lint
