package aws

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// TagService names, on a target group, the Kubernetes Service and port it serves:
// "namespace/name:port".
const TagService = "portico.dev/service"

// Health check defaults, where the backend says nothing: probes every 15 s, 5 s each, two
// in a row to change state, as the AWS Load Balancer Controller does.
const (
	defaultHealthPath     = "/"
	defaultGRPCHealthPath = "/AWS.ALB/healthcheck"
	defaultInterval       = 15
	defaultTimeout        = 5
	defaultThreshold      = 2
	// grpcUnimplemented is gRPC status 12, what a gRPC server answers the default health
	// check path with when it serves: AWS's documented matcher for it.
	grpcUnimplemented = "12"
	httpMatcher       = "200-399"
)

// serviceOf is the Service and port a backend serves, as its target group's tag says it.
func serviceOf(s v1alpha1.ServiceRef) string {
	port := s.PortName
	if port == "" {
		port = itoa(s.PortNumber)
	}
	return s.Namespace + "/" + s.Name + ":" + port
}

// addTargetGroup adds a backend's target group with its targets. What AWS fixes at
// creation (protocol, protocol version, target type, VPC) is part of its name, and so is
// the load balancer's scheme: a target group serves one load balancer only, so a new
// scheme's load balancer needs target groups of its own while the old one still serves.
func (b *builder) addTargetGroup(be v1alpha1.Backend) plan.Key {
	protocol, version := backendProtocol(be.Protocol)
	targetType := targetTypeOf(be.TargetType)
	port := int32(80)
	if protocol == elbtypes.ProtocolEnumHttps {
		port = 443
	}
	name := b.name(KindTargetGroup, be.Name, digest(string(protocol), version, string(targetType), b.cfg.vpc, b.cfg.scheme))
	b.tgs[be.Name] = name
	in := &elbv2.CreateTargetGroupInput{
		Name: aws.String(name), Protocol: protocol, ProtocolVersion: aws.String(version), Port: aws.Int32(port),
		TargetType: targetType, VpcId: aws.String(b.cfg.vpc), Tags: elbTags(b.tags(map[string]string{TagService: serviceOf(be.Service)})),
	}
	setHealthCheck(in, be, protocol, version)
	spec := tgSpec{Create: in, Backend: be.Name, Service: serviceOf(be.Service)}
	targets, err := targetsOf(be, b.want.Targets[be.Name], b.cfg.site)
	spec.Targets = targets
	k := b.add(KindTargetGroup, name, fmt.Sprintf("%s target group (%s) of Service %s", be.TargetType, protocol, spec.Service), spec)
	if err != nil {
		b.g.Blocked[k] = err
	}
	return k
}

// backendProtocol is the target group's protocol and protocol version for a backend's.
func backendProtocol(p string) (elbtypes.ProtocolEnum, string) {
	switch p {
	case v1alpha1.ProtocolHTTPS:
		return elbtypes.ProtocolEnumHttps, "HTTP1"
	case v1alpha1.ProtocolHTTP2:
		return elbtypes.ProtocolEnumHttp, "HTTP2"
	case v1alpha1.ProtocolGRPC:
		return elbtypes.ProtocolEnumHttp, "GRPC"
	}
	return elbtypes.ProtocolEnumHttp, "HTTP1"
}

func targetTypeOf(t string) elbtypes.TargetTypeEnum {
	if t == v1alpha1.TargetTypeInstance {
		return elbtypes.TargetTypeEnumInstance
	}
	return elbtypes.TargetTypeEnumIp
}

// setHealthCheck sets the health check from the backend's, defaults filling what it omits.
func setHealthCheck(in *elbv2.CreateTargetGroupInput, be v1alpha1.Backend, protocol elbtypes.ProtocolEnum, version string) {
	hc := be.HealthCheck
	if hc == nil {
		hc = &v1alpha1.HealthCheck{}
	}
	path, matcher := cmp.Or(hc.Path, defaultHealthPath), &elbtypes.Matcher{HttpCode: aws.String(httpMatcher)}
	if version == "GRPC" {
		path, matcher = cmp.Or(hc.Path, defaultGRPCHealthPath), &elbtypes.Matcher{GrpcCode: aws.String(grpcUnimplemented)}
	}
	port := "traffic-port"
	if hc.Port != 0 {
		port = itoa(hc.Port)
	}
	interval := cmp.Or(hc.IntervalSeconds, defaultInterval)
	// AWS wants the timeout below the interval.
	timeout := min(cmp.Or(hc.TimeoutSeconds, defaultTimeout), max(interval-1, 2))
	in.HealthCheckEnabled = aws.Bool(true)
	in.HealthCheckProtocol = protocol
	in.HealthCheckPath = aws.String(path)
	in.HealthCheckPort = aws.String(port)
	in.HealthCheckIntervalSeconds = aws.Int32(interval)
	in.HealthCheckTimeoutSeconds = aws.Int32(timeout)
	in.HealthyThresholdCount = aws.Int32(cmp.Or(hc.HealthyThreshold, defaultThreshold))
	in.UnhealthyThresholdCount = aws.Int32(cmp.Or(hc.UnhealthyThreshold, defaultThreshold))
	in.Matcher = matcher
}

// targetsOf returns the targets to register: pod IPs and ports, or the nodes' instance IDs
// (from their spec.providerID) and NodePorts. A node without an AWS instance ID is an error
// in the input: its target group is left as it is until the node has one.
func targetsOf(be v1alpha1.Backend, ts []providers.Target, s site) ([]elbtypes.TargetDescription, error) {
	out := make([]elbtypes.TargetDescription, 0, len(ts))
	seen := map[string]bool{}
	for _, t := range ts {
		id := t.IP
		if be.TargetType == v1alpha1.TargetTypeInstance {
			var ok bool
			if id, ok = InstanceID(t.ProviderID); !ok {
				return nil, providers.Invalid("NodeInstanceUnknown", nil,
					"backend %s: node %q has no AWS instance ID in spec.providerID (%q); instance targets need one", be.Name, t.Node, t.ProviderID)
			}
		}
		key := id + ":" + itoa(t.Port)
		if seen[key] {
			continue // two pods never share an address, but nodes share one instance
		}
		seen[key] = true
		td := elbtypes.TargetDescription{Id: aws.String(id), Port: aws.Int32(t.Port)}
		if be.TargetType != v1alpha1.TargetTypeInstance && !s.inVPC(t.IP) {
			td.AvailabilityZone = aws.String("all")
		}
		out = append(out, td)
	}
	return out, nil
}

// InstanceID returns the EC2 instance ID of a node's spec.providerID,
// "aws:///ZONE/i-0123456789abcdef0"; ok is false for anything else.
func InstanceID(providerID string) (string, bool) {
	rest, ok := strings.CutPrefix(providerID, "aws://")
	if !ok {
		return "", false
	}
	i := strings.LastIndex(rest, "/")
	id := rest[i+1:]
	if !strings.HasPrefix(id, "i-") || len(id) < 10 || len(id) > 19 {
		return "", false
	}
	for _, c := range id[2:] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return id, true
}
