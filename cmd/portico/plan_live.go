package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/controllers/loadbalancer"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers"
	"github.com/portico-dev/portico/providers/plan"
)

// liveClient reads straight from the API server what the controller reads from its cache.
// The one index the controller's resolution lists by, the EndpointSlices of a Service,
// becomes the label selector the API server knows.
type liveClient struct{ client.Client }

func (c liveClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if ns, name, ok := sliceServiceOf(opts); ok {
		return c.Client.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{discoveryv1.LabelServiceName: name})
	}
	return c.Client.List(ctx, list, opts...)
}

// sliceServiceOf returns the Service whose EndpointSlices a list asks for by index.
func sliceServiceOf(opts []client.ListOption) (namespace, name string, ok bool) {
	o := (&client.ListOptions{}).ApplyOptions(opts)
	if o.FieldSelector == nil {
		return "", "", false
	}
	key, ok := o.FieldSelector.RequiresExactMatch(index.SliceService)
	namespace, name, _ = strings.Cut(key, "/")
	return namespace, name, ok
}

// runPlanLive plans the files merged into the live groups: the cluster's Ingresses,
// Services, EndpointSlices, Namespaces, IngressClasses and IngressClassParams, the files'
// objects in place of the live ones of the same key, against the live cloud. Only the load
// balancers that an Ingress of the files belongs to are planned.
func runPlanLive(cmd *cobra.Command, opts planOptions, live *liveCluster) error {
	ctx := cmd.Context()
	files, err := readManifests(cmd.InOrStdin(), opts.files)
	if err != nil {
		return err
	}
	doc := plan.Document{LoadBalancers: []plan.Report{}}
	doc.Problems = rejectInvalid(files)
	objects, err := live.objects(ctx)
	if err != nil {
		return err
	}
	merge(objects, files)
	// TLS Secrets are read one by one when a load balancer is resolved, rather than every
	// Secret of the cluster listed.
	objects.AssumeSecretsExist = true
	fromFiles := map[string]bool{}
	for _, ing := range files.Ingresses {
		fromFiles[ing.Namespace+"/"+ing.Name] = true
	}
	tell := func(ingress string) bool { return fromFiles[ingress] }
	var planned []*model.Result
	for _, r := range translate(objects, opts, &doc, tell) {
		if slices.ContainsFunc(r.Members, func(m model.Member) bool { return tell(m.Ingress.String()) }) {
			planned = append(planned, r)
		}
	}
	doc.Assumptions = append(doc.Assumptions,
		"the files replace the cluster's objects of the same kind, namespace and name; only the load balancers of the files' Ingresses are planned")
	if err := planAll(ctx, opts, planned, &doc, live.provider, live.desire(files)); err != nil {
		return err
	}
	if err := opts.out.print(cmd.OutOrStdout(), doc, planText(doc)); err != nil {
		return err
	}
	return planFindings(cmd.ErrOrStderr(), doc)
}

// objects lists what the translation and the targets of the live groups need.
func (l *liveCluster) objects(ctx context.Context) (*model.Objects, error) {
	ings, svcs := &networkingv1.IngressList{}, &corev1.ServiceList{}
	eps, nss := &discoveryv1.EndpointSliceList{}, &corev1.NamespaceList{}
	classes, params := &networkingv1.IngressClassList{}, &v1alpha1.IngressClassParamsList{}
	for _, list := range []client.ObjectList{ings, svcs, eps, nss, classes, params} {
		if err := l.client.List(ctx, list); err != nil {
			return nil, fmt.Errorf("listing %T: %w", list, err)
		}
	}
	objs := &model.Objects{EndpointSlices: eps.Items}
	for i := range ings.Items {
		if ings.Items[i].DeletionTimestamp.IsZero() {
			objs.Ingresses = append(objs.Ingresses, &ings.Items[i])
		}
	}
	objs.Services, objs.Namespaces = svcs.Items, nss.Items
	objs.IngressClasses, objs.ClassParams = classes.Items, params.Items
	return objs, nil
}

