// Package metrics defines portico's Prometheus metrics, served on the controller's metrics
// endpoint next to controller-runtime's own.
package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

var (
	// ReconcileDuration is how long one reconcile took, by controller.
	ReconcileDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portico_reconcile_duration_seconds",
		Help:    "Duration of one reconcile, by controller.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
	}, []string{"controller"})

	// ReconcileErrors counts failed reconciles, by controller and condition reason.
	ReconcileErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_reconcile_errors_total",
		Help: "Reconciles that failed, by controller and reason.",
	}, []string{"controller", "reason"})

	// CloudCalls counts the calls providers make to their clouds.
	CloudCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "portico_cloud_calls_total",
		Help: "Calls to cloud APIs, by provider, operation and result (success, or the error kind).",
	}, []string{"provider", "operation", "result"})

	// OrphanedLoadBalancers is the number of cloud load balancers no LoadBalancer claims,
	// found by the last orphan sweep.
	OrphanedLoadBalancers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "portico_orphaned_load_balancers",
		Help: "Cloud load balancers of this cluster that no LoadBalancer object claims, at the last sweep.",
	}, []string{"provider"})
)

func init() {
	crmetrics.Registry.MustRegister(ReconcileDuration, ReconcileErrors, CloudCalls, OrphanedLoadBalancers, LoadBalancers)
}

// ObserveReconcile records one reconcile's duration and, when it failed, its reason.
func ObserveReconcile(controller string, start time.Time, failed bool, reason string) {
	ReconcileDuration.WithLabelValues(controller).Observe(time.Since(start).Seconds())
	if failed {
		ReconcileErrors.WithLabelValues(controller, reason).Inc()
	}
}

// CallObserver counts cloud calls into CloudCalls; providers receive it as their observer.
type CallObserver struct{}

var _ providers.CallObserver = CallObserver{}

// ObserveCall implements providers.CallObserver.
func (CallObserver) ObserveCall(provider, operation string, err error) {
	result := "success"
	if err != nil {
		result = "error"
		if e, ok := providers.AsError(err); ok {
			result = string(e.Kind)
		}
	}
	CloudCalls.WithLabelValues(provider, operation, result).Inc()
}

// LoadBalancers reports portico_load_balancers{provider,ready} from the cache of the
// manager that runs, at scrape time. It is registered once; each manager hands it its cache
// with Use, so that a process that restarts its manager (a test) reports the running one.
var LoadBalancers = &loadBalancerCollector{desc: prometheus.NewDesc(
	"portico_load_balancers", "LoadBalancers managed by portico, by provider and readiness.",
	[]string{"provider", "ready"}, nil)}

type loadBalancerCollector struct {
	mu     sync.Mutex
	reader client.Reader
	desc   *prometheus.Desc
}

// Use makes the collector read LoadBalancers through reader.
func (c *loadBalancerCollector) Use(reader client.Reader) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reader = reader
}

// Describe implements prometheus.Collector.
func (c *loadBalancerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *loadBalancerCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	reader := c.reader
	c.mu.Unlock()
	if reader == nil {
		return
	}
	list := &v1alpha1.LoadBalancerList{}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := reader.List(ctx, list); err != nil {
		return
	}
	counts := map[[2]string]int{}
	for _, lb := range list.Items {
		ready := "false"
		for _, cond := range lb.Status.Conditions {
			if cond.Type == v1alpha1.ConditionReady && cond.Status == "True" {
				ready = "true"
			}
		}
		counts[[2]string{lb.Spec.Provider, ready}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}
