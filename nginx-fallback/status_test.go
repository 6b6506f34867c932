package nginxfallback

import (
	"strings"
	"testing"
)

func statusInput(backend string) Input {
	in := input(lb("a").prefix("/", backend).target(backend, "10.0.0.1", 80))
	in.Settings.StatusPort = 9901
	return in
}

// TestGenerationFollowsTheConfiguration: the same input has the same generation, any
// change to what nginx serves gives another, and a configuration without status server has
// none.
func TestGenerationFollowsTheConfiguration(t *testing.T) {
	render := func(in Input) string {
		t.Helper()
		config, err := Render(in)
		if err != nil {
			t.Fatal(err)
		}
		return generationOf(config)
	}
	first, again, other := render(statusInput("web")), render(statusInput("web")), render(statusInput("api"))
	if len(first) != 16 || first != again || first == other {
		t.Fatalf("generations %q, %q (same input) and %q (another backend)", first, again, other)
	}
	if g := render(input(lb("a").prefix("/", "web"))); g != "" {
		t.Fatalf("a configuration without status server has generation %q", g)
	}
}

func TestStatusPortMustNotCollide(t *testing.T) {
	for _, port := range []int{8080, 8443, -1, 70000} {
		in := statusInput("web")
		in.Settings.StatusPort = port
		if _, err := Render(in); err == nil || !strings.Contains(err.Error(), "status port") {
			t.Errorf("status port %d: %v", port, err)
		}
	}
}
