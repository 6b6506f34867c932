package nginxfallback

import (
	"fmt"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// hostile are values that would change a configuration's structure if they reached it as
// written: quotes, braces, semicolons, newlines, variables, comments, backslashes, and
// very long strings.
var hostile = []string{
	`a"b`, `a'b`, `a{b`, `a}b`, `a;b`, "a\nb", "a\rb", `a$host`, `a#b`, `a\b`, `a\"b`,
	"a\x00b", "a\tb", `x"; } server { listen 1; #`, "x;\n}\nserver {\nlisten 81;\n",
	`${host}`, `\`, `"`, `}`, strings.Repeat("a", 5000), strings.Repeat(`\"`, 2000),
	`/foo"; return 200 "pwned`, "/foo;\nreturn 302 http://evil/;#", "*.foo.com\"; #",
	"ünïcödé", "a b",
}

// corpusInput is an input with two LoadBalancers, TLS, a default backend and targets, where
// value(field) gives each user-written string.
func corpusInput(value func(field string) string) Input {
	name := value("loadbalancer name")
	backend := value("backend name")
	ref := value("secret namespace") + "/" + value("secret name")
	cert := providers.Certificate{
		CertPEM: []byte(value("certificate PEM")), Hash: value("certificate hash"),
		Key: providers.StaticKey([]byte(value("key PEM"))),
	}
	a := lb(name).host(value("host")).path(value("path type"), value("path"), backend).
		target(backend, value("target ip"), 80).
		defaultBackend(value("default backend")).target(value("default backend"), "10.0.0.2", 80).
		tls(ref, cert)
	a.lb.Spec.ParametersRef = value("parameters ref")
	a.lb.Spec.TLS = append(a.lb.Spec.TLS, v1alpha1.TLSCertificate{PreShared: value("pre-shared certificate")})
	a.lb.Spec.Rules[0].Paths[0].Ingress = value("rule ingress")
	a.lb.Spec.Members = []v1alpha1.IngressRef{{Namespace: value("member namespace"), Name: value("member name")}}
	a.lb.Spec.Claims = []v1alpha1.SettingClaim{{Setting: "sslRedirect", Value: value("claim value"), Ingress: value("claim ingress")}}
	be := findBackend(&a.lb.Spec, backend)
	be.Service = v1alpha1.ServiceRef{Namespace: value("service namespace"), Name: value("service name"), PortName: value("service port")}
	be.TimeoutSeconds = 10
	a.lb.Targets[backend][0].Zone = value("target zone")
	a.lb.Targets[backend][0].Node = value("target node")
	b := lb("other").host("other.test").prefix("/", "web").target("web", "10.0.1.1", 80)
	in := input(a, b)
	in.CatchAll = name
	return in
}

// rendered fields reach the configuration; the renderer checks them and refuses what is not
// a valid value. Every other field is either never rendered or rendered only through a hash.
var rendered = map[string]bool{"host": true, "path": true, "path type": true, "target ip": true}

func benign(field string) string {
	switch field {
	case "host":
		return "shop.test"
	case "path":
		return "/shop"
	case "path type":
		return v1alpha1.PathTypePrefix
	case "target ip":
		return "10.0.0.1"
	}
	return strings.ReplaceAll(field, " ", "-")
}

// TestInjectionCorpusNeverChangesStructure puts each hostile value into each field in turn:
// a field that reaches the configuration refuses it with an error that names the value; any
// other field leaves the structure of the configuration exactly that of a benign input,
// with no comment, and the value nowhere in the output.
func TestInjectionCorpusNeverChangesStructure(t *testing.T) {
	want := mustShape(t, corpusInput(benign))
	fields := []string{}
	corpusInput(func(f string) string { fields = append(fields, f); return benign(f) })
	for _, field := range fields {
		for i, bad := range hostile {
			t.Run(fmt.Sprintf("%s/%d", field, i), func(t *testing.T) {
				value := func(f string) string {
					if f == field {
						return bad
					}
					return benign(f)
				}
				out, err := Render(corpusInput(value))
				if rendered[field] {
					if err == nil {
						t.Fatalf("%s %q was rendered:\n%s", field, bad, out)
					}
					if !strings.Contains(err.Error(), shown(bad)) {
						t.Fatalf("the error does not name the refused value %s: %v", shown(bad), err)
					}
					return
				}
				if err != nil {
					t.Fatalf("a %s the configuration never shows was refused: %v", field, err)
				}
				p, err := parseConf(string(out))
				if err != nil {
					t.Fatalf("output does not parse: %v\n%s", err, out)
				}
				if p.comments != 0 || p.shape() != want {
					t.Fatalf("%s %q changed the structure (%d comments):\n%s", field, bad, p.comments, lineDiff(want, p.shape()))
				}
				if len(bad) > 3 && strings.Contains(string(out), bad) {
					t.Fatalf("%s %q reached the configuration as written", field, bad)
				}
			})
		}
	}
}

// TestQuoteRoundTrips checks quote against the tokenizer: what nginx reads back is the
// value, as one word, for every value quote accepts; and quote refuses what it cannot carry.
func TestQuoteRoundTrips(t *testing.T) {
	for _, v := range append(hostile, `/plain`, `a\\b`, `a\nb`) {
		q, err := quote(v)
		if err != nil {
			if !strings.ContainsAny(v, "$\n\r\t\x00") {
				t.Errorf("quote refused %q", v)
			}
			continue
		}
		p, err := parseConf("d " + q + ";")
		if err != nil || len(p.root.children) != 1 || len(p.root.children[0].args) != 1 {
			t.Fatalf("quoted %q is not one argument: %v", v, err)
		}
		if got := unquote(p.root.children[0].args[0]); got != v {
			t.Errorf("quote(%q) reads back as %q", v, got)
		}
	}
}

// unquote undoes a double-quoted word as ngx_conf_read_token does.
func unquote(w string) string {
	w = w[1 : len(w)-1]
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		if w[i] == '\\' && i+1 < len(w) && strings.IndexByte(`"'\`, w[i+1]) >= 0 {
			i++
		}
		b.WriteByte(w[i])
	}
	return b.String()
}

func mustShape(t *testing.T, in Input) string {
	t.Helper()
	out, err := Render(in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := parseConf(string(out))
	if err != nil {
		t.Fatal(err)
	}
	return p.shape()
}
