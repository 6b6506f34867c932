package providers

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

var cloudName = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

func TestNamerIsDeterministicBoundedAndCollisionFree(t *testing.T) {
	for _, max := range []int{32, 63} {
		n := Namer{ClusterID: "Prod-EU-West-1-cluster", MaxLength: max}
		seen := map[string]string{}
		for i := 0; i < 2000; i++ {
			lb := fmt.Sprintf("%s-%d", strings.Repeat("very-long-namespace-", 3), i)
			name := n.Name("tg", lb, "shop/cart:80")
			if len(name) > max || !cloudName.MatchString(name) {
				t.Fatalf("name %q breaks the cloud's rules (max %d)", name, max)
			}
			if name != n.Name("tg", lb, "shop/cart:80") {
				t.Fatal("the same inputs gave two names")
			}
			if prev, dup := seen[name]; dup {
				t.Fatalf("%s and %s share the name %s", prev, lb, name)
			}
			seen[name] = lb
			if !strings.HasPrefix(name, n.Prefix("tg")) {
				t.Fatalf("name %q lacks the listing prefix %q", name, n.Prefix("tg"))
			}
		}
	}
	a := Namer{ClusterID: "a", MaxLength: 63}.Name("fr", "lb")
	b := Namer{ClusterID: "b", MaxLength: 63}.Name("fr", "lb")
	if a == b {
		t.Error("two clusters got the same name for the same load balancer")
	}
	if got := (Namer{MaxLength: 63}).Name("um", "***"); !cloudName.MatchString(got) {
		t.Errorf("an empty readable part gave %q", got)
	}
}

func TestOwnerRoundTrips(t *testing.T) {
	o := Owner{ClusterID: "c1", LoadBalancer: "shop-web-1234567890"}
	if got, ok := OwnerFromDescription(o.Description()); !ok || got != o {
		t.Errorf("description round trip: %+v %v", got, ok)
	}
	if got, ok := OwnerFromTags(o.Tags()); !ok || got != o {
		t.Errorf("tags round trip: %+v %v", got, ok)
	}
	for _, d := range []string{"", "created by hand", `portico: {"portico.dev/cluster":""}`, "portico: {"} {
		if _, ok := OwnerFromDescription(d); ok {
			t.Errorf("description %q read as portico's", d)
		}
	}
	if _, ok := OwnerFromTags(map[string]string{TagCluster: "c1", TagLoadBalancer: "x"}); ok {
		t.Error("tags without managed-by read as portico's")
	}
}

// A resource the cluster shares reads back as the cluster's and never as a load balancer's,
// so that the orphan sweep never takes it for a load balancer to delete; a load balancer's
// description never reads as shared.
func TestClusterOwnerIsNoLoadBalancer(t *testing.T) {
	d := ClusterDescription("c1")
	if c, ok := ClusterFromDescription(d); !ok || c != "c1" {
		t.Errorf("cluster description round trip: %q %v", c, ok)
	}
	if o, ok := OwnerFromDescription(d); ok {
		t.Errorf("a shared resource reads as owned by load balancer %+v", o)
	}
	lb := Owner{ClusterID: "c1", LoadBalancer: "web"}.Description()
	for _, s := range []string{lb, "", "created by hand", `portico: {"portico.dev/cluster":"c1"}`, `portico: {"portico.dev/shared":true}`} {
		if _, ok := ClusterFromDescription(s); ok {
			t.Errorf("description %q read as shared by a cluster", s)
		}
	}
}

// A description naming the Service reads back with it, and one written before the field
// existed (without it) still reads as the same owner: upgrades keep what they own.
func TestOwnerWithServiceRoundTripsAndOldDescriptionsStillRead(t *testing.T) {
	o := Owner{ClusterID: "c1", LoadBalancer: "shop-web-1234567890", Service: "shop/web:http"}
	desc := o.Description()
	if !strings.Contains(desc, `"portico.dev/service":"shop/web:http"`) {
		t.Errorf("description %s does not name the Service", desc)
	}
	if got, ok := OwnerFromDescription(desc); !ok || got != o || got.Base() != (Owner{ClusterID: "c1", LoadBalancer: "shop-web-1234567890"}) {
		t.Errorf("description round trip: %+v %v", got, ok)
	}
	old := `portico: {"portico.dev/cluster":"c1","portico.dev/load-balancer":"shop-web-1234567890"}`
	if got, ok := OwnerFromDescription(old); !ok || got != o.Base() {
		t.Errorf("a description of an older portico reads as %+v %v", got, ok)
	}
	if (Owner{ClusterID: "c1", LoadBalancer: "x"}).Description() != `portico: {"portico.dev/cluster":"c1","portico.dev/load-balancer":"x"}` {
		t.Error("an owner without a service no longer writes the description older versions wrote")
	}
}

func TestTypedErrors(t *testing.T) {
	base := errors.New("googleapi: Error 503")
	cases := []struct {
		err                                 error
		retryable, invalid, quota, notFound bool
		reason                              string
	}{
		{Retryable("CloudUnavailable", base, "backend service busy"), true, false, false, false, "CloudUnavailable"},
		{fmt.Errorf("ensuring url map: %w", Invalid("CertificateInvalid", nil, "bad cert")), false, true, false, false, "CertificateInvalid"},
		{Quota("QuotaExceeded", nil, "forwarding rules"), false, false, true, false, "QuotaExceeded"},
		{NotFound("StaticAddressNotFound", nil, "address x"), false, false, false, true, "StaticAddressNotFound"},
		{base, true, false, false, false, "Retrying"},
	}
	for _, tc := range cases {
		if IsRetryable(tc.err) != tc.retryable || IsInvalid(tc.err) != tc.invalid ||
			IsQuota(tc.err) != tc.quota || IsNotFound(tc.err) != tc.notFound || ReasonOf(tc.err) != tc.reason {
			t.Errorf("%v classified wrongly", tc.err)
		}
	}
	if IsRetryable(nil) || IgnoreNotFound(NotFound("X", nil, "x")) != nil {
		t.Error("nil or ignored not-found classified wrongly")
	}
	if !errors.Is(Retryable("R", base, "wrapped"), base) {
		t.Error("the underlying error is not in the chain")
	}
}
