package conformance_test

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/cucumber/godog"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"

	"github.com/portico-dev/portico/internal/testcert"
	"github.com/portico-dev/portico/test/echo"
	"github.com/portico-dev/portico/test/nginxmode"
)

// world is one scenario's state: its namespace and objects, the nginx that serves them
// (shared by every scenario, each loading its own configuration), and the last responses.
type world struct {
	nginx   *nginxmode.Nginx
	cluster *nginxmode.Cluster
	ns      string
	ingress *networkingv1.Ingress
	roots   *x509.CertPool

	resp      *http.Response
	body      []byte
	echo      echo.Response
	responses []echo.Response
	statuses  []int
}

func (w *world) newNamespace() error {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	w.ns = "conformance-" + hex.EncodeToString(b)
	return nil
}

// ingressFrom reads a whole Ingress manifest into the scenario's namespace.
func (w *world) ingressFrom(doc *godog.DocString) error {
	ing := &networkingv1.Ingress{}
	if err := yaml.UnmarshalStrict([]byte(doc.Content), ing); err != nil {
		return fmt.Errorf("the Ingress of the step: %w", err)
	}
	return w.addIngress(ing)
}

func (w *world) ingressInNewNamespace(doc *godog.DocString) error {
	if err := w.newNamespace(); err != nil {
		return err
	}
	return w.ingressFrom(doc)
}

// ingressNamed reads an Ingress spec.
func (w *world) ingressNamed(name string, doc *godog.DocString) error {
	ing := &networkingv1.Ingress{}
	if err := yaml.UnmarshalStrict([]byte(doc.Content), &ing.Spec); err != nil {
		return fmt.Errorf("the Ingress spec of the step: %w", err)
	}
	ing.Name = name
	return w.addIngress(ing)
}

func (w *world) addIngress(ing *networkingv1.Ingress) error {
	if w.ns == "" {
		return fmt.Errorf("no namespace was made before the Ingress %s", ing.Name)
	}
	ing.Namespace = w.ns
	w.ingress = ing
	w.cluster.AddIngress(ing)
	return nil
}

// tlsSecret makes a self-signed certificate for host, which the client then trusts.
func (w *world) tlsSecret(name, host string) error {
	cert, key, err := testcert.SelfSigned(host)
	if err != nil {
		return err
	}
	w.cluster.AddTLSSecret(w.ns, name, cert, key)
	if !w.roots.AppendCertsFromPEM(cert) {
		return fmt.Errorf("the certificate for %s does not parse", host)
	}
	return nil
}

// hasAddress serves the scenario's objects: echo endpoints for every Service the Ingress
// names, the model's translation, nginx's configuration loaded. The Ingress has an address
// when a load balancer accepted it and nginx serves that load balancer's configuration.
func (w *world) hasAddress() error {
	w.cluster.EchoBackends(w.ingress)
	if err := w.serve(); err != nil {
		return err
	}
	if !w.accepted() {
		return fmt.Errorf("no load balancer accepted Ingress %s/%s", w.ns, w.ingress.Name)
	}
	return nil
}

func (w *world) serve() error {
	return w.nginx.Apply(w.cluster.Input())
}

// hasNoAddress: an Ingress of a class that is not portico's is left alone, no load
// balancer serves it, and nginx answers its host with a 404.
func (w *world) hasNoAddress() error {
	w.cluster.EchoBackends(w.ingress)
	if err := w.serve(); err != nil {
		return err
	}
	if w.accepted() {
		return fmt.Errorf("Ingress %s/%s of class %v got a load balancer", w.ns, w.ingress.Name, w.ingress.Spec.IngressClassName)
	}
	for _, r := range w.ingress.Spec.Rules {
		if err := w.send(http.MethodGet, "http://"+r.Host+"/"); err != nil {
			return err
		}
		if w.resp.StatusCode != http.StatusNotFound {
			return fmt.Errorf("host %s of the unclaimed Ingress answered %d, want 404", r.Host, w.resp.StatusCode)
		}
	}
	return nil
}

func (w *world) accepted() bool {
	results, _ := w.cluster.Translate()
	for _, r := range results {
		for _, m := range r.Accepted() {
			if m.Namespace == w.ns && m.Name == w.ingress.Name {
				return true
			}
		}
	}
	return false
}

