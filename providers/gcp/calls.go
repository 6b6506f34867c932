package gcp

import (
	"context"
	"errors"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/googleapi"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/ratelimit"
	"github.com/portico-dev/portico/providers/retry"
)

// reasonCanceled is the reason of a call the context ended before it was answered.
const reasonCanceled = "Canceled"

// wait waits for an operation with the kit's backoff, which starts at tens of milliseconds,
// not the SDK's second: most operations portico starts are done within a poll or two. Each
// poll waits for the limiter's poll class, so that slow operations never starve the writes.
func wait(ctx context.Context, b retry.Backoff, l Limiter, op *compute.Operation, opts ...gax.CallOption) error {
	if op == nil || op.Done() {
		return nil
	}
	return b.Poll(ctx, func(ctx context.Context) (bool, error) {
		if err := l.Wait(ctx, ratelimit.Poll); err != nil {
			return false, err
		}
		if err := op.Poll(ctx, opts...); err != nil {
			return false, err
		}
		return op.Done(), nil
	})
}

// classify turns an SDK error into a providers error through the kit's classification;
// what is not Google's answer (a reset connection, a timeout) is retried.
func classify(what string, err error) error {
	if err == nil {
		return nil
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		s := retry.Status{Code: ge.Code, Message: ge.Message}
		if len(ge.Errors) > 0 {
			s.Reason = ge.Errors[0].Reason
		}
		if ge.Header != nil {
			s.RetryAfter = retry.ParseRetryAfter(ge.Header.Get("Retry-After"), time.Now())
		}
		return retry.Classify(what, s)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return providers.Retryable(reasonCanceled, err, "%s: not answered before the context ended", what)
	}
	return providers.Retryable(retry.ReasonUnavailable, err, "%s: the call failed", what)
}
