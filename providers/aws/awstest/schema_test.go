package awstest

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
)

// Requests the SDK cannot build (it checks required members itself and knows only the
// model's names) are checked here as forms and bodies sent by hand.
func TestHandBuiltRequestsAreCheckedLikeAWS(t *testing.T) {
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name, service, action string
		params                url.Values
		body                  string
		code, msg             string
	}{
		{"elbv2 valid", "elasticloadbalancing", "DeleteLoadBalancer", form("Action", "DeleteLoadBalancer", "Version", "2015-12-01", "LoadBalancerArn", arnLB), "", "", ""},
		{"elbv2 missing required", "elasticloadbalancing", "CreateLoadBalancer", form("Scheme", "internal"), "", "ValidationError",
			"1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"},
		{"elbv2 missing required in a list member", "elasticloadbalancing", "AddTags", form("ResourceArns.member.1", arnLB, "Tags.member.1.Value", "v"), "", "ValidationError",
			"Value null at 'tags.1.member.key' failed to satisfy constraint: Member must not be null"},
		{"elbv2 unknown parameter", "elasticloadbalancing", "DeleteLoadBalancer", form("LoadBalancerArn", arnLB, "Force", "true"), "", "ValidationError",
			"Parameter 'Force' is not recognized"},
		{"elbv2 unknown nested parameter", "elasticloadbalancing", "AddTags", form("ResourceArns.member.1", arnLB, "Tags.member.1.Key", "k", "Tags.member.1.Colour", "red"), "", "ValidationError",
			"Parameter 'Tags.member.1.Colour' is not recognized"},
		{"elbv2 list without member", "elasticloadbalancing", "DescribeTags", form("ResourceArns.1", arnLB), "", "ValidationError",
			"Parameter 'ResourceArns.1' is not recognized"},
		{"elbv2 list with a gap", "elasticloadbalancing", "DescribeTags", form("ResourceArns.member.1", arnLB, "ResourceArns.member.3", arnTG), "", "ValidationError",
			"Parameter 'ResourceArns.member.3' is not recognized"},
		{"elbv2 list index zero", "elasticloadbalancing", "DescribeTags", form("ResourceArns.member.0", arnLB), "", "ValidationError",
			"Parameter 'ResourceArns.member.0' is not recognized"},
		{"elbv2 a number that is not", "elasticloadbalancing", "CreateTargetGroup", form("Name", "tg", "Port", "eighty"), "", "ValidationError",
			"Value 'eighty' at 'port' failed to satisfy constraint: Member must be an integer"},
		{"elbv2 a value for a structure", "elasticloadbalancing", "CreateTargetGroup", form("Name", "tg", "Matcher", "200"), "", "ValidationError",
			"Value '200' at 'matcher' failed to satisfy constraint: Member must be a structure"},
		{"ec2 missing required, by its wire name", "ec2", "CreateSecurityGroup", form("GroupName", "g"), "", "MissingParameter",
			"The request must contain the parameter GroupDescription"},
		{"ec2 unknown parameter", "ec2", "DescribeSecurityGroups", form("GroupIds.1", "sg-1"), "", "UnknownParameter",
			"The parameter GroupIds is not recognized"},
		{"ec2 awsquery-style list", "ec2", "DescribeSecurityGroups", form("GroupId.member.1", "sg-1"), "", "UnknownParameter",
			"The parameter GroupId.member is not recognized"},
		{"ec2 member name instead of queryName", "ec2", "CreateSecurityGroup", form("GroupName", "g", "Description", "d"), "", "UnknownParameter",
			"The parameter Description is not recognized"},
		{"ec2 a boolean that is not", "ec2", "DescribeVpcs", form("DryRun", "yes"), "", "InvalidParameterValue",
			"Value (yes) for parameter DryRun is invalid. The value must be a boolean."},
		{"ec2 valid filter", "ec2", "DescribeSubnets", form("Filter.1.Name", "vpc-id", "Filter.1.Value.1", "vpc-1", "Filter.2.Name", "tag-key", "Filter.2.Value.1", "k"), "", "", ""},
		{"unknown action", "elasticloadbalancing", "CreateLoadBalancers", form(), "", "InvalidAction",
			"The action CreateLoadBalancers is not valid for this web service."},
		{"acm missing required", "acm", "ImportCertificate", nil, `{"Certificate":"Yw=="}`, "ValidationException",
			"Value null at 'privateKey' failed to satisfy constraint: Member must not be null"},
		{"acm unknown member", "acm", "DeleteCertificate", nil, `{"CertificateArn":"` + arnCert + `","Force":true}`, "ValidationException",
			"Parameter 'Force' is not recognized"},
		{"acm wrong type", "acm", "ListCertificates", nil, `{"MaxItems":"ten"}`, "SerializationException",
			`Unexpected value "ten" at 'MaxItems': expected an integer`},
		{"acm body not an object", "acm", "ListCertificates", nil, `[1]`, "SerializationException",
			`Unexpected value [1] at '': expected a structure`},
		{"acm blob not base64", "acm", "ImportCertificate", nil, `{"Certificate":"!!","PrivateKey":"Yw=="}`, "ValidationException",
			"Value '***' at 'certificate' failed to satisfy constraint: Member must be base64-encoded"},
		{"acm not JSON", "acm", "ListCertificates", nil, `{"MaxItems":`, "SerializationException", "not JSON"},
		{"acm empty body", "acm", "ListCertificates", nil, ``, "", ""},
		{"acm null body", "acm", "DeleteCertificate", nil, `null`, "ValidationException", "Value null at 'certificateArn'"},
		{"acm unknown operation", "acm", "RequestCertificate", nil, `{}`, "UnknownOperationException", "RequestCertificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRequest(tc.service, tc.action, tc.params, []byte(tc.body))
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var se *APIError
			if !errors.As(err, &se) || se.Status != 400 || se.Code != tc.code || !strings.Contains(se.Message, tc.msg) {
				t.Fatalf("err = %v\nwant 400 %s …%s…", err, tc.code, tc.msg)
			}
		})
	}
}

