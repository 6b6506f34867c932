package awstest

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

func init() {
	register(serviceELB, map[string]operation{
		"RegisterTargets":      op(true, (*Server).registerTargets),
		"DeregisterTargets":    op(true, (*Server).deregisterTargets),
		"DescribeTargetHealth": op(false, (*Server).describeTargetHealth),
	})
}

func targetKey(id string, port int32) string { return fmt.Sprintf("%s:%d", id, port) }

// port is a target's port: its own, else the target group's.
func (tg *targetGroup) port(d elbtypes.TargetDescription) int32 {
	if d.Port != nil {
		return *d.Port
	}
	return *tg.v.Port
}

// prune forgets the targets whose deregistration delay has passed.
func (tg *targetGroup) prune(now time.Time) {
	for k, t := range tg.targets {
		if t.draining && !now.Before(t.until) {
			delete(tg.targets, k)
		}
	}
}

func (s *Server) registerTargets(r *request, in *elb.RegisterTargetsInput) (smithy.Serializable, error) {
	tg, err := s.tgFor(r, deref(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 {
		return nil, errValidation("At least one target must be specified")
	}
	tg.prune(s.now())
	var bad []string
	added := 0
	for _, d := range in.Targets {
		if p := tg.port(d); p < 1 || p > 65535 {
			return nil, errValidation("Target port %d must be between 1 and 65535", p)
		}
		if !s.validTarget(tg, deref(d.Id), deref(d.AvailabilityZone)) {
			bad = append(bad, deref(d.Id))
		}
		if _, ok := tg.targets[targetKey(deref(d.Id), tg.port(d))]; !ok {
			added++
		}
	}
	if len(bad) > 0 {
		return nil, apiErr("InvalidTarget", "The following targets are not in the VPC (or, with Availability Zone all, in a private range) or not known instances of target group type '%s' in VPC '%s': %s",
			tg.v.TargetType, deref(tg.v.VpcId), strings.Join(bad, ", "))
	}
	if len(tg.targets)+added > s.opts.Limits.TargetsPerTargetGroup {
		return nil, apiErr("TooManyTargets", "You have reached the limit of %d targets per target group", s.opts.Limits.TargetsPerTargetGroup)
	}
	for _, d := range in.Targets {
		key := targetKey(deref(d.Id), tg.port(d))
		if t, ok := tg.targets[key]; ok && !t.draining {
			continue // registering a registered target changes nothing
		}
		s.nextID++
		tg.targets[key] = &target{id: deref(d.Id), port: tg.port(d), az: deref(d.AvailabilityZone),
			seq: s.nextID, initial: s.opts.HealthyAfterReads}
	}
	return &elb.RegisterTargetsOutput{}, nil
}

// validTarget applies AWS's rule: an ip target inside the VPC's CIDR, or
// outside it in a private range (RFC 1918 or RFC 6598) with Availability
// Zone "all"; an instance target a known instance of the VPC.
func (s *Server) validTarget(tg *targetGroup, id, az string) bool {
	if tg.v.TargetType == elbtypes.TargetTypeEnumIp {
		if s.ec2.inVPC(deref(tg.v.VpcId), id) {
			return true
		}
		addr, err := netip.ParseAddr(id)
		return err == nil && az == "all" && privateRange(addr)
	}
	inst, ok := s.ec2.insts[id]
	return ok && inst.vpc == deref(tg.v.VpcId)
}

func (s *Server) deregisterTargets(r *request, in *elb.DeregisterTargetsInput) (smithy.Serializable, error) {
	tg, err := s.tgFor(r, deref(in.TargetGroupArn))
	if err != nil {
		return nil, err
	}
	now := s.now()
	tg.prune(now)
	var missing []string
	for _, d := range in.Targets {
		if _, ok := tg.targets[targetKey(deref(d.Id), tg.port(d))]; !ok {
			missing = append(missing, deref(d.Id))
		}
	}
	if len(missing) > 0 {
		return nil, apiErr("InvalidTarget", "The following targets are not registered in target group '%s': %s",
			*tg.v.TargetGroupArn, strings.Join(missing, ", "))
	}
	delay := time.Duration(atoi(tg.attrs["deregistration_delay.timeout_seconds"])) * time.Second
	for _, d := range in.Targets {
		key := targetKey(deref(d.Id), tg.port(d))
		t := tg.targets[key]
		if t.draining {
			continue
		}
		if delay == 0 || len(s.elb.targetGroupUsers(*tg.v.TargetGroupArn)) == 0 {
			delete(tg.targets, key) // nothing to drain
			continue
		}
		t.draining, t.until, t.forced = true, now.Add(delay), nil
	}
	return &elb.DeregisterTargetsOutput{}, nil
}

func (s *Server) describeTargetHealth(r *request, in *elb.DescribeTargetHealthInput) (smithy.Serializable, error) {
	tg, ok := s.elb.tgs[deref(in.TargetGroupArn)]
	if !ok || !tg.seen() {
		return nil, notFoundFor(deref(in.TargetGroupArn))
	}
	tg.prune(s.now())
	used := len(s.elb.targetGroupUsers(*tg.v.TargetGroupArn)) > 0
	out := &elb.DescribeTargetHealthOutput{TargetHealthDescriptions: []elbtypes.TargetHealthDescription{}}
	if len(in.Targets) > 0 {
		for _, d := range in.Targets {
			t, ok := tg.targets[targetKey(deref(d.Id), tg.port(d))]
			if !ok {
				out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, elbtypes.TargetHealthDescription{
					Target: &elbtypes.TargetDescription{Id: d.Id, Port: ptr(tg.port(d))},
					TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnused,
						Reason: elbtypes.TargetHealthReasonEnumNotRegistered, Description: ptr("Target is not registered to the target group")}})
				continue
			}
			out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, s.healthOf(tg, t, used))
		}
		return out, nil
	}
	targets := make([]*target, 0, len(tg.targets))
	for _, t := range tg.targets {
		targets = append(targets, t)
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].seq < targets[j].seq })
	for _, t := range targets {
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, s.healthOf(tg, t, used))
	}
	return out, nil
}

