package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeManifest(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ingress.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const explainIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
`

func TestExplainJSON(t *testing.T) {
	file := writeManifest(t, explainIngress)
	cases := []struct {
		url     string
		status  int
		service string
	}{
		{"http://shop.example.com/cart/items", 200, "cart"},
		{"shop.example.com/cartoon", 404, ""},
		{"http://other.example.com/cart", 404, ""},
	}
	for _, tc := range cases {
		code, out, errOut := runPortico(t, "explain", "-f", file, "--url", tc.url, "-o", "json")
		if code != exitOK {
			t.Fatalf("explain %s exited %d: %s", tc.url, code, errOut)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("explain -o json printed no JSON: %v\n%s", err, out)
		}
		if got["status"] != float64(tc.status) || got["service"] != tc.service {
			t.Errorf("%s: status %v service %q, want %d %q", tc.url, got["status"], got["service"], tc.status, tc.service)
		}
		if _, ok := got["service"]; !ok {
			t.Errorf("%s: the JSON has no service key", tc.url)
		}
	}
}

func TestExplainReportsProblemsAndExitsOne(t *testing.T) {
	file := writeManifest(t, explainIngress+`---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: hostile, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: "/x;evil", pathType: Prefix, backend: {service: {name: evil, port: {number: 80}}}}
`)
	code, out, errOut := runPortico(t, "explain", "-f", file, "--url", "http://shop.example.com/x;evil")
	if code != exitFinding {
		t.Errorf("exit %d, want %d", code, exitFinding)
	}
	if !strings.Contains(out, "Error   shop/hostile spec.rules[0].http.paths[0].path") || !strings.Contains(out, "404, no route") {
		t.Errorf("the output does not name the bad field or the 404:\n%s", out)
	}
	if !strings.Contains(errOut, "1 error(s)") {
		t.Errorf("stderr does not summarise the error: %q", errOut)
	}
}

func TestExplainClassesAndRedirect(t *testing.T) {
	file := writeManifest(t, `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: portico}
spec: {controller: portico.dev/ingress-controller}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other, namespace: a}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: x, port: {number: 80}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure, namespace: a, annotations: {portico.dev/ssl-redirect: "true"}}
spec:
  ingressClassName: portico
  tls: [{hosts: [a.example.com], secretName: a-tls}]
  rules:
  - host: a.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}
`)
	code, out, _ := runPortico(t, "explain", "-f", file, "--url", "http://a.example.com/x", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Status   int    `json:"status"`
		Location string `json:"location"`
		Ignored  []struct {
			Ingress string `json:"ingress"`
			Reason  string `json:"reason"`
		} `json:"ignored"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != 301 || got.Location != "https://a.example.com/x" {
		t.Errorf("want a 301 to https, got %d %q", got.Status, got.Location)
	}
	if len(got.Ignored) != 1 || got.Ignored[0].Ingress != "a/other" || !strings.Contains(got.Ignored[0].Reason, `"nginx"`) {
		t.Errorf("the Ingress of another class is not reported as ignored: %+v", got.Ignored)
	}
}

func TestExplainUsageErrors(t *testing.T) {
	file := writeManifest(t, explainIngress)
	for _, args := range [][]string{
		{"explain", "--url", "http://x/"},
		{"explain", "-f", file},
		{"explain", "-f", file, "--url", "ftp://x/"},
		{"explain", "-f", filepath.Join(t.TempDir(), "missing.yaml"), "--url", "http://x/"},
	} {
		if code, _, errOut := runPortico(t, args...); code != exitUsage {
			t.Errorf("portico %v exited %d (%s), want %d", args, code, errOut, exitUsage)
		}
	}
	bad := writeManifest(t, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec: {rulez: []}\n")
	code, _, errOut := runPortico(t, "explain", "-f", bad, "--url", "http://x/")
	if code != exitFinding || !strings.Contains(errOut, "rulez") {
		t.Errorf("a manifest with an unknown field: exit %d %q, want %d naming the field", code, errOut, exitFinding)
	}
}
