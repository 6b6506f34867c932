package e2e

import (
	"testing"

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
	ns := newNamespace(t)
	service(t, ns, "cart", 80, "10.0.0.1")
	service(t, ns, "front", 80, "10.0.1.1")
	env.Cloud.InjectError(fake.OpInsert, fake.KindURLMap, providers.Retryable("CloudUnavailable", nil, "busy"), 1)
	apply(t, ns, webIngress)
	if _, err := env.WaitProgrammed(timeout(t), ns, "web"); err != nil {
		t.Fatal(err)
	}
	ok := map[string]string{"provider": "fake", "operation": "urlMaps.insert", "result": "success"}
	if v, found := metricValue(t, "portico_cloud_calls_total", ok); !found || v < 1 {
		t.Errorf("portico_cloud_calls_total%v = %v (found %v), want at least 1", ok, v, found)
	}
	failed := map[string]string{"provider": "fake", "operation": "urlMaps.insert", "result": "Retryable"}
	if v, found := metricValue(t, "portico_cloud_calls_total", failed); !found || v < 1 {
		t.Errorf("portico_cloud_calls_total%v = %v (found %v), want the injected failure counted", failed, v, found)
	}
	if v, found := metricValue(t, "portico_reconcile_duration_seconds", map[string]string{"controller": "loadbalancer"}); !found || v < 1 {
		t.Errorf("no loadbalancer reconcile duration recorded")
	}
	if v, found := metricValue(t, "portico_reconcile_errors_total", map[string]string{"controller": "loadbalancer", "reason": "CloudUnavailable"}); !found || v < 1 {
		t.Errorf("the failed reconcile is not counted by reason")
	}
	if v, found := metricValue(t, "portico_load_balancers", map[string]string{"provider": "fake", "ready": "true"}); !found || v < 1 {
		t.Errorf("portico_load_balancers does not count the ready load balancer: %v %v", v, found)
	}
}
