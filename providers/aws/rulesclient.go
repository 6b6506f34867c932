package aws

import (
	"context"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/providers/plan"
)

// maxPriority is the highest rule priority AWS takes; new rules are created from it
// downwards, where they are tried last, then moved into place together.
const maxPriority = 50000

// createRules creates the rules of a listener that has none, at their priorities.
func (c *client) createRules(ctx context.Context, want plan.Resource, s rulesSpec) error {
	lbARN, arn, err := c.listenerARN(ctx, want, s.Listener)
	if err != nil {
		return err
	}
	for _, r := range s.Rules {
		if err := c.createRule(ctx, want, lbARN, arn, r, r.Priority); err != nil {
			return err
		}
	}
	return nil
}

func (c *client) createRule(ctx context.Context, res plan.Resource, lbARN, arn string, r ruleSpec, priority int32) error {
	actions, err := ruleActions(r.Rule.Action, c.tgARN(ctx))
	if err != nil {
		return err
	}
	tags := maps.Clone(res.Spec.(rulesSpec).Tags)
	tags[TagResource] = ruleName(res.Name, r)
	var out *elbv2.CreateRuleOutput
	err = c.c.write(ctx, "elbv2.CreateRule", "create a rule of "+res.String(), func() (err error) {
		out, err = c.cs.ELBV2.CreateRule(ctx, &elbv2.CreateRuleInput{ListenerArn: aws.String(arn), Priority: aws.Int32(priority),
			Conditions: r.Rule.Conditions(), Actions: actions, Tags: elbTags(tags)})
		return err
	})
	if err != nil {
		return err
	}
	c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
		if d != nil {
			d.Rules = append(d.Rules, out.Rules...)
		}
		return d
	})
	return nil
}

// patchRules makes a listener's rules the wanted ones without a moment where traffic
// passes through a half-made table: new rules are created at free priorities at the
// bottom, where requests another rule answers never reach them; rules whose target changed
// are modified; rules no longer wanted are deleted; then every rule that must move is moved
// with one SetRulePriorities call. A rule that only moved is never deleted and created.
func (c *client) patchRules(ctx context.Context, have, want plan.Resource) error {
	hs, ws := have.Spec.(rulesSpec), want.Spec.(rulesSpec)
	lbARN, arn, err := c.listenerARN(ctx, want, ws.Listener)
	if err != nil {
		return err
	}
	byKey := map[string]ruleSpec{}
	used := map[int32]bool{}
	for _, r := range hs.Rules {
		if _, dup := byKey[r.key()]; !dup {
			byKey[r.key()] = r
		}
		used[r.Priority] = true
	}
	free := int32(maxPriority)
	for _, r := range ws.Rules {
		if _, ok := byKey[r.key()]; ok {
			continue
		}
		for used[free] {
			free--
		}
		used[free] = true
		if err := c.createRule(ctx, want, lbARN, arn, r, free); err != nil {
			return err
		}
	}
	if err := c.modifyRules(ctx, want, lbARN, arn, byKey, ws.Rules); err != nil {
		return err
	}
	if err := c.deleteRules(ctx, want, lbARN, arn, unwanted(hs.Rules, ws.Rules, byKey)); err != nil {
		return err
	}
	return c.reorder(ctx, want, lbARN, arn, ws.Rules)
}

// modifyRules changes the actions of the rules whose conditions stay.
func (c *client) modifyRules(ctx context.Context, res plan.Resource, lbARN, arn string, have map[string]ruleSpec, want []ruleSpec) error {
	for _, w := range want {
		h, ok := have[w.key()]
		if !ok || h.Rule.Action == w.Rule.Action {
			continue
		}
		actions, err := ruleActions(w.Rule.Action, c.tgARN(ctx))
		if err != nil {
			return err
		}
		var out *elbv2.ModifyRuleOutput
		err = c.c.write(ctx, "elbv2.ModifyRule", "update a rule of "+res.String(), func() (err error) {
			out, err = c.cs.ELBV2.ModifyRule(ctx, &elbv2.ModifyRuleInput{RuleArn: aws.String(h.ARN), Actions: actions})
			return err
		})
		if err != nil {
			return err
		}
		c.replaceRules(lbARN, arn, out.Rules)
	}
	return nil
}

