package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers/plan"
)

// TestPlanGolden plans the samples and the docs' examples, and compares the text and JSON
// outputs of the fake, gcp and aws providers with testdata/plan (go test -update rewrites them).
func TestPlanGolden(t *testing.T) {
	cases := []struct {
		name, file string
		exit       int
	}{
		// The samples hold an Ingress with an invalid path, on purpose: exit 1.
		{"samples", filepath.Join("..", "..", "config", "samples"), exitFinding},
		{"storefront", filepath.Join("..", "..", "docs", "examples", "storefront.yaml"), exitOK},
	}
	for _, tc := range cases {
		for _, provider := range []string{"fake", "gcp", "aws"} {
			for _, format := range []string{"text", "json"} {
				code, out, errOut := runPortico(t, "plan", "-f", tc.file, "--provider", provider, "-o", format)
				if code != tc.exit {
					t.Errorf("%s --provider %s -o %s: exit %d, want %d: %s", tc.name, provider, format, code, tc.exit, errOut)
				}
				name := tc.name
				if provider != "fake" {
					name += "-" + provider
				}
				compareGolden(t, filepath.Join("testdata", "plan", name+map[string]string{"text": ".txt", "json": ".json"}[format]), out)
				if format == "json" {
					parsePlan(t, out)
				}
			}
		}
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateDocs {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

// parsePlan parses the JSON output back into the kit's Document, strictly.
func parsePlan(t *testing.T, out string) plan.Document {
	t.Helper()
	var doc plan.Document
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("the JSON does not parse back: %v\n%s", err, out)
	}
	return doc
}

const planIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: cart-1, namespace: shop, labels: {kubernetes.io/service-name: cart}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- {addresses: [10.0.0.7], zone: europe-west1-b}
- {addresses: [10.0.0.8], conditions: {ready: false}}
`

func TestPlanJSONNamesEveryResourceAndItsRouting(t *testing.T) {
	code, out, errOut := runPortico(t, "plan", "-f", writeManifest(t, planIngress), "--provider", "fake", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers, want 1", len(doc.LoadBalancers))
	}
	lb := doc.LoadBalancers[0]
	if lb.Provider != "fake" || len(lb.Members) != 1 || lb.Members[0] != "shop/web" {
		t.Errorf("load balancer %+v", lb)
	}
	kinds := map[string]plan.ReportResource{}
	for _, r := range lb.Resources {
		if r.Op != "Create" {
			t.Errorf("%s %s: op %s against an empty cloud", r.Kind, r.Name, r.Op)
		}
		kinds[r.Kind] = r
	}
	for _, k := range []string{"HealthCheck", "NetworkEndpointGroup", "BackendService", "URLMap", "TargetHTTPProxy", "Address", "ForwardingRule"} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no %s in the plan", k)
		}
	}
	bs := kinds["BackendService"]
	if bs.Service == nil || bs.Service.Name != "cart" || bs.Service.PortNumber != 80 {
		t.Errorf("the backend service does not name Service shop/cart port 80: %+v", bs.Service)
	}
	var neg struct {
		Zone      string `json:"zone"`
		Endpoints []struct {
			IP   string `json:"ip"`
			Port int    `json:"port"`
		} `json:"endpoints"`
	}
	if err := json.Unmarshal(kinds["NetworkEndpointGroup"].Spec, &neg); err != nil {
		t.Fatal(err)
	}
	if neg.Zone != "europe-west1-b" || len(neg.Endpoints) != 1 || neg.Endpoints[0].IP != "10.0.0.7" || neg.Endpoints[0].Port != 8080 {
		t.Errorf("the endpoint group holds %+v, want the one ready endpoint 10.0.0.7:8080 in its zone", neg)
	}
	var um struct {
		HostRules []struct {
			Hosts []string `json:"hosts"`
		} `json:"hostRules"`
		PathMatchers []struct {
			PathRules []struct {
				Paths   []string `json:"paths"`
				Service string   `json:"service"`
			} `json:"pathRules"`
		} `json:"pathMatchers"`
	}
	if err := json.Unmarshal(kinds["URLMap"].Spec, &um); err != nil {
		t.Fatal(err)
	}
	if len(um.HostRules) != 1 || um.HostRules[0].Hosts[0] != "shop.example.com" || len(um.PathMatchers) != 1 ||
		strings.Join(um.PathMatchers[0].PathRules[0].Paths, ",") != "/cart,/cart/*" || um.PathMatchers[0].PathRules[0].Service != bs.Name {
		t.Errorf("the URL map does not send shop.example.com/cart to %s: %+v", bs.Name, um)
	}
	var fr struct {
		Port int32 `json:"port"`
	}
	if err := json.Unmarshal(kinds["ForwardingRule"].Spec, &fr); err != nil || fr.Port != 80 {
		t.Errorf("forwarding rule port %d (%v), want 80", fr.Port, err)
	}
}

func TestPlanYAML(t *testing.T) {
	code, out, errOut := runPortico(t, "plan", "-f", writeManifest(t, planIngress), "--provider", "fake", "-o", "yaml")
	if code != exitOK || !strings.Contains(out, "loadBalancers:") || !strings.Contains(out, "kind: URLMap") {
		t.Errorf("exit %d %s\n%s", code, errOut, out)
	}
}

// secureManifest is planIngress and an Ingress of host secure.example.com with its TLS Secret.
func secureManifest(t *testing.T) string {
	t.Helper()
	cert, key, err := testcert.SelfSigned("shop.example.com")
	if err != nil {
		t.Fatal(err)
	}
	indent := func(b []byte) string { return strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "\n    ") }
	return writeManifest(t, planIngress+`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: shop}
spec:
  tls: [{hosts: [secure.example.com], secretName: tls}]
  rules:
  - host: secure.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: shop}
