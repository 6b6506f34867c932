package nginxfallback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// logPrefix is the time and process id nginx puts before each error line; dropped so that the
// same error gives the same message (and the same condition) on every try.
var logPrefix = regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d (\[\w+\]) \d+#\d+: `)

// RejectedError is nginx refusing a configuration; Output is what `nginx -t` said, with the
// staging directory left out of file names so the message reads the same on every try.
type RejectedError struct {
	Output string
}

func (e *RejectedError) Error() string {
	return "nginx rejected the configuration: " + e.Output
}

// IsRejected reports whether err is nginx refusing a configuration (as opposed to nginx
// failing to run at all).
func IsRejected(err error) bool {
	var r *RejectedError
	return errors.As(err, &r)
}

// Validate runs `nginx -t` on the configuration dir/nginx.conf with dir as nginx's prefix, as
// nginx would load it there. It returns a *RejectedError with nginx's text when nginx refuses
// it. The early error log goes to stderr (-e), so no path outside dir is touched.
func Validate(ctx context.Context, nginxBinary, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("resolve the nginx prefix: %w", err)
	}
	cmd := exec.CommandContext(ctx, nginxBinary, "-t", "-q", "-e", "stderr", "-p", abs+"/", "-c", ConfigFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	if err == nil {
		return nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || ctx.Err() != nil {
		return fmt.Errorf("run %s -t: %w", nginxBinary, errors.Join(err, ctx.Err()))
	}
	text := cleanOutput(out.String(), abs)
	if text == "" {
		text = exit.String()
	}
	return &RejectedError{Output: text}
}

// maxOutput bounds nginx's message in an error: it ends up in a condition, which a user
// reads, and nginx may repeat itself.
const maxOutput = 1024

// pemBlock is any PEM armour line and what follows it on the line. nginx never prints a
// key, but a message must never carry one, whatever a future nginx or OpenSSL prints.
var pemBlock = regexp.MustCompile(`-----BEGIN[^\n]*`)

// cleanOutput turns nginx's log lines into a message for a condition: without the prefix
// directory (so the message reads the same on every try and in every pod), without nginx's
// time and pid, without anything that looks like PEM, and trimmed.
func cleanOutput(text, dir string) string {
	text = strings.ReplaceAll(text, dir+"/", "")
	text = logPrefix.ReplaceAllString(text, "$1 ")
	text = pemBlock.ReplaceAllString(text, "[redacted]")
	text = strings.TrimSpace(text)
	if len(text) > maxOutput {
		text = strings.ToValidUTF8(text[:maxOutput], "") + "..."
	}
	return text
}
