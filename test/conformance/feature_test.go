package conformance

import (
	"testing"
)

func TestParseSharedFeatures(t *testing.T) {
	cases := []struct {
		file      string
		scenarios int
		ingresses int
	}{
		{"path_rules.feature", 16, 1},
		{"host_rules.feature", 6, 1},
		{"default_backend.feature", 6, 1},
		{"ingress_class.feature", 1, 0},
		{"load_balancing.feature", 1, 1},
	}
	for _, tc := range cases {
		f := LoadForTest(t, tc.file)
		if len(f.Scenarios) != tc.scenarios {
			t.Errorf("%s: %d scenarios, want %d", tc.file, len(f.Scenarios), tc.scenarios)
		}
		setup, err := SetupOf(f.Background)
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if len(setup.Ingresses) != tc.ingresses {
			t.Errorf("%s: %d Ingresses in the background, want %d", tc.file, len(setup.Ingresses), tc.ingresses)
		}
	}
}

func TestOutlineExpansion(t *testing.T) {
	f := LoadForTest(t, "default_backend.feature")
	req, err := f.Scenarios[2].Request()
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.URL.Host != "some-host" || req.URL.Path != "/" {
		t.Errorf("third example: got %s %s, want POST http://some-host/", req.Method, req.URL)
	}
	setup, _ := SetupOf(f.Background)
	if be := setup.Ingresses[0].Spec.DefaultBackend; be == nil || be.Service.Name != "echo-service" {
		t.Errorf("default backend not parsed: %+v", setup.Ingresses[0].Spec)
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"Feature: x\n  Scenario: y\n    Given a\n    \"\"\"\n    unterminated\n",
		"Feature: x\n  Given a step outside a scenario\n",
		"Feature: x\n  Examples:\n",
	} {
		if _, err := Parse(text); err == nil {
			t.Errorf("Parse accepted %q", text)
		}
	}
}
