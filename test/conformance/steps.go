package conformance

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

var (
	sendRequest   = regexp.MustCompile(`^I send a "([A-Z]+)" request to (.+)$`)
	statusCode    = regexp.MustCompile(`status-code must be (\d+)`)
	servedBy      = regexp.MustCompile(`must be served by the "([^"]+)" service`)
	verifiesHost  = regexp.MustCompile(`secure connection must verify the "([^"]+)" hostname`)
	ingressNamed  = regexp.MustCompile(`^an Ingress resource named "([^"]+)" with this spec:$`)
	secretForHost = regexp.MustCompile(`^a self-signed TLS secret named "([^"]+)" for the "([^"]+)" hostname$`)
)

// Request is the request a scenario sends.
type Request struct {
	Method string
	URL    *url.URL
}

// Request returns the scenario's request; the default backend feature writes the URL as
// http://"<host>"/"<path>", with quotes around the parts.
func (s Scenario) Request() (Request, error) {
	for _, st := range s.Steps {
		m := sendRequest.FindStringSubmatch(st.Text)
		if m == nil {
			continue
		}
		raw := strings.ReplaceAll(m[2], `"`, "")
		u, err := url.Parse(raw)
		if err != nil {
			return Request{}, fmt.Errorf("scenario %q: bad URL %q: %w", s.Name, raw, err)
		}
		return Request{Method: m[1], URL: u}, nil
	}
	return Request{}, fmt.Errorf("scenario %q sends no request", s.Name)
}

// ExpectedStatus returns the status code the scenario expects.
func (s Scenario) ExpectedStatus() (int, error) {
	for _, st := range s.Steps {
		if m := statusCode.FindStringSubmatch(st.Text); m != nil {
			return strconv.Atoi(m[1])
		}
	}
	return 0, fmt.Errorf("scenario %q expects no status code", s.Name)
}

// ExpectedService returns the Service that must serve the response, or "".
func (s Scenario) ExpectedService() string {
	for _, st := range s.Steps {
		if m := servedBy.FindStringSubmatch(st.Text); m != nil {
			return m[1]
		}
	}
	return ""
}

// ExpectedTLSHost returns the hostname the server certificate must verify for, or "".
func (s Scenario) ExpectedTLSHost() string {
	for _, st := range s.Steps {
		if m := verifiesHost.FindStringSubmatch(st.Text); m != nil {
			return m[1]
		}
	}
	return ""
}

// TLSSecret is a self-signed TLS Secret a feature asks for.
type TLSSecret struct {
	Name, Host string
}

// Setup is what a feature's Background or scenario creates before it sends requests.
type Setup struct {
	Ingresses []*networkingv1.Ingress
	Secrets   []TLSSecret
}

// SetupOf returns the objects that the steps create, in the order they appear.
func SetupOf(steps []Step) (*Setup, error) {
	out := &Setup{}
	for _, st := range steps {
		if m := secretForHost.FindStringSubmatch(st.Text); m != nil {
			out.Secrets = append(out.Secrets, TLSSecret{Name: m[1], Host: m[2]})
		}
		if st.DocString == "" {
			continue
		}
		ing, err := ingressOf(st)
		if err != nil {
			return nil, err
		}
		out.Ingresses = append(out.Ingresses, ing)
	}
	return out, nil
}

func ingressOf(st Step) (*networkingv1.Ingress, error) {
	ing := &networkingv1.Ingress{}
	if m := ingressNamed.FindStringSubmatch(st.Text); m != nil {
		if err := yaml.UnmarshalStrict([]byte(st.DocString), &ing.Spec); err != nil {
			return nil, fmt.Errorf("step %q: %w", st.Text, err)
		}
		ing.Name = m[1]
	} else if err := yaml.UnmarshalStrict([]byte(st.DocString), ing); err != nil {
		return nil, fmt.Errorf("step %q: %w", st.Text, err)
	}
	ing.APIVersion, ing.Kind = "networking.k8s.io/v1", "Ingress"
	return ing, nil
}
