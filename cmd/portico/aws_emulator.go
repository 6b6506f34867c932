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
	// defaults are the --aws-* flags: the provider's region and VPC (else emulatedRegion and
	// emulatedVPC), the cluster name the seeded resources are tagged for, and the nodes'
	// security groups its VPC holds.
	defaults aws.Defaults

	mu      sync.Mutex
	servers map[string]*awstest.Server
	vpcs    map[string]bool // "region/vpc" seeded
}

func newAWSEmulator(d aws.Defaults) *awsEmulator {
	return &awsEmulator{defaults: d, servers: map[string]*awstest.Server{}, vpcs: map[string]bool{}}
}

// provider returns the aws provider over the emulator, with the emulator's defaults and
// the TTL of its shared reads (negative: none).
func (e *awsEmulator) provider(clusterID string, snapshotTTL time.Duration) *aws.Provider {
	d := e.defaults
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
	if name := e.defaults.ClusterName; name != "" {
		groupTags["kubernetes.io/cluster/"+name] = "owned"
	}
	srv.AddSecurityGroup(emulatedNodeGroup(vpc), vpc, "nodes", groupTags)
	return e.assumption(region, vpc)
}

func (e *awsEmulator) subnetTags(role, name string) map[string]string {
	tags := map[string]string{role: "1", "Name": name}
	if name := e.defaults.ClusterName; name != "" {
		tags["kubernetes.io/cluster/"+name] = "shared"
	}
	return tags
}

func (e *awsEmulator) assumption(region, vpc string) string {
	s := fmt.Sprintf("the VPC %s of region %s (10.0.0.0/16) has public and private subnets in zones %sa, %sb and %sc, tagged kubernetes.io/role/elb and kubernetes.io/role/internal-elb",
		vpc, region, region, region, region)
	if name := e.defaults.ClusterName; name != "" {
		s += fmt.Sprintf(", and the nodes' security group %s tagged kubernetes.io/cluster/%s", emulatedNodeGroup(vpc), name)
	}
	if groups := e.defaults.NodeSecurityGroups; len(groups) > 0 {
		s += fmt.Sprintf("; the nodes' security groups %s exist in the provider's VPC", strings.Join(groups, ", "))
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
func (e *awsEmulator) prepare(p *aws.Provider) func(context.Context, *providers.Desired) ([]string, error) {
	return func(_ context.Context, want *providers.Desired) ([]string, error) {
		vpc := cmp.Or(e.defaults.VPC, emulatedVPC)
		if want.Params != nil && want.Params.AWS != nil {
			vpc = cmp.Or(want.Params.AWS.VPC, vpc)
		}
		return []string{e.seed(p.Location(want.Params), vpc)}, nil
	}
}
