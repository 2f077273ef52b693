//go:build dynasql_noawsconfig

package dynasql

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clearAWSEnv unsets every variable the environment-only build reads, so each case states its own.
func clearAWSEnv(t *testing.T) {
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(name, "")
	}
}

func TestEnvironmentOnlyConfig(t *testing.T) {
	cases := []struct {
		name               string
		dsn                string
		env                map[string]string
		region, endpoint   string // endpoint "": none set on the aws.Config
		key, secret, token string
	}{
		{"Lambda's variables", "", map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAENV",
			"AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken"}, "eu-west-1", "", "AKIAENV", "envsecret", "envtoken"},
		{"AWS_DEFAULT_REGION when AWS_REGION is unset", "", map[string]string{"AWS_DEFAULT_REGION": "us-west-2",
			"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "us-west-2", "", "k", "s", ""},
		{"AWS_REGION before AWS_DEFAULT_REGION", "", map[string]string{"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "us-west-2",
			"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "eu-north-1", "", "k", "s", ""},
		{"the service's endpoint before the general one", "", map[string]string{"AWS_REGION": "r",
			"AWS_ENDPOINT_URL_DYNAMODB": "http://ddb:8000", "AWS_ENDPOINT_URL": "http://all:8000",
			"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "r", "http://ddb:8000", "k", "s", ""},
		{"the general endpoint", "", map[string]string{"AWS_REGION": "r", "AWS_ENDPOINT_URL": "http://all:8000",
			"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "r", "http://all:8000", "k", "s", ""},
		{"the DSN's region and keys over the environment", "dynamodb://dsnkey:dsnsecret@?region=ap-south-1",
			map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret",
				"AWS_SESSION_TOKEN": "envtoken"}, "ap-south-1", "", "dsnkey", "dsnsecret", ""},
		{"the DSN's endpoint leaves the environment's unused", "dynamodb://k:s@localhost:8000?tls=false",
			map[string]string{"AWS_REGION": "r", "AWS_ENDPOINT_URL_DYNAMODB": "http://ddb:8000"}, "r", "", "k", "s", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearAWSEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := ParseDSN(tc.dsn)
			require.NoError(t, err)
			awsCfg, err := cfg.loadAWSConfig(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.region, awsCfg.Region)
			assert.Equal(t, tc.endpoint, aws.ToString(awsCfg.BaseEndpoint))
			creds, err := awsCfg.Credentials.Retrieve(context.Background())
			require.NoError(t, err)
			assert.Equal(t, tc.key, creds.AccessKeyID)
			assert.Equal(t, tc.secret, creds.SecretAccessKey)
			assert.Equal(t, tc.token, creds.SessionToken)
		})
	}
}

func TestEnvironmentOnlyConfigRefuses(t *testing.T) {
	cases := []struct {
		name, dsn string
		env       map[string]string
		want      string
	}{
		{"no region", "", map[string]string{"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "no region"},
		{"no credentials", "", map[string]string{"AWS_REGION": "r"}, "no credentials"},
		{"a key without its secret", "", map[string]string{"AWS_REGION": "r", "AWS_ACCESS_KEY_ID": "k"}, "no credentials"},
		{"a profile", "dynamodb://?profile=dev&region=r", map[string]string{"AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}, "profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clearAWSEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			// Through the public entry point: the error comes from sql.Open, before any request.
			_, err := (&Driver{}).OpenConnector(tc.dsn)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), noAWSConfigTag)
		})
	}
}
