package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the outputs of the console examples in docs/")

// TestDocsConsoleExamples runs every "$ portico ..." line of the ```console blocks in
// docs/*.md and README.md from the repository root, and compares the output with the lines
// that follow it in the block, so that documentation examples never drift from the code.
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
			got := runDocCommand(cmd)
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

func runDocCommand(cmdline string) string {
	var stdout, stderr bytes.Buffer
	run(context.Background(), strings.Fields(cmdline), &stdout, &stderr)
	return strings.TrimRight(stdout.String(), "\n")
}
