package testenv

import (
	"context"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/model"
)

// PollInterval is how often the Wait helpers look.
var PollInterval = 50 * time.Millisecond

// WaitFor polls until done reports true, an error, or ctx ends; the last error says what
// was still missing.
func WaitFor(ctx context.Context, what string, done func(ctx context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := done(ctx)
		if ok {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("waiting for %s: %w (last: %w)", what, ctx.Err(), last)
			}
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-time.After(PollInterval):
		}
	}
}

// WaitProgrammed waits until the Ingress is served: its LoadBalancer is Programmed and the
// Ingress's status carries the address. It returns the LoadBalancer.
func (e *Env) WaitProgrammed(ctx context.Context, namespace, name string) (*v1alpha1.LoadBalancer, error) {
	var lb *v1alpha1.LoadBalancer
	err := WaitFor(ctx, fmt.Sprintf("Ingress %s/%s to be programmed", namespace, name), func(ctx context.Context) (bool, error) {
		ing := &networkingv1.Ingress{}
		if err := e.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, ing); err != nil {
			return false, err
		}
		lbName := ing.Annotations[model.AnnotationLoadBalancer]
		if lbName == "" {
			return false, fmt.Errorf("the Ingress names no LoadBalancer yet")
		}
		lb = &v1alpha1.LoadBalancer{}
		if err := e.Client.Get(ctx, client.ObjectKey{Name: lbName}, lb); err != nil {
			return false, err
		}
		cond := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed)
		if cond == nil || cond.Status != "True" || cond.ObservedGeneration != lb.Generation {
			return false, fmt.Errorf("LoadBalancer %s is not programmed: %+v", lbName, cond)
		}
		if len(ing.Status.LoadBalancer.Ingress) == 0 {
			return false, fmt.Errorf("the Ingress has no address yet")
		}
		return true, nil
	})
	return lb, err
}

// WaitCondition waits until the LoadBalancer's condition has the status and reason.
func (e *Env) WaitCondition(ctx context.Context, lbName, condType, status, reason string) (*v1alpha1.LoadBalancer, error) {
	lb := &v1alpha1.LoadBalancer{}
	err := WaitFor(ctx, fmt.Sprintf("LoadBalancer %s %s=%s (%s)", lbName, condType, status, reason), func(ctx context.Context) (bool, error) {
		if err := e.Client.Get(ctx, client.ObjectKey{Name: lbName}, lb); err != nil {
			return false, err
		}
		cond := meta.FindStatusCondition(lb.Status.Conditions, condType)
		if cond == nil {
			return false, fmt.Errorf("no %s condition", condType)
		}
		if string(cond.Status) != status || (reason != "" && cond.Reason != reason) {
			return false, fmt.Errorf("%s is %s (%s): %s", condType, cond.Status, cond.Reason, cond.Message)
		}
		return true, nil
	})
	return lb, err
}
