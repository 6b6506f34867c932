package awstest

import (
	"maps"
	"net/netip"
	"sort"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ec2State holds the EC2 resources: VPCs, subnets, instances and network
// interfaces are fixtures a test seeds; security groups are also made and
// changed through the API. Tags are kept per resource id.
type ec2State struct {
	vpcs    map[string]*vpc
	subnets map[string]*subnet
	groups  map[string]*securityGroup
	insts   map[string]*instance
	enis    map[string]*eni
	tags    map[string]map[string]string // resource id → tags
	// lingering counts, per security group, the deletes that still find it
	// used by a deleted load balancer's network interfaces.
	lingering map[string]int
}

type vpc struct {
	id     string
	prefix netip.Prefix
	seq    int
}

type subnet struct {
	id, vpc, az string
	prefix      netip.Prefix
	seq         int
}

type securityGroup struct {
	id, name, description, vpc string
	egressID                   string // the id of the default allow-all egress rule
	ingress                    []ingressRule
	seq                        int
	hidden                     int
}

type instance struct {
	id, vpc, subnet, ip string
	groups              []string
	seq                 int
}

type eni struct {
	id, vpc, subnet, ip string
	groups              []string
	seq                 int
}

func newEC2State() ec2State {
	return ec2State{vpcs: map[string]*vpc{}, subnets: map[string]*subnet{}, groups: map[string]*securityGroup{},
		insts: map[string]*instance{}, enis: map[string]*eni{}, tags: map[string]map[string]string{}, lingering: map[string]int{}}
}

func (e *ec2State) setTags(id string, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	if e.tags[id] == nil {
		e.tags[id] = map[string]string{}
	}
	maps.Copy(e.tags[id], tags)
}

func (e *ec2State) tagList(id string) []ec2types.Tag {
	return ec2Tags(e.tags[id])
}

func ec2Tags(tags map[string]string) []ec2types.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ec2types.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, ec2types.Tag{Key: ptr(k), Value: ptr(tags[k])})
	}
	return out
}

// inVPC reports whether ip is inside the VPC's CIDR.
func (e *ec2State) inVPC(vpcID, ip string) bool {
	v, ok := e.vpcs[vpcID]
	if !ok {
		return false
	}
	addr, err := netip.ParseAddr(ip)
	return err == nil && v.prefix.Contains(addr)
}

func ptr[T any](v T) *T { return &v }
