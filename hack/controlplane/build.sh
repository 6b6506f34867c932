#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, etcd, kubectl) from source into a cache
# outside the repository, keyed by version, and prints the directory to use as
# KUBEBUILDER_ASSETS. A binary already in the cache is never rebuilt.
#
#   hack/controlplane/build.sh            build what is missing, print the assets dir
#   hack/controlplane/build.sh --print    print the assets dir only
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
k8s_version=$(cd "$here/kubernetes" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(cd "$here/etcd" && go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
cache=${PORTICO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/portico}
assets="$cache/controlplane/k8s-${k8s_version}_etcd-${etcd_version}"

if [[ "${1:-}" == "--print" ]]; then
  echo "$assets"
  exit 0
fi
mkdir -p "$assets"

# build NAME MODULE_DIR PACKAGE WHY
build() {
  local name=$1 dir=$2 pkg=$3 why=$4
  if [[ -x "$assets/$name" ]]; then
    return
  fi
  echo ">> building $name from $pkg ($why)" >&2
  local start=$SECONDS
  # Build to a temporary name and rename, so an interrupted build never leaves a broken binary.
  (cd "$here/$dir" && CGO_ENABLED=0 go build -trimpath -o "$assets/.$name.tmp" "$pkg")
  mv "$assets/.$name.tmp" "$assets/$name"
  echo ">> built $name in $((SECONDS - start))s: $assets/$name" >&2
}

missing=()
for name in etcd kube-apiserver kubectl; do
  [[ -x "$assets/$name" ]] || missing+=("$name")
done
if ((${#missing[@]} > 0)); then
  echo ">> envtest control plane missing from $assets: ${missing[*]}" >&2
  echo ">> no download site is reachable, so they are built from source; the first" >&2
  echo ">> kube-apiserver build takes 10-17 minutes on 2 cores, later runs reuse the cache" >&2
fi
build etcd etcd go.etcd.io/etcd/server/v3 "etcd $etcd_version, about 1 minute"
build kube-apiserver kubernetes k8s.io/kubernetes/cmd/kube-apiserver "kubernetes $k8s_version, 10-17 minutes the first time"
build kubectl kubernetes k8s.io/kubernetes/cmd/kubectl "kubernetes $k8s_version, a few minutes"
echo "$assets"
