package main

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

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

// offlineDesire resolves a load balancer from the files, and prepares the provider's empty
// cloud for it.
func offlineDesire(objs *model.Objects) desireFunc {
	return func(ctx context.Context, p *planProvider, res *model.Result) (*providers.Desired, []string, error) {
		want, assumed := desiredOffline(res, objs, p)
		more, err := p.prepare(ctx, want)
		return want, append(assumed, more...), err
	}
}

// reportOf plans one load balancer against the provider's cloud.
func reportOf(ctx context.Context, p *planProvider, res *model.Result, want *providers.Desired) (*plan.Report, error) {
	rep, err := p.Report(ctx, want)
	if err != nil {
		return nil, fmt.Errorf("load balancer %s: %w", res.Name, err)
	}
	rep.Members = nil // the accepted members, in the translation's order, whatever the provider said
	for _, m := range res.Accepted() {
		rep.Members = append(rep.Members, m.String())
	}
	return rep, nil
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
