package dynasql

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults for the Config fields whose zero value is not a usable setting.
const (
	DefaultMaxAttempts      = 8
	DefaultMaxBackoff       = 5 * time.Second
	DefaultBatchConcurrency = 8
	DefaultStatementCache   = 512
)

// Config holds everything a DSN can say. The zero Config (DSN "") means the AWS SDK's default chain for region,
// endpoint and credentials: AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL, profiles, SSO, IMDS, ...
//
// The DSN form is
//
//	dynamodb://[ACCESS_KEY_ID:SECRET_ACCESS_KEY@][HOST[:PORT]][?param=value&...]
//
// A HOST sets the endpoint (https, or http with tls=false). The secret must be percent-encoded when it holds
// characters such as '/' or '+' (url.UserPassword does it; FormatDSN does it). Parameters are listed in the
// README's DSN table and on each field below.
type Config struct {
	// Region is the AWS region (param region). Empty: the SDK's default chain.
	Region string
	// Endpoint is the full endpoint URL (the DSN's HOST, or param endpoint). Empty: the SDK's default chain.
	Endpoint string
	// AccessKeyID and SecretAccessKey are static credentials (the DSN's user info). Empty: the default chain.
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken goes with temporary static credentials (param session_token).
	SessionToken string
	// Profile selects a shared config/credentials profile (param profile).
	Profile string
	// ConsistentRead makes every SELECT strongly consistent (param consistent_read, default false).
	// Reads inside a transaction are always strongly consistent.
	ConsistentRead bool
	// Timeout bounds each request attempt (param timeout, a Go duration such as 5s; 0: only the context bounds it).
	Timeout time.Duration
	// MaxAttempts is how many times a throttled request, or a read that failed ambiguously, is tried in all
	// (param max_attempts, default 8; 1 disables retries).
	MaxAttempts int
	// MaxBackoff caps the exponential backoff between attempts (param max_backoff, default 5s).
	MaxBackoff time.Duration
	// SafeWrites sends each single write as a one-statement ExecuteTransaction with a reused ClientRequestToken,
	// so a write whose outcome is unknown can be retried safely (param safe_writes, default false). A
	// transactional write costs twice the write capacity of a plain one.
	SafeWrites bool
	// BatchConcurrency is how many BatchExecuteStatement requests a multi-row INSERT keeps in flight
	// (param batch_concurrency, default 8).
	BatchConcurrency int
	// PageSize is ExecuteStatement's Limit: how many items DynamoDB evaluates per page (param page_size;
	// 0: DynamoDB's own cap of 1 MB a page).
	PageSize int
	// StatementCache is how many parsed statements each connector keeps (param statement_cache, default 512).
	StatementCache int
}

// NewConfig returns a Config with the defaults set, as ParseDSN("") does.
func NewConfig() *Config {
	return &Config{
		MaxAttempts:      DefaultMaxAttempts,
		MaxBackoff:       DefaultMaxBackoff,
		BatchConcurrency: DefaultBatchConcurrency,
		StatementCache:   DefaultStatementCache,
	}
}

// dsnParam describes one DSN parameter: how to set it from text, how to print it, and whether its value is
// a secret that must never be shown.
type dsnParam struct {
	name   string
	secret bool
	set    func(c *Config, v string) error
	get    func(c *Config) (string, bool) // the value, and whether it differs from the default
}

var errEmpty = errors.New("empty value")

func stringParam(name string, secret bool, field func(*Config) *string) dsnParam {
	return dsnParam{
		name: name, secret: secret,
		set: func(c *Config, v string) error {
			if v == "" {
				return errEmpty
			}
			*field(c) = v
			return nil
		},
		get: func(c *Config) (string, bool) { v := *field(c); return v, v != "" },
	}
}

func boolParam(name string, field func(*Config) *bool) dsnParam {
	return dsnParam{
		name: name,
		set: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("want true or false")
			}
			*field(c) = b
			return nil
		},
		get: func(c *Config) (string, bool) { v := *field(c); return strconv.FormatBool(v), v },
	}
}

func durationParam(name string, def time.Duration, field func(*Config) *time.Duration) dsnParam {
	return dsnParam{
		name: name,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return errors.New("want a non-negative duration such as 500ms or 5s")
			}
			*field(c) = d
			return nil
		},
		get: func(c *Config) (string, bool) { v := *field(c); return v.String(), v != def },
	}
}

func intParam(name string, min, max, def int, field func(*Config) *int) dsnParam {
	return dsnParam{
		name: name,
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < min || n > max {
				return fmt.Errorf("want a whole number from %d to %d", min, max)
			}
			*field(c) = n
			return nil
		},
		get: func(c *Config) (string, bool) { v := *field(c); return strconv.Itoa(v), v != def },
	}
}

// dsnParams is the DSN's parameter table, in the order FormatDSN writes them.
var dsnParams = []dsnParam{
	stringParam("region", false, func(c *Config) *string { return &c.Region }),
	stringParam("profile", false, func(c *Config) *string { return &c.Profile }),
	stringParam("session_token", true, func(c *Config) *string { return &c.SessionToken }),
	boolParam("consistent_read", func(c *Config) *bool { return &c.ConsistentRead }),
	durationParam("timeout", 0, func(c *Config) *time.Duration { return &c.Timeout }),
	intParam("max_attempts", 1, 100, DefaultMaxAttempts, func(c *Config) *int { return &c.MaxAttempts }),
	durationParam("max_backoff", DefaultMaxBackoff, func(c *Config) *time.Duration { return &c.MaxBackoff }),
	boolParam("safe_writes", func(c *Config) *bool { return &c.SafeWrites }),
	intParam("batch_concurrency", 1, 64, DefaultBatchConcurrency, func(c *Config) *int { return &c.BatchConcurrency }),
	intParam("page_size", 0, 1<<31-1, 0, func(c *Config) *int { return &c.PageSize }),
	intParam("statement_cache", 0, 1<<20, DefaultStatementCache, func(c *Config) *int { return &c.StatementCache }),
}

