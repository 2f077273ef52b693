//go:build dynasql_noawsconfig

package dynasql

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Built with -tags dynasql_noawsconfig, the driver leaves out the SDK's config package and its default chain
// (shared files, SSO, STS, IMDS: about 40 packages and 3 MB of binary, whose initialisation costs about a
// millisecond of every process start). What the DSN leaves open comes from the environment only, which is
// where a Lambda function finds its region and credentials. The package doc lists the variables.
const noAWSConfigTag = "dynasql_noawsconfig"

func (c *Config) loadUnsetFromChain(context.Context) (aws.Config, error) {
	if c.Profile != "" {
		return aws.Config{}, errors.New("dynasql: the profile parameter needs the SDK's shared config, which this build (-tags " + noAWSConfigTag + ") leaves out")
	}
	awsCfg := aws.Config{Region: c.Region}
	if awsCfg.Region == "" {
		if awsCfg.Region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION"); awsCfg.Region == "" {
			return aws.Config{}, errors.New("dynasql: no region: set the DSN's region parameter or AWS_REGION (this build, -tags " + noAWSConfigTag + ", reads no config files)")
		}
	}
	if c.Endpoint == "" {
		if endpoint := firstEnv("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"); endpoint != "" {
			awsCfg.BaseEndpoint = aws.String(endpoint)
		}
	}
	if c.AccessKeyID != "" {
		awsCfg.Credentials = c.staticCredentials()
		return awsCfg, nil
	}
	id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.Config{}, errors.New("dynasql: no credentials: put keys in the DSN or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (this build, -tags " + noAWSConfigTag + ", reads nothing else)")
	}
	awsCfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, os.Getenv("AWS_SESSION_TOKEN"))
	return awsCfg, nil
}

// firstEnv is the first of the variables that is set and not empty.
func firstEnv(names ...string) string {
	for _, name := range names {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return ""
}
