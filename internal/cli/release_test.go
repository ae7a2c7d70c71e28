package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// goreleaserConfig is the part of .goreleaser.yaml the release relies on.
// goreleaser itself validates the whole file (`goreleaser check`); this test
// pins down what users and `webhook-tool version` depend on, without needing
// goreleaser installed.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Dist        string `yaml:"dist"`
	Before      struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		IDs             []string `yaml:"ids"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		Files []yaml.Node `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
	Nfpms []struct {
		Formats  []string `yaml:"formats"`
		License  string   `yaml:"license"`
		Contents []struct {
			Src string `yaml:"src"`
			Dst string `yaml:"dst"`
		} `yaml:"contents"`
	} `yaml:"nfpms"`
	Changelog struct {
		Use     string `yaml:"use"`
		Disable any    `yaml:"disable"`
	} `yaml:"changelog"`
}

func loadGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	raw, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return c
}

// cliPkg is this package's import path: the ldflags must name it exactly, or
// -X silently sets nothing.
var cliPkg = reflect.TypeOf(BuildInfo{}).PkgPath()

func TestGoreleaserBuildsEveryPlatform(t *testing.T) {
	t.Parallel()
	c := loadGoreleaser(t)
	if c.Version != 2 {
		t.Errorf("version = %d, want 2 (goreleaser v2 config)", c.Version)
	}
	if c.ProjectName != "webhook-tool" {
		t.Errorf("project_name = %q", c.ProjectName)
	}
	if len(c.Builds) != 1 {
		t.Fatalf("want one build, got %d", len(c.Builds))
	}
	b := c.Builds[0]
	if b.Main != "./cmd/webhook-tool" || b.Binary != "webhook-tool" {
		t.Errorf("build main/binary = %q/%q, want ./cmd/webhook-tool/webhook-tool", b.Main, b.Binary)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build env %v lacks CGO_ENABLED=0 (static binaries, cross-compiled)", b.Env)
	}
	for _, want := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, want) {
			t.Errorf("goos %v lacks %s", b.Goos, want)
		}
	}
	for _, want := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, want) {
			t.Errorf("goarch %v lacks %s", b.Goarch, want)
		}
	}
}

func TestGoreleaserLdflagsSetVersionVars(t *testing.T) {
	t.Parallel()
	c := loadGoreleaser(t)
	flags := strings.Join(c.Builds[0].Ldflags, " ")
	for name, tmpl := range map[string]string{
		"version": "{{ .Version }}",
		"commit":  "{{ .Commit }}",
		"date":    "{{ .CommitDate }}",
	} {
		want := "-X " + cliPkg + "." + name + "=" + tmpl
		if !strings.Contains(flags, want) {
			t.Errorf("ldflags %q lack %q", flags, want)
		}
	}
}

// TestGoreleaserLdflagsReachVersionCommand builds the binary with the
// release's own ldflags (templates filled in) and checks `version` reports
// them: a renamed variable or package would otherwise go unnoticed until a
// release printed "(devel)".
func TestGoreleaserLdflagsReachVersionCommand(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool in PATH")
	}
	c := loadGoreleaser(t)
	fill := strings.NewReplacer("{{ .Version }}", "1.2.3", "{{ .Commit }}", "abc1234", "{{ .CommitDate }}", "2026-01-02T03:04:05Z")
	var flags []string
	for _, f := range c.Builds[0].Ldflags {
		flags = append(flags, fill.Replace(f))
	}
	if s := strings.Join(flags, " "); strings.Contains(s, "{{") {
		t.Fatalf("ldflags use a template this test does not fill: %s", s)
	}
	bin := filepath.Join(t.TempDir(), "webhook-tool")
	build := exec.Command(goBin, "build", "-ldflags", strings.Join(flags, " "), "-o", bin, "./cmd/webhook-tool")
	build.Dir = "../.."
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version", "--output", "json").Output()
	if err != nil {
		t.Fatalf("version: %v", err)
	}
	var got BuildInfo
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version --output json: %v: %s", err, out)
	}
	if got.Version != "1.2.3" || got.Commit != "abc1234" || got.Date != "2026-01-02T03:04:05Z" {
		t.Errorf("version reports %+v, want 1.2.3 / abc1234 / 2026-01-02T03:04:05Z", got)
	}
}

