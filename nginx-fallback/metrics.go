package nginxfallback

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The results of one configuration load, the label of portico_nginx_reloads_total.
const (
	// ReloadSuccess: nginx serves the new configuration.
	ReloadSuccess = "success"
	// ReloadRejected: nginx refused the configuration (`nginx -t`, or the master at reload
	// or start); the previous one keeps serving.
	ReloadRejected = "rejected"
	// ReloadFailed: anything else (an input that cannot be rendered, a file that cannot be
	// written, nginx not serving the new configuration in time).
	ReloadFailed = "failed"
)

// Metrics are the nginx mode's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	reloads  *prometheus.CounterVec
	duration prometheus.Histogram
	restarts prometheus.Counter
	updates  prometheus.Counter
}

// NewMetrics makes the metrics and registers them on reg, which the caller passes in so that
// a test (or a second supervisor) has a registry of its own.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portico_nginx_reloads_total",
			Help: "Configuration loads of the nginx mode, by result (success, rejected, failed).",
		}, []string{"result"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portico_nginx_reload_duration_seconds",
			Help:    "Duration of a successful configuration load: render, nginx -t, swap, reload, until nginx serves it.",
			Buckets: prometheus.ExponentialBuckets(0.01, 2, 12),
		}),
		restarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portico_nginx_restarts_total",
			Help: "Times the supervisor started nginx again after it died or failed to start.",
		}),
		updates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portico_nginx_config_updates_total",
			Help: "Desired states handed to the reload coalescer; the ratio to reloads shows the coalescing.",
		}),
	}
	for _, c := range []prometheus.Collector{m.reloads, m.duration, m.restarts, m.updates} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) reloaded(result string, took time.Duration) {
	if m == nil {
		return
	}
	m.reloads.WithLabelValues(result).Inc()
	if result == ReloadSuccess {
		m.duration.Observe(took.Seconds())
	}
}

func (m *Metrics) restarted() {
	if m != nil {
		m.restarts.Inc()
	}
}

func (m *Metrics) updated() {
	if m != nil {
		m.updates.Inc()
	}
}

// resultOf names the result of a load that ended with err.
func resultOf(err error) string {
	switch {
	case err == nil:
		return ReloadSuccess
	case IsRejected(err):
		return ReloadRejected
	default:
		return ReloadFailed
	}
}
