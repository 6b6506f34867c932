// Package publish finds the address that the LoadBalancers of the nginx mode share: that of
// the Service in front of the data plane (--publish-service), or the one given by
// --publish-address. Kubernetes I/O lives here, not in the provider.
package publish

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Source answers the shared address. Exactly one of Service and Static is set.
type Source struct {
	// Service is the data plane's Service, read through Reader.
	Service types.NamespacedName
	// Static are the addresses of --publish-address.
	Static []v1alpha1.Address

	mu     sync.RWMutex
	reader client.Reader
}

// Parse builds a Source from the flags: service is "namespace/name", addresses a list of
// IPs or DNS names; both empty gives a Source that reports no address.
func Parse(service string, addresses []string) (*Source, error) {
	if service != "" && len(addresses) > 0 {
		return nil, fmt.Errorf("--publish-service and --publish-address exclude each other")
	}
	s := &Source{}
	if service != "" {
		ns, name, ok := strings.Cut(service, "/")
		if !ok || ns == "" || name == "" {
			return nil, fmt.Errorf("--publish-service %q is not namespace/name", service)
		}
		s.Service = types.NamespacedName{Namespace: ns, Name: name}
	}
	for _, a := range addresses {
		s.Static = append(s.Static, addressOf(a))
	}
	return s, nil
}

// Use sets the reader of the Service (the manager's cached client, made after the providers).
func (s *Source) Use(r client.Reader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reader = r
}

// Addresses returns the shared address.
func (s *Source) Addresses(ctx context.Context) ([]v1alpha1.Address, error) {
	if s.Service.Name == "" {
		return s.Static, nil
	}
	s.mu.RLock()
	r := s.reader
	s.mu.RUnlock()
	if r == nil {
		return nil, fmt.Errorf("no client to read Service %s yet", s.Service)
	}
	svc := &corev1.Service{}
	if err := r.Get(ctx, s.Service, svc); err != nil {
		return nil, fmt.Errorf("reading the published Service %s: %w", s.Service, err)
	}
	return OfService(svc), nil
}

// OfService is a Service's load-balancer IPs or hostnames, else its cluster IP.
func OfService(svc *corev1.Service) []v1alpha1.Address {
	var out []v1alpha1.Address
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" || in.Hostname != "" {
			out = append(out, v1alpha1.Address{IP: in.IP, Hostname: in.Hostname})
		}
	}
	if len(out) == 0 && svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != corev1.ClusterIPNone {
		out = append(out, v1alpha1.Address{IP: svc.Spec.ClusterIP})
	}
	return out
}

// Is reports whether o is the published Service.
func (s *Source) Is(namespace, name string) bool {
	return s != nil && s.Service.Name != "" && s.Service == types.NamespacedName{Namespace: namespace, Name: name}
}

func addressOf(a string) v1alpha1.Address {
	if net.ParseIP(a) != nil {
		return v1alpha1.Address{IP: a}
	}
	return v1alpha1.Address{Hostname: a}
}
