package nginxfallback

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/portico-dev/portico/api/v1alpha1"
)

// grouped collects the hosts whose servers answer alike, so that they share one server
// block: nginx builds a TLS context per server block, and thousands of identical ones would
// cost seconds at every reload.
type grouped struct {
	notFound, redirect, rejectTLS []string // server names
}

// renderSites renders the catch-all's two default servers, then each host's own servers,
// then the shared ones. A host is present on both ports even where its LoadBalancer has no
// such listener (a 404, a refused TLS handshake), so that its requests never reach another
// LoadBalancer's catch-all.
func renderSites(c *conf, sites []site, set Settings) error {
	var g grouped
	for _, s := range sites {
		var err error
		if s.host == "" {
			err = renderCatchAll(c, s, set)
		} else {
			err = renderHost(c, s, set, &g)
		}
		if err != nil {
			return siteError(s, err)
		}
	}
	renderGrouped(c, g, set)
	return nil
}

func renderCatchAll(c *conf, s site, set Settings) error {
	var err error
	c.blank()
	c.block("server", nil, func() {
		c.directive("listen", listenArgs(set.ListenAddress, set.HTTPPort, true, false)...)
		err = renderHTTPBody(c, s, set)
	})
	if err != nil {
		return err
	}
	c.blank()
	c.block("server", nil, func() {
		c.directive("listen", listenArgs(set.ListenAddress, set.HTTPSPort, true, true)...)
		err = renderHTTPSBody(c, s)
	})
	return err
}

func renderHost(c *conf, s site, set Settings, g *grouped) error {
	name, err := serverName(s.host)
	if err != nil {
		return err
	}
	switch {
	case !s.lb.Spec.Frontends.HTTP:
		g.notFound = append(g.notFound, name)
	case s.lb.Spec.Frontends.SSLRedirect:
		g.redirect = append(g.redirect, name)
	default:
		c.blank()
		c.block("server", nil, func() {
			c.directive("listen", listenArgs(set.ListenAddress, set.HTTPPort, false, false)...)
			c.directive("server_name", name)
			err = renderLocations(c, s)
		})
		if err != nil {
			return err
		}
	}
	crt, key := "", ""
	if s.lb.Spec.Frontends.HTTPS {
		crt, key = certificateFor(s.lb, s.host)
	}
	if crt == "" {
		g.rejectTLS = append(g.rejectTLS, name)
		return nil
	}
	c.blank()
	c.block("server", nil, func() {
		c.directive("listen", listenArgs(set.ListenAddress, set.HTTPSPort, false, true)...)
		c.directive("server_name", name)
		c.directive("ssl_certificate", crt)
		c.directive("ssl_certificate_key", key)
		err = renderLocations(c, s)
	})
	return err
}

func renderGrouped(c *conf, g grouped, set Settings) {
	group := func(names []string, port int, ssl bool, body func()) {
		if len(names) == 0 {
			return
		}
		c.blank()
		c.block("server", nil, func() {
			c.directive("listen", listenArgs(set.ListenAddress, port, false, ssl)...)
			c.directive("server_name", names...)
			body()
		})
	}
	group(g.notFound, set.HTTPPort, false, func() { c.directive("return", "404") })
	group(g.redirect, set.HTTPPort, false, func() { c.directive("return", "308", redirectTarget(set)) })
	group(g.rejectTLS, set.HTTPSPort, true, func() {
		c.directive("ssl_reject_handshake", "on")
		c.directive("return", "404")
	})
}

func redirectTarget(set Settings) string {
	if p := set.RedirectHTTPSPort; p != 0 && p != 443 {
		return "https://$host:" + strconv.Itoa(p) + "$request_uri"
	}
	return "https://$host$request_uri"
}

func siteError(s site, err error) error {
	if err == nil || s.lb == nil {
		return err
	}
	return fmt.Errorf("loadbalancer %s: %w", shown(s.lb.Name), err)
}