type: kubernetes.io/tls
stringData:
  tls.crt: |
    `+indent(cert)+`
  tls.key: |
    `+indent(key)+`
`)
}

func TestPlanTLSWithTheSecret(t *testing.T) {
	file := secureManifest(t)
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "fake", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "PRIVATE KEY") {
		t.Fatal("the plan prints the private key")
	}
	doc := parsePlan(t, out)
	var kinds []string
	for _, lb := range doc.LoadBalancers {
		if len(lb.Blocked) > 0 {
			t.Errorf("%s: blocked %+v", lb.LoadBalancer, lb.Blocked)
		}
		for _, r := range lb.Resources {
			kinds = append(kinds, r.Kind)
		}
	}
	all := strings.Join(kinds, " ")
	if !strings.Contains(all, "SslCertificate") || !strings.Contains(all, "TargetHTTPSProxy") {
		t.Errorf("no certificate or HTTPS proxy in the plan: %s", all)
	}
}

func TestPlanReportsInvalidObjectsAndExitsOne(t *testing.T) {
	file := writeManifest(t, planIngress+`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: Bad_Name, namespace: shop}
spec:
  defaultBackend: {service: {name: cart, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: noporttype, namespace: shop}
spec:
  rules:
  - http: {paths: [{path: /x, backend: {service: {name: cart, port: {number: 0}}}}]}
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: shop}
spec:
  ports: [{port: 70000}]
`)
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "fake")
	if code != exitFinding {
		t.Errorf("exit %d, want %d", code, exitFinding)
	}
	for _, want := range []string{
		"Ingress shop/Bad_Name metadata.name: Invalid value",
		"Ingress shop/noporttype spec.rules[0].http.paths[0].pathType: Required value",
		"Ingress shop/noporttype spec.rules[0].http.paths[0].backend.service.port: Required value",
		"Service shop/other spec.ports[0].port: Invalid value: 70000",
	} {
		if !strings.Contains(errOut, want) || !strings.Contains(out, want) {
			t.Errorf("stdout and stderr should both say %q\nstdout:\n%s\nstderr:\n%s", want, out, errOut)
		}
	}
	if strings.Contains(out, "Bad_Name\n  members") || strings.Count(out, "load balancer ") != 1 {
		t.Errorf("an object the API server refuses is planned:\n%s", out)
	}
}

func TestPlanModelProblemExitsOneWithItsField(t *testing.T) {
	file := writeManifest(t, planIngress+`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: hostile, namespace: shop, annotations: {portico.dev/health-check-path: "/x\n  Create Evil forged"}}