// scaled gives the Service n endpoints in all, and serves them.
func (w *world) scaled(service string, n int) error {
	have := len(w.cluster.Echo(w.ns, service, w.ingress.Name, 0))
	if have < n {
		w.cluster.Echo(w.ns, service, w.ingress.Name, n-have)
	}
	return w.serve()
}

// send sends one request through nginx. The features write a URL without host as
// http://""/"path": it goes to nginx's address, as the suite sends it to the Ingress's.
func (w *world) send(method, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("bad URL %q: %w", rawURL, err)
	}
	if u.Host == "" {
		u.Host = w.nginx.Addr(u.Scheme)
	}
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := w.nginx.Client(&tls.Config{RootCAs: w.roots}).Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, u, err)
	}
	defer func() { _ = resp.Body.Close() }()
	w.resp = resp
	if w.body, err = io.ReadAll(resp.Body); err != nil {
		return err
	}
	w.echo = echo.Response{}
	if resp.StatusCode == http.StatusOK {
		if w.echo, err = echo.Decode(w.body); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) sendTo(method, host, path string) error {
	return w.send(method, "http://"+host+"/"+path)
}

func (w *world) sendMany(n int, rawURL string) error {
	w.responses, w.statuses = nil, nil
	for i := 0; i < n; i++ {
		if err := w.send(http.MethodGet, rawURL); err != nil {
			return err
		}
		w.statuses = append(w.statuses, w.resp.StatusCode)
		w.responses = append(w.responses, w.echo)
	}
	return nil
}

func (w *world) statusIs(code int) error {
	if w.resp.StatusCode != code {
		return fmt.Errorf("status %d, want %d: %.300s", w.resp.StatusCode, code, w.body)
	}
	return nil
}

func (w *world) servedBy(service string) error {
	if w.echo.Service != service {
		return fmt.Errorf("served by Service %q, want %q: %.300s", w.echo.Service, service, w.body)
	}
	return nil
}

func (w *world) verifiesHost(host string) error {
	if w.resp.TLS == nil || len(w.resp.TLS.PeerCertificates) == 0 {
		return fmt.Errorf("the response did not come over TLS")
	}
	return w.resp.TLS.PeerCertificates[0].VerifyHostname(host)
}

func (w *world) responseProto(proto string) error {
	if w.resp.Proto != proto {
		return fmt.Errorf("response proto %s, want %s", w.resp.Proto, proto)
	}
	return nil
}

func (w *world) responseHeaders(table *godog.Table) error {
	return headersMatch("response", w.resp.Header, table)
}

func (w *world) requestHeaders(table *godog.Table) error {
	return headersMatch("request", w.echo.Headers, table)
}

// headersMatch checks a table of key and value, where value * means any value.
func headersMatch(what string, h http.Header, table *godog.Table) error {
	for _, row := range table.Rows[1:] {
		key, want := row.Cells[0].Value, row.Cells[1].Value
		got := h.Values(key)
		if len(got) == 0 {
			return fmt.Errorf("the %s has no header %s", what, key)
		}
		if want != "*" && got[0] != want {
			return fmt.Errorf("the %s header %s is %q, want %q", what, key, got[0], want)
		}
	}
	return nil
}

func (w *world) requestMethod(method string) error {
	return equal("request method", w.echo.Method, method)
}

// requestPath compares the path the backend received with the step's, which the features
// write without the leading slash.
func (w *world) requestPath(path string) error {
	got, _, _ := strings.Cut(w.echo.Path, "?")
	return equal("request path", strings.TrimPrefix(got, "/"), strings.TrimPrefix(path, "/"))
}

func (w *world) requestProto(proto string) error {
	return equal("request proto", w.echo.Proto, proto)
}

func (w *world) requestHost(host string) error {
	return equal("request host", w.echo.Host, host)
}

func (w *world) distinctPods(code, pods int) error {
	seen := map[string]bool{}
	for i, r := range w.responses {
		if w.statuses[i] != code {
			return fmt.Errorf("response %d: status %d, want %d", i, w.statuses[i], code)
		}
		seen[r.Pod] = true
	}
	if len(seen) != pods {
		return fmt.Errorf("%d requests reached %d pods, want %d", len(w.responses), len(seen), pods)
	}
	return nil
}

func equal(what, got, want string) error {
	if got != want {
		return fmt.Errorf("%s %q, want %q", what, got, want)
	}
	return nil
}