// healthOf reports a target as AWS does: draining while its deregistration
// delay runs, unused while no listener uses its group, what a test set,
// initial for Options.HealthyAfterReads reads, then healthy.
func (s *Server) healthOf(tg *targetGroup, t *target, used bool) elbtypes.TargetHealthDescription {
	port := deref(tg.v.HealthCheckPort)
	if port == "traffic-port" {
		port = fmt.Sprint(t.port)
	}
	d := elbtypes.TargetHealthDescription{HealthCheckPort: &port,
		Target: &elbtypes.TargetDescription{Id: ptr(t.id), Port: ptr(t.port)}}
	if t.az != "" {
		d.Target.AvailabilityZone = ptr(t.az)
	}
	h := elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumHealthy}
	switch {
	case t.draining:
		h = elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumDraining,
			Reason: elbtypes.TargetHealthReasonEnumDeregistrationInProgress, Description: ptr("Target deregistration is in progress")}
	case !used:
		// As AWS's own sample shows, an unused target has no health check port.
		d.HealthCheckPort = nil
		h = elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnused,
			Reason: elbtypes.TargetHealthReasonEnumNotInUse, Description: ptr("Given target group is not configured to receive traffic from ELB")}
	case t.forced != nil:
		h = *t.forced
	case t.initial > 0:
		t.initial--
		h = elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumInitial,
			Reason: elbtypes.TargetHealthReasonEnumRegistrationInProgress, Description: ptr("Target registration is in progress")}
	}
	d.TargetHealth = &h
	return d
}

// SetTargetHealth makes a registered target report state (healthy,
// unhealthy, unavailable, ...) with an optional reason, as a test wants its
// health check to go; it returns false when the target is not registered.
func (s *Server) SetTargetHealth(tgARN, id string, port int32, state elbtypes.TargetHealthStateEnum, reason elbtypes.TargetHealthReasonEnum) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	tg, ok := s.elb.tgs[tgARN]
	if !ok {
		return false
	}
	t, ok := tg.targets[targetKey(id, port)]
	if !ok {
		return false
	}
	t.forced = &elbtypes.TargetHealth{State: state, Reason: reason}
	return true
}

var privateRanges = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10")}

func privateRange(addr netip.Addr) bool {
	for _, p := range privateRanges {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
