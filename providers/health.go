package providers

// Health states of a target, as the cloud's health checks see it.
const (
	// HealthHealthy: the cloud sends the target traffic.
	HealthHealthy = "Healthy"
	// HealthUnhealthy: the cloud's health checks fail on the target, so it gets no traffic.
	HealthUnhealthy = "Unhealthy"
	// HealthUnknown: the cloud has not said yet (a target just attached, one being drained,
	// or one the provider has not read since it started).
	HealthUnknown = "Unknown"
)

// TargetHealth is the health of one target of a backend.
type TargetHealth struct {
	IP    string `json:"ip"`
	Port  int32  `json:"port"`
	State string `json:"state"`
}

// HealthCounts counts the targets of one backend by state.
type HealthCounts struct {
	Healthy, Unhealthy, Unknown int
}

// Total is the number of targets counted.
func (c HealthCounts) Total() int { return c.Healthy + c.Unhealthy + c.Unknown }

// CountHealth counts the states of a backend's targets.
func CountHealth(ts []TargetHealth) HealthCounts {
	var c HealthCounts
	for _, t := range ts {
		switch t.State {
		case HealthHealthy:
			c.Healthy++
		case HealthUnhealthy:
			c.Unhealthy++
		default:
			c.Unknown++
		}
	}
	return c
}

// HealthHinter is implemented by a provider that knows what commonly makes its cloud find
// targets unhealthy; the controller adds the hint to its report of unhealthy targets.
type HealthHinter interface {
	HealthHint() string
}
