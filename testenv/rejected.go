package testenv

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"github.com/portico-dev/portico/model"
)

// RejectedError is what a wait returns as soon as portico rejects the Ingress it waits for,
// instead of waiting until its context ends: the generation it judged and every error
// problem, each with its reason, field and message, as the Ingress's Events say them. An
// edit that is rejected fails the wait even while the load balancer keeps serving the
// Ingress's previous version.
type RejectedError struct {
	Ingress    types.NamespacedName
	Generation int64
	Problems   []model.Problem
}

func (e *RejectedError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("%s: %s: %s", p.Reason, p.Field, p.Message))
	}
	return fmt.Sprintf("portico rejected Ingress %s (generation %d): %s", e.Ingress, e.Generation, strings.Join(parts, "; "))
}

// Reasons returns the reason of each problem, in order.
func (e *RejectedError) Reasons() []string {
	out := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, p.Reason)
	}
	return out
}

// rejection returns the error problems the translation found in the Ingress, as a
// RejectedError, or nil when it has none.
func rejection(res *model.Result, ing types.NamespacedName, generation int64) error {
	var errs []model.Problem
	for _, p := range res.Problems {
		if p.Ingress == ing && p.Severity == model.SeverityError {
			errs = append(errs, p)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &RejectedError{Ingress: ing, Generation: generation, Problems: errs}
}
