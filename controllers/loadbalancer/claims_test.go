package loadbalancer

import (
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/portico-dev/portico/api/v1alpha1"
	"github.com/portico-dev/portico/providers"
)

func contender(name string, created time.Time, deleting bool) v1alpha1.LoadBalancer {
	lb := v1alpha1.LoadBalancer{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(created)}}
	if deleting {
		now := metav1.NewTime(created)
		lb.DeletionTimestamp = &now
	}
	return lb
}

func TestTheOldestLoadBalancerWinsAClaim(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		self       v1alpha1.LoadBalancer
		contenders []v1alpha1.LoadBalancer
		want       string
	}{
		{"alone", contender("b", t0, false), nil, "b"},
		{"an older one wins", contender("b", t0.Add(time.Second), false), []v1alpha1.LoadBalancer{contender("z", t0, false)}, "z"},
		{"a younger one loses", contender("b", t0, false), []v1alpha1.LoadBalancer{contender("a", t0.Add(time.Second), false)}, "b"},
		{"the same age: by name", contender("b", t0, false), []v1alpha1.LoadBalancer{contender("a", t0, false)}, "a"},
		{"one being deleted contends no more", contender("b", t0.Add(time.Second), false), []v1alpha1.LoadBalancer{contender("a", t0, true)}, "b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all := append(tc.contenders, tc.self)
			if got := winnerOf(all, &tc.self); got != tc.want {
				t.Errorf("winner %s, want %s", got, tc.want)
			}
		})
	}
}

func TestTheClaimedConditionNamesTheWinner(t *testing.T) {
	status := &v1alpha1.LoadBalancerStatus{}
	setClaimed(status, 3, []providers.RefusedClaim{{Host: "shop.example.com", Winner: "older-lb"}, {Winner: "first-lb"}})
	c := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionClaimed)
	if c == nil || c.Status != metav1.ConditionFalse || c.Reason != v1alpha1.ReasonClaimedByOlder {
		t.Fatalf("condition %+v", c)
	}
	for _, want := range []string{"host shop.example.com is served by LoadBalancer older-lb", "the catch-all", "first-lb"} {
		if !strings.Contains(c.Message, want) {
			t.Errorf("the message %q does not say %q", c.Message, want)
		}
	}
	setClaimed(status, 4, nil)
	if c := meta.FindStatusCondition(status.Conditions, v1alpha1.ConditionClaimed); c.Status != metav1.ConditionTrue {
		t.Errorf("no refused claim: %+v", c)
	}
}
