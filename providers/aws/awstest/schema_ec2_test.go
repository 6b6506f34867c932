package awstest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestEC2RequestsTheSDKBuildsPass(t *testing.T) {
	c := ec2Client(t)
	runSDKCases(t, []sdkCase{
		{name: "create a tagged security group", call: func(ctx context.Context) error {
			_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
				GroupName: aws.String("pt-shop-1a2b"), Description: aws.String("portico: shop"), VpcId: aws.String("vpc-1"),
				TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeSecurityGroup,
					Tags: []types.Tag{{Key: aws.String(tagCluster), Value: aws.String("c1")}}}}})
			return err
		}},
		{name: "authorize ingress from CIDRs and a group", call: func(ctx context.Context) error {
			_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
				GroupId: aws.String("sg-1"),
				IpPermissions: []types.IpPermission{
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
						IpRanges:   []types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("portico")}},
						Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}},
					{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(30000), ToPort: aws.Int32(32767),
						UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-2")}}},
				}})
			return err
		}},
		{name: "revoke ingress", call: func(ctx context.Context) error {
			_, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String("sg-1"),
				IpPermissions: []types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(80), ToPort: aws.Int32(80),
					IpRanges: []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}}}})
			return err
		}},
		{name: "describe security groups by filter, paged", call: func(ctx context.Context) error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
				Filters:    []types.Filter{{Name: aws.String("tag:" + tagCluster), Values: []string{"c1"}}, {Name: aws.String("vpc-id"), Values: []string{"vpc-1", "vpc-2"}}},
				MaxResults: aws.Int32(1000), NextToken: aws.String("t")})
			return err
		}},
		{name: "describe security groups by id", call: func(ctx context.Context) error {
			_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-1", "sg-2"}})
			return err
		}},
		{name: "describe subnets", call: func(ctx context.Context) error {
			_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("tag:kubernetes.io/role/elb"), Values: []string{"1", ""}}}})
			return err
		}},
		{name: "describe vpcs", call: func(ctx context.Context) error {
			_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-1"}})
			return err
		}},
		{name: "describe instances", call: func(ctx context.Context) error {
			_, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-1", "i-2"}})
			return err
		}},
		{name: "describe network interfaces", call: func(ctx context.Context) error {
			_, err := c.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
				Filters: []types.Filter{{Name: aws.String("addresses.private-ip-address"), Values: []string{"10.0.1.7"}}}, MaxResults: aws.Int32(5)})
			return err
		}},
		{name: "create and delete tags", call: func(ctx context.Context) error {
			if _, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{"sg-1"}, Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
				return err
			}
			_, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{"sg-1"}, Tags: []types.Tag{{Key: aws.String("team")}}})
			return err
		}},
		{name: "delete security group", call: func(ctx context.Context) error {
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String("sg-1")})
			return err
		}},
	})
}

func TestEC2InvalidRequestsAreRefused(t *testing.T) {
	c := ec2Client(t)
	runSDKCases(t, []sdkCase{
		{name: "resource type outside the enum", code: "InvalidParameterValue",
			msg: "Value (load-balancer) for parameter TagSpecification.1.ResourceType is invalid. The value must satisfy enum value set: [",
			call: func(ctx context.Context) error {
				_, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("g"), Description: aws.String("d"),
					TagSpecifications: []types.TagSpecification{{ResourceType: "load-balancer"}}})
				return err
			}},
		{name: "max results under the minimum", code: "InvalidParameterValue",
			msg: "Value (2) for parameter MaxResults is invalid. The value must have value greater than or equal to 5.",
			call: func(ctx context.Context) error {
				_, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(2)})
				return err
			}},
	})
}
