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
)

// stage is where a scenario's objects go and what serves them: the nginx-fallback package
// driven directly (direct), or portico's controller on a real control plane (controlled).
type stage interface {
	// namespace makes the scenario's namespace.
	namespace(ns string) error
	// ingress adds the Ingress, and whatever the stage needs to serve its Services.
	ingress(ing *networkingv1.Ingress) error
	// secret adds a kubernetes.io/tls Secret.
	secret(ns, name string, cert, key []byte) error
	// exposed returns once nginx serves the Ingress, or an error if no load balancer accepts it.
	exposed(ing *networkingv1.Ingress) error
	// notExposed returns nil if no load balancer accepted the Ingress, once nginx serves what
	// the stage has, so that requests to its hosts show what nginx does without it.
	notExposed(ing *networkingv1.Ingress) error
	// scale gives the Service n endpoints in all and returns once nginx serves them.
	scale(ing *networkingv1.Ingress, service string, n int) error
	// client sends every request to nginx, whatever its host; addr is nginx's address for
	// a URL without a host.
	client(*tls.Config) *http.Client
	addr(scheme string) string
}

// world is one scenario's state: its stage, namespace and Ingress, the roots its client
// trusts, and the last responses.
type world struct {
	stage   stage
	ns      string
	ingress *networkingv1.Ingress
	roots   *x509.CertPool

	resp      *http.Response
	body      []byte
	echo      echo.Response
	responses []echo.Response
	statuses  []int
}

func newWorld(s stage) *world {
	return &world{stage: s, roots: x509.NewCertPool()}
}

func (w *world) newNamespace() error {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	w.ns = "conformance-" + hex.EncodeToString(b)
	return w.stage.namespace(w.ns)
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
	return w.stage.ingress(ing)
}

// tlsSecret makes a self-signed certificate for host, which the client then trusts.
func (w *world) tlsSecret(name, host string) error {
	cert, key, err := testcert.SelfSigned(host)
	if err != nil {
		return err
	}
	if err := w.stage.secret(w.ns, name, cert, key); err != nil {
		return err
	}
	if !w.roots.AppendCertsFromPEM(cert) {
		return fmt.Errorf("the certificate for %s does not parse", host)
	}
	return nil
}

// hasAddress: a load balancer accepted the Ingress and nginx serves it.
func (w *world) hasAddress() error {
	return w.stage.exposed(w.ingress)
}

// hasNoAddress: an Ingress of a class that is not portico's is left alone, no load
// balancer serves it, and nginx answers its hosts with a 404.
func (w *world) hasNoAddress() error {
	if err := w.stage.notExposed(w.ingress); err != nil {
		return err
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

// scaled gives the Service n endpoints in all, and serves them.
func (w *world) scaled(service string, n int) error {
	return w.stage.scale(w.ingress, service, n)
}

// send sends one request through nginx. The features write a URL without host as
// http://""/"path": it goes to nginx's address, as the suite sends it to the Ingress's.
func (w *world) send(method, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("bad URL %q: %w", rawURL, err)
	}
	if u.Host == "" {
		u.Host = w.stage.addr(u.Scheme)
	}
	req, err := http.NewRequest(method, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := w.stage.client(&tls.Config{RootCAs: w.roots}).Do(req)
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
