package model

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// Explanation says where one request goes and why: the answer to "how does my traffic flow".
type Explanation struct {
	URL string `json:"url"`
	// Status is 200 (a backend), 301 (redirect to HTTPS), 404 (no route) or 0 (no listener).
	Status int `json:"status"`
	// Service is the backend Service's name, empty when no backend is chosen.
	Service          string `json:"service"`
	ServiceNamespace string `json:"serviceNamespace,omitempty"`
	ServicePort      string `json:"servicePort,omitempty"`
	// LoadBalancer is the name of the LoadBalancer that received the request.
	LoadBalancer string `json:"loadBalancer,omitempty"`
	// Ingress and Rule name the Ingress and the field of the rule that matched.
	Ingress string `json:"ingress,omitempty"`
	Rule    string `json:"rule,omitempty"`
	// Host, Path and PathType describe the matched rule; HostMatch says how the host matched.
	Host           string `json:"host,omitempty"`
	HostMatch      string `json:"hostMatch,omitempty"`
	Path           string `json:"path,omitempty"`
	PathType       string `json:"pathType,omitempty"`
	DefaultBackend bool   `json:"defaultBackend,omitempty"`
	// Certificate serves an HTTPS request: a Secret namespace/name or a pre-shared name.
	Certificate string `json:"certificate,omitempty"`
	// Location is where a 301 redirects to.
	Location string `json:"location,omitempty"`
	// Reasons explain the decision, step by step.
	Reasons []string `json:"reasons"`
}

