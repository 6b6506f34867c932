package awstest

import (
	"path"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func init() {
	register(serviceEC2, map[string]operation{
		"DescribeVpcs":              op(false, (*Server).describeVpcs),
		"DescribeSubnets":           op(false, (*Server).describeSubnets),
		"DescribeInstances":         op(false, (*Server).describeInstances),
		"DescribeNetworkInterfaces": op(false, (*Server).describeNetworkInterfaces),
	})
}

// fields gives a resource's values for a filter name; nil means the filter
// does not apply to this kind of resource.
type fields func(name string) ([]string, bool)

// matches applies EC2 filters: every filter must match (values are ORed,
// with * and ? wildcards); tag:KEY and tag-key read the resource's tags. An
// unknown filter name is refused as EC2 refuses it.
func matches(filters []ec2types.Filter, tags map[string]string, get fields) (bool, error) {
	for _, f := range filters {
		name := deref(f.Name)
		var have []string
		switch {
		case strings.HasPrefix(name, "tag:"):
			if v, ok := tags[strings.TrimPrefix(name, "tag:")]; ok {
				have = []string{v}
			}
		case name == "tag-key":
			have = sortedKeys(tags)
		default:
			var ok bool
			if have, ok = get(name); !ok {
				return false, apiErr("InvalidParameterValue", "The filter '%s' is invalid", name)
			}
		}
		if !anyMatch(f.Values, have) {
			return false, nil
		}
	}
	return true, nil
}

func anyMatch(patterns, have []string) bool {
	for _, p := range patterns {
		for _, h := range have {
			if ok, _ := path.Match(p, h); ok || p == h {
				return true
			}
		}
	}
	return false
}

// ec2Page cuts a page of an EC2 describe: MaxResults (its range checked,
// capped by Options.PageSize) and NextToken; without MaxResults EC2 answers
// everything at once.
func ec2Page[T any](s *Server, items []T, maxResults *int32, token *string, minSize, maxSize int) ([]T, *string, error) {
	size := len(items) + 1
	if maxResults != nil {
		if int(*maxResults) < minSize || int(*maxResults) > maxSize {
			return nil, nil, apiErr("InvalidParameterValue", "MaxResults must be between %d and %d", minSize, maxSize)
		}
		size = int(*maxResults)
	}
	if s.opts.PageSize > 0 && s.opts.PageSize < size {
		size = s.opts.PageSize
	}
	pg, next, err := page(items, deref(token), size)
	if err != nil {
		return nil, nil, apiErr("InvalidParameterValue", "Invalid NextToken '%s'", deref(token))
	}
	if next == "" {
		return pg, nil, nil
	}
	return pg, &next, nil
}

func (s *Server) describeVpcs(r *request, in *ec2.DescribeVpcsInput) (any, error) {
	var out []ec2types.Vpc
	for _, id := range idsOrAll(in.VpcIds, s.ec2.vpcs) {
		v, ok := s.ec2.vpcs[id]
		if !ok {
			return nil, apiErr("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
		}
		ok, err := matches(in.Filters, s.ec2.tags[id], func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{v.id}, true
			case "cidr", "cidr-block-association.cidr-block":
				return []string{v.prefix.String()}, true
			case "state":
				return []string{"available"}, true
			}
			return nil, false
		})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ec2types.Vpc{VpcId: ptr(v.id), CidrBlock: ptr(v.prefix.String()), State: ec2types.VpcStateAvailable,
				IsDefault: ptr(false), OwnerId: ptr(s.opts.AccountID), Tags: s.ec2.tagList(id)})
		}
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeVpcsOutput{Vpcs: pg, NextToken: next}, nil
}

// idsOrAll is the ids a describe names, or every id of the collection, sorted.
func idsOrAll[V any](ids []string, all map[string]V) []string {
	if len(ids) > 0 {
		return ids
	}
	out := sortedKeys(all)
	sort.Strings(out)
	return out
}

