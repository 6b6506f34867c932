package awstest

import (
	"fmt"
	"net/netip"
	"slices"
)

// The fixtures SeedDefault creates.
const (
	DefaultVPC               = "vpc-0a1b2c3d4e5f60718"
	DefaultVPCCIDR           = "10.0.0.0/16"
	DefaultNodeSecurityGroup = "sg-0e1d2c3b4a5968778"
)

// DefaultPublicSubnets and DefaultPrivateSubnets are SeedDefault's subnets,
// one per Availability Zone a, b and c of the region.
var (
	DefaultPublicSubnets  = []string{"subnet-0a00000000000000a", "subnet-0b00000000000000b", "subnet-0c00000000000000c"}
	DefaultPrivateSubnets = []string{"subnet-1a00000000000000a", "subnet-1b00000000000000b", "subnet-1c00000000000000c"}
)

// SeedDefault adds a VPC (DefaultVPC, 10.0.0.0/16) with three public subnets
// tagged kubernetes.io/role/elb=1 and three private ones tagged
// kubernetes.io/role/internal-elb=1, one of each per Availability Zone, and
// the nodes' security group DefaultNodeSecurityGroup.
func (s *Server) SeedDefault() {
	s.AddVPC(DefaultVPC, DefaultVPCCIDR)
	for i, zone := range []string{"a", "b", "c"} {
		az := s.opts.Region + zone
		s.AddSubnet(DefaultPublicSubnets[i], DefaultVPC, az, fmt.Sprintf("10.0.%d.0/20", i*16),
			map[string]string{"kubernetes.io/role/elb": "1", "Name": "public-" + zone})
		s.AddSubnet(DefaultPrivateSubnets[i], DefaultVPC, az, fmt.Sprintf("10.0.%d.0/20", 128+i*16),
			map[string]string{"kubernetes.io/role/internal-elb": "1", "Name": "private-" + zone})
	}
	s.AddSecurityGroup(DefaultNodeSecurityGroup, DefaultVPC, "nodes", map[string]string{"Name": "nodes"})
}

func mustPrefix(cidr string) netip.Prefix {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		panic(fmt.Sprintf("awstest: bad CIDR %q: %v", cidr, err))
	}
	return p.Masked()
}

// AddVPC adds a VPC; seeding is not a call.
func (s *Server) AddVPC(id, cidr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.ec2.vpcs[id] = &vpc{id: id, prefix: mustPrefix(cidr), seq: s.nextID}
}

// AddSubnet adds a subnet of a VPC in an Availability Zone, with tags.
func (s *Server) AddSubnet(id, vpcID, az, cidr string, tags map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.ec2.subnets[id] = &subnet{id: id, vpc: vpcID, az: az, prefix: mustPrefix(cidr), seq: s.nextID}
	s.ec2.setTags(id, tags)
}

// AddInstance adds a running instance with its private IP and security groups.
func (s *Server) AddInstance(id, vpcID, subnetID, privateIP string, securityGroups ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.ec2.insts[id] = &instance{id: id, vpc: vpcID, subnet: subnetID, ip: privateIP, groups: slices.Clone(securityGroups), seq: s.nextID}
}

// AddNetworkInterface adds an ENI, such as the one a pod's IP belongs to.
func (s *Server) AddNetworkInterface(id, vpcID, subnetID, privateIP string, securityGroups ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.ec2.enis[id] = &eni{id: id, vpc: vpcID, subnet: subnetID, ip: privateIP, groups: slices.Clone(securityGroups), seq: s.nextID}
}

// AddSecurityGroup adds a security group that no call created, such as the nodes'.
func (s *Server) AddSecurityGroup(id, vpcID, name string, tags map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.ec2.groups[id] = &securityGroup{id: id, vpc: vpcID, name: name, description: name, seq: s.nextID, egressID: "sgr-0" + s.hex(16)}
	s.ec2.setTags(id, tags)
}
