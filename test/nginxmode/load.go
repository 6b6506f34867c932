package nginxmode

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Load is a constant-rate load of GET requests (vegeta's attacker) that runs until Stop.
type Load struct {
	attacker *vegeta.Attacker
	done     chan LoadReport
}

// LoadReport is what a Load measured: vegeta's metrics and the first failures.
type LoadReport struct {
	Metrics vegeta.Metrics
	// Latencies are every request's, in the order they were sent, so that reports of
	// several runs can be merged (Merge).
	Latencies []time.Duration
	Failures  []string
	Failed    int
}

// Merge returns the latencies of several reports, sorted, and their total of requests
// answered with 200 per second of the runs' durations.
func Merge(reports ...LoadReport) (sorted []time.Duration, throughput float64) {
	var ok float64
	var took time.Duration
	for _, r := range reports {
		sorted = append(sorted, r.Latencies...)
		ok += float64(r.Metrics.Requests) * r.Metrics.Success
		took += r.Metrics.Duration + r.Metrics.Wait
	}
	slices.Sort(sorted)
	if took > 0 {
		throughput = ok / took.Seconds()
	}
	return sorted, throughput
}

// Percentile returns the q-th quantile (0..1) of sorted latencies.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q * float64(len(sorted)-1))
	return sorted[i]
}

// maxFailuresKept bounds the failures a report lists; Failed counts them all.
const maxFailuresKept = 10

// maxRateWorkers is how many requests a load at the maximum rate keeps in flight.
const maxRateWorkers = 16

// StartLoad sends rate GET requests per second to url with the Host header host, until
// Stop; rate 0 sends as many as maxRateWorkers workers can, each waiting for its answer.
// A request fails when it gets an error or a status other than 200.
func StartLoad(url, host string, rate int) *Load {
	opts := []func(*vegeta.Attacker){vegeta.Timeout(30 * time.Second), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow)}
	if rate == 0 {
		opts = append(opts, vegeta.Workers(maxRateWorkers), vegeta.MaxWorkers(maxRateWorkers))
	}
	l := &Load{attacker: vegeta.NewAttacker(opts...), done: make(chan LoadReport, 1)}
	target := vegeta.Target{Method: http.MethodGet, URL: url, Header: http.Header{"Host": []string{host}}}
	results := l.attacker.Attack(vegeta.NewStaticTargeter(target), vegeta.Rate{Freq: rate, Per: time.Second}, 0, "load")
	go func() { l.done <- collect(results) }()
	return l
}

// Stop stops sending, waits for the requests in flight and returns the report.
func (l *Load) Stop() LoadReport {
	l.attacker.Stop()
	return <-l.done
}

func collect(results <-chan *vegeta.Result) LoadReport {
	var r LoadReport
	for res := range results {
		r.Metrics.Add(res)
		r.Latencies = append(r.Latencies, res.Latency)
		if res.Code != http.StatusOK || res.Error != "" {
			r.Failed++
			if len(r.Failures) < maxFailuresKept {
				r.Failures = append(r.Failures, fmt.Sprintf("%s: status %d %s %.100s", res.Timestamp.Format(time.StampMicro), res.Code, res.Error, res.Body))
			}
		}
	}
	r.Metrics.Close()
	return r
}
