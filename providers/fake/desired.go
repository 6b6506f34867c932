package fake

import (
	"cmp"
	"context"
	"slices"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// Defaults the fake applies where the spec leaves a field zero, as GCE does. The desired
// state holds them explicitly so that it compares equal to what the Cloud reports.
const (
	defaultTimeoutSec       = 30
	defaultCheckIntervalSec = 5
	defaultCheckTimeoutSec  = 5
	defaultHealthyThreshold = 2
	defaultUnhealthy        = 2
	// defaultNetwork is the VPC network of every forwarding rule.
	defaultNetwork = "default"
)

// desired is the resource set one load balancer should have.
type desired struct {
	lb string
	// loc is the location the resources live in.
	loc         string
	description string
	specs       map[Key]Spec
	// blocked holds wanted resources that cannot be built now, and why; they are neither
	// created nor changed nor deleted, so what already serves keeps serving.
	blocked map[Key]error
	// address is the Address the forwarding rules use: owned, or the reserved static one.
	address Key
	static  bool
	// ports maps each frontend port to its forwarding rule.
	ports map[int32]Key
	// preShared lists certificates the spec names that portico does not own.
	preShared []string
	// granted lists what an IngressClassParams grants: may be shared with other load
	// balancers.
	granted providers.Granted
	// stale lists the kinds whose snapshot showed a problem a person fixes in the cloud (a
	// static address not reserved yet, a name taken): the next pass lists them afresh, so
	// the fix is seen at once rather than after the snapshot's TTL.
	stale []string
}

func (d *desired) add(k Key, s Spec) { d.specs[k] = s }

// keys returns the desired and blocked keys in dependency order.
func (d *desired) keys() []Key {
	var out []Key
	for k := range d.specs {
		out = append(out, k)
	}
	for k := range d.blocked {
		if _, ok := d.specs[k]; !ok {
			out = append(out, k)
		}
	}
	sortKeys(out)
	return out
}

func sortKeys(ks []Key) {
	slices.SortFunc(ks, func(a, b Key) int {
		return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), cmp.Compare(a.Name, b.Name))
	})
}

// desired translates a LoadBalancer into resources. Names come from the Namer and the
// description from the Owner, so the same load balancer always maps to the same resources.
func (p *Provider) desired(want *providers.Desired) (*desired, error) {
	if want == nil || want.Ref.Name == "" {
		return nil, providers.Invalid("LoadBalancerNameMissing", nil, "the desired load balancer has no name")
	}
	lb, spec := want.Ref.Name, &want.Spec
	d := &desired{
		lb:          lb,
		loc:         p.locationOf(want),
		description: providers.Owner{ClusterID: p.cluster, LoadBalancer: lb}.Description(),
		specs:       map[Key]Spec{},
		blocked:     map[Key]error{},
		ports:       map[int32]Key{},
		granted:     want.Granted,
	}
	services := map[string]string{}
	for _, b := range spec.Backends {
		bs, err := p.addBackend(d, b, want.Targets[b.Name])
		if err != nil {
			return nil, err
		}
		services[b.Name] = bs
	}
	um, err := urlMapFor(spec, services)
	if err != nil {
		return nil, err
	}
	routes := Key{KindURLMap, p.namer.Name("um", lb)}
	d.add(routes, um)

	if !spec.Frontends.HTTP && !spec.Frontends.HTTPS {
		return d, nil
	}
	d.address = Key{KindAddress, spec.StaticAddress}
	d.static = spec.StaticAddress != ""
	if !d.static {
		d.address.Name = p.namer.Name("ad", lb)
		d.add(d.address, AddressSpec{})
	}
	scheme := "EXTERNAL_MANAGED"
	if spec.Scheme == v1alpha1.SchemeInternal {
		scheme = "INTERNAL_MANAGED"
	}
	if spec.Frontends.HTTP {
		httpRoutes := routes
		if spec.Frontends.SSLRedirect && spec.Frontends.HTTPS {
			httpRoutes = Key{KindURLMap, p.namer.Name("um", lb, "redirect")}
			d.add(httpRoutes, URLMapSpec{HTTPSRedirect: true})
		}
		proxy := Key{KindTargetHTTPProxy, p.namer.Name("hp", lb)}
		d.add(proxy, TargetHTTPProxySpec{URLMap: httpRoutes.Name})
		p.addFrontend(d, 80, proxy, scheme)
	}
	if spec.Frontends.HTTPS {
		proxy := Key{KindTargetHTTPSProxy, p.namer.Name("sp", lb)}
		certs, err := p.addCertificates(d, want)
		if err != nil {
			d.blocked[proxy] = err
		} else {
			d.add(proxy, TargetHTTPSProxySpec{URLMap: routes.Name, SslCertificates: certs, MinTLSVersion: spec.Frontends.MinTLSVersion})
		}
		p.addFrontend(d, 443, proxy, scheme)
	}
	return d, nil
}

