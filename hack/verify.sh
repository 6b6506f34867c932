#!/usr/bin/env bash
# Fails when a generated file is stale, a go.mod is untidy or gofmt would change a file.
# Generated files are regenerated in place and compared with what was there before, so the
# check works on a clean clone and on a working tree with uncommitted changes alike.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=0
fail() {
  echo "verify: $*" >&2
  failed=1
}

# Every directory or file that `make generate manifests` writes.
generated=(api/v1alpha1/zz_generated.deepcopy.go config/crd/bases config/rbac docs/annotations.md docs/testing.md docs/install.md docs/install-gcp.md providers/gcp/gcptest/compute-schemas.json providers/aws/awstest/aws-models.json providers/aws/awstest/ec2_wirenames.go)

snapshot() {
  find "${generated[@]}" -type f 2>/dev/null | LC_ALL=C sort | xargs -r sha256sum
}

before=$(snapshot)
make --no-print-directory -s generate manifests >/dev/null
after=$(snapshot)
if [[ "$before" != "$after" ]]; then
  fail "generated files were stale; they are now regenerated, review and commit them:"
  diff <(echo "$before") <(echo "$after") | grep '^[<>]' | awk '{print "  " $3}' | sort -u >&2
fi

for mod in . hack/controlplane/kubernetes hack/controlplane/etcd hack/tools/controller-gen hack/tools/golangci-lint; do
  if ! out=$(cd "$mod" && go mod tidy -diff 2>&1); then
    fail "go.mod of $mod is untidy; run 'go mod tidy' there:"
    echo "$out" | head -20 >&2
  fi
done

unformatted=$(git ls-files --cached --others --exclude-standard '*.go' | xargs -r gofmt -l)
if [[ -n "$unformatted" ]]; then
  fail "gofmt would change these files; run 'make fmt':"
  echo "$unformatted" | sed 's/^/  /' >&2
fi

if ((failed)); then
  exit 1
fi
echo "verify: generated files, go.mod files and formatting are current"
