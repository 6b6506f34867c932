package nginxfallback

// nginx decodes a request's path before it matches locations, so /foo%2Fbar would match
// "location /foo/" as if it were /foo/bar. The Kubernetes semantics, and the reference
// router (model.Route), match the path element by element with %2F inside its element:
// /foo%2Fbar is one element, which Prefix /foo does not match.
//
// A rule's path never holds "%" (the model's allow-list), so a request whose path holds an
// encoded slash can only match a Prefix rule that covers the elements before the first
// element with one, and never an Exact rule. Each server with locations therefore sends
// such a request, by the raw $request_uri, to encodedSlashPrefix followed by those
// elements: a rewrite, which makes it an internal request that only the internal copies of
// the server's prefix locations (and of "location /") take. The longest of them is the
// Prefix rule the reference router chooses, or the default backend. The copies proxy
// $request_uri, so the backend receives the request exactly as the client sent it.
//
// Known limits, where nginx and the reference router still differ: the elements before
// the encoded slash are matched as sent, without decoding other escapes or resolving dot
// segments (a client that sends /%61pi/x%2Fy or /a/../b/x%2Fy); and a request whose decoded
// path starts with encodedSlashPrefix gets a 404.
const (
	encodedSlashPrefix = "/%portico-encoded-slash"
	// encodedSlashMatch captures the raw path before the element that holds the first
	// encoded slash; the query is not searched.
	encodedSlashMatch = `"^([^?]*?)/[^/?]*%2[fF]"`
	encodedSlashVar   = "$portico_before_encoded_slash"
)

// renderEncodedSlash renders the server-level rewrite of a request with an encoded slash.
func renderEncodedSlash(c *conf) {
	c.block("if", []string{"(", "$request_uri", "~", encodedSlashMatch, ")"}, func() {
		// The rewrite's own match would reset $1, so the capture is kept first.
		c.directive("set", encodedSlashVar, "$1")
		c.directive("rewrite", "^", encodedSlashPrefix+encodedSlashVar+"/", "last")
	})
}

// encodedSlashCopy is the internal copy of a prefix location for requests with an encoded
// slash: the same backend, the raw request URI passed on.
func encodedSlashCopy(body [][]string) [][]string {
	out := [][]string{{"internal"}}
	for _, d := range body {
		if d[0] == "proxy_pass" {
			d = []string{"proxy_pass", d[1] + "$request_uri"}
		}
		out = append(out, d)
	}
	return out
}