// A private key is never echoed in an error: ACM's blobs are secrets.
func TestBlobValuesAreNeverEchoed(t *testing.T) {
	err := checkRequest("acm", "ImportCertificate", nil, []byte(`{"Certificate":"Yw==","PrivateKey":"","Tags":[]}`))
	if err == nil || strings.Contains(err.Error(), "Yw==") {
		t.Fatalf("err = %v", err)
	}
}

// The embedded models come from the SDK release modelgen names; regenerating must give
// the same file, which hack/verify.sh checks through make generate.
func TestModelsNameTheirSource(t *testing.T) {
	if !strings.HasPrefix(models.Source, "github.com/aws/aws-sdk-go@v1.55.8 ") {
		t.Fatalf("aws-models.json comes from %q", models.Source)
	}
	info, err := os.Stat("aws-models.json")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 200<<10 {
		t.Fatalf("aws-models.json is %d bytes: trim it", info.Size())
	}
	for svc, want := range map[string]string{"elasticloadbalancing": "query", "ec2": "ec2", "acm": "json"} {
		if m := models.Services[svc]; m == nil || m.Protocol != want {
			t.Errorf("%s: model missing or protocol not %s", svc, want)
		}
	}
}

// Every operation the emulator serves has its input in aws-models.json, so that its
// requests are checked: an operation added without it fails here.
func TestEveryOperationHasItsModel(t *testing.T) {
	for service, ops := range operations {
		for action := range ops {
			if _, ok := models.Services[service].Operations[action]; !ok {
				t.Errorf("%s %s is not in aws-models.json; add it to internal/modelgen and run go generate", service, action)
			}
		}
	}
}
