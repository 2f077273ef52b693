package dynasql_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every Go sample in the README is a whole program and must compile against the current driver. The samples
// are built as virtual packages of this module (go build -overlay), so nothing is written into the tree.
func TestREADMESamplesCompile(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "the README has Go samples")

	root, err := filepath.Abs(".")
	require.NoError(t, err)
	dir := t.TempDir()
	replace := map[string]string{}
	var packages []string
	for i, block := range blocks {
		src := filepath.Join(dir, strconv.Itoa(i)+".go")
		require.NoError(t, os.WriteFile(src, block[1], 0o600))
		pkg := filepath.Join("internal", "readmesample", strconv.Itoa(i))
		replace[filepath.Join(root, pkg, "main.go")] = src
		packages = append(packages, "./"+pkg)
	}
	overlay, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	overlayFile := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(overlayFile, overlay, 0o600))

	args := append([]string{"build", "-overlay", overlayFile}, packages...)
	out, err := exec.Command("go", args...).CombinedOutput()
	require.NoError(t, err, "README samples do not compile:\n%s", out)
}