// unwanted returns the rules of have whose conditions want lacks, and the duplicates of a
// rule (one created again while AWS did not list it yet) but the one kept.
func unwanted(have, want []ruleSpec, kept map[string]ruleSpec) []ruleSpec {
	var out []ruleSpec
	for _, h := range have {
		if !slices.ContainsFunc(want, func(w ruleSpec) bool { return w.key() == h.key() }) || kept[h.key()].ARN != h.ARN {
			out = append(out, h)
		}
	}
	return out
}

func (c *client) deleteRules(ctx context.Context, res plan.Resource, lbARN, arn string, rules []ruleSpec) error {
	for _, r := range rules {
		err := c.c.write(ctx, "elbv2.DeleteRule", "delete a rule of "+res.String(), func() error {
			_, err := c.cs.ELBV2.DeleteRule(ctx, &elbv2.DeleteRuleInput{RuleArn: aws.String(r.ARN)})
			return err
		})
		if err != nil && !isNotFound(err) {
			return err
		}
		c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
			if d != nil {
				d.Rules = slices.DeleteFunc(d.Rules, func(x elbtypes.Rule) bool { return aws.ToString(x.RuleArn) == r.ARN })
			}
			return d
		})
	}
	return nil
}

// reorder moves every rule not at its wanted priority, with one call for the listener.
func (c *client) reorder(ctx context.Context, res plan.Resource, lbARN, arn string, want []ruleSpec) error {
	ds, err := c.reads.listenersOf(ctx, c.cs, lbARN)
	if err != nil {
		return err
	}
	var current []ruleSpec
	for _, d := range ds {
		if aws.ToString(d.Listener.ListenerArn) == arn {
			current = rulesOf(d.Rules)
		}
	}
	var pairs []elbtypes.RulePriorityPair
	for _, w := range want {
		for _, h := range current {
			if h.key() == w.key() && h.Priority != w.Priority {
				pairs = append(pairs, elbtypes.RulePriorityPair{RuleArn: aws.String(h.ARN), Priority: aws.Int32(w.Priority)})
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	var out *elbv2.SetRulePrioritiesOutput
	err = c.c.write(ctx, "elbv2.SetRulePriorities", "reorder the rules of "+res.String(), func() (err error) {
		out, err = c.cs.ELBV2.SetRulePriorities(ctx, &elbv2.SetRulePrioritiesInput{RulePriorities: pairs})
		return err
	})
	if err != nil {
		return err
	}
	c.replaceRules(lbARN, arn, out.Rules)
	return nil
}

// replaceRules records rules AWS returned after a change.
func (c *client) replaceRules(lbARN, arn string, rules []elbtypes.Rule) {
	c.reads.details.update(lbARN, arn, func(d *listenerDetail) *listenerDetail {
		if d == nil {
			return d
		}
		for _, r := range rules {
			i := slices.IndexFunc(d.Rules, func(x elbtypes.Rule) bool { return aws.ToString(x.RuleArn) == aws.ToString(r.RuleArn) })
			if i >= 0 {
				d.Rules[i] = r
			}
		}
		return d
	})
}

// deleteAllRules deletes every rule of a listener.
func (c *client) deleteAllRules(ctx context.Context, have plan.Resource) error {
	s := have.Spec.(rulesSpec)
	lbARN, arn, err := c.listenerARN(ctx, have, s.Listener)
	if err != nil {
		return err
	}
	rules := slices.Clone(s.Rules)
	slices.SortFunc(rules, func(a, b ruleSpec) int { return int(b.Priority - a.Priority) })
	return c.deleteRules(ctx, have, lbARN, arn, rules)
}
