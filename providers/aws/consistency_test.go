package aws_test

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/providers/aws/awstest"
)

// Under AWS's eventual consistency a resource just made is not listed yet: passes by
// restarted controllers, whose caches are empty, must neither duplicate nor leak anything.
func TestEventualConsistencyNeitherDuplicatesNorLeaks(t *testing.T) {
	cloud := newTestCloud(t, awstest.Options{VisibilityDelay: 3, ProvisioningReads: 2})
	d := shop().https(certificate(t, "shop.example.com"))
	var last error
	converged := false
	for range 30 {
		obs, err := cloud.provider(testCluster).Ensure(context.Background(), d.d)
		t.Logf("pass: %v %v", obs.Changes, err)
		if err == nil && len(obs.Changes) == 0 {
			converged = true
			break
		}
		last = err
	}
	if !converged {
		t.Fatalf("no convergence: %v", last)
	}
	kinds := map[string]int{}
	for _, r := range cloud.owned(testCluster, "shop-web") {
		kinds[strings.Fields(r)[0]]++
	}
	for kind, n := range map[string]int{"SecurityGroup": 1, "TargetGroup": 2, "LoadBalancer": 1, "Listener": 2, "Certificate": 1} {
		if kinds[kind] != n {
			t.Errorf("%d %s, want %d: %v", kinds[kind], kind, n, cloud.owned(testCluster, "shop-web"))
		}
	}
	if w := writesSince(cloud, func() { ensure(t, cloud.provider(testCluster), d.d) }); len(w) != 0 {
		t.Errorf("a resync after convergence wrote %v", w)
	}
}
