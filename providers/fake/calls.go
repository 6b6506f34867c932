package fake

import (
	"context"
	"errors"
	"fmt"

	"github.com/portico-dev/portico/providers"
)

// collections names each kind's API collection, for the operation names observers see.
var collections = map[string]string{
	KindAddress:              "addresses",
	KindForwardingRule:       "forwardingRules",
	KindTargetHTTPProxy:      "targetHttpProxies",
	KindTargetHTTPSProxy:     "targetHttpsProxies",
	KindURLMap:               "urlMaps",
	KindBackendService:       "backendServices",
	KindNetworkEndpointGroup: "networkEndpointGroups",
	KindInstanceGroup:        "instanceGroups",
	KindHealthCheck:          "healthChecks",
	KindSslCertificate:       "sslCertificates",
}

// Operation returns the operation name an observer sees for a call, for example
// "urlMaps.insert".
func Operation(op, kind string) string { return collections[kind] + "." + op }

// call is the one place every cloud call of the provider goes through: it classifies the
// error and tells the observer. The Cloud itself logs the call and applies injected faults.
func (p *Provider) call(op string, k Key, fn func() error) error {
	err := fn()
	if err != nil {
		target := k.Kind
		if k.Name != "" {
			target = k.String()
		}
		err = fmt.Errorf("%s %s: %w", op, target, classify(err))
	}
	p.observer.ObserveCall(ProviderName, Operation(op, k.Kind), err)
	return err
}

func (p *Provider) list(ctx context.Context, loc, kind string) ([]Resource, error) {
	var out []Resource
	err := p.call(OpList, Key{Kind: kind}, func() (err error) {
		out, err = p.cloud.In(loc).List(ctx, kind)
		return err
	})
	return out, err
}

func (p *Provider) insert(ctx context.Context, loc string, k Key, description string, spec Spec) (Resource, error) {
	var out Resource
	err := p.call(OpInsert, k, func() (err error) {
		out, err = p.cloud.In(loc).Insert(ctx, k.Name, description, spec)
		return err
	})
	return out, err
}

func (p *Provider) patch(ctx context.Context, loc string, k Key, spec Spec) (Resource, error) {
	var out Resource
	err := p.call(OpPatch, k, func() (err error) {
		out, _, err = p.cloud.In(loc).Patch(ctx, k.Name, spec)
		return err
	})
	return out, err
}

func (p *Provider) delete(ctx context.Context, loc string, k Key) error {
	return p.call(OpDelete, k, func() error { return p.cloud.In(loc).Delete(ctx, k.Kind, k.Name) })
}

// ReasonAddressPortInUse is the reason of a forwarding rule refused because another rule
// listens on the same address and port.
const ReasonAddressPortInUse = "AddressPortInUse"

// classify turns a Cloud error into a typed provider error. Errors injected by tests that are
// provider errors already keep their type; anything else unclassified is retryable.
func classify(err error) error {
	var api *APIError
	if errors.As(err, &api) {
		switch api.Code {
		case CodeNotFound:
			return providers.NotFound("ResourceNotFound", nil, "%s", api.Message)
		case CodeAlreadyExists:
			// Another writer got there first; the next pass reads it and adopts or reports it.
			return providers.Retryable(reasonAlreadyExists, nil, "%s", api.Message)
		case CodeInUse:
			return providers.Retryable("ResourceInUse", nil, "%s", api.Message)
		case CodeIPInUse:
			// Another load balancer listens there: a person frees the port or the address.
			return providers.Conflict(ReasonAddressPortInUse, nil, "%s", api.Message)
		case CodeInvalid:
			reason := api.Reason
			if reason == "" {
				reason = "ResourceInvalid"
			}
			return providers.Invalid(reason, nil, "%s", api.Message)
		}
	}
	if _, ok := providers.AsError(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return providers.Retryable(reasonCanceled, err, "the cloud call was cut short")
	}
	return providers.Retryable("CloudError", err, "the cloud call failed")
}

// reasonCanceled: a call the context ended before it was sent.
const reasonCanceled = "CloudCallCanceled"

// reasonAlreadyExists: an insert found the name taken.
const reasonAlreadyExists = "ResourceAlreadyExists"
