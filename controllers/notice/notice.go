// Package notice keeps a standing problem visible as one Event on the object it is about, for
// as long as it stands. Events expire (after one hour by default), and the Event recorder of
// client-go folds repeats into a series it writes only every 30 minutes and forgets after 6,
// so telling a problem again through it does not keep it visible. A notice is instead an
// Event with a name derived from the object and the problem: telling it again updates that
// same Event, which renews its lifetime, and creates it anew once it has expired.
package notice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/portico-dev/portico/internal/text"
)

// Notice is one standing problem of an object.
type Notice struct {
	// Type is Warning or Normal.
	Type string
	// Reason is a CamelCase reason.
	Reason string
	// Action says what the controller was doing, for example "Translate spec.rules[0]".
	Action string
	// Note says what is wrong; at most 1 KiB is kept.
	Note string
	// Key, when set, names the notice instead of its action and note, so that a problem
	// whose note changes while it lasts (a count, say) stays one Event: a new note replaces
	// it.
	Key string
}

// Board writes notices.
type Board struct {
	// Client writes Events.
	Client client.Client
	// Reader reads them from the API server: never a cache, which would hold every Event
	// of the cluster.
	Reader client.Reader
	// Controller is the reportingController of the Events, for example portico-ingress.
	Controller string
	// Clock tells the time; default the real clock.
	Clock clock.PassiveClock
}

// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=get;create;update;delete

// Tell creates the notice's Event on the object, or renews it when it exists.
func (b *Board) Tell(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind, n Notice) error {
	name := Name(obj, n)
	existing := &eventsv1.Event{}
	err := b.Reader.Get(ctx, client.ObjectKey{Namespace: eventNamespace(obj), Name: name}, existing)
	switch {
	case apierrors.IsNotFound(err):
		return b.create(ctx, obj, gvk, name, n)
	case err != nil:
		return fmt.Errorf("reading Event %s: %w", name, err)
	}
	if n.Key != "" && existing.Note != text.Truncate(n.Note, 1000) {
		// The API server keeps an Event's note as it was created: a new note is a new Event.
		if err := b.Client.Delete(ctx, existing); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("replacing Event %s: %w", name, err)
		}
		return b.create(ctx, obj, gvk, name, n)
	}
	now := metav1.NewMicroTime(b.now())
	if existing.Series == nil {
		existing.Series = &eventsv1.EventSeries{Count: 1}
	}
	existing.Series.Count++
	existing.Series.LastObservedTime = now
	if err := b.Client.Update(ctx, existing); err != nil {
		return fmt.Errorf("renewing Event %s: %w", name, err)
	}
	return nil
}

// Withdraw deletes the notice's Event once its problem is gone, so that no Event says it
// still stands; one already gone is fine.
func (b *Board) Withdraw(ctx context.Context, obj client.Object, n Notice) error {
	e := &eventsv1.Event{ObjectMeta: metav1.ObjectMeta{Namespace: eventNamespace(obj), Name: Name(obj, n)}}
	if err := b.Client.Delete(ctx, e); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting Event %s: %w", e.Name, err)
	}
	return nil
}

func (b *Board) create(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind, name string, n Notice) error {
	e := &eventsv1.Event{
		ObjectMeta:          metav1.ObjectMeta{Namespace: eventNamespace(obj), Name: name},
		EventTime:           metav1.NewMicroTime(b.now()),
		ReportingController: b.Controller,
		ReportingInstance:   b.Controller + "-" + hostname(),
		Action:              text.Truncate(n.Action, 128),
		Reason:              text.Truncate(n.Reason, 128),
		Type:                n.Type,
		Note:                text.Truncate(n.Note, 1000),
		Regarding: corev1.ObjectReference{
			APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
			Namespace: obj.GetNamespace(), Name: obj.GetName(), UID: obj.GetUID(), ResourceVersion: obj.GetResourceVersion(),
		},
	}
	if err := b.Client.Create(ctx, e); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating Event %s: %w", name, err)
	}
	return nil
}

// Name is the Event name of a notice: the object's name and a hash of its UID and the
// problem, so that each standing problem has exactly one Event.
func Name(obj client.Object, n Notice) string {
	what := n.Action + "\x00" + n.Note
	if n.Key != "" {
		what = n.Key
	}
	sum := sha256.Sum256([]byte(string(obj.GetUID()) + "\x00" + n.Reason + "\x00" + what))
	return text.Truncate(obj.GetName(), 200) + ".notice-" + hex.EncodeToString(sum[:])[:16]
}

func eventNamespace(obj client.Object) string {
	if ns := obj.GetNamespace(); ns != "" {
		return ns
	}
	return metav1.NamespaceDefault
}

func (b *Board) now() time.Time {
	if b.Clock != nil {
		return b.Clock.Now()
	}
	return time.Now()
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}
