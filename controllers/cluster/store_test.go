package cluster_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/controllers/cluster"
	"github.com/portico-dev/portico/internal/controlplane"
)

var k8s client.Client

func TestMain(m *testing.M) {
	os.Exit(controlplane.RunSuite(m, func(c client.Client) { k8s = c }))
}

// namespace creates a namespace for one test: the controller's namespace.
func namespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "portico-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

func open(t *testing.T, ns, flagID string) *cluster.Store {
	t.Helper()
	s, err := cluster.Open(context.Background(), k8s, cluster.Options{Namespace: ns, ClusterID: flagID})
	if err != nil {
		t.Fatalf("opening the cluster record in %s with --cluster-id %q: %v", ns, flagID, err)
	}
	return s
}

func record(t *testing.T, ns string) *corev1.ConfigMap {
	t.Helper()
	cm := &corev1.ConfigMap{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: cluster.ConfigMapName}, cm); err != nil {
		t.Fatal(err)
	}
	return cm
}

func kubeSystemUID(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{}
	if err := k8s.Get(context.Background(), client.ObjectKey{Name: "kube-system"}, ns); err != nil {
		t.Fatal(err)
	}
	return string(ns.UID)
}

// TestFirstStartSeedsFromKubeSystem: without --cluster-id, the first start stores today's
// default, the UID of kube-system, so that load balancers made before the record existed keep
// their names; a second start reads it and writes nothing.
func TestFirstStartSeedsFromKubeSystem(t *testing.T) {
	ns := namespace(t)
	first := open(t, ns, "")
	if want := kubeSystemUID(t); first.ID() != want {
		t.Fatalf("first start: cluster ID %q, want kube-system's UID %q", first.ID(), want)
	}
	stored := record(t, ns)
	if stored.Data["cluster-id"] != first.ID() {
		t.Fatalf("ConfigMap holds %v, want cluster-id %s", stored.Data, first.ID())
	}
	second := open(t, ns, "")
	if second.ID() != first.ID() {
		t.Errorf("second start: cluster ID %q, first %q", second.ID(), first.ID())
	}
	if rv := record(t, ns).ResourceVersion; rv != stored.ResourceVersion {
		t.Errorf("the second start rewrote the record (resourceVersion %s, then %s)", stored.ResourceVersion, rv)
	}
}

// TestStoredIDIsReusedAndADisagreeingFlagRefused: --cluster-id seeds the record; a later start
// without it keeps that ID (not kube-system's UID); a later start with another ID is refused,
// naming the stored ID, the ConfigMap and what to do.
func TestStoredIDIsReusedAndADisagreeingFlagRefused(t *testing.T) {
	ns := namespace(t)
	if id := open(t, ns, "alpha").ID(); id != "alpha" {
		t.Fatalf("seeded cluster ID %q, want alpha", id)
	}
	if id := open(t, ns, "").ID(); id != "alpha" {
		t.Errorf("a start without --cluster-id uses %q, want the stored alpha", id)
	}
	if id := open(t, ns, "alpha").ID(); id != "alpha" {
		t.Errorf("a start with the same --cluster-id uses %q", id)
	}
	_, err := cluster.Open(context.Background(), k8s, cluster.Options{Namespace: ns, ClusterID: "beta"})
	if !cluster.IsMismatch(err) {
		t.Fatalf("--cluster-id beta against stored alpha: got %v, want a refusal", err)
	}
	for _, want := range []string{`"beta"`, `"alpha"`, ns + "/portico-cluster", "delete the ConfigMap"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %s: %v", want, err)
		}
	}
	if got := record(t, ns).Data["cluster-id"]; got != "alpha" {
		t.Errorf("the refused start changed the stored ID to %q", got)
	}
}

// TestDeletedRecordIsSeededAgain: deleting the ConfigMap is how an operator resets the ID; the
// next start seeds it again, from kube-system's UID or from --cluster-id.
func TestDeletedRecordIsSeededAgain(t *testing.T) {
	ns := namespace(t)
	open(t, ns, "alpha")
	if err := k8s.Delete(context.Background(), record(t, ns)); err != nil {
		t.Fatal(err)
	}
	if id := open(t, ns, "").ID(); id != kubeSystemUID(t) {
		t.Errorf("after deleting the record: cluster ID %q, want kube-system's UID", id)
	}
}

