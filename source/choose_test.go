package source

import "testing"

func TestSameRef(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"nginx", "library/nginx:latest", true},
		{"nginx:latest", "nginx", true},
		{"nginx:1.27", "nginx", false},
		{"registry.local:5000/app", "registry.local:5000/app:latest", true},
		{"registry.local:5000/app", "app", false},
		{"app@sha256:" + hex64('a'), "app@sha256:" + hex64('a'), true},
		{"Not A Ref", "Not A Ref", true},
		{"Not A Ref", "not a ref", false},
	} {
		if got := sameRef(c.a, c.b); got != c.same {
			t.Errorf("sameRef(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

func hex64(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}
