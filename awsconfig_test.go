package dynasql

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tag's whole point is what the linker leaves out; the dependency list is the proof.
func TestNoAWSConfigTagLeavesOutTheSDKConfigPackage(t *testing.T) {
	deps := func(args ...string) []string {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, append(args, ".")...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.Fields(string(out))
	}
	const sdkConfig = "github.com/aws/aws-sdk-go-v2/config"
	assert.Contains(t, deps(), sdkConfig)
	tagged := deps("-tags", "dynasql_noawsconfig")
	assert.Contains(t, tagged, "github.com/aws/aws-sdk-go-v2/service/dynamodb")
	assert.NotContains(t, tagged, sdkConfig)
	assert.Less(t, len(tagged), len(deps())-30, "the tag should drop the default chain's ~40 packages")
}
