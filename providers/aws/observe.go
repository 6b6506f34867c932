package aws

import (
	"cmp"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// observe reports what exists after a pass: every owned resource in dependency order, the
// ALB's DNS name, and each frontend port with the error that keeps it from serving as
// wanted.
func (p *Provider) observe(want *providers.Desired, after []plan.Resource, cause func(plan.Key) error, stop error) *providers.Observed {
	slices.SortFunc(after, func(a, b plan.Resource) int {
		return cmp.Or(cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)), cmp.Compare(a.Name, b.Name))
	})
	obs := &providers.Observed{Resources: cloudResources(after)}
	listeners := map[int32]plan.Key{}
	var alb *lbSpec
	for _, r := range after {
		switch s := r.Spec.(type) {
		case lbSpec:
			if alb == nil || string(s.Create.Scheme) == schemeOf(want.Spec, want.Params) {
				alb = &s
			}
		case listenerSpec:
			listeners[s.Port] = r.Key
		}
	}
	if alb != nil && alb.DNSName != "" {
		obs.Addresses = []v1alpha1.Address{{Hostname: alb.DNSName}}
	}
	if alb != nil && alb.State == string(elbtypes.LoadBalancerStateEnumProvisioning) {
		obs.Pending = "AWS is provisioning the Application Load Balancer " + aws.ToString(alb.Create.Name) +
			"; it serves traffic once active, usually within a few minutes"
	}
	fe := want.Spec.Frontends
	for _, port := range []int32{80, 443} {
		if port == 80 && !fe.HTTP || port == 443 && !fe.HTTPS {
			continue
		}
		k, exists := listeners[port]
		var err error
		if exists {
			err = cause(k)
			if err == nil && alb != nil {
				err = cause(plan.Key{Kind: KindListenerRules, Name: rulesName(p.namer, want.Ref.Name, aws.ToString(alb.Create.Name), port)})
			}
		} else if err = stop; err == nil {
			err = errors.New("the listener was not created")
		}
		obs.Ports = append(obs.Ports, portStatus(port, err))
	}
	return obs
}

// cloudResources lists resources as the status shows them: each with its ID or ARN, a
// listener and a target group with the fingerprint a restart may trust (see trust.go), and
// each listener rule on its own, as AWS holds it.
func cloudResources(after []plan.Resource) []v1alpha1.CloudResource {
	rulesByListener := map[string]string{}
	for _, r := range after {
		if s, ok := r.Spec.(rulesSpec); ok {
			rulesByListener[s.Listener] = r.Fields[fieldRules]
		}
	}
	var out []v1alpha1.CloudResource
	for _, r := range after {
		res := v1alpha1.CloudResource{Kind: r.Kind, Name: r.Name}
		switch s := r.Spec.(type) {
		case sgSpec:
			res.ID = s.ID
		case tgSpec:
			res.ID, res.Fingerprint = s.ARN, targetFingerprint(s.Targets)
		case certSpec:
			res.ID = s.ARN
		case lbSpec:
			res.ID, res.State = s.ARN, s.State
		case listenerSpec:
			res.ID, res.Fingerprint = s.ARN, listenerFingerprint(r.Fields, rulesByListener[r.Name])
		case rulesSpec:
			for _, rule := range s.Rules {
				out = append(out, v1alpha1.CloudResource{Kind: KindListenerRule, Name: ruleName(r.Name, rule), ID: rule.ARN})
			}
			continue
		}
		out = append(out, res)
	}
	return out
}

// portStatus reports a frontend port: a CamelCase reason in Error, as the Ingress API wants,
// and what failed in Message.
func portStatus(port int32, err error) v1alpha1.PortStatus {
	ps := v1alpha1.PortStatus{Port: port, Protocol: "TCP"}
	if err != nil {
		ps.Error, ps.Message = providers.ReasonOf(err), err.Error()
	}
	return ps
}
