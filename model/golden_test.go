package model

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/translate")

// goldenOutput is what a golden file holds: every load balancer of the input, and the
// Ingresses that are not portico's.
type goldenOutput struct {
	LoadBalancers []*Result `json:"loadBalancers"`
	Ignored       []Ignored `json:"ignored,omitempty"`
}

// TestTranslateGolden translates each testdata/translate/NAME.yaml and compares the result
// with NAME.golden.yaml. Run `go test ./model -run Golden -update` to rewrite them, then
// read the diff: it is the behaviour change.
func TestTranslateGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "translate", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		if strings.HasSuffix(in, ".golden.yaml") {
			continue
		}
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			got := translateFile(t, in)
			golden := strings.TrimSuffix(in, ".yaml") + ".golden.yaml"
			if *update {
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
				t.Errorf("translation of %s differs from %s; run with -update and review the diff\n%s", in, golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// translateFile reads an input file and returns the YAML of its translation. A document of
// kind TranslateConfig sets the Config.
func translateFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Config              `json:",inline"`
		AssumeServicesExist bool `json:"assumeServicesExist"`
		AssumeSecretsExist  bool `json:"assumeSecretsExist"`
	}
	var objects Objects
	if err := ParseObjects(data, &objects); err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if strings.Contains(doc, "kind: TranslateConfig") {
			if err := yaml.Unmarshal([]byte(doc), &cfg); err != nil {
				t.Fatal(err)
			}
		}
	}
	objects.AssumeServicesExist = cfg.AssumeServicesExist
	objects.AssumeSecretsExist = cfg.AssumeSecretsExist
	results, ignored := TranslateAll(objects.Ingresses, &objects.Snapshot, cfg.Config)
	out, err := yaml.Marshal(goldenOutput{LoadBalancers: results, Ignored: ignored})
	if err != nil {
		t.Fatal(err)
	}
	// A second translation, with the Ingresses handed in the reverse order, must be
	// byte-identical: an unchanged cluster never causes a write.
	reversed := make([]*networkingv1.Ingress, len(objects.Ingresses))
	for i, ing := range objects.Ingresses {
		reversed[len(reversed)-1-i] = ing
	}
	again, _ := TranslateAll(reversed, &objects.Snapshot, cfg.Config)
	if out2, _ := yaml.Marshal(goldenOutput{LoadBalancers: again, Ignored: ignored}); !bytes.Equal(out, out2) {
		t.Errorf("two translations of %s differ", path)
	}
	return out
}

// lineDiff shows the lines that differ, for a readable failure.
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
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl + "\n")
			if b.Len() > 4000 {
				break
			}
		}
	}
	return b.String()
}