spec:
  rules:
  - host: evil.example.com
    http: {paths: [{path: "/x;evil", pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}
`)
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "fake")
	if code != exitFinding {
		t.Errorf("exit %d, want %d", code, exitFinding)
	}
	if !strings.Contains(errOut, "Ingress shop/hostile spec.rules[0].http.paths[0].path") {
		t.Errorf("stderr does not name the field: %s", errOut)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Create Evil") {
			t.Errorf("a value of the input forged a line of the output:\n%s", out)
		}
	}
}

func TestPlanUsageErrors(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "") // not in a pod, even when the tests run in one
	file := writeManifest(t, planIngress)
	nginx := writeManifest(t, strings.Replace(planIngress, "metadata: {name: web, namespace: shop}",
		"metadata: {name: web, namespace: shop, annotations: {portico.dev/provider: nginx}}", 1))
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"plan"}, "needs -f FILE, or --kubeconfig"},
		{[]string{"plan", "-f", file, "--no-such-flag"}, "unknown flag"},
		{[]string{"plan", "-f", file, "-o", "xml"}, "unknown output format"},
		{[]string{"plan", "-f", filepath.Join(t.TempDir(), "missing.yaml")}, "missing.yaml"},
		{[]string{"plan", "-f", file, "--provider", "azure"}, "provider azure has no offline plan"},
		{[]string{"plan", "-f", file, "--provider", "aws", "--aws-vpc", "default"}, "--aws-vpc \"default\" is not a VPC ID"},
		{[]string{"plan", "-f", nginx}, "provider nginx has no offline plan"},
		{[]string{"plan", "-f", file}, "provider nginx has no offline plan"},
		{[]string{"plan", "-f", file, "extra"}, "unknown command"},
		{[]string{"plan", "--in-cluster"}, "--in-cluster: unable to load in-cluster configuration"},
		{[]string{"plan", "--kubeconfig", "kc", "-f", file, "--project", "p"}, "--project is for offline plans"},
		{[]string{"plan", "--kubeconfig", "kc", "--provider", "gcp"}, "--provider needs -f"},
	}
	for _, tc := range cases {
		code, out, errOut := runPortico(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.says) {
			t.Errorf("portico %v: exit %d, stderr %q; want %d saying %q", tc.args, code, errOut, exitUsage, tc.says)
		}
		if out != "" {
			t.Errorf("portico %v printed %q on a usage error", tc.args, out)
		}
	}
	if code, _, errOut := runPortico(t, "plan", "-f", nginx, "--provider", "fake"); code != exitOK {
		t.Errorf("--provider fake does not override the annotation: exit %d %s", code, errOut)
	}
	if code, _, errOut := runPortico(t, "plan", "-f", file, "--default-provider", "fake"); code != exitOK {
		t.Errorf("--default-provider fake: exit %d %s", code, errOut)
	}
}

func TestPlanStaticAddressIsAssumedReserved(t *testing.T) {
	file := writeManifest(t, strings.Replace(planIngress, "metadata: {name: web, namespace: shop}",
		"metadata: {name: web, namespace: shop, annotations: {portico.dev/static-address: shop-ip}}", 1))
	code, out, errOut := runPortico(t, "plan", "-f", file, "--provider", "fake", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	for _, r := range doc.LoadBalancers[0].Resources {
		if r.Kind == "Address" {
			t.Errorf("the plan creates an address although the Ingress names a static one: %s", r.Name)
		}
		var fr struct {
			Address string `json:"address"`
		}
		if r.Kind == "ForwardingRule" && (json.Unmarshal(r.Spec, &fr) != nil || fr.Address != "shop-ip") {
			t.Errorf("the forwarding rule does not listen on the static address: %s", r.Spec)
		}
	}
	if !strings.Contains(strings.Join(doc.Assumptions, "\n"), "the static address shop-ip is reserved") {
		t.Errorf("the assumption is not said: %q", doc.Assumptions)
	}
}

func TestPlanClusterIDNamesTheResources(t *testing.T) {
	file := writeManifest(t, planIngress)
	_, a, _ := runPortico(t, "plan", "-f", file, "--provider", "fake", "--cluster-id", "prod-eu")
	_, b, _ := runPortico(t, "plan", "-f", file, "--provider", "fake")
	if !strings.Contains(a, "-prod-eu-") || a == b {
		t.Errorf("--cluster-id does not reach the names:\n%s", a)
	}
}

func TestPlanProviderFromTheClassParams(t *testing.T) {
	classes := `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: portico, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec:
  controller: portico.dev/ingress-controller
  parameters: {apiGroup: portico.dev, kind: IngressClassParams, name: demo}
---
apiVersion: portico.dev/v1alpha1
kind: IngressClassParams
metadata: {name: demo}
spec: {provider: PROVIDER}
---`
	for provider, exit := range map[string]int{"fake": exitOK, "gcp": exitOK, "nginx": exitUsage} {
		file := writeManifest(t, strings.Replace(classes, "PROVIDER", provider, 1)+planIngress)
		code, out, errOut := runPortico(t, "plan", "-f", file)
		if code != exit {
			t.Errorf("class params choose %s: exit %d, want %d: %s", provider, code, exit, errOut)
		}
		if exit == exitOK && !strings.Contains(out, "(provider "+provider+", location ") {
			t.Errorf("the plan does not use the class's provider:\n%s", out)
		}
	}
	code, _, errOut := runPortico(t, "plan", "-f", writeManifest(t, strings.Replace(classes, "PROVIDER", "gcp", 1)+planIngress), "--provider", "fake")
	if code != exitOK {
		t.Errorf("--provider fake does not override the class params: exit %d %s", code, errOut)
	}
}

func TestPlanReadsStdin(t *testing.T) {
	var out, errOut strings.Builder
	root := newRootCommand(&out, &errOut)
	root.SetIn(strings.NewReader(planIngress))
	root.SetArgs([]string{"plan", "-f", "-", "--provider", "fake"})
	if err := root.Execute(); err != nil {
		t.Fatalf("plan -f -: %v %s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "members: shop/web") {
		t.Errorf("stdin was not planned:\n%s", out.String())
	}
}