// desire resolves a load balancer of the merged groups with the controller's own code, as
// its reconciler would once the files are applied: the files' Services, EndpointSlices,
// Secrets, IngressClassParams and Namespaces in place of the cluster's, the cluster's for
// the rest (Nodes of instance targets included), and the place the live LoadBalancer of that
// name records.
func (l *liveCluster) desire(files *model.Objects) desireFunc {
	c := overlayClient{Client: l.client, files: files}
	return func(ctx context.Context, p *planProvider, res *model.Result) (*providers.Desired, []string, error) {
		lb := &v1alpha1.LoadBalancer{}
		if err := l.client.Get(ctx, client.ObjectKey{Name: res.Name}, lb); err != nil && !apierrors.IsNotFound(err) {
			return nil, nil, fmt.Errorf("reading LoadBalancer %s: %w", res.Name, err)
		}
		lb.Name, lb.Spec = res.Name, *res.Spec.DeepCopy()
		lb.Spec.Provider = p.Name() // --provider may override the Ingresses' choice
		want, err := loadbalancer.Resolve(ctx, c, p.Provider, lb)
		if want != nil {
			want.Known = nil // plan against what the cloud holds, not the status's fingerprints
		}
		return want, nil, err
	}
}

// overlayClient reads the files' objects in place of the cluster's of the same key.
type overlayClient struct {
	client.Client
	files *model.Objects
}

func (c overlayClient) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	found := false
	switch o := obj.(type) {
	case *corev1.Service:
		found = copyFrom(c.files.Services, key, o)
	case *corev1.Secret:
		found = copyFrom(c.files.Secrets, key, o)
	case *v1alpha1.IngressClassParams:
		found = copyFrom(c.files.ClassParams, key, o)
	case *metav1.PartialObjectMetadata: // a namespace, for its labels
		ns := &corev1.Namespace{}
		if found = o.Kind == "Namespace" && copyFrom(c.files.Namespaces, key, ns); found {
			ns.ObjectMeta.DeepCopyInto(&o.ObjectMeta)
		}
	}
	if found {
		return nil
	}
	return c.Client.Get(ctx, key, obj, opts...)
}

// List puts the files' EndpointSlices of a Service in place of the cluster's.
func (c overlayClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if err := c.Client.List(ctx, list, opts...); err != nil {
		return err
	}
	slices, isSlices := list.(*discoveryv1.EndpointSliceList)
	ns, name, ok := sliceServiceOf(opts)
	if !isSlices || !ok {
		return nil
	}
	var files []discoveryv1.EndpointSlice
	for _, s := range c.files.EndpointSlices {
		if s.Namespace == ns && s.Labels[discoveryv1.LabelServiceName] == name {
			files = append(files, s)
		}
	}
	slices.Items = overlay(slices.Items, files, func(s discoveryv1.EndpointSlice) string { return s.Name })
	return nil
}

// copyFrom copies into the object of items with that key, and says whether there is one.
func copyFrom[T any, PT interface {
	*T
	client.Object
	DeepCopyInto(*T)
}](items []T, key client.ObjectKey, into PT) bool {
	for i := range items {
		if o := PT(&items[i]); o.GetNamespace() == key.Namespace && o.GetName() == key.Name {
			o.DeepCopyInto((*T)(into))
			return true
		}
	}
	return false
}

// merge puts the files' objects in place of the live ones of the same key, and adds the rest.
func merge(live, files *model.Objects) {
	live.Ingresses = overlay(live.Ingresses, files.Ingresses, func(i *networkingv1.Ingress) string { return i.Namespace + "/" + i.Name })
	live.Services = overlay(live.Services, files.Services, func(s corev1.Service) string { return s.Namespace + "/" + s.Name })
	live.EndpointSlices = overlay(live.EndpointSlices, files.EndpointSlices, func(s discoveryv1.EndpointSlice) string { return s.Namespace + "/" + s.Name })
	live.Secrets = overlay(live.Secrets, files.Secrets, func(s corev1.Secret) string { return s.Namespace + "/" + s.Name })
	live.Namespaces = overlay(live.Namespaces, files.Namespaces, func(n corev1.Namespace) string { return n.Name })
	live.IngressClasses = overlay(live.IngressClasses, files.IngressClasses, func(c networkingv1.IngressClass) string { return c.Name })
	live.ClassParams = overlay(live.ClassParams, files.ClassParams, func(p v1alpha1.IngressClassParams) string { return p.Name })
}

// overlay returns live with each element of files in place of the live one of the same key,
// and the files' other elements after.
func overlay[T any](live, files []T, key func(T) string) []T {
	out := slices.Clone(live)
	at := map[string]int{}
	for i, o := range out {
		at[key(o)] = i
	}
	for _, f := range files {
		if i, ok := at[key(f)]; ok {
			out[i] = f
			continue
		}
		at[key(f)] = len(out)
		out = append(out, f)
	}
	return out
}
