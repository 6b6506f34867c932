package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Apply creates each object, or updates it when it exists, with server-side apply.
func (e *Env) Apply(ctx context.Context, objs ...client.Object) error {
	for _, obj := range objs {
		u := &unstructured.Unstructured{}
		raw, err := toUnstructured(e, obj)
		if err != nil {
			return err
		}
		u.Object = raw
		u.SetManagedFields(nil)
		u.SetResourceVersion("")
		if err := e.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("testenv"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
	return nil
}

// ApplyYAML applies every object of a multi-document YAML manifest.
func (e *Env) ApplyYAML(ctx context.Context, manifest string) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader([]byte(manifest)), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := dec.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("decoding the manifest: %w", err)
		}
		if len(u.Object) == 0 {
			continue
		}
		if u.GetNamespace() == "" && namespaced(u.GetKind()) {
			u.SetNamespace("default")
		}
		if err := e.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner("testenv"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
	}
}

func namespaced(kind string) bool {
	switch kind {
	case "Namespace", "IngressClass", "IngressClassParams", "LoadBalancer", "Node", "ClusterRole", "ClusterRoleBinding":
		return false
	}
	return true
}

func toUnstructured(e *Env, obj client.Object) (map[string]any, error) {
	gvk, err := e.Client.GroupVersionKindFor(obj)
	if err != nil {
		return nil, fmt.Errorf("finding the kind of %T: %w", obj, err)
	}
	raw, err := defaultConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	raw["apiVersion"], raw["kind"] = gvk.GroupVersion().String(), gvk.Kind
	delete(raw, "status")
	return raw, nil
}
