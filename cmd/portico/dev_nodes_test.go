package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// nodeTargetManifest is a Node (as a kubelet registers it) and an Ingress whose backend
// reaches the nodes on a NodePort, so that the load balancer needs the Node's VM in its
// zone's instance group.
const nodeTargetManifest = `apiVersion: v1
kind: Node
metadata:
  name: dev-node-1
  labels: {topology.kubernetes.io/zone: us-central1-b}
status:
  addresses: [{type: InternalIP, address: 10.128.0.7}]
  conditions: [{type: Ready, status: "True", reason: KubeletReady, message: ready}]
---
apiVersion: v1
kind: Service
metadata: {name: by-node, namespace: demo}
spec:
  type: NodePort
  selector: {app: by-node}
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: by-node
  namespace: demo
  annotations: {portico.dev/target-type: instance}
spec:
  defaultBackend:
    service: {name: by-node, port: {number: 80}}
`

// checkInstanceTargets applies a Node and an Ingress of target type instance to `portico
// dev --provider gcp`: the Node's VM exists in the emulator, so Google lets the provider put
// it into the zone's instance group, and the load balancer becomes Ready with that group.
func checkInstanceTargets(t *testing.T, kubectl func(args ...string) string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "by-node.yaml")
	if err := os.WriteFile(file, []byte(nodeTargetManifest), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl("apply", "-f", file)
	ready := regexp.MustCompile(`(?m)^demo-by-node-\S+\s+gcp\s+\S+\s+True\b`)
	waitUntil(t, "the load balancer of target type instance to be Ready on gcp", func() bool {
		return ready.MatchString(kubectl("get", "loadbalancers"))
	})
	name := strings.Fields(ready.FindString(kubectl("get", "loadbalancers")))[0]
	describe := kubectl("describe", "loadbalancer", name)
	if !regexp.MustCompile(`InstanceGroup[\s\S]*pt-ig-dev-[a-z0-9-]*us-central1-b`).MatchString(describe) {
		t.Errorf("the load balancer has no instance group in the Node's zone:\n%s", describe)
	}
}
