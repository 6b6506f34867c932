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
	hcName := b.name(KindHealthCheck, be.Name)
	hc := b.add(KindHealthCheck, hcName, "HTTP health check", b.healthCheck(hcName, be.HealthCheck))
	groups := b.addZonalGroups(be.Name, b.want.Targets[be.Name])

	name := b.name(KindBackendService, be.Name)
	bs := &computepb.BackendService{
		Name: proto.String(name), Description: proto.String(b.description),
		LoadBalancingScheme: proto.String(externalManaged), Protocol: proto.String("HTTP"),
		TimeoutSec:         proto.Int32(cmp.Or(be.TimeoutSeconds, defaultTimeoutSec)),
		HealthChecks:       []string{b.global(KindHealthCheck, hcName)},
		ConnectionDraining: &computepb.ConnectionDraining{DrainingTimeoutSec: proto.Int32(DrainingTimeoutSec)},
	}
	refs := []plan.Key{hc}
	for _, g := range groups {
		bs.Backends = append(bs.Backends, &computepb.Backend{
			Group:         proto.String(b.zonal(KindNetworkEndpointGroup, g.zone, g.key.Name)),
			BalancingMode: proto.String("RATE"), MaxRatePerEndpoint: proto.Float32(maxRatePerEndpoint),
			CapacityScaler: proto.Float32(1), // Google's default, which it reports
		})
		refs = append(refs, g.key)
	}
	b.add(KindBackendService, name, "backend service of "+be.Name, bs, refs...)
	return name, nil
}

// healthCheck fills the defaults of a backend's health check. An unset timeout never
// exceeds the interval, which Google refuses; an unset port is the serving port.
func (b *builder) healthCheck(name string, h *v1alpha1.HealthCheck) *computepb.HealthCheck {
	if h == nil {
		h = &v1alpha1.HealthCheck{}
	}
	interval := cmp.Or(h.IntervalSeconds, defaultCheckIntervalSec)
	check := &computepb.HTTPHealthCheck{RequestPath: proto.String(cmp.Or(h.Path, "/")), PortSpecification: proto.String("USE_SERVING_PORT"),
		ProxyHeader: proto.String("NONE")} // Google's default, which it reports
	if h.Port != 0 {
		check.Port, check.PortSpecification = proto.Int32(h.Port), proto.String("USE_FIXED_PORT")
	}
	return &computepb.HealthCheck{
		Name: proto.String(name), Description: proto.String(b.description), Type: proto.String("HTTP"),
		HttpHealthCheck:    check,
		CheckIntervalSec:   proto.Int32(interval),
		TimeoutSec:         proto.Int32(cmp.Or(h.TimeoutSeconds, min(defaultCheckTimeoutSec, interval))),
		HealthyThreshold:   proto.Int32(cmp.Or(h.HealthyThreshold, defaultHealthyThreshold)),
		UnhealthyThreshold: proto.Int32(cmp.Or(h.UnhealthyThreshold, defaultUnhealthy)),
	}
}

// zonalGroup is one endpoint group of a backend.
type zonalGroup struct {
	key  plan.Key
	zone string
}

// addZonalGroups adds one GCE_VM_IP_PORT endpoint group per zone of the backend's targets
// (pod IPs, or for target type instance node IPs and NodePorts, each on its node's VM)
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
		name := b.name(KindNetworkEndpointGroup, backend, zone)
		spec := negSpec{Zone: zone, Endpoints: eps, Group: &computepb.NetworkEndpointGroup{
			Name: proto.String(name), Description: proto.String(b.description), NetworkEndpointType: proto.String("GCE_VM_IP_PORT"),
		}}
		k := b.add(KindNetworkEndpointGroup, name, strconv.Itoa(len(eps))+" endpoint(s) in "+zone, spec)
		out = append(out, zonalGroup{key: k, zone: zone})
	}
	return out
}

func itoa(i int32) string { return strconv.Itoa(int(i)) }