func (s *Server) describeSubnets(r *request, in *ec2.DescribeSubnetsInput) (any, error) {
	var out []ec2types.Subnet
	for _, id := range idsOrAll(in.SubnetIds, s.ec2.subnets) {
		sn, ok := s.ec2.subnets[id]
		if !ok {
			return nil, apiErr("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
		}
		ok, err := matches(in.Filters, s.ec2.tags[id], func(name string) ([]string, bool) {
			switch name {
			case "vpc-id":
				return []string{sn.vpc}, true
			case "subnet-id":
				return []string{sn.id}, true
			case "availability-zone":
				return []string{sn.az}, true
			case "cidr-block":
				return []string{sn.prefix.String()}, true
			case "state":
				return []string{"available"}, true
			}
			return nil, false
		})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ec2types.Subnet{SubnetId: ptr(sn.id), VpcId: ptr(sn.vpc), AvailabilityZone: ptr(sn.az),
				CidrBlock: ptr(sn.prefix.String()), State: ec2types.SubnetStateAvailable, OwnerId: ptr(s.opts.AccountID),
				SubnetArn: ptr(s.ec2ARN("subnet/" + sn.id)), AvailableIpAddressCount: ptr(int32(4091)),
				MapPublicIpOnLaunch: ptr(false), Tags: s.ec2.tagList(id)})
		}
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeSubnetsOutput{Subnets: pg, NextToken: next}, nil
}

func (s *Server) groupIdentifiers(ids []string) []ec2types.GroupIdentifier {
	out := []ec2types.GroupIdentifier{}
	for _, id := range ids {
		gi := ec2types.GroupIdentifier{GroupId: ptr(id)}
		if g, ok := s.ec2.groups[id]; ok {
			gi.GroupName = ptr(g.name)
		}
		out = append(out, gi)
	}
	return out
}

func (s *Server) describeInstances(r *request, in *ec2.DescribeInstancesInput) (any, error) {
	var out []ec2types.Reservation
	for _, id := range idsOrAll(in.InstanceIds, s.ec2.insts) {
		inst, ok := s.ec2.insts[id]
		if !ok {
			return nil, apiErr("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist", id)
		}
		ok, err := matches(in.Filters, s.ec2.tags[id], func(name string) ([]string, bool) {
			switch name {
			case "instance-id":
				return []string{inst.id}, true
			case "vpc-id":
				return []string{inst.vpc}, true
			case "subnet-id":
				return []string{inst.subnet}, true
			case "private-ip-address":
				return []string{inst.ip}, true
			case "instance-state-name":
				return []string{"running"}, true
			}
			return nil, false
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		az := ""
		if sn, ok := s.ec2.subnets[inst.subnet]; ok {
			az = sn.az
		}
		out = append(out, ec2types.Reservation{ReservationId: ptr("r-" + strings.TrimPrefix(inst.id, "i-")), OwnerId: ptr(s.opts.AccountID),
			Instances: []ec2types.Instance{{InstanceId: ptr(inst.id), VpcId: ptr(inst.vpc), SubnetId: ptr(inst.subnet),
				PrivateIpAddress: ptr(inst.ip), SecurityGroups: s.groupIdentifiers(inst.groups),
				State:     &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning, Code: ptr(int32(16))},
				Placement: &ec2types.Placement{AvailabilityZone: ptr(az)}, Tags: s.ec2.tagList(id)}}})
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeInstancesOutput{Reservations: pg, NextToken: next}, nil
}

func (s *Server) describeNetworkInterfaces(r *request, in *ec2.DescribeNetworkInterfacesInput) (any, error) {
	var out []ec2types.NetworkInterface
	for _, id := range idsOrAll(in.NetworkInterfaceIds, s.ec2.enis) {
		n, ok := s.ec2.enis[id]
		if !ok {
			return nil, apiErr("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '%s' does not exist", id)
		}
		ok, err := matches(in.Filters, s.ec2.tags[id], func(name string) ([]string, bool) {
			switch name {
			case "network-interface-id":
				return []string{n.id}, true
			case "vpc-id":
				return []string{n.vpc}, true
			case "subnet-id":
				return []string{n.subnet}, true
			case "addresses.private-ip-address", "private-ip-address":
				return []string{n.ip}, true
			case "group-id":
				return n.groups, true
			}
			return nil, false
		})
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ec2types.NetworkInterface{NetworkInterfaceId: ptr(n.id), VpcId: ptr(n.vpc), SubnetId: ptr(n.subnet),
				PrivateIpAddress: ptr(n.ip), Groups: s.groupIdentifiers(n.groups), Status: ec2types.NetworkInterfaceStatusInUse,
				PrivateIpAddresses: []ec2types.NetworkInterfacePrivateIpAddress{{PrivateIpAddress: ptr(n.ip), Primary: ptr(true)}},
				OwnerId:            ptr(s.opts.AccountID), TagSet: s.ec2.tagList(id)})
		}
	}
	pg, next, err := ec2Page(s, out, in.MaxResults, in.NextToken, 5, 1000)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeNetworkInterfacesOutput{NetworkInterfaces: pg, NextToken: next}, nil
}