// ParseRequestURL reads a URL as portico explain takes it: "http://host/path", "host/path"
// or "/path"; the scheme defaults to http.
func ParseRequestURL(raw string) (*url.URL, error) {
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("invalid URL: scheme %s is not http or https", quote(u.Scheme))
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// Explain routes a request through the load balancers of results. Each load balancer has its
// own address, so the one that receives the request is the one whose rules fit its host best
// (an exact host, then a wildcard, then a rule without host, then a default backend), unless
// lbName names one. ingresses are the inputs of the translation, for naming rule fields.
func Explain(results []*Result, ingresses []*networkingv1.Ingress, u *url.URL, lbName string) Explanation {
	ex := Explanation{URL: u.String()}
	lb := chooseLoadBalancer(results, u, lbName, &ex)
	if lb == nil {
		return ex
	}
	ex.LoadBalancer = lb.Name
	spec := &lb.Spec
	if !listenerAccepts(spec, u, &ex) {
		return ex
	}
	d := Route(spec, u.Host, u.EscapedPath())
	ex.Status, ex.Host, ex.HostMatch = d.Status, d.Host, d.HostMatch
	ex.Path, ex.PathType, ex.DefaultBackend, ex.Ingress = d.Path, d.PathType, d.DefaultBackend, d.Ingress
	ex.Reasons = append(ex.Reasons, d.Reason)
	ex.Reasons = append(ex.Reasons, nearMisses(spec, u.Host, u.EscapedPath(), d)...)
	if d.Service != nil {
		ex.Service, ex.ServiceNamespace, ex.ServicePort = d.Service.Name, d.Service.Namespace, servicePortText(*d.Service)
	}
	if d.DefaultBackend {
		ex.Ingress = defaultBackendOwner(lb, ingresses)
	}
	ex.Rule = ruleField(ingresses, ex)
	return ex
}

func chooseLoadBalancer(results []*Result, u *url.URL, lbName string, ex *Explanation) *Result {
	var best *Result
	bestRank, tied := -1, 0
	for _, r := range results {
		if len(r.Accepted()) == 0 {
			continue
		}
		if lbName != "" {
			if r.Name == lbName {
				return r
			}
			continue
		}
		rank := hostRank(&r.Spec, u.Host)
		switch {
		case rank > bestRank:
			best, bestRank, tied = r, rank, 1
		case rank == bestRank:
			tied++
		}
	}
	switch {
	case lbName != "":
		ex.Reasons = append(ex.Reasons, fmt.Sprintf("no load balancer named %s serves an Ingress", quote(lbName)))
	case best == nil:
		ex.Reasons = append(ex.Reasons, "no Ingress is served, so no load balancer receives the request")
	case tied > 1:
		ex.Reasons = append(ex.Reasons, fmt.Sprintf(
			"%d load balancers fit host %s equally well; each has its own address, so this explains %s (choose another with --load-balancer)",
			tied, hostText(normalizeHost(u.Host)), best.Name))
	}
	return best
}

// hostRank scores how well a load balancer's rules fit a host.
func hostRank(spec *v1alpha1.LoadBalancerSpec, host string) int {
	_, match := chooseHost(spec.Rules, normalizeHost(host))
	switch {
	case match == HostMatchExact:
		return 4
	case match == HostMatchWildcard:
		return 3
	case match == HostMatchAny:
		return 2
	case spec.DefaultBackend != "":
		return 1
	}
	return 0
}

// listenerAccepts checks the frontend for the URL's scheme and records the certificate or
// the redirect. It returns false when the request never reaches the router.
func listenerAccepts(spec *v1alpha1.LoadBalancerSpec, u *url.URL, ex *Explanation) bool {
	if u.Scheme == "https" {
		if !spec.Frontends.HTTPS {
			ex.Reasons = append(ex.Reasons, "the load balancer has no HTTPS listener on port 443: no Ingress of it has a usable TLS certificate")
			return false
		}
		ex.Certificate, ex.Reasons = certificateFor(spec, normalizeHost(u.Host), ex.Reasons)
		if v := spec.Frontends.MinTLSVersion; v != "" {
			ex.Reasons = append(ex.Reasons, "the client must speak TLS "+v+" or later ("+AnnotationMinTLSVersion+")")
		}
		return true
	}
	if !spec.Frontends.HTTP {
		ex.Reasons = append(ex.Reasons, "the load balancer has no HTTP listener on port 80: "+AnnotationAllowHTTP+" is false")
		return false
	}
	if spec.Frontends.SSLRedirect {
		ex.Status = 301
		redirect := *u
		redirect.Scheme = "https"
		ex.Location = redirect.String()
		ex.Reasons = append(ex.Reasons, "plain HTTP is redirected to HTTPS ("+AnnotationSSLRedirect+" is true)")
		return false
	}
	return true
}

func certificateFor(spec *v1alpha1.LoadBalancerSpec, host string, reasons []string) (string, []string) {
	var catchAll string
	for _, c := range spec.TLS {
		name := describeCertificate(c)
		if len(c.Hosts) == 0 && catchAll == "" {
			catchAll = name
		}
		for _, h := range c.Hosts {
			if string(h) == host || wildcardMatches(string(h), host) {
				return name, append(reasons, fmt.Sprintf("TLS: certificate %s serves host %s", name, host))
			}
		}
	}
	if catchAll != "" {
		return catchAll, append(reasons, fmt.Sprintf("TLS: no certificate names host %s; %s, which lists no hosts, serves it", host, catchAll))
	}
	first := describeCertificate(spec.TLS[0])
	return first, append(reasons, fmt.Sprintf("TLS: no certificate names host %s; clients that check the name reject %s", hostText(host), first))
}

func describeCertificate(c v1alpha1.TLSCertificate) string {
	if c.SecretRef != nil {
		return "Secret " + c.SecretRef.Namespace + "/" + c.SecretRef.Name
	}
	if c.Discovered {
		return "the certificate the provider finds for the host (ACM on AWS)"
	}
	return "pre-shared " + c.PreShared
}

func servicePortText(ref v1alpha1.ServiceRef) string {
	if ref.PortName != "" {
		return ref.PortName
	}
	return strconv.Itoa(int(ref.PortNumber))
}

func defaultBackendOwner(lb *Result, ingresses []*networkingv1.Ingress) string {
	for _, id := range lb.Accepted() {
		for _, ing := range ingresses {
			if ing.Namespace == id.Namespace && ing.Name == id.Name && ing.Spec.DefaultBackend != nil {
				return id.String()
			}
		}
	}
	return ""
}

// ruleField finds the field of the Ingress rule that the explanation matched.
func ruleField(ingresses []*networkingv1.Ingress, ex Explanation) string {
	if ex.DefaultBackend {
		if ex.Ingress != "" {
			return "spec.defaultBackend"
		}
		return ""
	}
	for _, ing := range ingresses {
		if ing.Namespace+"/"+ing.Name != ex.Ingress {
			continue
		}
		for i, r := range ing.Spec.Rules {
			if r.Host != ex.Host || r.HTTP == nil {
				continue
			}
			for j := range r.HTTP.Paths {
				p := &r.HTTP.Paths[j]
				path, pathType, _, msg := canonicalPath(p)
				if msg == "" && path == ex.Path && pathType == ex.PathType {
					return fmt.Sprintf("spec.rules[%d].http.paths[%d]", i, j)
				}
			}
		}
	}
	return ""
}
