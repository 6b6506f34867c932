package readiness

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/providers"
)

// DefaultRecheck is how often a held pod is evaluated again without news, in case a wake
// was lost (a full queue) or a load balancer stopped routing to it.
const DefaultRecheck = 30 * time.Second

// Reconciler sets portico's readiness condition on the pods that name it.
type Reconciler struct {
	// Client reads through the manager's cache (Pods, Services, LoadBalancers) and patches
	// pod status.
	Client client.Client
	Store  *Store
	// Clock stamps the condition's lastTransitionTime; default the real clock.
	Clock clock.PassiveClock
	// Recheck is DefaultRecheck when zero.
	Recheck time.Duration
}

// +kubebuilder:rbac:groups="",resources=pods,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=pods/status,verbs=patch

// Reconcile evaluates one pod's gate. Once True the condition stays True, as GKE's does:
// taking a serving pod out on a passing health blip would cause the outage the gate
// exists to prevent; the load balancer's own health check handles a pod that fails later.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	pod := &corev1.Pod{}
	if err := r.Client.Get(ctx, req.NamespacedName, pod); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !Held(pod) {
		return ctrl.Result{}, nil
	}
	routes, err := r.routesTo(ctx, pod)
	if err != nil {
		return ctrl.Result{}, err
	}
	v := r.verdict(pod, routes)
	if err := r.setCondition(ctx, pod, v); err != nil {
		return ctrl.Result{}, err
	}
	if v.status != corev1.ConditionTrue {
		return ctrl.Result{RequeueAfter: r.recheck()}, nil
	}
	return ctrl.Result{}, nil
}

// route is one backend of a load balancer that sends traffic to a pod.
type route struct{ lb, backend string }

// routesTo finds the load balancers of target type ip that route to the pod: the Services
// whose selector matches it, then the load balancers with a backend on one of them, through
// the LoadBalancer index by Service (never a scan of every load balancer).
func (r *Reconciler) routesTo(ctx context.Context, pod *corev1.Pod) ([]route, error) {
	svcs := &corev1.ServiceList{}
	if err := r.Client.List(ctx, svcs, client.InNamespace(pod.Namespace)); err != nil {
		return nil, fmt.Errorf("listing the Services of namespace %s: %w", pod.Namespace, err)
	}
	var out []route
	for _, svc := range svcs.Items {
		if len(svc.Spec.Selector) == 0 || !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(pod.Labels)) {
			continue
		}
		lbs := &v1alpha1.LoadBalancerList{}
		if err := r.Client.List(ctx, lbs, client.MatchingFields{index.LBService: index.Key(svc.Namespace, svc.Name)}); err != nil {
			return nil, fmt.Errorf("listing the LoadBalancers of Service %s/%s: %w", svc.Namespace, svc.Name, err)
		}
		for _, lb := range lbs.Items {
			if !lb.DeletionTimestamp.IsZero() {
				continue
			}
			for _, be := range lb.Spec.Backends {
				if be.Service.Namespace == svc.Namespace && be.Service.Name == svc.Name && be.TargetType != v1alpha1.TargetTypeInstance {
					out = append(out, route{lb: lb.Name, backend: be.Name})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].lb+"/"+out[i].backend < out[j].lb+"/"+out[j].backend })
	return out, nil
}

// verdict is the condition a pod should have.
type verdict struct {
	status          corev1.ConditionStatus
	reason, message string
}

// verdict decides from the recorded health: True when no load balancer routes to the pod
// or every one finds its IP healthy; False, naming what it waits for, otherwise.
func (r *Reconciler) verdict(pod *corev1.Pod, routes []route) verdict {
	if len(routes) == 0 {
		return verdict{corev1.ConditionTrue, v1alpha1.ReasonNoLoadBalancer,
			"no portico load balancer of target type ip routes to this pod, so nothing holds it"}
	}
	if pod.Status.PodIP == "" {
		return verdict{corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth, "the pod has no IP yet"}
	}
	var waiting, lbs []string
	for _, rt := range routes {
		switch s := r.Store.State(rt.lb, rt.backend, pod.Status.PodIP); s {
		case providers.HealthHealthy:
		case "":
			waiting = append(waiting, fmt.Sprintf("LoadBalancer %s (backend %s): not attached yet", rt.lb, rt.backend))
		default:
			waiting = append(waiting, fmt.Sprintf("LoadBalancer %s (backend %s): %s", rt.lb, rt.backend, strings.ToLower(s)))
		}
		if len(lbs) == 0 || lbs[len(lbs)-1] != rt.lb {
			lbs = append(lbs, rt.lb)
		}
	}
	if len(waiting) > 0 {
		return verdict{corev1.ConditionFalse, v1alpha1.ReasonWaitingForHealth,
			"waiting for the cloud to find " + pod.Status.PodIP + " healthy: " + strings.Join(waiting, "; ")}
	}
	return verdict{corev1.ConditionTrue, v1alpha1.ReasonLoadBalancerHealthy,
		"the cloud finds the pod healthy in LoadBalancer " + strings.Join(lbs, ", ")}
}

// setCondition patches the pod's condition when it differs, with a strategic merge patch
// of that one condition: the cached pod is stripped, so it is never written back whole.
func (r *Reconciler) setCondition(ctx context.Context, pod *corev1.Pod, v verdict) error {
	if c := condition(pod); c != nil && c.Status == v.status && c.Reason == v.reason && c.Message == v.message {
		return nil
	}
	cond := corev1.PodCondition{
		Type: corev1.PodConditionType(v1alpha1.PodConditionLoadBalancerReady), Status: v.status,
		Reason: v.reason, Message: v.message, LastTransitionTime: metav1.NewTime(r.now()),
	}
	if c := condition(pod); c != nil && c.Status == v.status {
		cond.LastTransitionTime = c.LastTransitionTime
	}
	body, err := json.Marshal(map[string]any{"status": map[string]any{"conditions": []corev1.PodCondition{cond}}})
	if err != nil {
		return err
	}
	if err := r.Client.Status().Patch(ctx, pod, client.RawPatch(types.StrategicMergePatchType, body)); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("setting condition %s on pod %s/%s: %w", v1alpha1.PodConditionLoadBalancerReady, pod.Namespace, pod.Name, err)
	}
	return nil
}

func (r *Reconciler) recheck() time.Duration {
	if r.Recheck > 0 {
		return r.Recheck
	}
	return DefaultRecheck
}

func (r *Reconciler) now() time.Time {
	if r.Clock != nil {
		return r.Clock.Now()
	}
	return time.Now()
}
