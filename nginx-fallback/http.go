package nginxfallback

// renderHTTPSettings renders the http context's settings, shared by every location: the
// temp paths inside the prefix, the headers sent to backends, and no redirect that nginx
// would make up on its own.
func renderHTTPSettings(c *conf) {
	for _, p := range tempPaths {
		c.directive(p[0], p[1])
	}
	c.directive("access_log", "off")
	c.directive("server_tokens", "off")
	// The Host nginx passes on is the one the client sent, port included; a client that
	// sent none (HTTP/1.0) gets the server's name, never an empty Host.
	c.block("map", []string{"$http_host", "$portico_host"}, func() {
		c.directive(`""`, "$host")
		c.directive("default", "$http_host")
	})
	// A client's X-Request-ID is kept for tracing across hops; else nginx makes one.
	c.block("map", []string{"$http_x_request_id", "$portico_request_id"}, func() {
		c.directive(`""`, "$request_id")
		c.directive("default", "$http_x_request_id")
	})
	// Connection is empty so that upstream connections are kept alive, except for an
	// upgrade (WebSocket), which must reach the backend.
	c.block("map", []string{"$http_upgrade", "$portico_connection"}, func() {
		c.directive(`""`, `""`)
		c.directive("default", "upgrade")
	})
	c.directive("proxy_http_version", "1.1")
	c.directive("proxy_set_header", "Host", "$portico_host")
	// X-Forwarded-For is the client's address only: a client's own X-Forwarded-For is not
	// trusted, since nothing in front of nginx vouches for it.
	c.directive("proxy_set_header", "X-Forwarded-For", "$remote_addr")
	c.directive("proxy_set_header", "X-Forwarded-Proto", "$scheme")
	c.directive("proxy_set_header", "X-Forwarded-Host", "$portico_host")
	c.directive("proxy_set_header", "X-Request-ID", "$portico_request_id")
	c.directive("proxy_set_header", "Upgrade", "$http_upgrade")
	c.directive("proxy_set_header", "Connection", "$portico_connection")
	c.directive("proxy_connect_timeout", "5s")
	c.directive("proxy_redirect", "off")
	c.directive("proxy_buffering", "on")
	// nginx would otherwise rewrite redirect URLs with its own name and listen port.
	c.directive("absolute_redirect", "off")
	c.directive("port_in_redirect", "off")
	c.directive("server_name_in_redirect", "off")
	c.directive("ssl_protocols", "TLSv1.2", "TLSv1.3")
	// A bucket holds the longest host the API allows (253 characters).
	c.directive("server_names_hash_bucket_size", "512")
	c.directive("server_names_hash_max_size", "65536")
}
