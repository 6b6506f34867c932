package aws

import (
	"cmp"
	"fmt"

	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// SSL policies of the HTTPS listener by minimum TLS version: AWS's TLS 1.3 policies, which
// offer TLS 1.3 and every version from the minimum up. The default is AWS's own default
// for new listeners, which accepts TLS 1.2 and 1.3.
var sslPolicies = map[string]string{
	"1.0": "ELBSecurityPolicy-TLS13-1-0-2021-06",
	"1.1": "ELBSecurityPolicy-TLS13-1-1-2021-06",
	"1.2": "ELBSecurityPolicy-TLS13-1-2-2021-06",
	"1.3": "ELBSecurityPolicy-TLS13-1-3-2021-06",
	"":    "ELBSecurityPolicy-TLS13-1-2-2021-06",
}

// SSLPolicy returns the ELB security policy of a minimum TLS version ("" for the default).
func SSLPolicy(minTLS string) (string, bool) {
	p, ok := sslPolicies[minTLS]
	return p, ok
}

// listenerName is the name of the resource of an ALB's listener on a port, made from the
// load balancer and the ALB's name: a new ALB (a new scheme) has listeners of its own.
func listenerName(n providers.Namer, lb, alb string, port int32) string {
	return n.Name(abbrevs[KindListener], lb, itoa(port), digest(alb))
}

// ruleName is the name of one rule of a rules resource, from its conditions: a rule keeps
// it when it moves or changes its action.
func ruleName(rules string, r ruleSpec) string { return rules + "/" + digest(r.key()) }

// rulesName is the name of the resource of the rules of that listener.
func rulesName(n providers.Namer, lb, alb string, port int32) string {
	return n.Name(abbrevs[KindListenerRules], lb, itoa(port), digest(alb))
}

// addListeners adds the HTTP listener on 80 and the HTTPS one on 443, each with its rules.
// With ssl-redirect, the HTTP listener redirects every request to HTTPS and has no rules.
func (b *builder) addListeners(lb plan.Key) error {
	routes, err := b.routes()
	if err != nil {
		return err
	}
	fe := b.want.Spec.Frontends
	if fe.HTTP {
		spec := listenerSpec{LoadBalancer: lb.Name, Port: 80, Protocol: elbtypes.ProtocolEnumHttp, Default: routes.def}
		if fe.SSLRedirect && fe.HTTPS {
			spec.Default = action{Redirect: true}
			b.addListener(lb, spec, nil)
		} else {
			b.addListener(lb, spec, routes.rules)
		}
	}
	if fe.HTTPS {
		spec := listenerSpec{LoadBalancer: lb.Name, Port: 443, Protocol: elbtypes.ProtocolEnumHttps, Default: routes.def}
		policy, ok := SSLPolicy(fe.MinTLSVersion)
		if !ok {
			return providers.Invalid("MinTLSVersionInvalid", nil, "spec.frontends.minTLSVersion %q is not one of %v", fe.MinTLSVersion, v1alpha1.TLSVersions)
		}
		// A policy named by the ssl-policy annotation takes precedence; AWS refuses one it
		// does not know, and that refusal reaches the user as the listener's error.
		spec.SSLPolicy = cmp.Or(fe.SSLPolicy, policy)
		certs, certKeys, err := b.addCertificates()
		spec.Certificates = certs
		k := b.addListener(lb, spec, routes.rules, certKeys...)
		if err != nil {
			b.g.Blocked[k] = err
		}
	}
	return nil
}

// addListener adds a listener and, when it has any, its rules.
func (b *builder) addListener(lb plan.Key, spec listenerSpec, rules []ruleSpec, certs ...plan.Key) plan.Key {
	name := listenerName(b.cfg.namer, b.want.Ref.Name, lb.Name, spec.Port)
	spec.Tags = b.tags(map[string]string{TagResource: name})
	refs := append([]plan.Key{lb}, certs...)
	refs = append(refs, b.tgRefs(spec.Default)...)
	k := b.add(KindListener, name, fmt.Sprintf("%s listener on port %d, by default %s", spec.Protocol, spec.Port, spec.Default), spec, refs...)
	if len(rules) == 0 {
		return k
	}
	var ruleRefs []plan.Key
	for _, r := range rules {
		ruleRefs = append(ruleRefs, b.tgRefs(fromAlbrules(r.Rule.Action))...)
	}
	rsName := rulesName(b.cfg.namer, b.want.Ref.Name, lb.Name, spec.Port)
	rs := rulesSpec{Listener: name, Rules: rules, Tags: b.tags(map[string]string{TagResource: rsName})}
	b.add(KindListenerRules, rsName,
		fmt.Sprintf("%d rules of the %s listener", len(rules), spec.Protocol), rs, append([]plan.Key{k}, dedup(ruleRefs)...)...)
	return k
}

// tgRefs is the target group an action forwards to, if any.
func (b *builder) tgRefs(a action) []plan.Key {
	if a.TargetGroup == "" {
		return nil
	}
	return []plan.Key{{Kind: KindTargetGroup, Name: a.TargetGroup}}
}

func dedup(keys []plan.Key) []plan.Key {
	seen := map[plan.Key]bool{}
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
