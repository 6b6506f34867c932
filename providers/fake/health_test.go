package fake

import (
	"reflect"
	"testing"

	"github.com/portico-dev/portico/providers"
)

func TestEveryTargetIsHealthyUnlessATestSaysOtherwise(t *testing.T) {
	c := NewCloud()
	p := newProvider(c)
	want := map[string][]providers.TargetHealth{
		"cart": {{IP: "10.0.1.1", Port: 8080, State: providers.HealthHealthy}, {IP: "10.0.1.2", Port: 8080, State: providers.HealthHealthy}},
		"web":  {{IP: "10.128.0.1", Port: 30080, State: providers.HealthHealthy}, {IP: "10.128.0.2", Port: 30080, State: providers.HealthHealthy}},
	}
	if got := ensure(t, p, shop()).Health; !reflect.DeepEqual(got, want) {
		t.Fatalf("health %v, want %v", got, want)
	}
	c.SetTargetHealth("10.0.1.2", 8080, providers.HealthUnhealthy)
	want["cart"][1].State = providers.HealthUnhealthy
	if got := ensure(t, p, shop()).Health; !reflect.DeepEqual(got, want) {
		t.Fatalf("health %v, want %v", got, want)
	}
	c.SetTargetHealth("10.0.1.2", 8080, "")
	want["cart"][1].State = providers.HealthHealthy
	if got := ensure(t, p, shop()).Health; !reflect.DeepEqual(got, want) {
		t.Fatalf("health after the reset %v, want %v", got, want)
	}
}
