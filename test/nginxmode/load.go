package nginxmode

import (
	"fmt"
	"net/http"
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
	Metrics  vegeta.Metrics
	Failures []string
	Failed   int
}

// maxFailuresKept bounds the failures a report lists; Failed counts them all.
const maxFailuresKept = 10

// StartLoad sends rate GET requests per second to url with the Host header host, until
// Stop. A request fails when it gets an error or a status other than 200.
func StartLoad(url, host string, rate int) *Load {
	l := &Load{
		attacker: vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow)),
		done:     make(chan LoadReport, 1),
	}
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
