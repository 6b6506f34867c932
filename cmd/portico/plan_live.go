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
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/controllers/index"
	"github.com/portico-dev/portico/model"
	"github.com/portico-dev/portico/providers/plan"
)

// liveClient reads straight from the API server what the controller reads from its cache.
// The one index the controller's resolution lists by, the EndpointSlices of a Service,
// becomes the label selector the API server knows.
type liveClient struct{ client.Client }

func (c liveClient) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	o := (&client.ListOptions{}).ApplyOptions(opts)
	if o.FieldSelector != nil {
		if key, ok := o.FieldSelector.RequiresExactMatch(index.SliceService); ok {
			ns, name, _ := strings.Cut(key, "/")
			return c.Client.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{discoveryv1.LabelServiceName: name})
		}
	}
	return c.Client.List(ctx, list, opts...)
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
	// TLS Secrets are read one by one below, for the load balancers planned, rather than
	// every Secret of the cluster listed.
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
	if err := live.addSecrets(ctx, objects, planned); err != nil {
		return err
	}
	doc.Assumptions = append(doc.Assumptions,
		"the files replace the cluster's objects of the same kind, namespace and name; only the load balancers of the files' Ingresses are planned",
		"a Service gets the ready endpoints of its EndpointSlices in the cluster and the files; target type instance gets no node")
	if err := planAll(ctx, opts, planned, objects, &doc, live.provider); err != nil {
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

// addSecrets reads from the cluster the TLS Secrets of the planned load balancers that the
// files do not hold. A Secret missing from both blocks HTTPS, as in the cluster.
func (l *liveCluster) addSecrets(ctx context.Context, objs *model.Objects, results []*model.Result) error {
	for _, r := range results {
		for _, t := range r.Spec.TLS {
			ref := t.SecretRef
			if ref == nil {
				continue
			}
			if s, ok := objs.Secret(ref.Namespace, ref.Name); ok && s != nil {
				continue
			}
			s := corev1.Secret{}
			err := l.client.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, &s)
			if apierrors.IsNotFound(err) {
				continue
			}
			if err != nil {
				return fmt.Errorf("reading Secret %s/%s: %w", ref.Namespace, ref.Name, err)
			}
			objs.Secrets = append(objs.Secrets, s)
		}
	}
	return nil
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