func (p *Provider) addFrontend(d *desired, port int32, proxy Key, scheme string) {
	fr := Key{KindForwardingRule, p.namer.Name("fr", d.lb, map[int32]string{80: "http", 443: "https"}[port])}
	d.add(fr, ForwardingRuleSpec{
		Address: d.address.Name, TargetKind: proxy.Kind, Target: proxy.Name,
		Port: port, IPProtocol: "TCP", LoadBalancingScheme: scheme, Network: defaultNetwork,
	})
	d.ports[port] = fr
}

// addBackend adds a backend's health check, endpoint group and backend service, and returns
// the backend service's name.
func (p *Provider) addBackend(d *desired, b v1alpha1.Backend, targets []providers.Target) (string, error) {
	hc := Key{KindHealthCheck, p.namer.Name("hc", d.lb, b.Name)}
	check := healthCheckFor(b.HealthCheck)
	check.Type = healthCheckType(b.Protocol)
	d.add(hc, check)

	eps := make([]Endpoint, 0, len(targets))
	for _, t := range targets {
		eps = append(eps, Endpoint{IP: t.IP, Port: t.Port, Zone: t.Zone, Node: t.Node})
	}
	sortEndpoints(eps)
	var kind string
	var groups []string
	switch b.TargetType {
	case v1alpha1.TargetTypeIP, "":
		kind = KindNetworkEndpointGroup
		groups = p.addZonalGroups(d, b.Name, eps)
	case v1alpha1.TargetTypeInstance:
		kind = KindInstanceGroup
		group := Key{KindInstanceGroup, p.namer.Name("ig", d.lb, b.Name)}
		d.add(group, InstanceGroupSpec{Instances: eps})
		groups = []string{group.Name}
	default:
		return "", providers.Invalid("TargetTypeInvalid", nil, "backend %s: target type %q is not ip or instance", b.Name, b.TargetType)
	}

	bs := Key{KindBackendService, p.backendServiceName(d.lb, b.Name)}
	timeout := b.TimeoutSeconds
	if timeout == 0 {
		timeout = defaultTimeoutSec
	}
	d.add(bs, BackendServiceSpec{Protocol: cmp.Or(b.Protocol, v1alpha1.ProtocolHTTP), TimeoutSec: timeout, HealthCheck: hc.Name, GroupKind: kind, Groups: groups})
	return bs.Name, nil
}

// addZonalGroups adds one network endpoint group per zone of the backend's endpoints, in
// that zone (an endpoint of unknown zone goes to DefaultZone; a backend without endpoints
// keeps one empty group there), and returns their names, sorted.
func (p *Provider) addZonalGroups(d *desired, backend string, eps []Endpoint) []string {
	byZone := map[string][]Endpoint{}
	for _, e := range eps {
		zone := cmp.Or(e.Zone, DefaultZone)
		byZone[zone] = append(byZone[zone], e)
	}
	if len(byZone) == 0 {
		byZone[DefaultZone] = nil
	}
	var names []string
	for zone, zeps := range byZone {
		k := Key{KindNetworkEndpointGroup, p.namer.Name("neg", d.lb, backend, zone)}
		d.add(k, NetworkEndpointGroupSpec{NetworkEndpointType: "GCE_VM_IP_PORT", Zone: zone, Endpoints: zeps})
		names = append(names, k.Name)
	}
	slices.Sort(names)
	return names
}