func listenArgs(addr string, port int, defaultServer, ssl bool) []string {
	arg := strconv.Itoa(port)
	if addr != "" {
		arg = net.JoinHostPort(net.ParseIP(addr).String(), arg)
	}
	args := []string{arg}
	if ssl {
		args = append(args, "ssl")
	}
	if defaultServer {
		args = append(args, "default_server")
	}
	return args
}

func renderHTTPBody(c *conf, s site, set Settings) error {
	switch {
	case s.lb == nil || !s.lb.Spec.Frontends.HTTP:
		c.directive("return", "404")
		return nil
	case s.lb.Spec.Frontends.SSLRedirect:
		c.directive("return", "308", redirectTarget(set))
		return nil
	}
	return renderLocations(c, s)
}

func renderHTTPSBody(c *conf, s site) error {
	var crt, key string
	if s.lb != nil && s.lb.Spec.Frontends.HTTPS {
		crt, key = certificateFor(s.lb, s.host)
	}
	if crt == "" {
		c.directive("ssl_reject_handshake", "on")
		c.directive("return", "404")
		return nil
	}
	c.directive("ssl_certificate", crt)
	c.directive("ssl_certificate_key", key)
	return renderLocations(c, s)
}

// renderLocations renders a server's locations, then the internal copies of its prefix
// locations that route requests with an encoded slash as Kubernetes does (encoded.go).
func renderLocations(c *conf, s site) error {
	locs := locationsOf(s.paths, s.lb.Spec.DefaultBackend)
	renderEncodedSlash(c)
	for _, loc := range locs {
		if err := renderLocation(c, s.lb, loc, false); err != nil {
			return err
		}
	}
	for _, loc := range locs {
		if loc.exact {
			continue
		}
		if err := renderLocation(c, s.lb, loc, true); err != nil {
			return err
		}
	}
	return nil
}

// certificateFor chooses the certificate of a host as the reference explainer does: one that
// names the host (or a wildcard that covers it), else the first that names no host, else
// the first. Only the Secrets the controller resolved count; a pre-shared certificate lives
// in a cloud, not in nginx. It returns the paths of the certificate and key files, or "".
func certificateFor(lb *LoadBalancer, host v1alpha1.Hostname) (crt, key string) {
	var anyHost, first string
	for _, t := range lb.Spec.TLS {
		if t.SecretRef == nil {
			continue
		}
		ref := t.SecretRef.Namespace + "/" + t.SecretRef.Name
		if _, ok := lb.Certificates[ref]; !ok {
			continue
		}
		if first == "" {
			first = ref
		}
		if len(t.Hosts) == 0 && anyHost == "" {
			anyHost = ref
		}
		for _, h := range t.Hosts {
			if host != "" && (h == host || wildcardCovers(h, host)) {
				return certificatePaths(lb, ref)
			}
		}
	}
	if anyHost != "" {
		return certificatePaths(lb, anyHost)
	}
	if first != "" {
		return certificatePaths(lb, first)
	}
	return "", ""
}

// wildcardCovers reports whether a certificate's "*.foo.com" covers a host rule's host with
// exactly one label.
func wildcardCovers(pattern, host v1alpha1.Hostname) bool {
	suffix, ok := strings.CutPrefix(string(pattern), "*")
	if !ok || !strings.HasSuffix(string(host), suffix) {
		return false
	}
	label := strings.TrimSuffix(string(host), suffix)
	return label != "" && !strings.Contains(label, ".")
}

// certificatePaths names a certificate's files by a hash of the LoadBalancer, the Secret and
// its content hash: never a user's name in a path, and a new file whenever the content
// changes, so the files of the configuration that serves are never overwritten.
func certificatePaths(lb *LoadBalancer, ref string) (crt, key string) {
	base := certificateBase(lb.Name, ref, lb.Certificates[ref].Hash)
	return CertDir + "/" + base + ".crt", CertDir + "/" + base + ".key"
}

func certificateBase(lb, ref, hash string) string {
	sum := sha256.Sum256([]byte(lb + "\x00" + ref + "\x00" + hash))
	return hex.EncodeToString(sum[:16])
}
