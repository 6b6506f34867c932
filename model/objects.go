package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Objects are Kubernetes objects read from YAML or JSON manifests.
type Objects struct {
	Ingresses []*networkingv1.Ingress
	Snapshot
	// EndpointSlices are read for the tools that resolve targets offline (portico plan); the
	// translation does not use them.
	EndpointSlices []discoveryv1.EndpointSlice
	// Skipped lists the kinds of documents that the model does not read.
	Skipped []string
}

// ParseObjects reads a stream of YAML or JSON documents (and v1 Lists) holding Ingresses,
// Services, EndpointSlices, Secrets, Namespaces, IngressClasses and IngressClassParams. Fields that the types
// lack are an error, so that a typo in a manifest is reported instead of ignored.
func ParseObjects(data []byte, into *Objects) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for n := 1; ; n++ {
		var raw map[string]any
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if len(raw) == 0 {
			continue
		}
		doc, err := yaml.Marshal(raw)
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		if err := into.add(doc, raw); err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
	}
}

func (o *Objects) add(doc []byte, raw map[string]any) error {
	apiVersion, _ := raw["apiVersion"].(string)
	kind, _ := raw["kind"].(string)
	name := kind
	if md, ok := raw["metadata"].(map[string]any); ok {
		if n, ok := md["name"].(string); ok {
			name = kind + " " + n
		}
	}
	var err error
	switch apiVersion + " " + kind {
	case "networking.k8s.io/v1 Ingress":
		ing := &networkingv1.Ingress{}
		if err = yaml.UnmarshalStrict(doc, ing); err == nil {
			if ing.Namespace == "" {
				ing.Namespace = "default"
			}
			o.Ingresses = append(o.Ingresses, ing)
		}
	case "networking.k8s.io/v1 IngressClass":
		err = appendStrict(doc, &o.IngressClasses)
	case "portico.dev/v1alpha1 IngressClassParams":
		err = appendStrict(doc, &o.ClassParams)
	case "v1 Service":
		err = appendNamespaced(doc, &o.Services, func(s *corev1.Service) *string { return &s.Namespace })
	case "v1 Secret":
		err = appendNamespaced(doc, &o.Secrets, func(s *corev1.Secret) *string { return &s.Namespace })
	case "discovery.k8s.io/v1 EndpointSlice":
		err = appendNamespaced(doc, &o.EndpointSlices, func(s *discoveryv1.EndpointSlice) *string { return &s.Namespace })
	case "v1 Namespace":
		err = appendStrict(doc, &o.Namespaces)
	case "v1 List":
		err = o.addList(raw)
	default:
		o.Skipped = append(o.Skipped, apiVersion+" "+name)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func (o *Objects) addList(raw map[string]any) error {
	items, _ := raw["items"].([]any)
	for _, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return fmt.Errorf("list item is not an object")
		}
		doc, err := yaml.Marshal(m)
		if err != nil {
			return err
		}
		if err := o.add(doc, m); err != nil {
			return err
		}
	}
	return nil
}

func appendStrict[T any](doc []byte, list *[]T) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}

func appendNamespaced[T any](doc []byte, list *[]T, ns func(*T) *string) error {
	var v T
	if err := yaml.UnmarshalStrict(doc, &v); err != nil {
		return err
	}
	if p := ns(&v); *p == "" {
		*p = "default"
	}
	*list = append(*list, v)
	return nil
}

// Ignored is an Ingress that is not portico's, and why.
type Ignored struct {
	Ingress string `json:"ingress"`
	Reason  string `json:"reason"`
}

// TranslateAll groups the Ingresses that are portico's by key and translates each group.
// Results come sorted by LoadBalancer name; Ingresses of other classes are listed as ignored.
func TranslateAll(ingresses []*networkingv1.Ingress, l Lookup, cfg Config) ([]*Result, []Ignored) {
	groups := map[GroupKey][]*networkingv1.Ingress{}
	var ignored []Ignored
	for _, ing := range ingresses {
		class, ok := ClassOf(ing, l)
		if !ok {
			ignored = append(ignored, Ignored{Ingress: ing.Namespace + "/" + ing.Name, Reason: notOursReason(ing, l)})
			continue
		}
		key := KeyOf(ing, class, l)
		groups[key] = append(groups[key], ing)
	}
	results := make([]*Result, 0, len(groups))
	for key, members := range groups {
		results = append(results, Translate(key, members, l, cfg))
	}
	sort.Slice(results, func(i, j int) bool { return results[i].Name < results[j].Name })
	return results, ignored
}

// notOursReason says why an Ingress is not portico's.
func notOursReason(ing *networkingv1.Ingress, l Lookup) string {
	name, how := "", ""
	switch {
	case ing.Spec.IngressClassName != nil:
		name, how = *ing.Spec.IngressClassName, "spec.ingressClassName"
	case ing.Annotations[annotationIngressClass] != "":
		name, how = ing.Annotations[annotationIngressClass], "the "+annotationIngressClass+" annotation"
	default:
		return "it names no IngressClass and no IngressClass of portico's is the cluster default"
	}
	ic := l.IngressClass(name)
	if ic == nil {
		return fmt.Sprintf("IngressClass %s (from %s) does not exist", quote(name), how)
	}
	return fmt.Sprintf("IngressClass %s (from %s) belongs to controller %s, not %s", quote(name), how, quote(ic.Spec.Controller), ControllerName)
}
