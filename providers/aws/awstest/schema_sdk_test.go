package awstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
)

// checkServer answers every request with checkRequest's verdict, in the service's wire
// format, so that the real SDK's serializers build what is checked and its deserializers
// read the answer: success is an empty result, a refusal the service's error.
func checkServer(t *testing.T, service string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if service == "acm" {
			body, _ := io.ReadAll(r.Body)
			action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "CertificateManager.")
			if err := checkRequest(service, action, nil, body); err != nil {
				writeJSONError(w, err)
				return
			}
			_, _ = io.WriteString(w, "{}")
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("parse form: %v", err)
		}
		action := r.PostForm.Get("Action")
		if err := checkRequest(service, action, r.PostForm, nil); err != nil {
			writeQueryError(w, service, err)
			return
		}
		if service == "ec2" {
			fmt.Fprintf(w, `<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId></%sResponse>`, action, action)
			return
		}
		fmt.Fprintf(w, `<%[1]sResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><%[1]sResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></%[1]sResponse>`, action)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func writeQueryError(w http.ResponseWriter, service string, err error) {
	var se *APIError
	if !errors.As(err, &se) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(se.Status)
	if service == "ec2" {
		fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>r</RequestID></Response>`, se.Code, sdkXMLEscape(se.Message))
		return
	}
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, se.Code, sdkXMLEscape(se.Message))
}

func writeJSONError(w http.ResponseWriter, err error) {
	var se *APIError
	if !errors.As(err, &se) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(se.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": se.Code, "message": se.Message})
}

func sdkXMLEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;", `"`, "&quot;").Replace(s)
}

func sdkConfig(srv *httptest.Server) aws.Config {
	return aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		HTTPClient:   srv.Client(),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func elbv2Client(t *testing.T) *elasticloadbalancingv2.Client {
	return elasticloadbalancingv2.NewFromConfig(sdkConfig(checkServer(t, "elasticloadbalancing")))
}

func ec2Client(t *testing.T) *ec2.Client {
	return ec2.NewFromConfig(sdkConfig(checkServer(t, "ec2")))
}

func acmClient(t *testing.T) *acm.Client {
	return acm.NewFromConfig(sdkConfig(checkServer(t, "acm")))
}

// sdkCase is one call through a real SDK client and what the checked server must answer.
type sdkCase struct {
	name string
	call func(context.Context) error
	code string // "" when the request must pass
	msg  string // a part of the message
}

func runSDKCases(t *testing.T, cases []sdkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(context.Background())
			if tc.code == "" {
				if err != nil {
					t.Fatalf("a valid request was refused: %v", err)
				}
				return
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want %s", err, tc.code)
			}
			if ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.msg) {
				t.Fatalf("got %s %q\nwant %s …%s…", ae.ErrorCode(), ae.ErrorMessage(), tc.code, tc.msg)
			}
		})
	}
}
