//go:build !dynasql_noawsconfig

package dynasql

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// loadUnsetFromChain resolves the SDK's default chain (environment, shared config and credentials files,
// profiles, SSO, assume-role, web identity, container and instance credentials), overridden by the DSN.
func (c *Config) loadUnsetFromChain(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if c.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(c.staticCredentials()))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		// The SDK's message names files and profiles, never secrets.
		return aws.Config{}, errors.New("dynasql: loading AWS configuration: " + err.Error())
	}
	return awsCfg, nil
}
