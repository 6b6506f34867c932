package gcp

import (
	"crypto/rand"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/googleapis/gax-go/v2"
	"google.golang.org/api/googleapi"

	"github.com/portico-dev/portico/providers/retry"
)

// retryer is the SDK's retry decision for one call under a policy: Google's 429 and 5xx
// answers. The REST clients return them as a *googleapi.Error, which gax.Invoke wraps in an
// *apierror.APIError that unwraps to it; gax.OnCodes (gRPC codes such as Unavailable) never
// matches them. A transport failure is not retried here: the next pass reads Google first.
type retryer struct {
	policy retry.CallPolicy
	done   int
}

func (r *retryer) Retry(err error) (time.Duration, bool) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) || !retry.RetryableStatus(ge.Code) || r.done >= r.policy.Retries {
		return 0, false
	}
	var after time.Duration
	if ge.Header != nil {
		after = retry.ParseRetryAfter(ge.Header.Get("Retry-After"), time.Now())
	}
	d := r.policy.Wait(r.done, after)
	r.done++
	return d, true
}

// retryOption is the gax call option of a policy: each call gets a fresh retryer.
func retryOption(p retry.CallPolicy) gax.CallOption {
	return gax.WithRetry(func() gax.Retryer { return &retryer{policy: p} })
}

// WithRetries makes every method of every client retry under the policy, replacing the
// SDK's defaults (which retry only reads, only on 503 and 504, for up to ten minutes).
// Every write the provider sends carries a requestId, so Google applies a retried one once.
// The SDK keeps a client's call options in a struct with one field per method; setting
// them all by reflection covers the clients and methods added later too.
func WithRetries(cs *Clients, p retry.CallPolicy) *Clients {
	opt := retryOption(p)
	clients := reflect.ValueOf(cs).Elem()
	for i := range clients.NumField() {
		client := clients.Field(i)
		if client.Kind() != reflect.Pointer || client.IsNil() {
			continue
		}
		callOpts := client.Elem().FieldByName("CallOptions")
		if !callOpts.IsValid() || callOpts.IsNil() {
			continue
		}
		methods := callOpts.Elem()
		for j := range methods.NumField() {
			if m, ok := methods.Field(j).Interface().([]gax.CallOption); ok {
				methods.Field(j).Set(reflect.ValueOf(append(m[:len(m):len(m)], opt)))
			}
		}
	}
	return cs
}

// requestID is a fresh UUID for one write. Google applies a write once per requestId: the
// SDK's retries resend the same request, so a write whose answer was lost is not applied
// twice (an insert does not fail with alreadyExists, a detach does not miss).
func requestID() *string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	s := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	return &s
}
