package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/compute/apiv1/computepb"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/catalog"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/providers/gcp"
	"github.com/portico-dev/portico/providers/gcp/gcptest"
	"github.com/portico-dev/portico/providers/plan"
	"github.com/portico-dev/portico/testenv"
)

const shopNamespace = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---`

// planCluster is a control plane running the controller with one provider, serving
// planIngress, and the command line of `portico plan --kubeconfig` against it.
type planCluster struct {
	env    *testenv.Env
	online []string
	// deleteFrontend deletes the load balancer's frontend in the cloud (a forwarding rule, an
	// AWS listener), behind portico's back, and returns what went, as "Kind Name".
	deleteFrontend func(t *testing.T) []string
}

// startPlanCluster starts a planCluster with the fake provider, or gcp against gcptest. The
// plan reaches the cloud the controller provisions into through newPlanProvider, as it
// reaches Google's in a real cluster.
func startPlanCluster(t *testing.T, provider string) *planCluster {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a control plane")
	}
	ctx := context.Background()
	opts, cloud := testenv.Options{}, planClouds[provider](t)
	if cloud.controller != nil {
		opts.ExtraProviders, opts.ClassProvider = []providers.Provider{cloud.controller("testenv")}, provider
	}
	env, err := testenv.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteKubeconfig(kubeconfig); err != nil {
		t.Fatal(err)
	}
	before := newPlanProvider
	newPlanProvider = func(name string, s catalog.Settings) (providers.Provider, error) {
		if name != provider || s.ClusterID != env.ClusterID {
			return before(name, s)
		}
		if cloud.accepts != nil {
			if err := cloud.accepts(s); err != nil {
				return nil, err
			}
		}
		if cloud.controller != nil {
			return cloud.controller(s.ClusterID), nil
		}
		return fake.New(env.Cloud, fake.Options{ClusterID: s.ClusterID, SnapshotTTL: -1}), nil
	}
	t.Cleanup(func() { newPlanProvider = before })
	if err := env.ApplyYAML(ctx, shopNamespace+planIngress); err != nil {
		t.Fatal(err)
	}
	// The cluster record, as `portico controller` writes it at its first start, names the
	// cluster ID the plan reads.
	if err := env.ApplyYAML(ctx, "apiVersion: v1\nkind: Namespace\nmetadata: {name: "+cluster.DefaultNamespace+"}\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := cluster.Open(ctx, env.Client, cluster.Options{Namespace: cluster.DefaultNamespace, ClusterID: env.ClusterID}); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if _, err := env.WaitProgrammed(wait, "shop", "web"); err != nil {
		t.Fatal(err)
	}
	pc := &planCluster{env: env, online: append([]string{"plan", "--kubeconfig", kubeconfig}, cloud.flags...)}
	pc.deleteFrontend = cloud.deleteFrontend
	if pc.deleteFrontend == nil {
		pc.deleteFrontend = func(t *testing.T) []string {
			for _, r := range env.OwnedInventory() {
				if r.Kind == fake.KindForwardingRule {
					if err := env.Cloud.Delete(ctx, r.Kind, r.Name); err != nil {
						t.Fatal(err)
					}
					return []string{r.Kind + " " + r.Name}
				}
			}
			t.Fatal("no forwarding rule in the fake cloud")
			return nil
		}
	}
	return pc
}

// planCloud is a cloud besides the fake's: the provider the controller and the plan run
// (nil: the fake), and how to delete its frontend.
type planCloud struct {
	controller     func(clusterID string) providers.Provider
	deleteFrontend func(t *testing.T) []string
	// flags are given to every online plan, as the controller's; accepts checks that the
	// plan built its provider with them.
	flags   []string
	accepts func(catalog.Settings) error
}

var planClouds = map[string]func(t *testing.T) planCloud{
	"fake": func(*testing.T) planCloud { return planCloud{} },
	"gcp":  gcpPlanCloud,
	"aws":  awsPlanCloud,
}

// gcpPlanCloud is gcptest, reached through the real SDK by the controller and the plan.
func gcpPlanCloud(t *testing.T) planCloud {
	const project = "plan-project"
	srv := gcptest.New(gcptest.Options{Project: project})
	t.Cleanup(srv.Close)
	return planCloud{
		controller: func(clusterID string) providers.Provider {
			return gcp.New(gcp.Options{ClusterID: clusterID, Project: project, SnapshotTTL: -1,
				Dial: func(ctx context.Context) (*gcp.Clients, error) { return gcp.Dial(ctx, srv.ClientOptions()...) }})
		},
		deleteFrontend: func(t *testing.T) []string {
			ctx := context.Background()
			api, err := srv.Clients(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = api.Close() }()
			for _, path := range srv.Inventory() {
				if _, name, ok := strings.Cut(path, "/global/forwardingRules/"); ok {
					op, err := api.ForwardingRules.Delete(ctx, &computepb.DeleteGlobalForwardingRuleRequest{Project: project, ForwardingRule: name})
					if err == nil {
						err = op.Wait(ctx)
					}
					if err != nil {
						t.Fatal(err)
					}
					return []string{"ForwardingRule " + name}
				}
			}
			t.Fatalf("no forwarding rule in gcptest: %v", srv.Inventory())
			return nil
		},
	}
}

// TestPlanOnlineShowsDrift: a load balancer the cloud matches plans nothing and exits 0; once
// a resource is deleted behind portico's back, the plan lists its re-creation and exits 1.
func TestPlanOnlineShowsDrift(t *testing.T) {
	for _, provider := range []string{"fake", "gcp", "aws"} {
		t.Run(provider, func(t *testing.T) {
			pc := startPlanCluster(t, provider)
			code, out, errOut := runPortico(t, pc.online...)
			if code != exitOK || !strings.Contains(out, "members: shop/web") || !strings.Contains(out, "no change: the cloud matches") {
				t.Fatalf("no drift: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			// The controller stops first: it would mend the drift on its next pass (the aws
			// provider's comes within seconds, polling its new targets' health).
			if err := pc.env.StopController(); err != nil {
				t.Fatal(err)
			}
			gone := pc.deleteFrontend(t)
			code, out, errOut = runPortico(t, append(pc.online, "-o", "json")...)
			if code != exitFinding || !strings.Contains(errOut, fmt.Sprintf("drift: %d change(s) to 1 load balancer(s)", len(gone))) {
				t.Errorf("a deleted frontend (%v): exit %d, want 1 saying drift\nstderr:\n%s", gone, code, errOut)
			}
			doc := parsePlan(t, out)
			if provider == "gcp" {
				code, out, errOut = runPortico(t, pc.online...)
				compareDocBlock(t, "drift", fmt.Sprintf("$ portico plan --kubeconfig ~/.kube/config\n%s%s$ echo $?\n%d", out, errOut, code))
			}
			if len(doc.LoadBalancers) != 1 {
				t.Fatalf("the drift lists %+v, want the one load balancer", doc.LoadBalancers)
			}
			var drift []string
			for _, r := range doc.LoadBalancers[0].Resources {
				drift = append(drift, r.Op+" "+r.Kind+" "+r.Name)
			}
			if want := "Create " + strings.Join(gone, ", Create "); strings.Join(drift, ", ") != want {
				t.Errorf("the drift is %q, want %q", drift, want)
			}
		})
	}
}

// TestPlanOnlineMergesTheFilesIntoTheLiveGroups: an edited Ingress of a file replaces the
// live one, so the plan against the live cloud updates the URL map only; the cluster's
// Service and EndpointSlice, not in the file, still give the backend its endpoint.
func TestPlanOnlineMergesTheFilesIntoTheLiveGroups(t *testing.T) {
	pc := startPlanCluster(t, "fake")
	edited := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
      - {path: /basket, pathType: Exact, backend: {service: {name: cart, port: {number: 80}}}}
`)
	code, out, errOut := runPortico(t, append(pc.online, "-f", edited, "-o", "json")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers planned, want the one of shop/web", len(doc.LoadBalancers))
	}
	var ops []string
	for _, r := range doc.LoadBalancers[0].Resources {
		ops = append(ops, r.Op+" "+r.Kind)
	}
	if strings.Join(ops, ", ") != "Update URLMap" {
		t.Errorf("the plan makes %q, want only the URL map updated", ops)
	}
	if !strings.Contains(string(doc.LoadBalancers[0].Resources[0].Spec), `"/basket"`) {
		t.Errorf("the URL map does not route /basket: %s", doc.LoadBalancers[0].Resources[0].Spec)
	}
	checkLiveSecret(t, pc)
	checkFileEndpoints(t, pc)
	code, _, errOut = runPortico(t, append(pc.online, "--namespace", "elsewhere")...)
	if code != exitFinding || !strings.Contains(errOut, "reading the controller's cluster ID (or give --cluster-id)") {
		t.Errorf("without a cluster record: exit %d, %q; want 1 asking for --cluster-id", code, errOut)
	}
}

