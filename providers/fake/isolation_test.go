package fake

import (
	"context"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

// named returns shop() as load balancer name.
func named(name string) *providers.Desired {
	d := shop()
	d.Ref.Name = name
	return d
}

// addressOf returns the name of the Address a load balancer owns.
func addressOf(c *Cloud, lb string) string {
	for _, r := range c.Inventory() {
		if o, _ := providers.OwnerFromDescription(r.Description); r.Kind == KindAddress && o.LoadBalancer == lb {
			return r.Name
		}
	}
	return ""
}

// TestStaticAddressIsolation: a load balancer may name only an address its user reserved,
// and one another load balancer uses only when an IngressClassParams grants it; an address
// portico made is never allowed. A refusal writes nothing and says what to do.
func TestStaticAddressIsolation(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	ensure(t, p, named("team-b"))
	if _, err := c.ReserveAddress("shared-ip"); err != nil {
		t.Fatal(err)
	}
	first := named("team-a")
	first.Spec.StaticAddress = "shared-ip"
	ensure(t, p, first)

	cases := []struct {
		name    string
		address string
		grant   bool
		reason  string
		text    string
	}{
		{"an address portico made for another load balancer", addressOf(c, "team-b"), false, ReasonStaticAddressOwnedByPortico, "portico created for load balancer team-b"},
		{"a portico address, even granted", addressOf(c, "team-b"), true, ReasonStaticAddressOwnedByPortico, "reserve an address of your own"},
		{"a user's address another load balancer uses", "shared-ip", false, ReasonStaticAddressInUse, "load balancer team-a uses; reserve another address, or have the IngressClassParams grant it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.ResetCalls()
			d := named("intruder")
			d.Spec.StaticAddress = tc.address
			if tc.grant {
				d.Granted.Addresses = []string{tc.address}
			}
			_, err := p.Ensure(ctx, d)
			if !providers.IsInvalid(err) || providers.ReasonOf(err) != tc.reason || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("got %v (reason %s), want %s saying %q", err, providers.ReasonOf(err), tc.reason, tc.text)
			}
			if w := writes(c); len(w) != 0 {
				t.Errorf("a refused load balancer wrote %v", w)
			}
		})
	}

	// Granted, another port of the same address is shared; the same port is refused by
	// the cloud, as GCE refuses it, and retried slowly as a conflict.
	granted := withTLS(named("granted"), testCertificate(t, "shop.example.com"))
	granted.Spec.StaticAddress = "shared-ip"
	granted.Spec.Frontends.HTTP = false
	granted.Granted.Addresses = []string{"shared-ip"}
	ensure(t, p, granted)
	granted.Spec.Frontends.HTTP = true
	obs, err := p.Ensure(ctx, granted)
	if !providers.IsConflict(err) || providers.ReasonOf(err) != ReasonAddressPortInUse || !strings.Contains(err.Error(), "port 80") {
		t.Errorf("a second rule on shared-ip:80: %v", err)
	}
	if len(obs.Ports) != 2 || obs.Ports[0].Error != ReasonAddressPortInUse || obs.Ports[1].Error != "" {
		t.Errorf("ports %+v: port 80 fails, 443 serves", obs.Ports)
	}

	for _, lb := range []string{"team-a", "granted"} {
		if err := p.Delete(ctx, providers.Ref{Name: lb}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.Lookup(KindAddress, "shared-ip"); !ok {
		t.Error("deleting the load balancers deleted the user's address")
	}
}

// TestPreSharedCertificateIsolation: a pre-shared certificate portico uploaded is never
// served by another load balancer, and a user's one another load balancer serves only when
// granted. A refusal blocks HTTPS only: HTTP keeps serving.
func TestPreSharedCertificateIsolation(t *testing.T) {
	ctx := context.Background()
	c := NewCloud()
	p := newProvider(c)
	ensure(t, p, withTLS(named("team-b"), testCertificate(t, "shop.example.com")))
	var porticos string
	for _, r := range c.Inventory() {
		if r.Kind == KindSslCertificate {
			porticos = r.Name
		}
	}
	certPEM, keyPEM := testCert(t, "shop.example.com")
	if _, err := c.Insert(ctx, "my-cert", "", SslCertificateSpec{Certificate: string(certPEM), PrivateKey: string(keyPEM)}); err != nil {
		t.Fatal(err)
	}
	preShared := func(lb, cert string) *providers.Desired {
		d := withTLS(named(lb), providers.Certificate{})
		d.Spec.TLS = []v1alpha1.TLSCertificate{{PreShared: cert}}
		return d
	}
	ensure(t, p, preShared("team-a", "my-cert"))

	cases := []struct {
		name, cert string
		grant      bool
		reason     string
		text       string
	}{
		{"portico's certificate", porticos, true, ReasonCertificateOwnedByPortico, "portico uploaded for load balancer team-b"},
		{"a user's certificate another load balancer serves", "my-cert", false, ReasonCertificateInUse, "which load balancer team-a serves"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := preShared("intruder-"+tc.reason, tc.cert)
			if tc.grant {
				d.Granted.Certificates = []string{tc.cert}
			}
			obs, err := p.Ensure(ctx, d)
			if !providers.IsInvalid(err) || providers.ReasonOf(err) != tc.reason || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("got %v, want %s saying %q", err, tc.reason, tc.text)
			}
			if len(obs.Ports) != 2 || obs.Ports[0].Error != "" || obs.Ports[1].Error != tc.reason {
				t.Errorf("ports %+v: HTTP serves, HTTPS is refused", obs.Ports)
			}
			if strings.Contains(err.Error(), "PRIVATE KEY") {
				t.Error("the error holds key material")
			}
		})
	}

	granted := preShared("granted", "my-cert")
	granted.Granted.Certificates = []string{"my-cert"}
	ensure(t, p, granted)
	for _, lb := range []string{"team-a", "granted"} {
		if err := p.Delete(ctx, providers.Ref{Name: lb}); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.Lookup(KindSslCertificate, "my-cert"); !ok {
		t.Error("deleting the load balancers deleted the user's certificate")
	}
}
