// Package patch holds the patch helper the reconcilers share.
package patch

import "sigs.k8s.io/controller-runtime/pkg/client"

// Locked starts a merge patch of obj that the API server refuses when obj is stale. A merge
// patch replaces a list such as metadata.finalizers whole, so a patch from an old cached copy
// would drop a finalizer another controller added since; with the lock it fails with a
// conflict, and the reconcile is retried with a fresh copy.
func Locked(obj client.Object) client.Patch {
	return client.MergeFromWithOptions(obj.DeepCopyObject().(client.Object), client.MergeFromWithOptimisticLock{})
}
