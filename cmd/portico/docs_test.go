package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the outputs of the console examples in docs/")

// TestDocsConsoleExamples runs every "$ portico ..." line of the ```console blocks in
// docs/*.md and README.md from the repository root (piped through a shell command such as jq
// when the line says so), and compares the output with the lines that follow it in the
// block, so that documentation examples never drift from the code.
func TestDocsConsoleExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	pages = append(pages, filepath.Join(root, "README.md"))
	t.Chdir(root)
	for _, page := range pages {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		updated, n := runConsoleBlocks(t, filepath.Base(page), string(data))
		if *updateDocs && n > 0 && updated != string(data) {
			if err := os.WriteFile(page, []byte(updated), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// runConsoleBlocks checks each command of each console block and returns the page with the
// actual outputs, and the number of commands run.
func runConsoleBlocks(t *testing.T, page, text string) (string, int) {
	lines := strings.Split(text, "\n")
	var out []string
	n := 0
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if strings.TrimSpace(lines[i]) != "```console" {
			continue
		}
		// Collect the block.
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		block := lines[i+1 : j]
		for k := 0; k < len(block); k++ {
			cmd, ok := strings.CutPrefix(block[k], "$ portico ")
			if !ok {
				continue
			}
			end := k + 1
			for end < len(block) && !strings.HasPrefix(block[end], "$ ") {
				end++
			}
			want := strings.Join(block[k+1:end], "\n")
			got, ran := runDocCommand(cmd)
			if !ran {
				t.Logf("%s: skipped `portico %s`: %s", page, cmd, got)
				got = want
			}
			n++
			out = append(out, block[k])
			out = append(out, strings.Split(got, "\n")...)
			if got != want && !*updateDocs {
				t.Errorf("%s: `portico %s` printed:\n%s\nthe page says:\n%s", page, cmd, got, want)
			}
			k = end - 1
		}
		out = append(out, lines[j])
		i = j
	}
	return strings.Join(out, "\n"), n
}

// runDocCommand runs portico in this process and, for a command piped into a shell command
// ("portico plan ... | jq ..."), pipes its output through sh. ran is false when the shell
// command's program is not installed.
func runDocCommand(cmdline string) (out string, ran bool) {
	args, pipe, piped := strings.Cut(cmdline, " | ")
	var stdout, stderr bytes.Buffer
	run(context.Background(), strings.Fields(args), &stdout, &stderr)
	if !piped {
		return strings.TrimRight(stdout.String(), "\n"), true
	}
	if _, err := exec.LookPath(strings.Fields(pipe)[0]); err != nil {
		return err.Error(), false
	}
	sh := exec.Command("sh", "-c", pipe)
	sh.Stdin = &stdout
	b, err := sh.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("%s: %v", b, err), true
	}
	return strings.TrimRight(string(b), "\n"), true
}
