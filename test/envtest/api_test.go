package envtest

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	porticov1alpha1 "github.com/portico-dev/portico/api/v1alpha1"
)

func validLoadBalancer(name string) *porticov1alpha1.LoadBalancer {
	return &porticov1alpha1.LoadBalancer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: porticov1alpha1.LoadBalancerSpec{
			Provider:  porticov1alpha1.ProviderFake,
			Frontends: porticov1alpha1.Frontends{HTTP: true},
			Rules: []porticov1alpha1.HostRule{{
				Host: "shop.example.com",
				Paths: []porticov1alpha1.PathRule{{
					Path: "/cart", PathType: porticov1alpha1.PathTypePrefix, Backend: "shop-cart-80",
				}},
			}},
			Backends: []porticov1alpha1.Backend{{
				Name:       "shop-cart-80",
				Service:    porticov1alpha1.ServiceRef{Namespace: "shop", Name: "cart", PortNumber: 80},
				TargetType: porticov1alpha1.TargetTypeIP,
			}},
			Members: []porticov1alpha1.IngressRef{{Namespace: "shop", Name: "web"}},
		},
	}
}

func TestLoadBalancerRoundTrip(t *testing.T) {
	ctx := context.Background()
	lb := validLoadBalancer("roundtrip")
	if err := k8sClient.Create(ctx, lb); err != nil {
		t.Fatalf("creating a valid LoadBalancer: %v", err)
	}
	t.Cleanup(func() { _ = k8sClient.Delete(ctx, lb) })

	got := &porticov1alpha1.LoadBalancer{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "roundtrip"}, got); err != nil {
		t.Fatalf("reading the LoadBalancer back: %v", err)
	}
	if got.Namespace != "" {
		t.Errorf("LoadBalancer is cluster-scoped, got namespace %q", got.Namespace)
	}
	if got.Spec.Rules[0].Paths[0].Backend != "shop-cart-80" || got.Spec.Backends[0].Service.Name != "cart" {
		t.Errorf("spec did not round-trip: %+v", got.Spec)
	}

	// The status subresource takes the resources and conditions the controller reports.
	got.Status = porticov1alpha1.LoadBalancerStatus{
		Address:       "192.0.2.10",
		Addresses:     []porticov1alpha1.Address{{IP: "192.0.2.10"}},
		Resources:     []porticov1alpha1.CloudResource{{Kind: "URLMap", Name: "k8s-um-x", ID: "1", State: "Ready"}},
		ResourceCount: 1,
		Conditions: []metav1.Condition{{
			Type: "Ready", Status: metav1.ConditionTrue, Reason: "Programmed", Message: "serving",
			LastTransitionTime: metav1.Now(),
		}},
	}
	if err := k8sClient.Status().Update(ctx, got); err != nil {
		t.Fatalf("updating the status: %v", err)
	}
	again := &porticov1alpha1.LoadBalancer{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "roundtrip"}, again); err != nil {
		t.Fatal(err)
	}
	if again.Status.Address != "192.0.2.10" || len(again.Status.Resources) != 1 || again.Status.Resources[0].Kind != "URLMap" {
		t.Errorf("status did not round-trip: %+v", again.Status)
	}
}

func TestIngressClassParamsRoundTrip(t *testing.T) {
	ctx := context.Background()
	params := &porticov1alpha1.IngressClassParams{
		ObjectMeta: metav1.ObjectMeta{Name: "internal-aws"},
		Spec: porticov1alpha1.IngressClassParamsSpec{
			Provider: porticov1alpha1.ProviderAWS,
			AWS: &porticov1alpha1.AWSParams{
				Region:  "eu-west-1",
				VPC:     "vpc-0a1b2c3d4e5f60718",
				Scheme:  porticov1alpha1.SchemeInternal,
				Subnets: []porticov1alpha1.SubnetID{"subnet-0a1b2c3d", "subnet-1a2b3c4d"},
				Tags:    map[string]string{"team": "payments"},
			},
		},
	}
	if err := k8sClient.Create(ctx, params); err != nil {
		t.Fatalf("creating valid IngressClassParams: %v", err)
	}
	t.Cleanup(func() { _ = k8sClient.Delete(ctx, params) })
	got := &porticov1alpha1.IngressClassParams{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Name: "internal-aws"}, got); err != nil {
		t.Fatalf("reading IngressClassParams back: %v", err)
	}
	if got.Spec.AWS == nil || got.Spec.AWS.Scheme != porticov1alpha1.SchemeInternal || got.Spec.AWS.Tags["team"] != "payments" {
		t.Errorf("spec did not round-trip: %+v", got.Spec.AWS)
	}
}

