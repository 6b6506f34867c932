package awstest_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// A test starts the emulator, seeds a VPC and points the SDK's clients at it.
func Example() {
	srv := awstest.New(awstest.Options{ProvisioningReads: 1})
	defer srv.Close()
	srv.SeedDefault()
	client := elb.NewFromConfig(srv.Config())
	ctx := context.Background()
	out, err := client.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("demo"),
		Subnets: awstest.DefaultPublicSubnets, SecurityGroups: []string{awstest.DefaultNodeSecurityGroup}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*out.LoadBalancers[0].LoadBalancerName, out.LoadBalancers[0].State.Code)
	for range 2 {
		d, _ := client.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{"demo"}})
		fmt.Println(d.LoadBalancers[0].State.Code)
	}
	fmt.Println(srv.Writes(), srv.Reads())
	// Output:
	// demo provisioning
	// provisioning
	// active
	// 1 2
}
