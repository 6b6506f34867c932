package nginxfallback

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-dev/portico/providers"
)

func secureInput(t *testing.T, cert providers.Certificate) Input {
	return input(lb("secure").host("a.test").prefix("/", "web").target("web", "127.0.0.1", 9).
		tls("ns/a-cert", cert, "a.test"))
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestEveryGoldenInputPassesNginx checks that nginx itself accepts what the renderer makes,
// for every golden input, with certificate files that load.
func TestEveryGoldenInputPassesNginx(t *testing.T) {
	bin := nginxBinary(t)
	for name, in := range goldenInputs() {
		t.Run(name, func(t *testing.T) {
			for i := range in.LoadBalancers {
				for ref := range in.LoadBalancers[i].Certificates {
					in.LoadBalancers[i].Certificates[ref] = selfSigned(t, "a.test")
				}
			}
			w := &Writer{Nginx: bin, Dir: t.TempDir()}
			if _, err := w.Apply(testContext(t), in); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWriterInstallsValidatedConfigWithPrivateKeys(t *testing.T) {
	w := &Writer{Nginx: nginxBinary(t), Dir: t.TempDir()}
	in := secureInput(t, selfSigned(t, "a.test"))
	changed, err := w.Apply(testContext(t), in)
	if err != nil || !changed {
		t.Fatalf("first apply: changed %v, %v", changed, err)
	}
	want, _ := Render(in)
	if got, _ := os.ReadFile(filepath.Join(w.Dir, ConfigFile)); string(got) != string(want) {
		t.Fatal("the installed configuration is not the rendered one")
	}
	certs := filepath.Join(w.Dir, CertDir)
	if st, err := os.Stat(certs); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("certificate directory: %v %v, want mode 0700", st.Mode(), err)
	}
	keys, _ := filepath.Glob(filepath.Join(certs, "*.key"))
	if len(keys) != 1 {
		t.Fatalf("want one key file, got %v", keys)
	}
	if st, _ := os.Stat(keys[0]); st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	if changed, err := w.Apply(testContext(t), in); err != nil || changed {
		t.Fatalf("second apply of the same input: changed %v, %v; want no change", changed, err)
	}
	if stages, _ := filepath.Glob(filepath.Join(w.Dir, ".stage-*")); len(stages) != 0 {
		t.Fatalf("staging directories left behind: %v", stages)
	}
}

// TestRefusedConfigNeverReplacesTheServingOne applies a certificate nginx cannot load: the
// error carries nginx's text, and the configuration and files in place stay as they were.
func TestRefusedConfigNeverReplacesTheServingOne(t *testing.T) {
	w := &Writer{Nginx: nginxBinary(t), Dir: t.TempDir()}
	good := secureInput(t, selfSigned(t, "a.test"))
	if _, err := w.Apply(testContext(t), good); err != nil {
		t.Fatal(err)
	}
	before := snapshotDir(t, w.Dir)

	bad := secureInput(t, certificate([]byte("-----BEGIN CERTIFICATE-----\n}; evil;\n-----END CERTIFICATE-----\n"), []byte("not a key")))
	changed, err := w.Apply(testContext(t), bad)
	if err == nil || changed {
		t.Fatalf("a certificate nginx cannot load was installed (changed %v, err %v)", changed, err)
	}
	if !IsRejected(err) || !strings.Contains(err.Error(), `[emerg] cannot load certificate "certs/`) || strings.Contains(err.Error(), w.Dir) {
		t.Fatalf("want nginx's error naming the file relative to the prefix, got %v", err)
	}
	if after := snapshotDir(t, w.Dir); after != before {
		t.Fatalf("the serving directory changed after a refused configuration:\nbefore %s\nafter  %s", before, after)
	}
}

func TestNewCertificateReplacesAndPrunesTheOldFiles(t *testing.T) {
	w := &Writer{Nginx: nginxBinary(t), Dir: t.TempDir()}
	if _, err := w.Apply(testContext(t), secureInput(t, selfSigned(t, "a.test"))); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(w.Dir, CertDir, "*"))
	if _, err := w.Apply(testContext(t), secureInput(t, selfSigned(t, "a.test"))); err != nil {
		t.Fatal(err)
	}
	now, _ := filepath.Glob(filepath.Join(w.Dir, CertDir, "*"))
	if len(now) != 2 || now[0] == old[0] || now[1] == old[1] {
		t.Fatalf("want the two new files only, had %v, now %v", old, now)
	}
}

func TestValidateReturnsNginxError(t *testing.T) {
	bin := nginxBinary(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte("events {}\nhttp { bogus_directive on; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Validate(testContext(t), bin, dir)
	if !IsRejected(err) || !strings.Contains(err.Error(), `unknown directive "bogus_directive"`) {
		t.Fatalf("got %v", err)
	}
	err = Validate(testContext(t), filepath.Join(dir, "no-such-nginx"), dir)
	if err == nil || IsRejected(err) {
		t.Fatalf("a missing binary must fail without blaming the configuration, got %v", err)
	}
}

// snapshotDir lists the regular files of dir with their contents, except what nginx -t
// writes itself.
func snapshotDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path + "=" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestConcurrentAppliesLeaveAConsistentPrefix runs applies of different certificates at
// once: whichever wins, every file the installed configuration names exists.
func TestConcurrentAppliesLeaveAConsistentPrefix(t *testing.T) {
	w := &Writer{Nginx: nginxBinary(t), Dir: t.TempDir()}
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		in := secureInput(t, selfSigned(t, "a.test"))
		go func() {
			_, err := w.Apply(testContext(t), in)
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := Validate(testContext(t), w.Nginx, w.Dir); err != nil {
		t.Fatalf("the installed prefix does not validate: %v", err)
	}
	if files, _ := filepath.Glob(filepath.Join(w.Dir, CertDir, "*")); len(files) != 2 {
		t.Fatalf("want the two files of one certificate, got %v", files)
	}
}

// TestCleanOutputKeepsNoSecretOrPath: a message for a condition never carries PEM text,
// the prefix directory or nginx's timestamps, and stays short.
func TestCleanOutputKeepsNoSecretOrPath(t *testing.T) {
	raw := "2026/12/02 07:00:00 [emerg] 12#12: cannot load certificate key \"/var/run/portico/certs/a.key\": " +
		"-----BEGIN PRIVATE KEY-----MIIEsecret\n" + strings.Repeat("x", 2000)
	got := cleanOutput(raw, "/var/run/portico")
	for _, bad := range []string{"MIIEsecret", "/var/run/portico", "2026/12/02", "12#12"} {
		if strings.Contains(got, bad) {
			t.Errorf("the message carries %q: %s", bad, got)
		}
	}
	if !strings.HasPrefix(got, `[emerg] cannot load certificate key "certs/a.key": [redacted]`) || len(got) > maxOutput+3 {
		t.Errorf("message %q (%d bytes)", got[:min(len(got), 120)], len(got))
	}
}