// TestCRDValidationRejects proves that the API server refuses bad objects with a message that
// names the field, before any controller sees them.
func TestCRDValidationRejects(t *testing.T) {
	cases := []struct {
		name    string
		obj     client.Object
		message []string
	}{{
		name: "unknown provider",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-provider")
			lb.Spec.Provider = "azure"
			return lb
		}(),
		message: []string{"spec.provider", `Unsupported value: "azure"`},
	}, {
		name: "path with a double slash",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-path")
			lb.Spec.Rules[0].Paths[0].Path = "/a//b"
			return lb
		}(),
		message: []string{"spec.rules[0].paths[0].path", "should match"},
	}, {
		name: "path with a quote and a semicolon",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-path-chars")
			lb.Spec.Rules[0].Paths[0].Path = `/a";evil`
			return lb
		}(),
		message: []string{"spec.rules[0].paths[0].path", "should match"},
	}, {
		name: "wildcard in the middle of a host",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-host")
			lb.Spec.Rules[0].Host = "shop.*.example.com"
			return lb
		}(),
		message: []string{"spec.rules[0].host", "should match"},
	}, {
		name: "TLS entry with both a Secret and a pre-shared certificate",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-tls")
			lb.Spec.TLS = []porticov1alpha1.TLSCertificate{{
				SecretRef: &porticov1alpha1.ObjectRef{Namespace: "shop", Name: "tls"},
				PreShared: "shop-cert",
			}}
			return lb
		}(),
		message: []string{"spec.tls[0]", "set exactly one of secretRef, preShared and discovered"},
	}, {
		name: "TLS entry both discovered and pre-shared",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-discovered")
			lb.Spec.TLS = []porticov1alpha1.TLSCertificate{{PreShared: "shop-cert", Discovered: true, Hosts: []porticov1alpha1.Hostname{"shop.example.com"}}}
			return lb
		}(),
		message: []string{"spec.tls[0]", "set exactly one of secretRef, preShared and discovered"},
	}, {
		name: "discovered TLS entry without hosts",
		obj: func() client.Object {
			lb := validLoadBalancer("hostless-discovered")
			lb.Spec.TLS = []porticov1alpha1.TLSCertificate{{Discovered: true}}
			return lb
		}(),
		message: []string{"spec.tls[0]", "a discovered certificate needs hosts"},
	}, {
		name: "inbound CIDR that is not a range",
		obj: func() client.Object {
			lb := validLoadBalancer("bad-cidr")
			lb.Spec.Frontends.InboundCIDRs = []porticov1alpha1.CIDR{"everyone"}
			return lb
		}(),
		message: []string{"spec.frontends.inboundCIDRs[0]", "should match"},
	}, {
		name: "AWS subnet that is not a subnet ID",
		obj: &porticov1alpha1.IngressClassParams{
			ObjectMeta: metav1.ObjectMeta{Name: "bad-subnet"},
			Spec: porticov1alpha1.IngressClassParamsSpec{
				AWS: &porticov1alpha1.AWSParams{Subnets: []porticov1alpha1.SubnetID{"10.0.0.0/24"}},
			},
		},
		message: []string{"spec.aws.subnets[0]", "should match"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := k8sClient.Create(context.Background(), tc.obj)
			if err == nil {
				_ = k8sClient.Delete(context.Background(), tc.obj)
				t.Fatal("the API server accepted an invalid object")
			}
			if !apierrors.IsInvalid(err) {
				t.Fatalf("want an Invalid error, got %v", err)
			}
			for _, want := range tc.message {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err.Error(), want)
				}
			}
		})
	}
}
