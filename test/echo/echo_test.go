package echo

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestAnswersLikeTheConformanceEchoServer: the JSON carries the request as received and the
// identity of the endpoint that answered.
func TestAnswersLikeTheConformanceEchoServer(t *testing.T) {
	id := Identity{Namespace: "ns", Ingress: "web", Service: "cart", Pod: "cart-0"}
	s := New(t, id)
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/a%2Fb?x=1", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "shop.test"
	req.Header.Set("X-Test", "yes")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if got.Identity != id || got.Path != "/a%2Fb?x=1" || got.Host != "shop.test" || got.Method != "POST" ||
		got.Proto != "HTTP/1.1" || got.Headers["X-Test"][0] != "yes" {
		t.Fatalf("answer %+v", got)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	if s.Requests() != 1 {
		t.Fatalf("%d requests counted, want 1", s.Requests())
	}
}

func TestDecodeRefusesOtherBodies(t *testing.T) {
	if _, err := Decode([]byte("<html>404</html>")); err == nil {
		t.Fatal("Decode accepted an HTML page")
	}
}
