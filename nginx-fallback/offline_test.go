package nginxfallback

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
)

func TestClaimsInOrderTheFirstListedWins(t *testing.T) {
	a := lb("a").host("shared.test").prefix("/", "x").host("").prefix("/a", "x").build()
	b := lb("b").host("shared.test").prefix("/", "y").host("b.test").prefix("/", "y").defaultBackend("y").build()
	owners, catchAll, lost := ClaimsInOrder([]LoadBalancer{a, b})
	want := map[v1alpha1.Hostname]string{"shared.test": "a", "b.test": "b"}
	if !reflect.DeepEqual(owners, want) || catchAll != "a" {
		t.Fatalf("owners %v, catch-all %q", owners, catchAll)
	}
	if got := lost["b"]; !reflect.DeepEqual(got, []v1alpha1.Hostname{"shared.test", ""}) || len(lost["a"]) != 0 {
		t.Fatalf("lost %v", lost)
	}
}

// TestWriteTreeWritesWhatTheConfigurationNames: the certificate files the configuration
// refers to exist with private modes, and an existing configuration is never overwritten.
func TestWriteTreeWritesWhatTheConfigurationNames(t *testing.T) {
	b := lb("a").host("s.test").prefix("/", "web").tls("ns/s", testCert("h1"), "s.test")
	in := input(b)
	dir := filepath.Join(t.TempDir(), "prefix")
	config, files, err := WriteTree(context.Background(), dir, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("files %v, want a certificate and a key", files)
	}
	for _, f := range files {
		info, err := os.Stat(filepath.Join(dir, f))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, info, err)
		}
		if !contains(config, f) {
			t.Fatalf("the configuration does not name %s", f)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, CertDir)); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("certificate directory: %v %v", info, err)
	}
	if _, _, err := WriteTree(context.Background(), dir, in); err == nil {
		t.Fatal("a second WriteTree overwrote the first")
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }
