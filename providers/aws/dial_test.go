package aws

import (
	"flag"
	"slices"
	"testing"
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
