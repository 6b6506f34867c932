package main

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/aws"
	"github.com/portico-dev/portico/providers/aws/awstest"
)

// Where `portico plan --provider aws` and `portico dev --provider aws` provision when the
// --aws-* flags name no region or VPC: awstest's own region and VPC.
const (
	emulatedRegion = "us-west-2"
	emulatedVPC    = awstest.DefaultVPC
)

// awsEmulator is an AWS account in this process: one awstest server per region, each VPC
// asked for seeded as EKS expects to find it (a 10.0.0.0/16 block; public and private
// subnets in zones a, b and c tagged kubernetes.io/role/elb and
// kubernetes.io/role/internal-elb, and for the cluster when it has a name; the nodes'
// security group), so that the real provider discovers subnets and node groups through the
// real SDK exactly as it would in the account.
type awsEmulator struct {
	clusterName string
	// nodeGroups are the security groups --aws-node-security-groups names: provider seeds
	// them in its VPC, and the plan's assumptions say so.
	nodeGroups []string

	mu      sync.Mutex
	servers map[string]*awstest.Server
	vpcs    map[string]bool // "region/vpc" seeded
}

func newAWSEmulator(d aws.Defaults) *awsEmulator {
	return &awsEmulator{clusterName: d.ClusterName, nodeGroups: d.NodeSecurityGroups,
		servers: map[string]*awstest.Server{}, vpcs: map[string]bool{}}
}

// provider returns the aws provider over the emulator, with the controller's defaults and
// the TTL of its shared reads (negative: none).
func (e *awsEmulator) provider(clusterID string, d aws.Defaults, snapshotTTL time.Duration) *aws.Provider {
	region, vpc := cmp.Or(d.Region, emulatedRegion), cmp.Or(d.VPC, emulatedVPC)
	e.seed(region, vpc)
	for _, g := range d.NodeSecurityGroups {
		e.server(region).AddSecurityGroup(g, vpc, g, nil)
	}
	return aws.New(aws.Options{ClusterID: clusterID, ClusterName: d.ClusterName, NodeSecurityGroups: d.NodeSecurityGroups,
		Region: region, VPC: vpc, Regional: e.clients, SnapshotTTL: snapshotTTL})
}

// server returns the emulator of a region, started on first use.
func (e *awsEmulator) server(region string) *awstest.Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	srv, ok := e.servers[region]
	if !ok {
		srv = awstest.New(awstest.Options{Region: region})
		e.servers[region] = srv
	}
	return srv
}

// clients are the SDK's clients of a region's emulator: the real SDK, with static
// credentials that reach nothing but this process.
func (e *awsEmulator) clients(_ context.Context, region string) (*aws.Clients, error) {
	return aws.ClientsOf(e.server(region).Config()), nil
}

// seed creates a VPC of a region with its subnets and the nodes' security group, once, and
// says so for the plan's assumptions.
func (e *awsEmulator) seed(region, vpc string) (assumption string) {
	srv := e.server(region)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.vpcs[region+"/"+vpc] {
		return e.assumption(region, vpc)
	}
	e.vpcs[region+"/"+vpc] = true
	srv.AddVPC(vpc, awstest.DefaultVPCCIDR)
	for i, zone := range []string{"a", "b", "c"} {
		az := region + zone
		srv.AddSubnet(emulatedSubnet(vpc, "public", zone), vpc, az, fmt.Sprintf("10.0.%d.0/20", i*16), e.subnetTags("kubernetes.io/role/elb", "public-"+zone))
		srv.AddSubnet(emulatedSubnet(vpc, "private", zone), vpc, az, fmt.Sprintf("10.0.%d.0/20", 128+i*16), e.subnetTags("kubernetes.io/role/internal-elb", "private-"+zone))
	}
	groupTags := map[string]string{"Name": "nodes"}
	if e.clusterName != "" {
		groupTags["kubernetes.io/cluster/"+e.clusterName] = "owned"
	}
	srv.AddSecurityGroup(emulatedNodeGroup(vpc), vpc, "nodes", groupTags)
	return e.assumption(region, vpc)
}

func (e *awsEmulator) subnetTags(role, name string) map[string]string {
	tags := map[string]string{role: "1", "Name": name}
	if e.clusterName != "" {
		tags["kubernetes.io/cluster/"+e.clusterName] = "shared"
	}
	return tags
}

func (e *awsEmulator) assumption(region, vpc string) string {
	s := fmt.Sprintf("the VPC %s of region %s (10.0.0.0/16) has public and private subnets in zones %sa, %sb and %sc, tagged kubernetes.io/role/elb and kubernetes.io/role/internal-elb",
		vpc, region, region, region, region)
	if e.clusterName != "" {
		s += fmt.Sprintf(", and the nodes' security group %s tagged kubernetes.io/cluster/%s", emulatedNodeGroup(vpc), e.clusterName)
	}
	if len(e.nodeGroups) > 0 {
		s += fmt.Sprintf("; the nodes' security groups %s exist in the provider's VPC", strings.Join(e.nodeGroups, ", "))
	}
	return s
}

// addInstance adds a running instance in the public subnet of its zone of the default VPC.
func (e *awsEmulator) addInstance(region, zone, id, ip string) {
	letter := zone[len(zone)-1:]
	e.server(region).AddInstance(id, emulatedVPC, emulatedSubnet(emulatedVPC, "public", letter), ip, emulatedNodeGroup(emulatedVPC))
}

func (e *awsEmulator) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, srv := range e.servers {
		srv.Close()
	}
}

// emulatedSubnet and emulatedNodeGroup name a VPC's seeded resources, the same on every run
// so that plans can be compared.
func emulatedSubnet(vpc, role, zone string) string {
	return "subnet-" + hexID(vpc+"/"+role+"/"+zone)
}

func emulatedNodeGroup(vpc string) string { return "sg-" + hexID(vpc+"/nodes") }

func hexID(s string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return fmt.Sprintf("%017x", h.Sum64())
}

// prepare seeds the VPC a load balancer's class names (or the provider's) before it is
// planned, as the user made it in their account, and returns what was assumed.
func (e *awsEmulator) prepare(p *aws.Provider, d aws.Defaults) func(context.Context, *providers.Desired) ([]string, error) {
	return func(_ context.Context, want *providers.Desired) ([]string, error) {
		vpc := cmp.Or(d.VPC, emulatedVPC)
		if want.Params != nil && want.Params.AWS != nil {
			vpc = cmp.Or(want.Params.AWS.VPC, vpc)
		}
		return []string{e.seed(p.Location(want.Params), vpc)}, nil
	}
}
