package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
	"github.com/portico-dev/portico/providers/plan"
)

// offlineProvider is a provider that plans against an empty cloud of its own, in memory.
type offlineProvider struct {
	providers.Provider
	plan.Reporter
	// prepare makes the empty cloud hold what a user made before (a reserved static address)
	// and returns what it assumed.
	prepare func(want *providers.Desired) ([]string, error)
}

// newOfflineProvider returns the provider of that name with an empty cloud, or a usage
// error for a provider that has no offline plan.
func newOfflineProvider(name, clusterID string) (*offlineProvider, error) {
	if name == v1alpha1.ProviderNginx {
		return nil, errors.New("provider nginx has no offline plan of cloud resources; --provider nginx prints the configuration nginx would serve")
	}
	if name != v1alpha1.ProviderFake {
		return nil, fmt.Errorf("provider %s has no offline plan in this build; plan with --provider fake", quoteText(name))
	}
	cloud := fake.NewCloud()
	p := fake.New(cloud, fake.Options{ClusterID: clusterID, SnapshotTTL: -1})
	return &offlineProvider{Provider: p, Reporter: p, prepare: func(want *providers.Desired) ([]string, error) {
		if want.Spec.StaticAddress == "" {
			return nil, nil
		}
		loc := p.Location(want.Params)
		if _, ok := cloud.In(loc).Lookup(fake.KindAddress, want.Spec.StaticAddress); ok {
			return nil, nil
		}
		if _, err := cloud.In(loc).ReserveAddress(want.Spec.StaticAddress); err != nil {
			return nil, fmt.Errorf("reserving static address %s: %w", quoteText(want.Spec.StaticAddress), err)
		}
		return []string{fmt.Sprintf("the static address %s is reserved in location %s", quoteText(want.Spec.StaticAddress), loc)}, nil
	}}, nil
}

// desiredOffline gathers what the controller's LoadBalancer reconciler would hand the
// provider, from the files: the class parameters, the targets of every backend from the
// EndpointSlices (instance targets need Nodes, which the files do not hold), and the TLS
// Secrets the files contain.
func desiredOffline(res *model.Result, objs *model.Objects, p providers.Provider) (*providers.Desired, []string) {
	var assumed []string
	want := &providers.Desired{
		Ref:          providers.Ref{Name: res.Name},
		Spec:         *res.Spec.DeepCopy(),
		Targets:      map[string][]providers.Target{},
		Certificates: map[string]providers.Certificate{},
	}
	if ref := res.Spec.ParametersRef; ref != "" {
		if params := objs.IngressClassParams(ref); params != nil {
			want.Params = params.Spec.DeepCopy()
		}
	}
	want.Ref.Location = p.Location(want.Params)
	for _, be := range res.Spec.Backends {
		want.Targets[be.Name] = targetsOffline(be, objs)
	}
	for _, t := range res.Spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		key := t.SecretRef.Namespace + "/" + t.SecretRef.Name
		if s, ok := objs.Secret(t.SecretRef.Namespace, t.SecretRef.Name); ok && s != nil {
			want.Certificates[key] = certificateOf(s)
			continue
		}
		assumed = append(assumed, fmt.Sprintf("the TLS Secret %s is not in the files: its certificate cannot be named, so HTTPS is shown as blocked; give the Secret with -f to plan it", quoteText(key)))
	}
	return want, assumed
}

func targetsOffline(be v1alpha1.Backend, objs *model.Objects) []providers.Target {
	svc, _ := objs.Service(be.Service.Namespace, be.Service.Name)
	if svc == nil || be.TargetType == v1alpha1.TargetTypeInstance {
		return nil
	}
	port := loadbalancer.PortOf(svc, be.Service)
	if port == nil {
		return nil
	}
	var slices []discoveryv1.EndpointSlice
	for _, s := range objs.EndpointSlices {
		if s.Namespace == svc.Namespace && s.Labels[discoveryv1.LabelServiceName] == svc.Name {
			slices = append(slices, s)
		}
	}
	return loadbalancer.TargetsOf(slices, port)
}

// certificateOf reads a TLS Secret of the files; its key stays in memory, for the
// provider's checks, and is never printed.
func certificateOf(s *corev1.Secret) providers.Certificate {
	cert, key := s.Data[corev1.TLSCertKey], s.Data[corev1.TLSPrivateKeyKey]
	return providers.Certificate{CertPEM: cert, Key: providers.StaticKey(key), Hash: providers.CertificateHash(cert, key)}
}

// reportOf plans one load balancer against the provider's empty cloud.
func reportOf(ctx context.Context, p *offlineProvider, res *model.Result, objs *model.Objects) (*plan.Report, []string, error) {
	want, assumed := desiredOffline(res, objs, p)
	more, err := p.prepare(want)
	if err != nil {
		return nil, nil, err
	}
	rep, err := p.Report(ctx, want)
	if err != nil {
		return nil, nil, fmt.Errorf("load balancer %s: %w", res.Name, err)
	}
	for _, m := range res.Accepted() {
		rep.Members = append(rep.Members, m.String())
	}
	return rep, append(assumed, more...), nil
}

// quoteText quotes a value from the input when it holds anything but plain printable bytes,
// so that it cannot break a line of the output.
func quoteText(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' || r > 0x7e {
			return fmt.Sprintf("%q", s)
		}
	}
	if s == "" || strings.ContainsAny(s, " \t") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
