package dynasql

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDSN(t *testing.T) {
	withDefaults := func(edit func(c *Config)) *Config {
		c := NewConfig()
		edit(c)
		return c
	}
	tests := []struct {
		name string
		dsn  string
		want *Config
	}{
		{"empty means the SDK default chain", "", NewConfig()},
		{"bare scheme", "dynamodb://", NewConfig()},
		{"host means https", "dynamodb://dynamodb.eu-west-1.amazonaws.com", withDefaults(func(c *Config) {
			c.Endpoint = "https://dynamodb.eu-west-1.amazonaws.com"
		})},
		{"host with tls=false means http", "dynamodb://localhost:8000?tls=false", withDefaults(func(c *Config) {
			c.Endpoint = "http://localhost:8000"
		})},
		{"credentials and region", "dynamodb://AKID:se%2Fcr%2Bet@localhost:8000?tls=false&region=eu-west-1", withDefaults(func(c *Config) {
			c.Endpoint, c.AccessKeyID, c.SecretAccessKey, c.Region = "http://localhost:8000", "AKID", "se/cr+et", "eu-west-1"
		})},
		{"endpoint parameter", "dynamodb://?endpoint=http%3A%2F%2F127.0.0.1%3A4566%2Fddb&region=us-east-1", withDefaults(func(c *Config) {
			c.Endpoint, c.Region = "http://127.0.0.1:4566/ddb", "us-east-1"
		})},
		{"every parameter", "dynamodb://AKID:SECRET@h:1?tls=true&region=r&profile=p&session_token=tok&consistent_read=true&timeout=2s" +
			"&max_attempts=3&max_backoff=1s&safe_writes=1&batch_concurrency=9&page_size=100&statement_cache=0", &Config{
			Endpoint: "https://h:1", AccessKeyID: "AKID", SecretAccessKey: "SECRET", Region: "r", Profile: "p", SessionToken: "tok",
			ConsistentRead: true, Timeout: 2 * time.Second, MaxAttempts: 3, MaxBackoff: time.Second, SafeWrites: true,
			BatchConcurrency: 9, PageSize: 100, StatementCache: 0,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDSN(tt.dsn)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			again, err := ParseDSN(got.FormatDSN())
			require.NoError(t, err, "FormatDSN gave %q", got.FormatDSN())
			assert.Equal(t, got, again, "round trip through %q", got.FormatDSN())
		})
	}
}

func TestParseDSNErrors(t *testing.T) {
	tests := []struct {
		dsn, param, reason string
	}{
		{"mysql://localhost", "", "scheme"},
		{"dynamodb://localhost/table", "", "path"},
		{"dynamodb://AKID@localhost", "", "credentials"},
		{"dynamodb://AKID:@localhost", "", "credentials"},
		{"dynamodb://?colour=blue", "colour", "unknown parameter"},
		{"dynamodb://?region=a&region=b", "region", "more than once"},
		{"dynamodb://?region=", "region", "empty"},
		{"dynamodb://h?tls=maybe", "tls", "true or false"},
		{"dynamodb://?tls=false", "tls", "HOST"},
		{"dynamodb://?timeout=soon", "timeout", "duration"},
		{"dynamodb://?timeout=-1s", "timeout", "duration"},
		{"dynamodb://?max_attempts=0", "max_attempts", "from 1 to 100"},
		{"dynamodb://?batch_concurrency=x", "batch_concurrency", "whole number"},
		{"dynamodb://?endpoint=localhost:8000", "endpoint", "URL"},
		{"dynamodb://h?endpoint=http://x", "endpoint", "not both"},
		{"dynamodb://?consistent_read=yes", "consistent_read", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.dsn, func(t *testing.T) {
			_, err := ParseDSN(tt.dsn)
			var dsnErr *DSNError
			require.ErrorAs(t, err, &dsnErr)
			assert.Equal(t, tt.param, dsnErr.Param)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

// Secrets must never reach an error message, a log line or Config.String().
func TestDSNSecretsStayHidden(t *testing.T) {
	const secret, token = "s3cr3tKEY", "t0kenVALUE"
	bad := []string{
		"dynamodb://AKID:" + secret + "@h:1?session_token=" + token + "&colour=blue",
		"dynamodb://AKID:" + secret + "@h:1?session_token=" + token + "&session_token=" + token,
		"dynamodb://AKID:" + secret + "@h:1/%zz?session_token=" + token,
		"dynamodb://AKID:" + secret + "@[::1?session_token=" + token,
		"dynamodb://AKID:" + secret + "@h:1?session_token=" + token + "&timeout=x",
		"dynamodb://AKID:" + secret + "@h:1#frag" + token,
	}
	for _, dsn := range bad {
		_, err := ParseDSN(dsn)
		require.Error(t, err, dsn)
		assert.NotContains(t, err.Error(), secret)
		assert.NotContains(t, err.Error(), token)
	}
	c, err := ParseDSN("dynamodb://AKID:" + secret + "@h:1?session_token=" + token)
	require.NoError(t, err)
	assert.NotContains(t, c.String(), secret)
	assert.NotContains(t, c.String(), token)
	assert.Contains(t, c.String(), "AKID", "the key id is not secret and helps debugging")
	assert.Contains(t, c.FormatDSN(), secret, "FormatDSN must round-trip")
}

func TestFormatDSNDefaultsAreOmitted(t *testing.T) {
	assert.Equal(t, "dynamodb://", NewConfig().FormatDSN())
	c := NewConfig()
	c.Endpoint, c.Region = "http://localhost:8000", "us-east-1"
	assert.Equal(t, "dynamodb://localhost:8000?tls=false&region=us-east-1", c.FormatDSN())
}

func FuzzParseDSN(f *testing.F) {
	f.Add("")
	f.Add("dynamodb://AKID:SECRET@localhost:8000?tls=false&region=us-east-1")
	f.Add("dynamodb://?endpoint=http%3A%2F%2F127.0.0.1%3A4566%2Fx&timeout=3s&max_attempts=2")
	f.Add("dynamodb://h?consistent_read=true&safe_writes=true&page_size=10&statement_cache=1&batch_concurrency=2&max_backoff=1ms")
	f.Add("dynamodb://a%40b:c%3Ad@[::1]:9?profile=x&session_token=y")
	f.Add("dynamodb://0:0000@00000000000000000000000000000000") // the secret's text is also in the host
	f.Fuzz(func(t *testing.T, dsn string) {
		c, err := ParseDSN(dsn)
		if err != nil {
			var dsnErr *DSNError
			if !errors.As(err, &dsnErr) {
				t.Fatalf("ParseDSN(%q) returned %T, want *DSNError", dsn, err)
			}
			return
		}
		formatted := c.FormatDSN()
		again, err := ParseDSN(formatted)
		if err != nil {
			t.Fatalf("ParseDSN(FormatDSN()) failed: %v (dsn %q, formatted %q)", err, dsn, formatted)
		}
		if *again != *c {
			t.Fatalf("round trip changed the config: %+v != %+v (formatted %q)", again, c, formatted)
		}
		// The formatted config may show that a secret is set, never what it is: another value must format the
		// same. (Searching it for the secret's text fails wrongly when the secret also spells part of the host.)
		other := *c
		if other.SecretAccessKey != "" {
			other.SecretAccessKey += "x"
		}
		if other.SessionToken != "" {
			other.SessionToken += "x"
		}
		if c.String() != other.String() || c.GoString() != other.GoString() {
			t.Fatalf("String() or GoString() shows a secret: %q, %q", c.String(), c.GoString())
		}
	})
}