// DSNError is a DSN that could not be parsed. Its message names the part at fault and never holds a secret.
type DSNError struct {
	Param  string // the parameter at fault, or "" for the DSN's structure
	Reason string
}

func (e *DSNError) Error() string {
	if e.Param == "" {
		return "dynasql: invalid DSN: " + e.Reason
	}
	return fmt.Sprintf("dynasql: invalid DSN parameter %q: %s", e.Param, e.Reason)
}

// ParseDSN parses a DSN (see Config). The empty DSN gives the defaults and the SDK's default chain.
func ParseDSN(dsn string) (*Config, error) {
	c := NewConfig()
	if dsn == "" {
		return c, nil
	}
	// url.Parse's errors quote the whole input, secret included: report on our own terms instead.
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, &DSNError{Reason: "not a URL of the form dynamodb://[KEY:SECRET@][HOST[:PORT]][?param=value&...]"}
	}
	if u.Scheme != "dynamodb" {
		return nil, &DSNError{Reason: "the scheme must be dynamodb://"}
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, &DSNError{Reason: "unexpected path or fragment; write dynamodb://[KEY:SECRET@][HOST[:PORT]][?param=value&...]"}
	}
	if u.User != nil {
		c.AccessKeyID = u.User.Username()
		secret, ok := u.User.Password()
		if c.AccessKeyID == "" || !ok || secret == "" {
			return nil, &DSNError{Reason: "credentials must be ACCESS_KEY_ID:SECRET_ACCESS_KEY@, both non-empty"}
		}
		c.SecretAccessKey = secret
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, &DSNError{Reason: "malformed query string"}
	}
	tls := true
	tlsSet := false
	for name, values := range query {
		if len(values) > 1 {
			return nil, &DSNError{Param: name, Reason: "given more than once"}
		}
		value := values[0]
		switch name {
		case "tls":
			b, err := strconv.ParseBool(value)
			if err != nil {
				return nil, &DSNError{Param: name, Reason: "want true or false"}
			}
			tls, tlsSet = b, true
			continue
		case "endpoint":
			if u.Host != "" {
				return nil, &DSNError{Param: name, Reason: "give the endpoint either as the DSN's host or as this parameter, not both"}
			}
			if err := checkEndpoint(value); err != nil {
				return nil, &DSNError{Param: name, Reason: err.Error()}
			}
			c.Endpoint = value
			continue
		}
		p := lookupParam(name)
		if p == nil {
			return nil, &DSNError{Param: name, Reason: "unknown parameter"}
		}
		if err := p.set(c, value); err != nil {
			return nil, &DSNError{Param: name, Reason: err.Error()}
		}
	}
	if u.Host != "" {
		scheme := "https"
		if !tls {
			scheme = "http"
		}
		c.Endpoint = scheme + "://" + u.Host
	} else if tlsSet {
		return nil, &DSNError{Param: "tls", Reason: "only applies with a HOST in the DSN"}
	}
	return c, nil
}

func lookupParam(name string) *dsnParam {
	for i := range dsnParams {
		if dsnParams[i].name == name {
			return &dsnParams[i]
		}
	}
	return nil
}

func checkEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return errors.New("want a URL such as http://localhost:8000")
	}
	return nil
}

// FormatDSN returns the DSN that ParseDSN turns back into c, secrets included: use it to build connection
// strings, and String to log one.
func (c *Config) FormatDSN() string { return c.format(false) }

// String returns the DSN with the secret access key and session token replaced by "redacted", for logs.
// It has a value receiver so that a Config printed by value is redacted too.
func (c Config) String() string { return c.format(true) }

// GoString keeps %#v from printing the secret fields.
func (c Config) GoString() string { return "dynasql.Config(" + c.format(true) + ")" }

func (c *Config) format(redact bool) string {
	u := url.URL{Scheme: "dynamodb", Host: ""}
	if c.AccessKeyID != "" || c.SecretAccessKey != "" {
		secret := c.SecretAccessKey
		if redact {
			secret = "redacted"
		}
		u.User = url.UserPassword(c.AccessKeyID, secret)
	}
	var query []string
	if host, tls, ok := hostForm(c.Endpoint); ok {
		u.Host = host
		if !tls {
			query = append(query, "tls=false")
		}
	} else if c.Endpoint != "" {
		query = append(query, "endpoint="+url.QueryEscape(c.Endpoint))
	}
	for i := range dsnParams {
		p := &dsnParams[i]
		if v, set := p.get(c); set {
			if redact && p.secret {
				v = "redacted"
			}
			query = append(query, p.name+"="+url.QueryEscape(v))
		}
	}
	u.RawQuery = strings.Join(query, "&")
	if u.Host == "" && u.User == nil {
		// url.URL prints "dynamodb:?..." without an authority; keep the DSN's documented shape.
		s := "dynamodb://"
		if u.RawQuery != "" {
			s += "?" + u.RawQuery
		}
		return s
	}
	return u.String()
}

// hostForm reports whether endpoint is exactly scheme://host[:port], so FormatDSN can write it as the DSN's host.
func hostForm(endpoint string) (host string, tls bool, ok bool) {
	for _, scheme := range [...]string{"https://", "http://"} {
		rest, found := strings.CutPrefix(endpoint, scheme)
		if !found || rest == "" {
			continue
		}
		u, err := url.Parse(endpoint)
		if err != nil || u.Host != rest || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			return "", false, false
		}
		return rest, scheme == "https://", true
	}
	return "", false, false
}
