package testenv

import (
	"context"
	"errors"
	"fmt"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/ingress"
	"github.com/portico-dev/portico/model"
)

// PollInterval is how often the Wait helpers look.
var PollInterval = 50 * time.Millisecond

// WaitFor polls until done reports true, an error, or ctx ends; the last error says what
// was still missing. A *RejectedError ends the wait at once: no wait can outlast it.
func WaitFor(ctx context.Context, what string, done func(ctx context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := done(ctx)
		if ok {
			return nil
		}
		if rejected := (*RejectedError)(nil); errors.As(err, &rejected) {
			return fmt.Errorf("waiting for %s: %w", what, err)
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

// WaitProgrammed waits until the Ingress is served as it is now: its LoadBalancer's spec is
// the translation of the Ingress's current group, the provider programmed that spec, and the
// Ingress's status carries the LoadBalancer's address. It returns the LoadBalancer. Right
// after an Ingress changes, it waits for the change, never returning the state before it.
// When portico rejects the Ingress's current generation (an invalid path, a bad
// annotation), it returns at once with a *RejectedError that lists the problems.
func (e *Env) WaitProgrammed(ctx context.Context, namespace, name string) (*v1alpha1.LoadBalancer, error) {
	var lb *v1alpha1.LoadBalancer
	err := WaitFor(ctx, fmt.Sprintf("Ingress %s/%s to be programmed", namespace, name), func(ctx context.Context) (bool, error) {
		var err error
		lb, err = e.servedNow(ctx, namespace, name)
		return err == nil, err
	})
	return lb, err
}

// servedNow returns the Ingress's LoadBalancer when it serves the Ingress as it is now.
func (e *Env) servedNow(ctx context.Context, namespace, name string) (*v1alpha1.LoadBalancer, error) {
	ing := &networkingv1.Ingress{}
	if err := e.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, ing); err != nil {
		return nil, err
	}
	want, err := e.translationOf(ctx, ing)
	if err != nil {
		return nil, err
	}
	if err := rejection(want, client.ObjectKeyFromObject(ing), ing.Generation); err != nil {
		return nil, err
	}
	if ing.Annotations[model.AnnotationLoadBalancer] != want.Name {
		return nil, fmt.Errorf("the Ingress names LoadBalancer %q, not %s yet", ing.Annotations[model.AnnotationLoadBalancer], want.Name)
	}
	lb := &v1alpha1.LoadBalancer{}
	if err := e.Client.Get(ctx, client.ObjectKey{Name: want.Name}, lb); err != nil {
		return nil, err
	}
	if !equality.Semantic.DeepEqual(lb.Spec, want.Spec) {
		return nil, fmt.Errorf("LoadBalancer %s does not have the Ingress's current translation yet", lb.Name)
	}
	cond := meta.FindStatusCondition(lb.Status.Conditions, v1alpha1.ConditionProgrammed)
	if cond == nil || cond.Status != "True" || cond.ObservedGeneration != lb.Generation {
		return nil, fmt.Errorf("LoadBalancer %s is not programmed: %+v", lb.Name, cond)
	}
	addr := ing.Status.LoadBalancer.Ingress
	if len(addr) == 0 || (addr[0].IP != lb.Status.Address && addr[0].Hostname != lb.Status.Address) {
		return nil, fmt.Errorf("the Ingress does not show the address %s yet: %+v", lb.Status.Address, addr)
	}
	return lb, nil
}

// translationOf translates the group of the Ingress from the API server, as the controller
// does from its cache.
func (e *Env) translationOf(ctx context.Context, ing *networkingv1.Ingress) (*model.Result, error) {
	lookup := ingress.NewLookup(ctx, e.Client)
	class, ours := model.ClassOf(ing, lookup)
	if !ours {
		return nil, fmt.Errorf("the Ingress %s/%s is not of portico's class", ing.Namespace, ing.Name)
	}
	key := model.KeyOf(ing, class, lookup)
	list := &networkingv1.IngressList{}
	var opts []client.ListOption
	if !key.Shared() {
		opts = append(opts, client.InNamespace(ing.Namespace))
	}
	if err := e.Client.List(ctx, list, opts...); err != nil {
		return nil, err
	}
	var members []*networkingv1.Ingress
	for i := range list.Items {
		m := &list.Items[i]
		if c, ok := model.ClassOf(m, lookup); ok && m.DeletionTimestamp == nil && model.KeyOf(m, c, lookup) == key {
			members = append(members, m)
		}
	}
	res := model.Translate(key, members, lookup, e.modelConfig())
	if err := lookup.Err(); err != nil {
		return nil, err
	}
	return res, nil
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
