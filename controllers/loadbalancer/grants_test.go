package loadbalancer

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func grant(selector map[string]string, addresses, certs []string) v1alpha1.Grant {
	return v1alpha1.Grant{StaticAddresses: addresses, Certificates: certs, NamespaceSelector: metav1.LabelSelector{MatchLabels: selector}}
}

func TestGranted(t *testing.T) {
	team := map[string]string{"team": "shop"}
	grants := []v1alpha1.Grant{
		grant(team, []string{"shop-ip"}, []string{"shop-cert"}),
		grant(map[string]string{"env": "prod"}, []string{"prod-ip"}, nil),
		grant(map[string]string{"team": "blog"}, []string{"shop-ip"}, nil),
	}
	cases := []struct {
		name       string
		namespaces map[string]labels.Set
		want       providers.Granted
	}{
		{"one selected namespace", map[string]labels.Set{"a": {"team": "shop"}},
			providers.Granted{Addresses: []string{"shop-ip"}, Certificates: []string{"shop-cert"}}},
		{"selected by two grants", map[string]labels.Set{"a": {"team": "shop", "env": "prod"}},
			providers.Granted{Addresses: []string{"prod-ip", "shop-ip"}, Certificates: []string{"shop-cert"}}},
		{"every member namespace selected", map[string]labels.Set{"a": {"team": "shop"}, "b": {"team": "shop", "env": "dev"}},
			providers.Granted{Addresses: []string{"shop-ip"}, Certificates: []string{"shop-cert"}}},
		{"one member namespace not selected", map[string]labels.Set{"a": {"team": "shop"}, "b": {"team": "other"}},
			providers.Granted{}},
		{"each namespace by another grant naming it", map[string]labels.Set{"a": {"team": "shop"}, "b": {"team": "blog"}},
			providers.Granted{Addresses: []string{"shop-ip"}}},
		{"a namespace without labels (or gone)", map[string]labels.Set{"a": {"team": "shop"}, "gone": nil},
			providers.Granted{}},
		{"no members", map[string]labels.Set{}, providers.Granted{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := granted(grants, tc.namespaces)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("granted %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestGrantedRefusesABadSelector(t *testing.T) {
	bad := v1alpha1.Grant{StaticAddresses: []string{"ip"}, NamespaceSelector: metav1.LabelSelector{
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Sometimes"}},
	}}
	if _, err := granted([]v1alpha1.Grant{bad}, map[string]labels.Set{"a": {}}); !providers.IsInvalid(err) {
		t.Errorf("a selector that does not parse gave %v, want an invalid-input error", err)
	}
}

// TestGrantedReadsTheMembersNamespaces: the reconciler reads the labels of the members'
// namespaces and hands the provider what the class grants them.
func TestGrantedReadsTheMembersNamespaces(t *testing.T) {
	f := newFixture(t)
	ns := &corev1.Namespace{}
	if err := apiServer.Get(f.ctx, keyOf(f.ns), ns); err != nil {
		t.Fatal(err)
	}
	ns.Labels = map[string]string{"team": "shop"}
	if err := apiServer.Update(f.ctx, ns); err != nil {
		t.Fatal(err)
	}
	f.create(&v1alpha1.IngressClassParams{ObjectMeta: metaName(f.ns + "-p"), Spec: v1alpha1.IngressClassParamsSpec{
		Provider: v1alpha1.ProviderFake,
		Grants:   []v1alpha1.Grant{grant(map[string]string{"team": "shop"}, []string{"shop-ip"}, nil)},
	}})
	name := f.loadBalancer("web").params(f.ns + "-p").create(f)
	var got providers.Granted
	f.provider.onEnsure = func(want *providers.Desired) { got = want.Granted }
	f.reconcile(name)
	if !reflect.DeepEqual(got.Addresses, []string{"shop-ip"}) {
		t.Errorf("the provider was granted %+v, want address shop-ip", got)
	}
}
