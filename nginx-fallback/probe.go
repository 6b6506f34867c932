package nginxfallback

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// prober asks nginx's status server which generation it serves.
type prober struct {
	url    string
	client *http.Client
}

func newProber(port int) prober {
	return prober{
		url: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) + GenerationPath,
		// A fresh connection each time: a kept-alive one could reach an old worker that is
		// still finishing its requests after a reload.
		client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second},
	}
}

// generation returns the generation nginx serves; "" when nginx does not answer.
func (p prober) generation(ctx context.Context) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return ""
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return ""
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64))
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(body)
}
