package awstest

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// TestEC2WireNamesCoverEveryField walks the SDK types the EC2 codec reads
// and writes and checks that the model's wire names name every field: a
// field the table misses would be sent or read under a guessed name.
func TestEC2WireNamesCoverEveryField(t *testing.T) {
	inputs := []any{ec2.DescribeVpcsInput{}, ec2.DescribeSubnetsInput{}, ec2.DescribeSecurityGroupsInput{},
		ec2.CreateSecurityGroupInput{}, ec2.DeleteSecurityGroupInput{}, ec2.AuthorizeSecurityGroupIngressInput{},
		ec2.RevokeSecurityGroupIngressInput{}, ec2.CreateTagsInput{}, ec2.DeleteTagsInput{},
		ec2.DescribeInstancesInput{}, ec2.DescribeNetworkInterfacesInput{}, ec2.DescribeSecurityGroupRulesInput{}}
	outputs := []any{ec2.DescribeVpcsOutput{}, ec2.DescribeSubnetsOutput{}, ec2.DescribeSecurityGroupsOutput{},
		ec2.CreateSecurityGroupOutput{}, ec2.DeleteSecurityGroupOutput{}, ec2.AuthorizeSecurityGroupIngressOutput{},
		ec2.RevokeSecurityGroupIngressOutput{}, ec2.CreateTagsOutput{}, ec2.DeleteTagsOutput{},
		ec2.DescribeInstancesOutput{}, ec2.DescribeNetworkInterfacesOutput{}, ec2.DescribeSecurityGroupRulesOutput{}}
	for _, v := range inputs {
		checkNames(t, reflect.TypeOf(v), ec2QueryNames, map[reflect.Type]bool{})
	}
	for _, v := range outputs {
		checkNames(t, reflect.TypeOf(v), ec2XMLNames, map[reflect.Type]bool{})
	}
}

func checkNames(t *testing.T, typ reflect.Type, names map[string]string, seen map[reflect.Type]bool) {
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
		typ = typ.Elem()
	}
	if typ.Kind() != reflect.Struct || typ == timeType || seen[typ] {
		return
	}
	seen[typ] = true
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() || f.Name == "ResultMetadata" {
			continue
		}
		if _, ok := names[typ.Name()+"."+f.Name]; !ok {
			t.Errorf("no wire name for %s.%s", typ.Name(), f.Name)
		}
		checkNames(t, f.Type, names, seen)
	}
}