// backendServiceName names the backend service of one backend of a load balancer.
func (p *Provider) backendServiceName(lb, backend string) string {
	return p.namer.Name("bs", lb, backend)
}

// healthCheckType is the probe of a backend's protocol, as GCE has them: gRPC servers are
// probed over HTTP/2.
func healthCheckType(protocol string) string {
	switch protocol {
	case v1alpha1.ProtocolHTTPS:
		return "HTTPS"
	case v1alpha1.ProtocolHTTP2, v1alpha1.ProtocolGRPC:
		return "HTTP2"
	}
	return "HTTP"
}

// healthCheckFor fills the defaults of a backend's health check. An unset timeout never
// exceeds the interval, which the Cloud refuses.
func healthCheckFor(h *v1alpha1.HealthCheck) HealthCheckSpec {
	s := HealthCheckSpec{
		Type: "HTTP", RequestPath: "/", CheckIntervalSec: defaultCheckIntervalSec,
		HealthyThreshold: defaultHealthyThreshold, UnhealthyThreshold: defaultUnhealthy,
	}
	if h == nil {
		h = &v1alpha1.HealthCheck{}
	}
	if h.Path != "" {
		s.RequestPath = h.Path
	}
	s.Port = h.Port
	if h.IntervalSeconds != 0 {
		s.CheckIntervalSec = h.IntervalSeconds
	}
	s.TimeoutSec = min(defaultCheckTimeoutSec, s.CheckIntervalSec)
	if h.TimeoutSeconds != 0 {
		s.TimeoutSec = h.TimeoutSeconds
	}
	if h.HealthyThreshold != 0 {
		s.HealthyThreshold = h.HealthyThreshold
	}
	if h.UnhealthyThreshold != 0 {
		s.UnhealthyThreshold = h.UnhealthyThreshold
	}
	return s
}

// addCertificates adds a certificate per distinct TLS Secret, named after its hash so that
// a rotated certificate is a new resource, and returns the names the HTTPS proxy serves.
func (p *Provider) addCertificates(d *desired, want *providers.Desired) ([]string, error) {
	var names []string
	for _, t := range want.Spec.TLS {
		var name string
		switch {
		case t.PreShared != "":
			name = t.PreShared
			d.preShared = append(d.preShared, name)
		case t.SecretRef != nil:
			ref := t.SecretRef.Namespace + "/" + t.SecretRef.Name
			c, ok := want.Certificates[ref]
			if !ok {
				return nil, providers.NotFound("TLSSecretNotFound", nil, "the TLS Secret %s was not resolved; HTTPS is not updated until it is", ref)
			}
			var key []byte
			if c.Key != nil {
				var err error
				if key, err = c.Key(context.Background()); err != nil {
					return nil, providers.Retryable("TLSSecretUnreadable", err, "reading the key of TLS Secret %s", ref)
				}
			}
			hash := c.Hash
			if hash == "" {
				hash = providers.CertificateHash(c.CertPEM, key)
			}
			name = p.namer.Name("cert", d.lb, hash)
			// SHA256 is output only; set here so that a plan names the certificate.
			d.add(Key{KindSslCertificate, name}, SslCertificateSpec{Certificate: string(c.CertPEM), PrivateKey: string(key), SHA256: hash})
		default:
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, providers.Invalid("NoCertificate", nil, "HTTPS needs at least one certificate in spec.tls")
	}
	return names, nil
}
