package aws_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"slices"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/aws/awstest"
	"github.com/portico-dev/portico/providers/providertest"
)

var _ providertest.FaultyCloud = (*contractCloud)(nil)

// SetFaults injects the faults in every region's awstest: a failed call is throttled or
// answers 500, having changed nothing; a lost answer is a write that landed whose
// connection reset, which the SDK's standard retryer retries as it would AWS's.
func (c *contractCloud) SetFaults(f providertest.Faults) {
	for _, srv := range c.srvs {
		srv.SetFaults(awstest.Faults{ThrottleRate: f.CallFailures / 2, ServerErrorRate: f.CallFailures/2 + f.OperationFailures/2, Seed: f.Seed})
	}
	c.fail.mu.Lock()
	defer c.fail.mu.Unlock()
	c.fail.lose, c.fail.rand = f.LostAnswers, rand.New(rand.NewSource(f.Seed))
}

// Faulted counts the calls the faults failed: throttled, answered 500, or answers lost.
func (c *contractCloud) Faulted() int {
	n := 0
	for _, srv := range c.srvs {
		for _, call := range srv.Calls() {
			if call.Status == http.StatusInternalServerError || call.Status == http.StatusServiceUnavailable ||
				strings.Contains(call.Code, "Throttl") || call.Code == "RequestLimitExceeded" {
				n++
			}
		}
	}
	c.fail.mu.Lock()
	defer c.fail.mu.Unlock()
	return n + c.fail.lost
}

// Fields returns every resource by region, kind and name, with what decides how it serves
// and nothing two clouds choose apart (IDs, ARNs, DNS names): its tags, a target group's
// targets, and each listener's rules with their priorities, conditions and the target
// groups they forward to, by name.
func (c *contractCloud) Fields() map[string]string {
	out := map[string]string{}
	for region, srv := range c.srvs {
		tgNames := map[string]string{}
		for _, r := range srv.Inventory() {
			if r.Kind == "TargetGroup" {
				tgNames[r.ID] = r.Name
			}
		}
		for _, r := range srv.Inventory() {
			if r.ID == awstest.DefaultNodeSecurityGroup || r.Kind == "Rule" && r.Name == "default" {
				continue
			}
			id := region + "/" + r.Kind + " " + nameOf(r)
			fields := []string{"tags " + tagLine(r.Tags)}
			switch r.Kind {
			case "TargetGroup":
				// Draining targets are left out: whether AWS drains a deregistered target
				// or drops it at once depends on whether a rule used its group just then.
				var ts []string
				for _, t := range srv.Targets(r.ID) {
					if t.State != "draining" {
						ts = append(ts, fmt.Sprintf("%s:%d", t.ID, t.Port))
					}
				}
				slices.Sort(ts)
				fields = append(fields, "targets "+strings.Join(ts, ","))
			case "LoadBalancer":
				for _, port := range []int32{80, 443} {
					rules, ok := srv.ListenerRules(r.ID, port)
					if !ok {
						continue
					}
					for _, rule := range rules {
						fields = append(fields, fmt.Sprintf("port %d rule %s", port, ruleLine(rule, tgNames)))
					}
				}
			}
			out[id] = strings.Join(fields, "; ")
		}
	}
	return out
}

func tagLine(tags map[string]string) string {
	var kv []string
	for k, v := range tags {
		kv = append(kv, k+"="+v)
	}
	slices.Sort(kv)
	return strings.Join(kv, ",")
}

// ruleLine is a rule's priority, conditions and actions, with target groups by name.
func ruleLine(rule elbtypes.Rule, tgNames map[string]string) string {
	parts := []string{awssdk.ToString(rule.Priority)}
	for _, c := range rule.Conditions {
		vals := slices.Clone(c.Values)
		if c.HostHeaderConfig != nil {
			vals = append(vals, c.HostHeaderConfig.Values...)
			vals = append(vals, c.HostHeaderConfig.RegexValues...)
		}
		if c.PathPatternConfig != nil {
			vals = append(vals, c.PathPatternConfig.Values...)
		}
		parts = append(parts, awssdk.ToString(c.Field)+"="+strings.Join(vals, "|"))
	}
	for _, a := range rule.Actions {
		line := string(a.Type)
		if a.TargetGroupArn != nil {
			line += " " + tgNames[*a.TargetGroupArn]
		}
		if a.FixedResponseConfig != nil {
			line += " " + awssdk.ToString(a.FixedResponseConfig.StatusCode)
		}
		parts = append(parts, line)
	}
	return strings.Join(parts, " ")
}
