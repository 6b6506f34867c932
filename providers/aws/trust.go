package aws

import (
	"context"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// AWS reads a load balancer's listeners and rules, and a target group's targets, one
// load balancer, listener or group at a time. The caches (details.go, targets.go) spare
// those reads while the process lives; across a restart, the LoadBalancer's status carries
// the same trust: each listener's entry in Observed.Resources holds a fingerprint of the
// listener and its rules as observed, each target group's a fingerprint of its registered
// targets, and the controller passes the status back in Desired.Known. A restarted
// provider whose wanted listener (with its rules) or targets hash to the recorded
// fingerprint, and which knows each listener's and rule's ARN from the status, takes them
// as they were left and reads nothing; otherwise it reads as before. The price, as for
// gcp's endpoint groups: a change made outside portico while the controller was down, or
// between a write and the status write that recorded it, is not seen until the resource
// next changes or its cache expires (DetailResync, HealthResync). A status that is lost
// costs only reads.

// targetFingerprint is what the status records of a target group: a hash of its targets.
func targetFingerprint(ts []elbtypes.TargetDescription) string { return digest(targetList(ts)) }

// listenerFingerprint is what the status records of a listener: a hash of its fields and
// of its rules' ("" for none).
func listenerFingerprint(fields map[string]string, rules string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, 2*len(keys)+1)
	for _, k := range keys {
		parts = append(parts, k, fields[k])
	}
	return digest(append(parts, rules)...)
}

// trusted is what a pass may take from the status instead of reading it.
type trusted struct {
	known map[plan.Key]v1alpha1.CloudResource
	graph []plan.Resource
}

// trustOf returns what a pass may trust; nil when the status records nothing.
func trustOf(want *providers.Desired, g plan.Graph) *trusted {
	if want == nil || len(want.Known) == 0 {
		return nil
	}
	t := &trusted{known: map[plan.Key]v1alpha1.CloudResource{}, graph: g.Resources}
	for _, r := range want.Known {
		t.known[plan.Key{Kind: r.Kind, Name: r.Name}] = r
	}
	return t
}

// targets returns the wanted targets of a group whose recorded fingerprint they match.
func (t *trusted) targets(name string) ([]elbtypes.TargetDescription, bool) {
	if t == nil {
		return nil, false
	}
	k := plan.Key{Kind: KindTargetGroup, Name: name}
	rec, ok := t.known[k]
	if !ok || rec.Fingerprint == "" {
		return nil, false
	}
	for _, r := range t.graph {
		if s, ok := r.Spec.(tgSpec); ok && r.Key == k && targetFingerprint(s.Targets) == rec.Fingerprint {
			return s.Targets, true
		}
	}
	return nil, false
}

// rulesOfListener returns the wanted rules resource of a listener, if any.
func rulesOfListener(graph []plan.Resource, listener string) (plan.Resource, bool) {
	for _, r := range graph {
		if s, ok := r.Spec.(rulesSpec); ok && s.Listener == listener {
			return r, true
		}
	}
	return plan.Resource{}, false
}

// details returns the listeners of an ALB as the status recorded them, when every wanted
// listener of it matches its recorded fingerprint and every ARN is recorded; resolve gives
// the ARNs of target groups and certificates.
func (t *trusted) details(alb string, resolve func(kind, name string) (string, bool)) ([]*listenerDetail, bool) {
	if t == nil {
		return nil, false
	}
	var out []*listenerDetail
	for _, r := range t.graph {
		s, ok := r.Spec.(listenerSpec)
		if !ok || s.LoadBalancer != alb {
			continue
		}
		rec, ok := t.known[r.Key]
		rules, _ := rulesOfListener(t.graph, r.Name)
		if !ok || rec.ID == "" || rec.Fingerprint != listenerFingerprint(r.Fields, rules.Fields[fieldRules]) {
			return nil, false
		}
		d, ok := t.detail(rec.ID, s, rules, resolve)
		if !ok {
			return nil, false
		}
		out = append(out, d)
	}
	return out, len(out) > 0
}

// detail builds a listener and its rules as DescribeListeners and DescribeRules would
// answer for the wanted ones, with the recorded ARNs.
func (t *trusted) detail(arn string, s listenerSpec, rules plan.Resource, resolve func(kind, name string) (string, bool)) (*listenerDetail, bool) {
	failed := false
	tg := func(name string) (string, error) {
		a, ok := resolve(KindTargetGroup, name)
		failed = failed || !ok
		return a, nil
	}
	def, _ := s.Default.sdkActions(tg)
	d := &listenerDetail{Listener: elbtypes.Listener{ListenerArn: aws.String(arn), Port: aws.Int32(s.Port), Protocol: s.Protocol, DefaultActions: def}}
	if s.SSLPolicy != "" && s.Protocol == elbtypes.ProtocolEnumHttps {
		d.Listener.SslPolicy = aws.String(s.SSLPolicy)
	}
	for _, c := range s.Certificates {
		a := c.ARN
		if c.Resource != "" {
			var ok bool
			if a, ok = resolve(KindCertificate, c.Resource); !ok {
				return nil, false
			}
		}
		d.Certs = append(d.Certs, a)
	}
	if len(d.Certs) > 0 {
		d.Listener.Certificates = []elbtypes.Certificate{{CertificateArn: aws.String(d.Certs[0])}}
	}
	if rs, ok := rules.Spec.(rulesSpec); ok {
		for _, r := range rs.Rules {
			rec, ok := t.known[plan.Key{Kind: KindListenerRule, Name: ruleName(rules.Name, r)}]
			if !ok || rec.ID == "" {
				return nil, false
			}
			actions, _ := ruleActions(r.Rule.Action, tg)
			d.Rules = append(d.Rules, elbtypes.Rule{RuleArn: aws.String(rec.ID), Priority: aws.String(strconv.Itoa(int(r.Priority))),
				Conditions: r.Rule.Conditions(), Actions: actions})
		}
	}
	return d, !failed
}

// seedDetails fills the detail cache of an ALB the cache does not know from the status,
// when it can be trusted.
func (r *reads) seedDetails(ctx context.Context, region string, lb plan.Resource, t *trusted) {
	arn := lb.Spec.(lbSpec).ARN
	if t == nil || arn == "" {
		return
	}
	now := r.p.opts.Clock.Now()
	if _, ok := r.details.get(arn, now, r.p.opts.DetailResync); ok {
		return
	}
	resolve := func(kind, name string) (string, bool) {
		res, ok, err := r.cache.Get(ctx, region, kind, name)
		if err != nil || !ok {
			return "", false
		}
		switch s := res.Spec.(type) {
		case tgSpec:
			return s.ARN, s.ARN != ""
		case certSpec:
			return s.ARN, s.ARN != ""
		}
		return "", false
	}
	if ds, ok := t.details(lb.Name, resolve); ok {
		r.details.store(arn, now, ds)
	}
}