func TestMissingNamespaceIsAClearError(t *testing.T) {
	_, err := cluster.Open(context.Background(), k8s, cluster.Options{Namespace: "no-such-namespace"})
	if err == nil || !strings.Contains(err.Error(), "--namespace") {
		t.Errorf("got %v, want an error that points at --namespace", err)
	}
}

// TestLocationsAreRecordedOnceAndSurviveARestart: a new location is written, a known one
// writes nothing, and the next start knows every location, as does `portico version --cluster`.
func TestLocationsAreRecordedOnceAndSurviveARestart(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	s := open(t, ns, "alpha")
	for _, l := range []string{"global", "eu"} {
		if err := s.Record(ctx, "fake", l); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Of("fake"); !reflect.DeepEqual(got, []string{"eu", "global"}) {
		t.Errorf("Of(fake) = %v", got)
	}
	before := record(t, ns)
	if before.Data["locations.fake"] != "eu,global" {
		t.Errorf("ConfigMap data %v, want locations.fake: eu,global", before.Data)
	}
	if err := s.Record(ctx, "fake", "eu"); err != nil {
		t.Fatal(err)
	}
	if rv := record(t, ns).ResourceVersion; rv != before.ResourceVersion {
		t.Error("recording a known location wrote the ConfigMap")
	}

	restarted := open(t, ns, "")
	if got := restarted.Of("fake"); !reflect.DeepEqual(got, []string{"eu", "global"}) {
		t.Errorf("after a restart Of(fake) = %v", got)
	}
	if got := restarted.Of("gcp"); len(got) != 0 {
		t.Errorf("Of(gcp) = %v, want none", got)
	}
	info, err := cluster.Read(ctx, k8s, ns)
	if err != nil {
		t.Fatal(err)
	}
	want := &cluster.Info{ID: "alpha", ConfigMap: ns + "/portico-cluster", Locations: map[string][]string{"fake": {"eu", "global"}}}
	if !reflect.DeepEqual(info, want) {
		t.Errorf("Read = %+v, want %+v", info, want)
	}
}

// TestConcurrentRecordsLoseNothing: two controllers' stores (a leader hand-over) record at the
// same time; conflicts on the ConfigMap are retried and no location is lost.
func TestConcurrentRecordsLoseNothing(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	a, b := open(t, ns, "alpha"), open(t, ns, "alpha")
	var wg sync.WaitGroup
	var want []string
	for i := range 8 {
		s := a
		if i%2 == 1 {
			s = b
		}
		l := fmt.Sprintf("region-%d", i)
		want = append(want, l)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Record(ctx, "fake", l); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	info, err := cluster.Read(ctx, k8s, ns)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Locations["fake"]; !reflect.DeepEqual(got, want) {
		t.Errorf("recorded %v, want %v", got, want)
	}
}

// TestRecordRecreatesADeletedConfigMap: a record deleted while the controller runs is written
// again with the ID in use and every location known, so the sweep still finds them all.
func TestRecordRecreatesADeletedConfigMap(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	s := open(t, ns, "alpha")
	if err := s.Record(ctx, "fake", "eu"); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Delete(ctx, record(t, ns)); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, "fake", "us"); err != nil {
		t.Fatal(err)
	}
	got := record(t, ns).Data
	if got["cluster-id"] != "alpha" || got["locations.fake"] != "eu,us" {
		t.Errorf("recreated record %v", got)
	}
}

// TestRecordRefusesARecordResetUnderIt: a controller still running with the old ID does not
// write its locations into a record another start seeded with a new ID.
func TestRecordRefusesARecordResetUnderIt(t *testing.T) {
	ctx := context.Background()
	ns := namespace(t)
	old := open(t, ns, "alpha")
	if err := k8s.Delete(ctx, record(t, ns)); err != nil {
		t.Fatal(err)
	}
	open(t, ns, "beta")
	err := old.Record(ctx, "fake", "eu")
	if err == nil || !strings.Contains(err.Error(), "restart") {
		t.Errorf("recording into a record reset to beta: %v, want an error asking for a restart", err)
	}
	if got := record(t, ns).Data["locations.fake"]; got != "" {
		t.Errorf("beta's record got alpha's location %q", got)
	}
}
