package awstest

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestEveryActionSurvivesEmptyAndJunkRequests sends every served action with
// no parameters and with junk ones: each must answer AWS's refusal (or
// success), never the 500 of an emulator bug.
func TestEveryActionSurvivesEmptyAndJunkRequests(t *testing.T) {
	srv := New(Options{})
	t.Cleanup(srv.Close)
	srv.SeedDefault()
	junk := url.Values{"Names.member.1": {""}, "Tags.member.1.Key": {""}, "Targets.member.1.Port": {"0"},
		"Conditions.member.1.Field": {"host-header"}, "Actions.member.1.Type": {"forward"}, "DefaultActions.member.1.Type": {"redirect"},
		"IpPermissions.1.IpProtocol": {"tcp"}, "Filter.1.Name": {"vpc-id"}, "GroupId": {"sg-x"}, "Priority": {"-1"},
		"RulePriorities.member.1.Priority": {"1"}, "Attributes.member.1.Key": {"x"}, "Certificates.member.1.IsDefault": {"true"}}
	for service, ops := range operations {
		for action := range ops {
			for _, extra := range []url.Values{{}, junk} {
				var req *http.Request
				if service == serviceACM {
					body := `{}`
					if len(extra) > 0 {
						body = `{"CertificateArn":"x","Certificate":"bm90IHBlbQ==","PrivateKey":"","Tags":[{"Key":""}],"MaxItems":0}`
					}
					req, _ = http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(body))
					req.Header.Set("X-Amz-Target", acmTarget+action)
					req.Header.Set("Content-Type", "application/x-amz-json-1.1")
				} else {
					form := url.Values{"Action": {action}, "Version": {elbVersion}}
					if service == serviceEC2 {
						form.Set("Version", ec2Version)
					}
					for k, v := range extra {
						form[k] = v
					}
					req, _ = http.NewRequest(http.MethodPost, srv.URL(), strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := srv.HTTPClient().Do(req)
				if err != nil {
					t.Fatalf("%s %s: %v", service, action, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s with %d junk parameters: %d %s", service, action, len(extra), resp.StatusCode, body)
				}
			}
		}
	}
}
