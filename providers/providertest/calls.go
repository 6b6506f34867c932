package providertest

import (
	"context"
	"testing"

	"github.com/portico-dev/portico/providers"
)

// mustEnsure runs Ensure and fails the test on an error.
func mustEnsure(t *testing.T, p providers.Provider, want *providers.Desired) *providers.Observed {
	t.Helper()
	obs, err := p.Ensure(context.Background(), want)
	if err != nil {
		t.Fatalf("ensure %s: %v", want.Ref.Name, err)
	}
	if obs == nil {
		t.Fatalf("ensure %s returned no Observed", want.Ref.Name)
	}
	return obs
}

// mustDelete runs Delete and fails the test on an error.
func mustDelete(t *testing.T, p providers.Provider, ref providers.Ref) {
	t.Helper()
	if err := p.Delete(context.Background(), ref); err != nil {
		t.Fatalf("delete %s: %v", ref.Name, err)
	}
}

// mustOwn runs Owned in the locations and returns the names it lists.
func mustOwn(t *testing.T, p providers.Provider, locations ...string) []providers.Ref {
	t.Helper()
	refs, err := p.Owned(context.Background(), locations)
	if err != nil {
		t.Fatalf("owned: %v", err)
	}
	return refs
}

// actions returns each action as "Op Kind name", the part of it the contract compares.
func actions(as []providers.Action) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Op+" "+a.Kind+" "+a.Name)
	}
	return out
}
