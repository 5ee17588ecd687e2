package source

// Choosing the one image of an archive (or engine) the user means: by tag,
// then by platform.

import (
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/distribution/reference"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// choose picks the one image the user means: by tag, then by platform
// (this machine's when none was given). It fails listing the choices.
func choose(cands []candidate, opts Options) (candidate, error) {
	usable := cands[:0:0]
	for _, c := range cands {
		if c.problem == "" {
			usable = append(usable, c)
		}
	}
	pool := usable
	if opts.Tag != "" {
		pool = filter(pool, func(c candidate) bool { return sameRef(c.ref, opts.Tag) })
		if len(pool) == 0 {
			return candidate{}, fmt.Errorf("no image tagged %q; the archive holds: %s", opts.Tag, listChoices(cands))
		}
	}
	want, err := wantedPlatform(opts.Platform)
	if err != nil {
		return candidate{}, err
	}
	if opts.Platform != "" {
		pool = filter(pool, func(c candidate) bool { return platformMatch(c.platform, want) })
		if len(pool) == 0 {
			return candidate{}, fmt.Errorf("no image for platform %s; the archive holds: %s", opts.Platform, listChoices(cands))
		}
	}
	if len(pool) > 1 {
		if native := filter(pool, func(c candidate) bool { return platformMatch(c.platform, want) }); len(native) > 0 {
			pool = native
		}
	}
	if len(pool) > 1 && sameImage(pool) {
		pool = pool[:1]
	}
	switch len(pool) {
	case 0:
		if len(cands) == 0 {
			return candidate{}, fmt.Errorf("the archive describes no image")
		}
		return candidate{}, fmt.Errorf("no image in the archive can be read: %s", listChoices(cands))
	case 1:
		return pool[0], nil
	}
	if samePlatform(pool) {
		return candidate{}, fmt.Errorf("the archive holds %d images of one platform; choose one by its tag, as in docker-archive:PATH:TAG: %s", len(pool), listChoices(pool))
	}
	return candidate{}, fmt.Errorf("the archive holds %d images; choose one with --platform or a tag: %s", len(pool), listChoices(pool))
}

// samePlatform tells whether --platform cannot tell the images apart.
func samePlatform(cs []candidate) bool {
	for _, c := range cs[1:] {
		if platformString(c.platform) != platformString(cs[0].platform) {
			return false
		}
	}
	return true
}

func filter(cs []candidate, keep func(candidate) bool) []candidate {
	var out []candidate
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func sameImage(cs []candidate) bool {
	for _, c := range cs[1:] {
		if c.config != cs[0].config {
			return false
		}
	}
	return true
}

func listChoices(cs []candidate) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.describe())
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// wantedPlatform parses "os/arch[/variant]"; empty means this machine's.
func wantedPlatform(s string) (ocispec.Platform, error) {
	if s == "" {
		p := ocispec.Platform{OS: runtime.GOOS, Architecture: runtime.GOARCH}
		if p.Architecture == "arm64" {
			p.Variant = "v8"
		}
		return p, nil
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return ocispec.Platform{}, fmt.Errorf("invalid platform %q: want os/arch or os/arch/variant", s)
	}
	p := ocispec.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// platformMatch compares os and arch; a variant only counts when both sides
// name one (arm64 images often omit "v8").
func platformMatch(have, want ocispec.Platform) bool {
	if have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	return have.Variant == "" || want.Variant == "" || have.Variant == want.Variant
}

// sameRef compares image references loosely: "nginx" matches the same
// name with the default registry, repository and tag written out. Names
// that are not references are compared as written.
func sameRef(a, b string) bool {
	return normalRef(a) == normalRef(b)
}

func normalRef(r string) string {
	named, err := reference.ParseNormalizedNamed(r)
	if err != nil {
		return r
	}
	return reference.TagNameOnly(named).String()
}
