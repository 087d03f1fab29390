// SPDX-License-Identifier: MIT

package gmmot

import (
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	if VersionNumber() != HeaderVersionNumber {
		t.Fatalf("library %d, headers %d", VersionNumber(), HeaderVersionNumber)
	}
	if VersionString() != HeaderVersionString {
		t.Fatalf("library %q, headers %q", VersionString(), HeaderVersionString)
	}
	if !strings.Contains(BuildInfo(), VersionString()) {
		t.Fatalf("build info %q lacks the version", BuildInfo())
	}
}
