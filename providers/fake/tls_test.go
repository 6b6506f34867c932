package fake

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func TestTLS(t *testing.T) {
	certA := testCertificate(t, "shop.example.com")
	certB := testCertificate(t, "shop.example.com")
	c := NewCloud()
	p := newProvider(c)
	ensure(t, p, shop())

	c.ResetCalls()
	obs := ensure(t, p, withTLS(shop(), certA))
	want := []string{"insert SslCertificate", "insert TargetHTTPSProxy", "insert ForwardingRule"}
	if got := writes(c); !slices.Equal(got, want) {
		t.Fatalf("adding TLS wrote %v, want %v", got, want)
	}
	if len(obs.Ports) != 2 || obs.Ports[1].Port != 443 || obs.Ports[1].Error != "" {
		t.Errorf("ports %+v", obs.Ports)
	}

	oldName := p.namer.Name("cert", "shop-web-3f9a1c", certA.Hash)
	newName := p.namer.Name("cert", "shop-web-3f9a1c", certB.Hash)
	proxy := p.namer.Name("sp", "shop-web-3f9a1c")
	c.ResetCalls()
	ensure(t, p, withTLS(shop(), certB))
	calls := c.Calls()
	created, patched, deleted := index(calls, OpInsert, KindSslCertificate, newName), index(calls, OpPatch, KindTargetHTTPSProxy, proxy), index(calls, OpDelete, KindSslCertificate, oldName)
	if created < 0 || patched < 0 || deleted < 0 || created >= patched || patched >= deleted {
		t.Fatalf("rotation: insert new at %d, patch proxy at %d, delete old at %d; want that order", created, patched, deleted)
	}
	if got := writes(c); len(got) != 3 {
		t.Errorf("rotation wrote %v", got)
	}
	r, _ := c.Lookup(KindTargetHTTPSProxy, proxy)
	if got := r.Spec.(TargetHTTPSProxySpec).SslCertificates; !slices.Equal(got, []string{newName}) {
		t.Errorf("the proxy serves %v", got)
	}
}

func TestInvalidCertificateKeepsHTTPServing(t *testing.T) {
	goodCert, goodKey := testCert(t, "shop.example.com")
	_, otherKey := testCert(t, "other.example.com")
	bad := providers.Certificate{CertPEM: goodCert, Key: providers.StaticKey(otherKey), Hash: providers.CertificateHash(goodCert, otherKey)}
	good := providers.Certificate{CertPEM: goodCert, Key: providers.StaticKey(goodKey), Hash: providers.CertificateHash(goodCert, goodKey)}

	check := func(t *testing.T, c *Cloud, obs *providers.Observed, err error) {
		t.Helper()
		if !providers.IsInvalid(err) || providers.ReasonOf(err) != ReasonCertificateInvalid {
			t.Fatalf("got %v (reason %s), want Invalid with reason CertificateInvalid", err, providers.ReasonOf(err))
		}
		assertNoKeyMaterial(t, err.Error(), otherKey, goodKey)
		if len(obs.Ports) != 2 || obs.Ports[0].Error != "" || obs.Ports[1].Error != ReasonCertificateInvalid || !strings.Contains(obs.Ports[1].Message, "private key") {
			t.Errorf("ports %+v, want 80 served and 443 with the certificate error", obs.Ports)
		}
		if len(obs.Addresses) != 1 {
			t.Errorf("addresses %v", obs.Addresses)
		}
		if _, ok := c.Lookup(KindForwardingRule, newProvider(c).namer.Name("fr", "shop-web-3f9a1c", "http")); !ok {
			t.Error("the HTTP forwarding rule is missing")
		}
	}

	t.Run("from scratch", func(t *testing.T) {
		c := NewCloud()
		p := newProvider(c)
		obs, err := p.Ensure(context.Background(), withTLS(shop(), bad))
		check(t, c, obs, err)
		if n := kindCounts(c.Inventory()); n[KindTargetHTTPSProxy] != 0 || n[KindSslCertificate] != 0 || n[KindForwardingRule] != 1 {
			t.Errorf("inventory %v", n)
		}
		// The fixed certificate converges to exactly what a clean start gives.
		ensure(t, p, withTLS(shop(), good))
		ref := NewCloud()
		ensure(t, newProvider(ref), withTLS(shop(), good))
		assertSameInventory(t, c, ref)
	})
	t.Run("rotation keeps the old certificate serving", func(t *testing.T) {
		c := NewCloud()
		p := newProvider(c)
		ensure(t, p, withTLS(shop(), good))
		before := c.Inventory()
		c.ResetCalls()
		obs, err := p.Ensure(context.Background(), withTLS(shop(), bad))
		check(t, c, obs, err)
		if got := writes(c); !slices.Equal(got, []string{"insert SslCertificate"}) {
			t.Errorf("writes %v, want only the refused insert", got)
		}
		if !reflect.DeepEqual(c.Inventory(), before) {
			t.Error("a refused certificate changed the cloud")
		}
	})
}

func TestHTTPSWithoutUsableCertificate(t *testing.T) {
	cases := []struct {
		name   string
		change func(d *providers.Desired)
		reason string
	}{
		{"Secret not resolved", func(d *providers.Desired) { d.Certificates = nil }, "TLSSecretNotFound"},
		{"no TLS entry", func(d *providers.Desired) { d.Spec.TLS = nil }, "NoCertificate"},
		{"pre-shared certificate missing", func(d *providers.Desired) {
			d.Spec.TLS = []v1alpha1.TLSCertificate{{PreShared: "my-cert"}}
		}, "PreSharedCertificateNotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCloud()
			p := newProvider(c)
			want := withTLS(shop(), testCertificate(t, "shop.example.com"))
			tc.change(want)
			plan, planErr := p.Plan(context.Background(), want)
			obs, err := p.Ensure(context.Background(), want)
			if providers.ReasonOf(err) != tc.reason || providers.ReasonOf(planErr) != tc.reason {
				t.Fatalf("ensure: %v; plan: %v; want reason %s", err, planErr, tc.reason)
			}
			if len(obs.Ports) != 2 || obs.Ports[0].Error != "" || obs.Ports[1].Error == "" {
				t.Errorf("ports %+v", obs.Ports)
			}
			if len(plan.Actions) != len(obs.Changes) {
				t.Errorf("plan %d actions, ensure %d changes", len(plan.Actions), len(obs.Changes))
			}
			if n := kindCounts(c.Inventory()); n[KindTargetHTTPSProxy] != 0 || n[KindForwardingRule] != 1 {
				t.Errorf("inventory %v", n)
			}
		})
	}
	t.Run("pre-shared certificate present", func(t *testing.T) {
		c := NewCloud()
		certPEM, keyPEM := testCert(t, "shop.example.com")
		if _, err := c.Insert(context.Background(), "my-cert", "", SslCertificateSpec{Certificate: string(certPEM), PrivateKey: string(keyPEM)}); err != nil {
			t.Fatal(err)
		}
		want := withTLS(shop(), providers.Certificate{})
		want.Spec.TLS = []v1alpha1.TLSCertificate{{PreShared: "my-cert"}}
		ensure(t, newProvider(c), want)
		r, _ := c.Lookup(KindTargetHTTPSProxy, newProvider(c).namer.Name("sp", want.Ref.Name))
		if got := r.Spec.(TargetHTTPSProxySpec).SslCertificates; !slices.Equal(got, []string{"my-cert"}) {
			t.Errorf("the proxy serves %v", got)
		}
	})
}