func TestGoreleaserArchivesPackagesAndChangelog(t *testing.T) {
	t.Parallel()
	c := loadGoreleaser(t)
	if len(c.Archives) != 1 {
		t.Fatalf("want one archive config, got %d", len(c.Archives))
	}
	a := c.Archives[0]
	if !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("archive formats = %v, want [tar.gz]", a.Formats)
	}
	zipOnWindows := false
	for _, o := range a.FormatOverrides {
		if o.Goos == "windows" && slices.Equal(o.Formats, []string{"zip"}) {
			zipOnWindows = true
		}
	}
	if !zipOnWindows {
		t.Error("archives: windows is not overridden to zip")
	}
	var files []string
	for _, n := range a.Files {
		switch n.Kind {
		case yaml.ScalarNode:
			files = append(files, n.Value)
		case yaml.MappingNode:
			var f struct{ Src string }
			if err := n.Decode(&f); err != nil {
				t.Fatal(err)
			}
			files = append(files, f.Src)
		}
	}
	for _, want := range []string{"README.md", "LICENSE"} {
		if !slices.Contains(files, want) {
			t.Errorf("archive files %v lack %s", files, want)
		}
	}
	docsDir := docsHookDir(t, c)
	if !slices.Contains(files, docsDir+"/man/*.1") {
		t.Errorf("archive files %v lack the man pages %s/man/*.1", files, docsDir)
	}

	if c.Checksum.NameTemplate == "" {
		t.Error("checksum: no name_template (checksums.txt)")
	}
	if len(c.Nfpms) != 1 {
		t.Fatalf("want one nfpms config, got %d", len(c.Nfpms))
	}
	p := c.Nfpms[0]
	for _, want := range []string{"deb", "rpm"} {
		if !slices.Contains(p.Formats, want) {
			t.Errorf("nfpms formats %v lack %s", p.Formats, want)
		}
	}
	if p.License != "MIT" {
		t.Errorf("nfpms license = %q, want MIT", p.License)
	}
	manInPackage := false
	for _, ct := range p.Contents {
		if ct.Src == docsDir+"/man/*.1" && strings.HasPrefix(ct.Dst, "/usr/share/man/man1") {
			manInPackage = true
		}
	}
	if !manInPackage {
		t.Error("nfpms contents do not install the man pages under /usr/share/man/man1")
	}
	if c.Changelog.Use != "git" || c.Changelog.Disable != nil {
		t.Errorf("changelog: use %q disable %v, want a changelog from git commits", c.Changelog.Use, c.Changelog.Disable)
	}
}

// docsHookDir finds the before hook that runs the docs generator and returns its
// --dir. It must sit under the git-ignored dist/, so a release never sees a
// dirty tree, yet outside goreleaser's own dist directory, which goreleaser
// requires to be empty after the hooks have run.
func docsHookDir(t *testing.T, c goreleaserConfig) string {
	t.Helper()
	re := regexp.MustCompile(`go run .*\./internal/cmd/gendocs --dir (\S+)`)
	for _, h := range c.Before.Hooks {
		if m := re.FindStringSubmatch(strings.Join(strings.Fields(h), " ")); m != nil {
			dir := strings.TrimPrefix(m[1], "./")
			if !strings.HasPrefix(dir, "dist/") {
				t.Errorf("docs hook writes to %s, outside the git-ignored dist/", dir)
			}
			if d := strings.TrimPrefix(c.Dist, "./"); d == "" || d == "dist" || strings.HasPrefix(dir, d+"/") || dir == d {
				t.Errorf("docs hook dir %s is inside goreleaser's dist %q, which must be empty after the hooks", dir, c.Dist)
			}
			return dir
		}
	}
	t.Fatalf("no before hook runs `go run ./internal/cmd/gendocs --dir DIR`: %q", c.Before.Hooks)
	return ""
}

// TestGoreleaserHookLdflagsMatchBuild keeps the docs hook's -X flags on the
// same package as the build's, so the man pages name the released version.
func TestGoreleaserHookLdflagsMatchBuild(t *testing.T) {
	t.Parallel()
	c := loadGoreleaser(t)
	for _, h := range c.Before.Hooks {
		if strings.Contains(h, "gendocs") && !strings.Contains(h, "-X "+cliPkg+".version={{ .Version }}") {
			t.Errorf("docs hook does not stamp the version: %q", h)
		}
	}
}
