package nginxfallback

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// A backend whose protocol is HTTPS is proxied over TLS; every other backend over plain HTTP.
func TestHTTPSBackendIsProxiedOverTLS(t *testing.T) {
	b := lb("shop").host("shop.test").prefix("/secure", "secure").prefix("/", "web").
		target("secure", "10.0.0.1", 8443).target("web", "10.0.0.2", 8080)
	findBackend(&b.lb.Spec, "secure").Protocol = v1alpha1.ProtocolHTTPS
	conf, err := Render(input(b))
	if err != nil {
		t.Fatal(err)
	}
	text := string(conf)
	secure, web := "proxy_pass https://"+upstreamName("shop", "secure")+";", "proxy_pass http://"+upstreamName("shop", "web")+";"
	if !strings.Contains(text, secure) || !strings.Contains(text, web) {
		t.Errorf("the configuration lacks %q or %q:\n%s", secure, web, text)
	}
}

// A real nginx reaches a pod that serves only TLS (with a certificate nobody trusts, as
// pods' are) when its backend's protocol is HTTPS.
func TestHTTPSBackendThroughNginx(t *testing.T) {
	bin := nginxBinary(t)
	pod := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(echo{Backend: "tls-pod", Path: r.URL.RequestURI(), Proto: r.Header.Get("X-Forwarded-Proto")})
	}))
	t.Cleanup(pod.Close)
	port := int32(pod.Listener.Addr().(*net.TCPAddr).Port)
	b := lb("tls").host("tls.test").prefix("/", "tls-pod").target("tls-pod", "127.0.0.1", port)
	findBackend(&b.lb.Spec, "tls-pod").Protocol = v1alpha1.ProtocolHTTPS
	in := input(b)
	in.Settings = Settings{HTTPPort: freePort(t), HTTPSPort: freePort(t), ListenAddress: "127.0.0.1", WorkerProcesses: 1}
	w := &Writer{Nginx: bin, Dir: t.TempDir()}
	if _, err := w.Apply(testContext(t), in); err != nil {
		t.Fatal(err)
	}
	startNginx(t, bin, w.Dir)
	c := newClient(in.Settings)
	c.waitReady(t)
	c.expect(t, "http", "tls.test", "/x", "tls-pod")
}
