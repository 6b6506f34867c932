package nginxfallback

import (
	"fmt"
	"testing"
)

// BenchmarkRender10kIngresses renders 10,000 LoadBalancers of one host, two paths and two
// targets each (the scale target is under 1 s).
func BenchmarkRender10kIngresses(b *testing.B) {
	var lbs []*lbBuilder
	for i := 0; i < 10000; i++ {
		l := lb(fmt.Sprintf("lb-%05d", i)).host(fmt.Sprintf("app%d.example.com", i)).
			prefix("/", "web").exact("/api/", "api").timeout("api", 30).
			target("web", fmt.Sprintf("10.%d.%d.1", i/250, i%250), 8080).target("web", "10.255.0.1", 8080).
			target("api", fmt.Sprintf("10.%d.%d.2", i/250, i%250), 8080)
		lbs = append(lbs, l)
	}
	in := input(lbs...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(in); err != nil {
			b.Fatal(err)
		}
	}
}