// compareDocBlock compares an example of docs/plan.md that needs a cluster, the ```text block
// after the line "<!-- example NAME: ... -->", with what the test got; -update rewrites it.
func compareDocBlock(t *testing.T, name, got string) {
	t.Helper()
	page := filepath.Join("..", "..", "docs", "plan.md")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	_, after, found := strings.Cut(text, "<!-- example "+name+":")
	_, body, fenced := strings.Cut(after, "```text\n")
	end := strings.Index(body, "```\n")
	if !found || !fenced || end < 0 {
		t.Fatalf("%s: no example %s", page, name)
	}
	start := len(text) - len(body)
	end += start
	if *updateDocs {
		if err := os.WriteFile(page, []byte(text[:start]+got+"\n"+text[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := strings.TrimSuffix(text[start:end], "\n"); want != got {
		t.Errorf("%s: the example %s says:\n%s\nthe command printed:\n%s\n(go test ./cmd/portico -update rewrites it)", page, name, want, got)
	}
}

// TestDriftFindings: every change and every load balancer that cannot be planned is named on
// stderr, and either is a finding; a provider this build cannot run is only a warning.
func TestDriftFindings(t *testing.T) {
	clean := plan.Document{LoadBalancers: []plan.Report{{LoadBalancer: "a", Resources: []plan.ReportResource{}}},
		Problems: []plan.Problem{{Object: "LoadBalancer n", Field: "spec.provider", Severity: "Warning", Message: "not planned: provider nginx is not in this build"}}}
	var stderr strings.Builder
	if err := driftFindings(&stderr, clean); err != nil || stderr.Len() != 0 {
		t.Errorf("no change: %v, stderr %q; want no finding", err, stderr.String())
	}
	drifted := clean
	drifted.LoadBalancers = []plan.Report{{LoadBalancer: "a", Resources: []plan.ReportResource{{Op: "Update", Kind: "URLMap", Name: "um"}}}}
	drifted.Problems = append(drifted.Problems, plan.Problem{Object: "LoadBalancer b", Field: "spec.provider", Severity: "Error", Reason: "CredentialsUnavailable", Message: "no credentials"})
	stderr.Reset()
	err := driftFindings(&stderr, drifted)
	for _, want := range []string{"Drift   LoadBalancer a: Update URLMap um", "Error   LoadBalancer b spec.provider: no credentials (CredentialsUnavailable)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not say %q", stderr.String(), want)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "1 load balancer(s) could not be planned, and 1 change(s)") {
		t.Errorf("the finding is %v", err)
	}
}

// checkLiveSecret: a new Ingress of the files whose TLS Secret only the cluster holds gets its
// certificate and HTTPS proxy planned, the key read from the cluster and never printed.
func checkLiveSecret(t *testing.T, pc *planCluster) {
	t.Helper()
	cert, key, err := testcert.SelfSigned("secure.example.com")
	if err != nil {
		t.Fatal(err)
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "live-tls"}, Type: corev1.SecretTypeTLS,
		Data: map[string][]byte{corev1.TLSCertKey: cert, corev1.TLSPrivateKeyKey: key}}
	if err := pc.env.Client.Create(context.Background(), secret); err != nil {
		t.Fatal(err)
	}
	secure := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: shop}
spec:
  tls: [{hosts: [secure.example.com], secretName: live-tls}]
  rules:
  - host: secure.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}
`)
	code, out, errOut := runPortico(t, append(pc.online, "-f", secure, "-o", "json")...)
	if code != exitOK || strings.Contains(out, "PRIVATE KEY") {
		t.Fatalf("exit %d (%s), or the key is printed", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 || doc.LoadBalancers[0].Members[0] != "shop/secure" {
		t.Fatalf("%d load balancers planned, want the one new of shop/secure", len(doc.LoadBalancers))
	}
	if blocked := doc.LoadBalancers[0].Blocked; len(blocked) != 0 {
		t.Errorf("blocked: %+v", blocked)
	}
	kinds := map[string]bool{}
	for _, r := range doc.LoadBalancers[0].Resources {
		kinds[r.Op+" "+r.Kind] = true
	}
	if !kinds["Create SslCertificate"] || !kinds["Create TargetHTTPSProxy"] {
		t.Errorf("the cluster's Secret gives no certificate: %v", kinds)
	}
}

// checkFileEndpoints: an EndpointSlice of the files replaces the cluster's of the same name,
// so the plan moves the endpoint group's endpoints, and nothing else.
func checkFileEndpoints(t *testing.T, pc *planCluster) {
	t.Helper()
	slice := writeManifest(t, `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: cart-1, namespace: shop, labels: {kubernetes.io/service-name: cart}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- {addresses: [10.0.0.9], zone: europe-west1-b}
`)
	ingress := writeManifest(t, planIngress[:strings.Index(planIngress, "---")])
	code, out, errOut := runPortico(t, append(pc.online, "-f", ingress, "-f", slice, "-o", "json")...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := parsePlan(t, out)
	if len(doc.LoadBalancers) != 1 || len(doc.LoadBalancers[0].Resources) != 1 {
		t.Fatalf("want one update of one load balancer: %+v", doc.LoadBalancers)
	}
	if r := doc.LoadBalancers[0].Resources[0]; r.Op != "Update" || r.Kind != fake.KindNetworkEndpointGroup || !strings.Contains(string(r.Spec), "10.0.0.9") {
		t.Errorf("the plan makes %s %s %s, want the endpoint group updated to 10.0.0.9", r.Op, r.Kind, r.Spec)
	}
}
