package gcptest

import (
	"net"
	"net/http"
	"regexp"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/protobuf/proto"
)

// globalForwardingRules send an IP and port to a target proxy. The target
// changes through setTarget only, and patch changes only the network tier.
var globalForwardingRules = register(&kind{
	collection: "forwardingRules", iamName: "globalForwardingRules", kindName: "compute#forwardingRule",
	newItem:   func() proto.Message { return &computepb.ForwardingRule{} },
	newList:   func() proto.Message { return &computepb.ForwardingRuleList{} },
	patch:     true,
	patchable: []string{"networkTier"},
	prepare: func(s *Server, _ *project, m proto.Message) {
		if f := m.(*computepb.ForwardingRule); f.IPAddress == nil {
			f.IPAddress = proto.String(s.newIP())
		}
	},
	extraRefs: func(p *project, m proto.Message) []string {
		if link, ok := p.addressWithIP(m.(*computepb.ForwardingRule).GetIPAddress()); ok {
			return []string{link}
		}
		return nil
	},
	validate: func(p *project, m proto.Message) error {
		f := m.(*computepb.ForwardingRule)
		if err := validateForwardingRule(f); err != nil {
			return err
		}
		addressToIP(p, f)
		return portFree(p, f)
	},
})

func init() {
	addCRUD(globalForwardingRules)
	addRoute(http.MethodPost, "global/forwardingRules/*/setTarget", globalForwardingRules, "setTarget", true, setTarget)
}

var portRangeRE = regexp.MustCompile(`^[0-9]{1,5}(-[0-9]{1,5})?$`)

func validateForwardingRule(f *computepb.ForwardingRule) error {
	if err := requireScheme(f.GetLoadBalancingScheme()); err != nil {
		return err
	}
	if f.IPProtocol == nil {
		f.IPProtocol = proto.String("TCP")
	}
	if f.GetIPProtocol() != "TCP" {
		return errInvalid("Invalid value for field 'resource.IPProtocol': '%s'. An Application Load Balancer takes TCP", f.GetIPProtocol())
	}
	if !portRangeRE.MatchString(f.GetPortRange()) {
		return errInvalid("Invalid value for field 'resource.portRange': '%s'", f.GetPortRange())
	}
	if ip := f.GetIPAddress(); ip != "" && net.ParseIP(ip) == nil {
		if _, ok := parseRef(ip, ""); !ok {
			return errInvalid("Invalid value for field 'resource.IPAddress': '%s'", ip)
		}
	}
	return validateTarget(f.GetTarget())
}

// validateTarget: a forwarding rule of this scheme points at a target proxy.
func validateTarget(target string) error {
	if target == "" {
		return errRequired("resource.target")
	}
	r, ok := parseRef(target, "")
	if !ok || (r.collection != targetHTTPProxies.collection && r.collection != targetHTTPSProxies.collection) {
		return errInvalid("Invalid value for field 'resource.target': '%s'. It must be a target HTTP or HTTPS proxy", target)
	}
	return nil
}

func setTarget(s *Server, c *call) (proto.Message, error) {
	body := &computepb.TargetReference{}
	return s.setOn(c, body, "setTarget", func(next proto.Message) {
		next.(*computepb.ForwardingRule).Target = body.Target
	})
}

// addressToIP replaces a reference to a global address by the address's IP: Google
// resolves the address a rule is created with and reports only the IP from then on, so a
// client comparing what it sent with what it reads must bridge the two. The reference was
// checked to exist before.
func addressToIP(p *project, f *computepb.ForwardingRule) {
	r, ok := parseRef(f.GetIPAddress(), p.name)
	if !ok || r.collection != globalAddresses.collection {
		return
	}
	if a, found := p.lookup(globalAddresses, "", r.name); found {
		f.IPAddress = proto.String(a.(*computepb.Address).GetAddress())
	}
}

// portFree refuses a second forwarding rule on the same address and ports.
func portFree(p *project, f *computepb.ForwardingRule) error {
	if f.IPAddress == nil {
		return nil
	}
	for _, m := range p.items["forwardingRules"] {
		other := m.(*computepb.ForwardingRule)
		if other.GetName() != f.GetName() && other.GetIPAddress() == f.GetIPAddress() && other.GetPortRange() == f.GetPortRange() {
			return errInvalid("Invalid value for field 'resource.IPAddress': '%s'. Specified IP address is in-use and would result in a conflict.", f.GetIPAddress())
		}
	}
	return nil
}
