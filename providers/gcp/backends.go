package gcp

import (
	"cmp"
	"maps"
	"slices"
	"strconv"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// Defaults portico writes where the spec leaves a field zero, the values Google would fill
// in, so that the wanted resource compares equal to what Google reports.
const (
	defaultTimeoutSec       = 30
	defaultCheckIntervalSec = 5
	defaultCheckTimeoutSec  = 5
	defaultHealthyThreshold = 2
	defaultUnhealthy        = 2
	// maxRatePerEndpoint is the RATE balancing a NEG backend needs: requests per second per
	// endpoint before the load balancer prefers another zone.
	maxRatePerEndpoint = 100
	// defaultPortName is the port name Google gives a backend service that names none; an
	// endpoint group's backend service keeps it, as endpoints carry their own ports.
	defaultPortName = "http"
	// DrainingTimeoutSec is how long a backend service lets the requests in flight to a
	// detached endpoint finish (connectionDraining.drainingTimeoutSec). The controller
	// detaches an endpoint as soon as its pod starts terminating, so a pod whose
	// terminationGracePeriodSeconds (or preStop hook) covers this time never drops a request.
	// Google's own default is 0: no draining at all.
	DrainingTimeoutSec = 30
)

// addBackend adds a backend's health check, zonal endpoint groups and backend service, and
// returns the backend service's name.
func (b *builder) addBackend(be v1alpha1.Backend) (string, error) {
	switch be.TargetType {
	case v1alpha1.TargetTypeIP, v1alpha1.TargetTypeInstance, "":
	default:
		return "", providers.Invalid("TargetTypeInvalid", nil, "backend %s: target type %q is not ip or instance", be.Name, be.TargetType)
	}
	protocol := backendProtocol(be.Protocol)
	hcName := b.name(KindHealthCheck, be.Name)
	hc := b.add(KindHealthCheck, hcName, protocol+" health check", b.healthCheck(hcName, protocol, be.HealthCheck))

	name := b.name(KindBackendService, be.Name)
	bs := &computepb.BackendService{
		Name: proto.String(name), Description: proto.String(b.serviceDescription(be.Service)),
		LoadBalancingScheme: proto.String(externalManaged), Protocol: proto.String(protocol),
		PortName:           proto.String(defaultPortName),
		TimeoutSec:         proto.Int32(cmp.Or(be.TimeoutSeconds, defaultTimeoutSec)),
		HealthChecks:       []string{b.global(KindHealthCheck, hcName)},
		ConnectionDraining: &computepb.ConnectionDraining{DrainingTimeoutSec: proto.Int32(DrainingTimeoutSec)},
	}
	refs := []plan.Key{hc}
	if be.TargetType == v1alpha1.TargetTypeInstance {
		refs = append(refs, b.instanceBackends(bs, b.want.Targets[be.Name])...)
	} else {
		refs = append(refs, b.negBackends(bs, be.Name)...)
	}
	b.add(KindBackendService, name, "backend service of "+be.Name, bs, refs...)
	return name, nil
}

// negBackends points a backend service at the backend's endpoint groups, balanced by rate.
func (b *builder) negBackends(bs *computepb.BackendService, backend string) []plan.Key {
	var refs []plan.Key
	for _, g := range b.addZonalGroups(backend, b.want.Targets[backend]) {
		bs.Backends = append(bs.Backends, &computepb.Backend{
			Group:         proto.String(b.zonal(KindNetworkEndpointGroup, g.zone, g.key.Name)),
			BalancingMode: proto.String("RATE"), MaxRatePerEndpoint: proto.Float32(maxRatePerEndpoint),
			CapacityScaler: proto.Float32(1), // Google's default, which it reports
		})
		refs = append(refs, g.key)
	}
	return refs
}

// serviceDescription is the ownership record of a backend service, naming the Kubernetes
// Service port it serves: the Cloud Console shows descriptions, not the names' hashes.
func (b *builder) serviceDescription(svc v1alpha1.ServiceRef) string {
	port := svc.PortName
	if port == "" {
		port = itoa(svc.PortNumber)
	}
	return providers.Owner{ClusterID: b.cfg.cluster, LoadBalancer: b.want.Ref.Name,
		Service: svc.Namespace + "/" + svc.Name + ":" + port}.Description()
}

// backendProtocol is the backend service protocol of a backend: gRPC is served over HTTP/2,
// the only way a global external Application Load Balancer speaks it.
func backendProtocol(p string) string {
	switch p {
	case v1alpha1.ProtocolHTTPS:
		return "HTTPS"
	case v1alpha1.ProtocolHTTP2, v1alpha1.ProtocolGRPC:
		return "HTTP2"
	}
	return "HTTP"
}

// healthCheck fills the defaults of a backend's health check, of the backend's protocol so
// that a pod serving only TLS or HTTP/2 is probed the way it serves. An unset timeout never
// exceeds the interval, which Google refuses; an unset port is the serving port.
func (b *builder) healthCheck(name, protocol string, h *v1alpha1.HealthCheck) *computepb.HealthCheck {
	if h == nil {
		h = &v1alpha1.HealthCheck{}
	}
	interval := cmp.Or(h.IntervalSeconds, defaultCheckIntervalSec)
	path, portSpec := proto.String(cmp.Or(h.Path, "/")), proto.String("USE_SERVING_PORT")
	var port *int32
	if h.Port != 0 {
		port, portSpec = proto.Int32(h.Port), proto.String("USE_FIXED_PORT")
	}
	none := proto.String("NONE") // Google's default proxy header, which it reports
	hc := &computepb.HealthCheck{
		Name: proto.String(name), Description: proto.String(b.description), Type: proto.String(protocol),
		CheckIntervalSec:   proto.Int32(interval),
		TimeoutSec:         proto.Int32(cmp.Or(h.TimeoutSeconds, min(defaultCheckTimeoutSec, interval))),
		HealthyThreshold:   proto.Int32(cmp.Or(h.HealthyThreshold, defaultHealthyThreshold)),
		UnhealthyThreshold: proto.Int32(cmp.Or(h.UnhealthyThreshold, defaultUnhealthy)),
	}
	switch protocol {
	case "HTTPS":
		hc.HttpsHealthCheck = &computepb.HTTPSHealthCheck{RequestPath: path, Port: port, PortSpecification: portSpec, ProxyHeader: none}
	case "HTTP2":
		hc.Http2HealthCheck = &computepb.HTTP2HealthCheck{RequestPath: path, Port: port, PortSpecification: portSpec, ProxyHeader: none}
	default:
		hc.HttpHealthCheck = &computepb.HTTPHealthCheck{RequestPath: path, Port: port, PortSpecification: portSpec, ProxyHeader: none}
	}
	return hc
}

// zonalGroup is one endpoint group of a backend.
type zonalGroup struct {
	key  plan.Key
	zone string
}

// addZonalGroups adds one GCE_VM_IP_PORT endpoint group per zone of the backend's pod IPs
// (a target of unknown zone goes to the default zone; a backend without targets keeps one
// empty group there), in the order of their zones.
func (b *builder) addZonalGroups(backend string, targets []providers.Target) []zonalGroup {
	byZone := map[string][]*computepb.NetworkEndpoint{}
	for _, t := range targets {
		zone := cmp.Or(t.Zone, b.cfg.zone)
		ep := &computepb.NetworkEndpoint{IpAddress: proto.String(t.IP), Port: proto.Int32(t.Port)}
		if t.Node != "" {
			ep.Instance = proto.String(t.Node)
		}
		byZone[zone] = append(byZone[zone], ep)
	}
	if len(byZone) == 0 {
		byZone[b.cfg.zone] = nil
	}
	var out []zonalGroup
	for _, zone := range slices.Sorted(maps.Keys(byZone)) {
		eps := byZone[zone]
		name := b.name(KindNetworkEndpointGroup, b.negNameParts(backend, zone)...)
		spec := negSpec{Zone: zone, Endpoints: eps, Group: &computepb.NetworkEndpointGroup{
			Name: proto.String(name), Description: proto.String(b.description), NetworkEndpointType: proto.String("GCE_VM_IP_PORT"),
			Network: proto.String("projects/" + b.cfg.project + "/global/networks/" + b.cfg.network),
		}}
		if b.cfg.subnetwork != "" {
			spec.Group.Subnetwork = proto.String("projects/" + b.cfg.project + "/regions/" + regionOf(zone) + "/subnetworks/" + b.cfg.subnetwork)
		}
		k := b.add(KindNetworkEndpointGroup, name, strconv.Itoa(len(eps))+" endpoint(s) in "+zone, spec)
		out = append(out, zonalGroup{key: k, zone: zone})
	}
	return out
}

// negNameParts name a group after its backend and zone, and its network and subnetwork
// unless they are the defaults: Google cannot move a group, so another network is another
// group, made and swapped into the backend service before the old one is deleted (a group
// of the same name would have to be deleted while in use). Groups of the default network
// keep the names they had before networks were named.
func (b *builder) negNameParts(backend, zone string) []string {
	parts := []string{backend, zone}
	if b.cfg.network != DefaultNetwork {
		parts = append(parts, "network="+b.cfg.network)
	}
	if b.cfg.subnetwork != "" {
		parts = append(parts, "subnetwork="+b.cfg.subnetwork)
	}
	return parts
}

func itoa(i int32) string { return strconv.Itoa(int(i)) }
