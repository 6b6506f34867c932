package awstest_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

func post(t *testing.T, srv *awstest.Server, header map[string]string, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHostileRequests sends what no SDK sends and expects AWS-shaped refusals.
func TestHostileRequests(t *testing.T) {
	srv := awstest.New(awstest.Options{})
	t.Cleanup(srv.Close)
	elbForm := func(kv ...string) string {
		v := url.Values{"Version": {"2015-12-01"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	for _, tc := range []struct {
		name   string
		header map[string]string
		body   string
		status int
		code   string // any of these codes, separated by "|"
	}{
		{"unknown action", nil, elbForm("Action", "DropTables"), 400, "InvalidAction"},
		{"unknown version", nil, "Action=DescribeLoadBalancers&Version=1999-01-01", 400, "InvalidAction"},
		{"bad form", nil, "Action=%zz", 400, "MalformedQueryString"},
		{"page size not a number", nil, elbForm("Action", "DescribeLoadBalancers", "PageSize", "many"), 400, "ValidationError"},
		{"unknown ACM target", map[string]string{"X-Amz-Target": "CertificateManager.Nope", "Content-Type": "application/x-amz-json-1.1"}, "{}", 400, "UnknownOperationException"},
		{"ACM body not JSON", map[string]string{"X-Amz-Target": "CertificateManager.ListCertificates", "Content-Type": "application/x-amz-json-1.1"}, "{", 400, "SerializationException"},
		{"ACM body not an object", map[string]string{"X-Amz-Target": "CertificateManager.ListCertificates", "Content-Type": "application/x-amz-json-1.1"}, "[1]", 400, "SerializationException|ValidationException"},
		{"EC2 bad integer", nil, "Action=DescribeVpcs&Version=2016-11-15&MaxResults=x", 400, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, srv, tc.header, tc.body)
			found := false
			for _, c := range strings.Split(tc.code, "|") {
				found = found || strings.Contains(body, `"`+c+`"`) || strings.Contains(body, "<Code>"+c+"</Code>")
			}
			if status != tc.status || !found {
				t.Errorf("answered %d %s, want %d %s", status, body, tc.status, tc.code)
			}
		})
	}
	status, body := post(t, srv, nil, elbForm("Action", "DescribeLoadBalancers", "Names.member.1", "nope"))
	var e struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		ReqID   string   `xml:"RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &e); err != nil || status != 400 || e.Type != "Sender" || e.Code != "LoadBalancerNotFound" || e.ReqID == "" {
		t.Errorf("ELBv2 error body %d %s (%v)", status, body, err)
	}
	status, body = post(t, srv, nil, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-nope")
	var ee struct {
		XMLName xml.Name `xml:"Response"`
		Code    string   `xml:"Errors>Error>Code"`
		ReqID   string   `xml:"RequestID"`
	}
	if err := xml.Unmarshal([]byte(body), &ee); err != nil || status != 400 || ee.Code != "InvalidVpcID.NotFound" || ee.ReqID == "" {
		t.Errorf("EC2 error body %d %s (%v)", status, body, err)
	}
}
