package loadbalancer

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/internal/controlplane"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// The tests of this package that reconcile run against a real API server: Reconcile is
// called directly, with a client that reads and writes the API server (no cache).

var apiServer client.Client

func TestMain(m *testing.M) {
	os.Exit(controlplane.RunSuite(m, func(c client.Client) { apiServer = c }))
}

const clusterID = "unit"

// fixture is one test's world: its own cloud, provider, reconciler and namespace.
type fixture struct {
	t        *testing.T
	ctx      context.Context
	cloud    *fake.Cloud
	provider *recording
	r        *Reconciler
	events   *events.FakeRecorder
	ns       string
}

var names atomic.Int32

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cloud := fake.NewCloud()
	p := &recording{Provider: fake.New(cloud, fake.Options{ClusterID: clusterID})}
	registry, err := providers.NewRegistry(p)
	if err != nil {
		t.Fatal(err)
	}
	rec := events.NewFakeRecorder(1000)
	f := &fixture{t: t, ctx: ctx, cloud: cloud, provider: p, events: rec, ns: fmt.Sprintf("t%d", names.Add(1))}
	f.r = &Reconciler{
		Client: apiServer, Registry: registry, Recorder: rec, Locations: &cluster.MemoryLocations{},
		SlowRetry: time.Second, MaxSlowRetry: 10 * time.Second,
		Rand: func() float64 { return 0.999999 }, // the top of each jitter range, for exact waits
	}
	f.create(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: f.ns}})
	return f
}

func (f *fixture) create(obj client.Object) {
	f.t.Helper()
	if err := apiServer.Create(f.ctx, obj); err != nil {
		f.t.Fatal(err)
	}
}

// reconcile runs one Reconcile of the load balancer and fails the test on an error.
func (f *fixture) reconcile(name string) ctrl.Result {
	f.t.Helper()
	res, err := f.r.Reconcile(f.ctx, ctrl.Request{NamespacedName: client.ObjectKey{Name: name}})
	if err != nil {
		f.t.Fatalf("reconcile %s: %v", name, err)
	}
	return res
}

func (f *fixture) get(name string) *v1alpha1.LoadBalancer {
	f.t.Helper()
	lb := &v1alpha1.LoadBalancer{}
	if err := apiServer.Get(f.ctx, client.ObjectKey{Name: name}, lb); err != nil {
		f.t.Fatal(err)
	}
	return lb
}

// reconcileUntil reconciles until ok holds: a change made in the cloud behind the provider's
// back may reach it only when its cached reads are refreshed.
func (f *fixture) reconcileUntil(name, what string, ok func() bool) ctrl.Result {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := f.reconcile(name)
		if ok() {
			return res
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("reconciling did not bring %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (f *fixture) programmed(name string) metav1.Condition {
	f.t.Helper()
	return condition(f.t, &f.get(name).Status, v1alpha1.ConditionProgrammed)
}

// eventsSaid returns the Events recorded so far.
func (f *fixture) eventsSaid() []string {
	var out []string
	for {
		select {
		case e := <-f.events.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

// params creates IngressClassParams of the fake provider in a location.
func (f *fixture) params(name, location string) {
	f.t.Helper()
	f.create(&v1alpha1.IngressClassParams{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.IngressClassParamsSpec{Provider: v1alpha1.ProviderFake, Fake: &v1alpha1.FakeParams{Location: location}},
	})
}

func (f *fixture) setLocation(params, location string) {
	f.t.Helper()
	p := &v1alpha1.IngressClassParams{}
	if err := apiServer.Get(f.ctx, client.ObjectKey{Name: params}, p); err != nil {
		f.t.Fatal(err)
	}
	p.Spec.Fake = &v1alpha1.FakeParams{Location: location}
	if err := apiServer.Update(f.ctx, p); err != nil {
		f.t.Fatal(err)
	}
}

// lbBuilder builds a LoadBalancer of the fake provider with one HTTP backend.
type lbBuilder struct{ lb *v1alpha1.LoadBalancer }

func (f *fixture) loadBalancer(name string) *lbBuilder {
	lb := &v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: f.ns + "-" + name}}
	lb.Spec = v1alpha1.LoadBalancerSpec{
		Provider:       v1alpha1.ProviderFake,
		Frontends:      v1alpha1.Frontends{HTTP: true},
		DefaultBackend: "front",
		Backends: []v1alpha1.Backend{{
			Name: "front", TargetType: v1alpha1.TargetTypeIP,
			Service: v1alpha1.ServiceRef{Namespace: f.ns, Name: "front", PortNumber: 80},
		}},
		Members: []v1alpha1.IngressRef{{Namespace: f.ns, Name: name}},
	}
	return &lbBuilder{lb}
}

func (b *lbBuilder) params(name string) *lbBuilder {
	b.lb.Spec.ParametersRef = name
	return b
}

func (b *lbBuilder) tls(secret string) *lbBuilder {
	b.lb.Spec.Frontends.HTTPS = true
	ns := b.lb.Spec.Members[0].Namespace
	b.lb.Spec.TLS = append(b.lb.Spec.TLS, v1alpha1.TLSCertificate{SecretRef: &v1alpha1.ObjectRef{Namespace: ns, Name: secret}})
	return b
}

func (b *lbBuilder) create(f *fixture) string {
	f.t.Helper()
	f.create(b.lb)
	return b.lb.Name
}

// recording is the fake provider with a log of where Ensure and Delete were asked to work.
// Its Delete removes nothing from the cloud when asked for a location other than the
// cloud's own: the fake of this branch keeps one store for every location.
type recording struct {
	*fake.Provider
	mu       sync.Mutex
	log      []string
	onEnsure func(*providers.Desired)
	// ensureErr, when set, fails Ensure without calling the cloud.
	ensureErr error
	deleteErr error
}

func (p *recording) Ensure(ctx context.Context, want *providers.Desired) (*providers.Observed, error) {
	p.note("Ensure " + want.Ref.Location)
	if p.onEnsure != nil {
		p.onEnsure(want)
	}
	p.mu.Lock()
	err := p.ensureErr
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return p.Provider.Ensure(ctx, want)
}

func (p *recording) Delete(_ context.Context, ref providers.Ref) error {
	p.note("Delete " + ref.Location)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deleteErr
}

func (p *recording) note(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, s)
}

// calls returns the log since the last call and clears it.
func (p *recording) calls() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := strings.Join(p.log, ", ")
	p.log = nil
	return out
}

func reqFor(name string) ctrl.Request {
	return ctrl.Request{NamespacedName: client.ObjectKey{Name: name}}
}

func metaName(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }

func keyOf(name string) client.ObjectKey { return client.ObjectKey{Name: name} }
