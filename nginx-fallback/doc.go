// Package nginxfallback is the nginx provider: it serves the LoadBalancers whose provider is
// nginx from one nginx that the controller runs in the cluster.
//
// The pieces, each in its own file: Render turns the LoadBalancers into one nginx
// configuration (pure, deterministic, golden-file tested); Validate runs `nginx -t` on it;
// Writer stages the configuration and its certificate files, validates them, and renames
// them into place, so a configuration nginx refuses never replaces the one that serves.
//
// Every value that came from a user (hosts, paths, names, addresses, certificates) was
// validated by the model; the renderer checks it again and quotes it, or refuses it with an
// error that names it. Nothing a user wrote reaches a comment or a directive name: upstream
// names are sanitised and hashed, certificate files are named by hash.
package nginxfallback
