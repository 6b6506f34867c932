package model

import (
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// porticoClass is a default IngressClass of portico's.
func porticoClass(name string, isDefault bool) networkingv1.IngressClass {
	c := networkingv1.IngressClass{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       networkingv1.IngressClassSpec{Controller: ControllerName},
	}
	if isDefault {
		c.Annotations = map[string]string{annotationDefaultClass: "true"}
	}
	return c
}

// offline is a lookup with one default portico class that assumes every Service and Secret
// exists, as portico explain does.
func offline() *Snapshot {
	return &Snapshot{
		IngressClasses:      []networkingv1.IngressClass{porticoClass("portico", true)},
		AssumeServicesExist: true,
		AssumeSecretsExist:  true,
	}
}

func mustIngress(t testing.TB, doc string) *networkingv1.Ingress {
	t.Helper()
	ing := &networkingv1.Ingress{}
	if err := yaml.UnmarshalStrict([]byte(doc), ing); err != nil {
		t.Fatalf("parsing Ingress: %v\n%s", err, doc)
	}
	if ing.Namespace == "" {
		ing.Namespace = "default"
	}
	return ing
}

// translateOne translates a single Ingress on its own key and fails on any problem.
func translateOne(t testing.TB, ing *networkingv1.Ingress, l Lookup) *Result {
	t.Helper()
	class, ok := ClassOf(ing, l)
	if !ok {
		t.Fatalf("Ingress %s/%s is not portico's", ing.Namespace, ing.Name)
	}
	res := Translate(KeyOf(ing, class, l), []*networkingv1.Ingress{ing}, l, Config{})
	for _, p := range res.Problems {
		t.Errorf("unexpected problem: %s", p)
	}
	return res
}

func yamlInto(doc string, into any) error {
	return yaml.UnmarshalStrict([]byte(doc), into)
}
