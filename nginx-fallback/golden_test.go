package nginxfallback

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/render")

// goldenInputs cover every rule of the renderer; each renders to testdata/render/NAME.conf.
func goldenInputs() map[string]Input {
	withAddress := input(lb("a").prefix("/", "web").target("web", "10.0.0.1", 80))
	withAddress.Settings.ListenAddress = "127.0.0.1"
	withAddress.Settings.WorkerProcesses = 0

	contested := input(
		lb("older").host("shop.test").prefix("/", "shop").target("shop", "10.0.0.1", 80).
			host("").prefix("/", "older-any").target("older-any", "10.0.0.2", 80),
		lb("newer").host("shop.test").prefix("/", "newer-shop").target("newer-shop", "10.0.1.1", 80).
			host("blog.test").prefix("/", "blog").target("blog", "10.0.1.2", 80).
			host("").prefix("/", "newer-any").defaultBackend("newer-default"),
	)
	return map[string]Input{
		// Nothing to serve: every request gets a 404, every TLS handshake is refused.
		"empty": input(),
		// The Kubernetes path semantics on the catch-all, with a default backend.
		"paths": input(lb("paths").
			prefix("/", "root").target("root", "10.0.0.1", 8080).
			prefix("/foo", "prefix-foo").target("prefix-foo", "10.0.0.2", 8080).
			exact("/foo", "exact-foo").target("exact-foo", "10.0.0.3", 8080).
			prefix("/aaa/bbb/", "prefix-aaa-bbb").target("prefix-aaa-bbb", "10.0.0.4", 8080).
			exact("/only/", "exact-only-slash").target("exact-only-slash", "10.0.0.5", 8080).
			exact("/x/y/", "exact-xy-slash").target("exact-xy-slash", "10.0.0.6", 8080).
			prefix("/x", "prefix-x").target("prefix-x", "10.0.0.7", 8080).
			defaultBackend("default").target("default", "10.0.0.8", 8080)),
		// No default backend: what no rule matches is a 404; a backend with no ready target
		// is a 503; timeouts; targets sorted, deduplicated, IPv6 in brackets.
		"backends": input(lb("be").
			prefix("/api", "api").timeout("api", 30).
			target("api", "10.0.0.9", 80).target("api", "10.0.0.1", 80).target("api", "10.0.0.1", 80).
			target("api", "fd00::1", 8080).
			exact("/down", "down")),
		// Precise and wildcard hosts across two LoadBalancers; the catch-all belongs to one.
		"hosts": input(
			lb("a").host("*.foo.test").prefix("/", "wild").target("wild", "10.0.0.1", 80).
				host("").prefix("/any", "any").target("any", "10.0.0.2", 80),
			lb("b").host("bar.foo.test").exact("/only", "bar").target("bar", "10.0.1.1", 80).
				defaultBackend("b-default").target("b-default", "10.0.1.2", 80),
		),
		// A contested host and catch-all: only the owners' rules are rendered.
		"contested": contested,
		// TLS per host (SNI), a wildcard certificate, a certificate for every host on the
		// catch-all, ssl-redirect to a public port, a LoadBalancer without plain HTTP.
		"tls": func() Input {
			in := input(
				lb("secure").host("a.test").prefix("/", "web").target("web", "10.0.0.1", 80).
					host("b.wild.test").prefix("/", "web").
					host("c.test").prefix("/", "web").
					host("").prefix("/", "web").
					tls("ns/a-cert", testCert("aaaa"), "a.test").
					tls("ns/wild-cert", testCert("bbbb"), "*.wild.test").
					tls("ns/any-cert", testCert("cccc")).
					sslRedirect(),
				lb("tls-only").host("d.test").prefix("/", "d").target("d", "10.0.1.1", 80).
					tls("ns/d-cert", testCert("dddd"), "d.test").noHTTP(),
			)
			in.Settings.RedirectHTTPSPort = 8443
			return in
		}(),
		"listen-address": withAddress,
		// The status server on loopback, which answers the configuration's generation.
		"status": func() Input {
			in := input(lb("a").prefix("/", "web").target("web", "10.0.0.1", 80))
			in.Settings.StatusPort = 9901
			return in
		}(),
		// The longest values the API allows: a 253-character host and wildcard, a
		// 1024-character path, the longest timeout.
		"long-values": input(lb("long").
			host(longHost("")).prefix(longPath(), "web").timeout("web", 86400).target("web", "10.0.0.1", 80).
			host(longHost("*.")).exact(longPath()+"/", "web")),
	}
}

// longHost is a 253-character host of 63-character labels, after prefix.
func longHost(prefix string) string {
	label := strings.Repeat("a", 63)
	h := prefix + label + "." + label + "." + label + "."
	return h + strings.Repeat("b", 253-len(h))
}

func longPath() string {
	return "/" + strings.Repeat("p", 1022)
}

// TestRenderGolden renders each golden input and compares it with its file. Run
// `go test ./nginx-fallback -run Golden -update` to rewrite them, then read the diff.
func TestRenderGolden(t *testing.T) {
	for name, in := range goldenInputs() {
		t.Run(name, func(t *testing.T) {
			got, err := Render(in)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Render(reversed(in))
			if err != nil || !bytes.Equal(got, again) {
				t.Fatalf("rendering the same input in another order differs (%v)", err)
			}
			golden := filepath.Join("testdata", "render", name+".conf")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("render differs from %s; run with -update and review the diff\n%s", golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// reversed returns in with its LoadBalancers, rules, paths and targets in reverse order
// where order carries no meaning (LoadBalancers, host rules of distinct hosts, targets).
func reversed(in Input) Input {
	out := in
	out.LoadBalancers = nil
	for i := len(in.LoadBalancers) - 1; i >= 0; i-- {
		lb := in.LoadBalancers[i]
		lb.Spec.Rules = append([]v1alpha1.HostRule(nil), lb.Spec.Rules...)
		for a, b := 0, len(lb.Spec.Rules)-1; a < b; a, b = a+1, b-1 {
			lb.Spec.Rules[a], lb.Spec.Rules[b] = lb.Spec.Rules[b], lb.Spec.Rules[a]
		}
		out.LoadBalancers = append(out.LoadBalancers, lb)
	}
	return out
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("  want: " + wl + "\n  got:  " + gl + "\n")
			if b.Len() > 4000 {
				break
			}
		}
	}
	return b.String()
}
