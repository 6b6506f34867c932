package aws

import (
	"flag"
	"slices"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers/ratelimit"
)

func TestDefaultsComeFromFlagsAndAreChecked(t *testing.T) {
	var d Defaults
	fs := flag.NewFlagSet("aws", flag.ContinueOnError)
	d.BindFlags(fs)
	if err := fs.Parse([]string{"--aws-region=eu-west-1", "--aws-vpc=vpc-0a1b2c3d", "--aws-cluster-name=prod",
		"--aws-node-security-groups=sg-0a1b2c3d,sg-0e1f2a3b"}); err != nil {
		t.Fatal(err)
	}
	if d.Region != "eu-west-1" || d.VPC != "vpc-0a1b2c3d" || d.ClusterName != "prod" || !slices.Equal(d.NodeSecurityGroups, []string{"sg-0a1b2c3d", "sg-0e1f2a3b"}) {
		t.Errorf("defaults %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("valid flags refused: %v", err)
	}
	for _, bad := range []Defaults{{Region: "Europe"}, {VPC: "my-vpc"}, {NodeSecurityGroups: []string{"nodes"}}, {ClusterName: "-x"}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestNewFromEnvironmentTakesTheRegionOfTheEnvironment(t *testing.T) {
	t.Setenv("AWS_REGION", "ap-south-1")
	p, err := NewFromEnvironment("cluster-a", nil, ratelimit.DefaultConfig(), Defaults{VPC: "vpc-0a1b2c3d"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Location(nil); got != "ap-south-1" {
		t.Errorf("location %q, want ap-south-1 from AWS_REGION", got)
	}
	if got := p.Location(&v1alpha1.IngressClassParamsSpec{AWS: &v1alpha1.AWSParams{Region: "eu-west-1"}}); got != "eu-west-1" {
		t.Errorf("a class's region gives location %q, want eu-west-1", got)
	}
	if _, err := NewFromEnvironment("cluster-a", nil, ratelimit.DefaultConfig(), Defaults{VPC: "nope"}); err == nil {
		t.Error("a bad --aws-vpc was accepted")
	}
}
