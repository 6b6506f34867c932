package e2e

import (
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	crmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/fake"
)

// metricValue returns the value of the series with exactly these labels, and whether it exists.
func metricValue(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	families, err := crmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.Metric {
			if matches(m, labels) {
				switch {
				case m.Counter != nil:
					return m.Counter.GetValue(), true
				case m.Gauge != nil:
					return m.Gauge.GetValue(), true
				case m.Histogram != nil:
					return float64(m.Histogram.GetSampleCount()), true
				}
			}
		}
	}
	return 0, false
}

func matches(m *dto.Metric, labels map[string]string) bool {
	if len(m.Label) != len(labels) {
		return false
	}
	for _, l := range m.Label {
		if labels[l.GetName()] != l.GetValue() {
			return false
		}
	}
	return true
}

// TestMetricsCountCloudCallsReconcilesAndLoadBalancers: the operator sees cloud calls by
// provider, operation and result, reconcile durations and errors, and the managed load
// balancers.
func TestMetricsCountCloudCallsReconcilesAndLoadBalancers(t *testing.T) {
	// Every series is read before and after, since earlier tests count into them too.
	series := []struct {
		name   string
		labels map[string]string
		min    float64 // how much this test adds at least
	}{
		{"portico_cloud_calls_total", map[string]string{"provider": "fake", "operation": "urlMaps.insert", "result": "success"}, 1},
		{"portico_cloud_calls_total", map[string]string{"provider": "fake", "operation": "urlMaps.insert", "result": "Retryable"}, 1},
		{"portico_reconcile_duration_seconds", map[string]string{"controller": "loadbalancer"}, 2},
		{"portico_reconcile_duration_seconds", map[string]string{"controller": "ingress"}, 1},
		{"portico_reconcile_errors_total", map[string]string{"controller": "loadbalancer", "reason": "MetricsProbe"}, 1},
		{"portico_load_balancers", map[string]string{"provider": "fake", "ready": "true"}, 1},
	}
	before := make([]float64, len(series))
	for i, s := range series {
		before[i], _ = metricValue(t, s.name, s.labels)
	}
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	env.Cloud.InjectError(fake.OpInsert, fake.KindURLMap, providers.Retryable("MetricsProbe", nil, "busy"), 1)
	apply(t, ns, webIngress)
	if _, err := env.WaitCondition(timeout(t), lbNameOf(ns, "web"), "Ready", "True", "Ready"); err != nil {
		t.Fatal(err)
	}
	// A reconcile is counted when it returns, just after the status write the wait saw.
	_ = waitFor(t, "the last reconcile to be counted", func() bool {
		for i, s := range series {
			if now, found := metricValue(t, s.name, s.labels); !found || now-before[i] < s.min {
				return false
			}
		}
		return true
	})
	for i, s := range series {
		now, found := metricValue(t, s.name, s.labels)
		if !found || now-before[i] < s.min {
			t.Errorf("%s%v went from %v to %v (found %v); this test adds at least %v", s.name, s.labels, before[i], now, found, s.min)
		}
	}
}

// reconciles returns how many reconciles both controllers have run so far.
func reconciles(t *testing.T) float64 {
	t.Helper()
	ing, _ := metricValue(t, "portico_reconcile_duration_seconds", map[string]string{"controller": "ingress"})
	lb, _ := metricValue(t, "portico_reconcile_duration_seconds", map[string]string{"controller": "loadbalancer"})
	return ing + lb
}

// quiesce waits until the controllers have run at least min reconciles since baseline and
// then none for a second and a half: the evidence that a negative check ("nothing was
// written") looks at a controller that has done its work, not one that has not started.
func quiesce(t *testing.T, baseline, min float64) {
	t.Helper()
	last, stable := reconciles(t), 0
	err := waitFor(t, "the controllers to finish their work", func() bool {
		time.Sleep(500 * time.Millisecond)
		now := reconciles(t)
		if now == last {
			stable++
		} else {
			stable, last = 0, now
		}
		return now-baseline >= min && stable >= 3
	})
	if err != nil {
		t.Fatalf("%v: %v reconciles since the baseline, want at least %v", err, reconciles(t)-baseline, min)
	}
}
