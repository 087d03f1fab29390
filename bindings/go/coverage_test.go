// SPDX-License-Identifier: MIT

package gmmot

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every GMMOT_API function of the public headers must be called by the package (as C.<name>(,
// or from a C helper of a cgo preamble for the progress trampoline).
func TestEveryHeaderFunctionIsWrapped(t *testing.T) {
	if _, err := os.Stat("../../include/gmmot/gmmot.h"); err != nil {
		t.Skip("not inside the libgmmot source tree (../../include/gmmot): ", err)
	}
	headers, err := filepath.Glob("../../include/gmmot/*.h")
	must(t, err)
	api := regexp.MustCompile(`GMMOT_API\s[^;{]*?\b(gmmot_[a-z0-9_]+)\s*\(`)
	seen := map[string]bool{}
	var names []string
	for _, h := range headers {
		b, err := os.ReadFile(h)
		must(t, err)
		for _, m := range api.FindAllStringSubmatch(string(b), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				names = append(names, m[1])
			}
		}
	}
	if len(names) < 100 {
		t.Fatalf("found only %d GMMOT_API functions: parser broken?", len(names))
	}
	sources, err := filepath.Glob("*.go")
	must(t, err)
	var code strings.Builder
	for _, s := range sources {
		if strings.HasSuffix(s, "_test.go") {
			continue
		}
		b, err := os.ReadFile(s)
		must(t, err)
		code.Write(b)
	}
	all := code.String()
	for _, n := range names {
		inPreamble := regexp.MustCompile(`(?m)^//.*\b` + n + `\(`).MatchString(all)
		if !strings.Contains(all, "C."+n+"(") && !inPreamble {
			t.Errorf("%s is not wrapped", n)
		}
	}
	t.Logf("%d GMMOT_API functions checked", len(names))
}
