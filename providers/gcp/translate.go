package gcp

import (
	"context"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// externalManaged is the scheme of a global external Application Load Balancer, the one
// whose URL maps take route rules with header matches.
const externalManaged = "EXTERNAL_MANAGED"

// config is what the translation needs besides the load balancer.
type config struct {
	project string
	cluster string
	namer   providers.Namer
	site
}

// builder accumulates the graph of one load balancer.
type builder struct {
	cfg         config
	ctx         context.Context
	want        *providers.Desired
	description string
	g           plan.Graph
}

// graph translates a load balancer into the resources it needs in scope (its location).
// It does no I/O but reading the key of a TLS Secret whose hash the controller left unset.
func (c config) graph(ctx context.Context, want *providers.Desired, scope string) (plan.Graph, error) {
	if want == nil || want.Ref.Name == "" {
		return plan.Graph{}, providers.Invalid("LoadBalancerNameMissing", nil, "the desired load balancer has no name")
	}
	b := &builder{cfg: c, ctx: ctx, want: want,
		description: providers.Owner{ClusterID: c.cluster, LoadBalancer: want.Ref.Name}.Description(),
		g:           plan.Graph{Scope: scope, Blocked: map[plan.Key]error{}},
	}
	services := map[string]string{}
	for _, be := range want.Spec.Backends {
		bs, err := b.addBackend(be)
		if err != nil {
			return plan.Graph{}, err
		}
		services[be.Name] = bs
	}
	routes, err := b.addURLMap(services)
	if err != nil {
		return plan.Graph{}, err
	}
	b.addFrontends(routes)
	return b.g, nil
}

// name returns the name of one of the load balancer's resources.
func (b *builder) name(kind string, parts ...string) string {
	return b.cfg.namer.Name(kinds[kind].abbrev, b.want.Ref.Name, parts...)
}

// global returns the relative URL of a global resource.
func (b *builder) global(kind, name string) string {
	return "projects/" + b.cfg.project + "/global/" + kinds[kind].collection + "/" + name
}

// zonal returns the relative URL of a zonal resource.
func (b *builder) zonal(kind, zone, name string) string {
	return "projects/" + b.cfg.project + "/zones/" + zone + "/" + kinds[kind].collection + "/" + name
}

// add puts a resource into the graph.
func (b *builder) add(kind, name, summary string, spec any, refs ...plan.Key) plan.Key {
	k := plan.Key{Kind: kind, Name: name}
	b.g.Resources = append(b.g.Resources, plan.Resource{
		Key: k, Fields: fieldsOf(kind, spec), Immutable: kinds[kind].immutable,
		Refs: refs, Summary: summary, Spec: spec,
	})
	return k
}

// addFrontends adds the address, target proxies and forwarding rules of the listeners.
func (b *builder) addFrontends(routes plan.Key) {
	fe := b.want.Spec.Frontends
	if !fe.HTTP && !fe.HTTPS {
		return
	}
	address := plan.Key{Kind: KindAddress, Name: b.want.Spec.StaticAddress}
	if address.Name == "" {
		address = b.add(KindAddress, b.name(KindAddress), "global IPv4 address",
			&computepb.Address{Name: proto.String(b.name(KindAddress)), Description: proto.String(b.description), IpVersion: proto.String("IPV4")})
	}
	if fe.HTTP {
		httpRoutes := routes
		if fe.SSLRedirect && fe.HTTPS {
			httpRoutes = b.addRedirect()
		}
		proxy := b.add(KindTargetHTTPProxy, b.name(KindTargetHTTPProxy), "HTTP proxy of "+httpRoutes.Name, &computepb.TargetHttpProxy{
			Name: proto.String(b.name(KindTargetHTTPProxy)), Description: proto.String(b.description), UrlMap: proto.String(b.global(KindURLMap, httpRoutes.Name)),
		}, httpRoutes)
		b.addForwardingRule(80, "http", address, proxy)
	}
	if fe.HTTPS {
		proxy := b.addHTTPSProxy(routes)
		b.addForwardingRule(443, "https", address, proxy)
	}
}

// addRedirect adds the URL map of the HTTP listener that redirects every request to HTTPS.
func (b *builder) addRedirect() plan.Key {
	name := b.name(KindURLMap, "redirect")
	return b.add(KindURLMap, name, "redirects every request to HTTPS", &computepb.UrlMap{
		Name: proto.String(name), Description: proto.String(b.description),
		DefaultUrlRedirect: &computepb.HttpRedirectAction{HttpsRedirect: proto.Bool(true), RedirectResponseCode: proto.String("MOVED_PERMANENTLY_DEFAULT"), StripQuery: proto.Bool(false)},
	})
}

func (b *builder) addForwardingRule(port int32, listener string, address, proxy plan.Key) {
	name := b.name(KindForwardingRule, listener)
	kind := KindTargetHTTPProxy
	if port == 443 {
		kind = KindTargetHTTPSProxy
	}
	b.add(KindForwardingRule, name, listener+" on "+address.Name, &computepb.ForwardingRule{
		Name: proto.String(name), Description: proto.String(b.description),
		IPAddress: proto.String(b.global(KindAddress, address.Name)), IPProtocol: proto.String("TCP"),
		PortRange: proto.String(portRange(port)), Target: proto.String(b.global(kind, proxy.Name)),
		LoadBalancingScheme: proto.String(externalManaged),
	}, address, proxy)
}

// portRange is how Google reports the port of a forwarding rule: "80-80".
func portRange(port int32) string {
	p := itoa(port)
	return p + "-" + p
}
