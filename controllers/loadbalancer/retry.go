package loadbalancer

import (
	"context"
	"sync"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/portico-dev/portico/controllers/ratelimit"
	"github.com/portico-dev/portico/providers"
)

// DefaultSlowRetry is the first wait before trying again when waiting on a person, not on
// a passing fault: a quota, a cloud resource that does not exist yet, or a name taken by a
// resource portico does not own.
const DefaultSlowRetry = time.Minute

// DefaultMaxSlowRetry caps the slow retries: a person who fixes the cloud waits at most this
// long for portico to notice, since nothing in Kubernetes announces the fix.
const DefaultMaxSlowRetry = 30 * time.Minute

// waitsOnAPerson reports an error that a change outside Kubernetes fixes: retried slowly.
func waitsOnAPerson(err error) bool {
	return providers.IsConflict(err) || providers.IsQuota(err) || providers.IsNotFound(err)
}

// slowRetries counts, per load balancer, the slow retries since its last success, so that
// the wait grows from SlowRetry to MaxSlowRetry and the load balancers that failed together
// (one quota for all) spread out.
type slowRetries struct {
	mu       sync.Mutex
	attempts map[string]int
}

func (s *slowRetries) next(lb string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attempts == nil {
		s.attempts = map[string]int{}
	}
	n := s.attempts[lb]
	s.attempts[lb] = n + 1
	return n
}

func (s *slowRetries) reset(lb string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.attempts, lb)
}

// resultFor turns an Ensure error into a retry policy: none for invalid input, which waits
// for the input to change (the periodic resync still repairs drift); slow, growing, jittered
// retries for what a person fixes outside Kubernetes; and the work queue's backoff for
// passing faults.
func (r *Reconciler) resultFor(ctx context.Context, lb string, err error) (ctrl.Result, error) {
	switch {
	case err == nil:
		r.slow.reset(lb)
		return ctrl.Result{}, nil
	case providers.IsInvalid(err):
		log.FromContext(ctx).Info("Waiting for the input to change", "reason", providers.ReasonOf(err), "error", err.Error())
		return ctrl.Result{}, nil
	case waitsOnAPerson(err):
		return ctrl.Result{RequeueAfter: r.slowDelay(lb, err)}, nil
	}
	return ctrl.Result{}, err
}

// slowDelay is the cloud's own Retry-After when it gave one, else the next slow backoff.
func (r *Reconciler) slowDelay(lb string, err error) time.Duration {
	if e, ok := providers.AsError(err); ok && e.RetryAfter > 0 {
		return e.RetryAfter
	}
	b := ratelimit.Backoff{Base: r.slowRetry(), Max: max(r.maxSlowRetry(), r.slowRetry()), Rand: r.Rand}
	return b.Delay(r.slow.next(lb))
}

func (r *Reconciler) slowRetry() time.Duration {
	if r.SlowRetry > 0 {
		return r.SlowRetry
	}
	return DefaultSlowRetry
}

func (r *Reconciler) maxSlowRetry() time.Duration {
	if r.MaxSlowRetry > 0 {
		return r.MaxSlowRetry
	}
	return DefaultMaxSlowRetry
}

// nextStep tells a user, in the Programmed condition, what portico does about err. It does
// not name the current wait, which grows, so that the message (and the status) stays the
// same while the problem lasts.
func (r *Reconciler) nextStep(err error) string {
	slowly := "retried with growing waits from " + r.slowRetry().String() + " up to " + max(r.maxSlowRetry(), r.slowRetry()).String()
	switch {
	case providers.IsInvalid(err):
		return "waiting for the spec to change"
	case providers.IsConflict(err):
		return slowly + " until the clash is resolved in the cloud"
	case providers.IsQuota(err):
		return slowly + " until the quota allows it"
	case providers.IsNotFound(err):
		return slowly
	}
	return "retried with backoff"
}
