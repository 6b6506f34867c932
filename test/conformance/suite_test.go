package conformance_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cucumber/godog"

	"github.com/portico-dev/portico/test/conformance"
)

// runFeatures runs every scenario of the upstream Ingress conformance features
// (../shared/conformance/*.feature, read in place) with godog, in sequence, each in a world
// on a stage of its own that newStage makes; done, when not nil, runs after each scenario,
// to remove what it left.
func runFeatures(t *testing.T, name string, newStage func() stage, done func(*world) error) {
	t.Helper()
	paths := featurePaths(t)
	var w *world
	suite := godog.TestSuite{
		Name: name,
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
				w = newWorld(newStage())
				return ctx, nil
			})
			if done != nil {
				sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
					return ctx, errors.Join(err, done(w))
				})
			}
			steps(sc, func() *world { return w })
		},
		Options: &godog.Options{Format: "pretty", Paths: paths, TestingT: t, Strict: true, NoColors: true, Output: testOutput{t}},
	}
	if suite.Run() != 0 {
		t.Fatalf("a conformance scenario failed through %s; see the subtests", name)
	}
}

// featurePaths lists the feature files: a folder that exists without them is a failure; no
// folder at all skips, saying why.
func featurePaths(t *testing.T) []string {
	dir, err := conformance.Dir()
	if errors.Is(err, conformance.ErrNoFeatures) {
		t.Skipf("skipping the conformance run: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.feature"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .feature file in %s (%v): the conformance features must be there", dir, err)
	}
	if _, err := os.Stat(paths[0]); err != nil {
		t.Fatal(err)
	}
	return paths
}

// steps binds the features' steps to the scenario's world.
func steps(sc *godog.ScenarioContext, w func() *world) {
	sc.Step(`^a new random namespace$`, func() error { return w().newNamespace() })
	sc.Step(`^an Ingress resource in a new random namespace$`, func(d *godog.DocString) error { return w().ingressInNewNamespace(d) })
	sc.Step(`^an Ingress resource$`, func(d *godog.DocString) error { return w().ingressFrom(d) })
	sc.Step(`^an Ingress resource named "([^"]+)" with this spec:$`, func(name string, d *godog.DocString) error { return w().ingressNamed(name, d) })
	sc.Step(`^a self-signed TLS secret named "([^"]+)" for the "([^"]+)" hostname$`, func(name, host string) error { return w().tlsSecret(name, host) })
	sc.Step(`^The Ingress status shows the IP address or FQDN where it is exposed$`, func() error { return w().hasAddress() })
	sc.Step(`^The Ingress status should not contain the IP address or FQDN$`, func() error { return w().hasNoAddress() })
	sc.Step(`^The backend deployment "([^"]+)" for the ingress resource is scaled to (\d+)$`, func(svc string, n int) error { return w().scaled(svc, n) })
	sc.Step(`^I send a "([A-Z]+)" request to "([^"]+)"$`, func(m, u string) error { return w().send(m, u) })
	sc.Step(`^I send a "([A-Z]+)" request to http://"([^"]*)"/"([^"]*)"$`, func(m, h, p string) error { return w().sendTo(m, h, p) })
	sc.Step(`^I send (\d+) requests to "([^"]+)"$`, func(n int, u string) error { return w().sendMany(n, u) })
	sc.Step(`^the response status-code must be (\d+)$`, func(c int) error { return w().statusIs(c) })
	sc.Step(`^the response must be served by the "([^"]+)" service$`, func(s string) error { return w().servedBy(s) })
	sc.Step(`^the secure connection must verify the "([^"]+)" hostname$`, func(h string) error { return w().verifiesHost(h) })
	sc.Step(`^the response proto must be "([^"]+)"$`, func(p string) error { return w().responseProto(p) })
	sc.Step(`^the response headers must contain <key> with matching <value>$`, func(tb *godog.Table) error { return w().responseHeaders(tb) })
	sc.Step(`^the request method must be "([^"]+)"$`, func(m string) error { return w().requestMethod(m) })
	sc.Step(`^the request path must be "([^"]*)"$`, func(p string) error { return w().requestPath(p) })
	sc.Step(`^the request proto must be "([^"]+)"$`, func(p string) error { return w().requestProto(p) })
	sc.Step(`^the request host must be "([^"]+)"$`, func(h string) error { return w().requestHost(h) })
	sc.Step(`^the request headers must contain <key> with matching <value>$`, func(tb *godog.Table) error { return w().requestHeaders(tb) })
	sc.Step(`^all the responses status-code must be (\d+) and the response body should contain the IP address of (\d+) different Kubernetes pods$`,
		func(code, pods int) error { return w().distinctPods(code, pods) })
}

// testOutput sends godog's report to the test log, so that it shows with -v or a failure.
type testOutput struct{ t *testing.T }

func (o testOutput) Write(p []byte) (int, error) {
	o.t.Log(string(p))
	return len(p), nil
}
