package aws

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
)

// Defaults are the --aws-* flags: what a class whose IngressClassParams say nothing gets.
type Defaults struct {
	// Region of the classes that name none; "" reads AWS_REGION and the shared config.
	Region string
	// VPC of the classes that name none.
	VPC string
	// ClusterName is the EKS cluster's name, as the subnet and security group tags
	// kubernetes.io/cluster/<name> say it.
	ClusterName string
	// NodeSecurityGroups are the nodes' security groups, besides those ClusterName's tag
	// finds: the cluster's load balancers are let into each.
	NodeSecurityGroups []string
}

// BindFlags defines the --aws-* flags.
func (d *Defaults) BindFlags(fs *flag.FlagSet) {
	fs.StringVar(&d.Region, "aws-region", "", "AWS region of the classes whose IngressClassParams name none; default: $AWS_REGION or the shared config's")
	fs.StringVar(&d.VPC, "aws-vpc", "", "VPC ID of the classes whose IngressClassParams name none")
	fs.StringVar(&d.ClusterName, "aws-cluster-name", "", "EKS cluster name: subnets tagged kubernetes.io/cluster/<another cluster> are not used, and security groups tagged kubernetes.io/cluster/<name> are the nodes', which the load balancers are let into")
	fs.Func("aws-node-security-groups", "comma-separated security group IDs of the nodes, which the load balancers are let into, besides those --aws-cluster-name's tag finds", func(v string) error {
		d.NodeSecurityGroups = strings.Split(v, ",")
		return nil
	})
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	vpcRE     = regexp.MustCompile(`^vpc-[0-9a-f]{8,17}$`)
	clusterRE = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$`)
	sgRE      = regexp.MustCompile(`^sg-[0-9a-f]{8,17}$`)
)

// Validate checks the flags as the CRD checks spec.aws.
func (d Defaults) Validate() error {
	switch {
	case d.Region != "" && !regionRE.MatchString(d.Region):
		return fmt.Errorf("--aws-region %q is not a region, such as eu-west-1", d.Region)
	case d.VPC != "" && !vpcRE.MatchString(d.VPC):
		return fmt.Errorf("--aws-vpc %q is not a VPC ID, such as vpc-0a1b2c3d", d.VPC)
	case d.ClusterName != "" && !clusterRE.MatchString(d.ClusterName):
		return fmt.Errorf("--aws-cluster-name %q is not an EKS cluster name", d.ClusterName)
	}
	for _, g := range d.NodeSecurityGroups {
		if !sgRE.MatchString(g) {
			return fmt.Errorf("--aws-node-security-groups: %q is not a security group ID, such as sg-0a1b2c3d", g)
		}
	}
	return nil
}

// ClientsOf returns the clients of a configuration: the SDK's own, with its standard
// retryer, which retries throttling (Throttling, RequestLimitExceeded) and 5xx answers
// with backoff.
func ClientsOf(cfg aws.Config) *Clients {
	return &Clients{ELBV2: elbv2.NewFromConfig(cfg), EC2: ec2.NewFromConfig(cfg), ACM: acm.NewFromConfig(cfg)}
}

// Dial loads the SDK's default configuration for a region: credentials from the default
// chain (IRSA or EKS Pod Identity web identity, the environment, the shared config), never
// logged, and the standard retryer.
func Dial(ctx context.Context, region string) (*Clients, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return ClientsOf(cfg), nil
}

// NewFromEnvironment is the catalog's constructor: the region, VPC and cluster name of the
// classes that name none from the defaults (the region else from AWS_REGION), the clients
// of each region loaded with the default credential chain on first use, every call paced by
// one limiter with the rates of limits.
func NewFromEnvironment(clusterID string, observer providers.CallObserver, limits ratelimit.Config, d Defaults) (providers.Provider, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	limiter, err := ratelimit.New(limits, nil)
	if err != nil {
		return nil, fmt.Errorf("aws rate limits: %w", err)
	}
	region := d.Region
	if region == "" {
		region = os.Getenv("AWS_REGION")
	}
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	return New(Options{
		ClusterID: clusterID, ClusterName: d.ClusterName, NodeSecurityGroups: d.NodeSecurityGroups, Region: region, VPC: d.VPC,
		Observer: observer, Limiter: limiter,
		Regional: Dial,
	}), nil
}
