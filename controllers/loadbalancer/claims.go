package loadbalancer

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/providers"
)

// ReasonClaimRefused is the Event on a LoadBalancer that lost a claim to an older one.
const ReasonClaimRefused = "ClaimRefused"

// Load balancers of a Shared provider (nginx) share one server: each host is a claim, and
// so is the catch-all (the rules without a host and the default backend). The controller
// arbitrates, since it sees every LoadBalancer: the oldest (creationTimestamp, then name)
// wins, and the provider is told which claims a load balancer lost (Desired.Refused).

// refusedClaims lists the claims of lb that an older LoadBalancer of the same provider holds.
// A LoadBalancer being deleted contends no more: the next one takes over its claims.
func (r *Reconciler) refusedClaims(ctx context.Context, lb *v1alpha1.LoadBalancer) ([]providers.RefusedClaim, error) {
	var out []providers.RefusedClaim
	for _, claim := range providers.Claims(&lb.Spec) {
		list := &v1alpha1.LoadBalancerList{}
		key := index.ClaimKey(lb.Spec.Provider, claim)
		if err := r.Client.List(ctx, list, client.MatchingFields{index.LBClaim: key}); err != nil {
			return nil, fmt.Errorf("listing the LoadBalancers that claim %q: %w", claim, err)
		}
		if w := winnerOf(list.Items, lb); w != lb.Name {
			out = append(out, providers.RefusedClaim{Host: claim, Winner: w})
		}
	}
	return out, nil
}

// winnerOf returns the oldest of the contenders that are not being deleted, lb included.
func winnerOf(contenders []v1alpha1.LoadBalancer, lb *v1alpha1.LoadBalancer) string {
	best := lb
	for i := range contenders {
		c := &contenders[i]
		if c.DeletionTimestamp.IsZero() && older(c, best) {
			best = c
		}
	}
	return best.Name
}

func older(a, b *v1alpha1.LoadBalancer) bool {
	ta, tb := a.CreationTimestamp, b.CreationTimestamp
	if !ta.Equal(&tb) {
		return ta.Before(&tb)
	}
	return a.Name < b.Name
}

// setClaimed says whether the load balancer serves every claim it made, naming the winner
// of each claim it lost.
func setClaimed(status *v1alpha1.LoadBalancerStatus, gen int64, refused []providers.RefusedClaim) {
	if len(refused) == 0 {
		setCondition(status, gen, v1alpha1.ConditionClaimed, metav1.ConditionTrue, v1alpha1.ReasonClaimed,
			"it serves every host it claims")
		return
	}
	setCondition(status, gen, v1alpha1.ConditionClaimed, metav1.ConditionFalse, v1alpha1.ReasonClaimedByOlder,
		refusedMessage(refused))
}

func refusedMessage(refused []providers.RefusedClaim) string {
	parts := make([]string, 0, len(refused))
	for _, c := range refused {
		what := "host " + string(c.Host)
		if c.Host == "" {
			what = "the catch-all (rules without a host and the default backend)"
		}
		parts = append(parts, fmt.Sprintf("%s is served by LoadBalancer %s, which is older", what, c.Winner))
	}
	return strings.Join(parts, "; ") + "; give this Ingress another host, or remove the host from the other"
}

// announceRefused sends a Warning Event when the load balancer loses a claim it held.
func (r *Reconciler) announceRefused(lb *v1alpha1.LoadBalancer, before, after *v1alpha1.LoadBalancerStatus) {
	c := meta.FindStatusCondition(after.Conditions, v1alpha1.ConditionClaimed)
	if c == nil || c.Status != metav1.ConditionFalse {
		return
	}
	if p := meta.FindStatusCondition(before.Conditions, v1alpha1.ConditionClaimed); p != nil && p.Message == c.Message {
		return
	}
	r.Recorder.Eventf(lb, nil, "Warning", ReasonClaimRefused, "Arbitrate", "%s", c.Message)
}

// contenders maps a LoadBalancer to the others that claim any of the same hosts, so that a
// new, changed or deleted one has them decide again who serves.
func (r *Reconciler) contenders(ctx context.Context, o client.Object) []reconcile.Request {
	lb, ok := o.(*v1alpha1.LoadBalancer)
	if !ok {
		return nil
	}
	seen := map[string]bool{lb.Name: true}
	var out []reconcile.Request
	for _, claim := range providers.Claims(&lb.Spec) {
		for _, req := range r.listLoadBalancers(ctx, client.MatchingFields{index.LBClaim: index.ClaimKey(lb.Spec.Provider, claim)}) {
			if !seen[req.Name] {
				seen[req.Name] = true
				out = append(out, req)
			}
		}
	}
	return out
}

// claimsChanged lets through what can change who wins a claim: a new spec or a deletion.
type claimsChanged struct{ predicate.Funcs }

func (claimsChanged) Update(e event.UpdateEvent) bool {
	o, n := e.ObjectOld, e.ObjectNew
	return o.GetGeneration() != n.GetGeneration() || o.GetDeletionTimestamp().IsZero() != n.GetDeletionTimestamp().IsZero()
}
