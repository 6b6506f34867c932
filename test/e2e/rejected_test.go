package e2e

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/testenv"
)

// wantRejected checks that a wait ended with portico's rejection naming the reason and
// the generation, not with its context's deadline.
func wantRejected(t *testing.T, err error, reason string, generation int64) {
	t.Helper()
	var rejected *testenv.RejectedError
	if !errors.As(err, &rejected) {
		t.Fatalf("the wait ended with %v; want a *testenv.RejectedError", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the wait ran to its deadline: %v", err)
	}
	if !slices.Contains(rejected.Reasons(), reason) || rejected.Generation != generation || !strings.Contains(err.Error(), reason) {
		t.Errorf("rejected %+v (%v); want reason %s for generation %d", rejected, err, reason, generation)
	}
}

// TestABrokenManifestFailsItsWaitWithTheReason: waiting for an Ingress portico rejects
// ends at once with the problems, not at the context's deadline.
func TestABrokenManifestFailsItsWaitWithTheReason(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, strings.Replace(webIngress, "path: /cart,", "path: '/cart/{id}',", 1))
	_, err := env.WaitProgrammed(timeout(t), ns, "web")
	wantRejected(t, err, model.ReasonInvalidPath, 1)
}

// TestARejectedEditFailsTheWaitWhileTheOldVersionServes: an edit portico rejects fails the
// wait for the Ingress, even though its load balancer keeps serving the previous version.
func TestARejectedEditFailsTheWaitWhileTheOldVersionServes(t *testing.T) {
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	apply(t, ns, webIngress)
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	apply(t, ns, strings.Replace(webIngress, "path: /cart,", "path: '/cart/{id}',", 1))
	_, err := env.WaitProgrammed(timeout(t), ns, "web")
	wantRejected(t, err, model.ReasonInvalidPath, 2)
}
