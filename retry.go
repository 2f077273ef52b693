package dynasql

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// baseBackoff is the first pause after a throttled or failed attempt; each further pause doubles it, up to
// Config.MaxBackoff, with full jitter so that throttled clients spread out.
const baseBackoff = 25 * time.Millisecond

// attemptResult is how a request ended under the retry policy.
type attemptResult struct {
	err  error
	kind failure // what the last failure meant; meaningless when err is nil
	// maybeApplied: some attempt may have reached DynamoDB and been processed without an answer coming back.
	maybeApplied bool
}

// retry runs call under the driver's retry policy, which replaces the SDK's (see newConnector):
//   - throttling is retried for every request, with capped exponential backoff and jitter;
//   - a request that cannot have been sent is retried for every request;
//   - an ambiguous failure (timeout, reset, 5xx, an unreadable answer) is retried only when idempotent is true,
//     since resending a write that was applied would apply it twice;
//   - a definite answer from the service and the caller's context ending are never retried.
//
// Each attempt is bounded by Config.Timeout when it is set.
func (c *Connector) retry(ctx context.Context, idempotent bool, call func(context.Context) error) attemptResult {
	maybeApplied := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return attemptResult{err: err, kind: failCanceled, maybeApplied: maybeApplied}
		}
		err := c.attempt(ctx, call)
		if err == nil {
			return attemptResult{}
		}
		kind := classify(ctx, err)
		maybeApplied = maybeApplied || kind == failAmbiguous || kind == failCanceled
		retryable := kind == failThrottled || kind == failNotSent || (kind == failAmbiguous && idempotent)
		if !retryable || attempt >= c.cfg.MaxAttempts {
			return attemptResult{err: withContextCause(ctx, err), kind: kind, maybeApplied: maybeApplied}
		}
		if err := sleep(ctx, backoff(attempt, c.cfg.MaxBackoff)); err != nil {
			return attemptResult{err: withContextCause(ctx, err), kind: failCanceled, maybeApplied: maybeApplied}
		}
	}
}

func (c *Connector) attempt(ctx context.Context, call func(context.Context) error) error {
	if c.cfg.Timeout <= 0 {
		return call(ctx)
	}
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	return call(attemptCtx)
}

// withContextCause makes sure errors.Is(err, context.Canceled / DeadlineExceeded) holds when the caller's
// context ended, whatever the SDK wrapped.
func withContextCause(ctx context.Context, err error) error {
	ctxErr := ctx.Err()
	if ctxErr == nil || errors.Is(err, ctxErr) {
		return err
	}
	return &contextError{ctxErr: ctxErr, err: err}
}

type contextError struct{ ctxErr, err error }

func (e *contextError) Error() string   { return e.ctxErr.Error() + ": " + e.err.Error() }
func (e *contextError) Unwrap() []error { return []error{e.ctxErr, e.err} }

// backoff returns the pause before the attempt after `attempt`: a random duration up to
// min(maxBackoff, baseBackoff * 2^(attempt-1)).
func backoff(attempt int, maxBackoff time.Duration) time.Duration {
	ceiling := maxBackoff
	if attempt < 30 {
		if d := baseBackoff << (attempt - 1); d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling) + 1
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// requestError wraps a failed request's error for the caller: with the service's sentinel when it gave one,
// ErrThrottled when throttling outlasted the retries, and ErrOutcomeUnknown when a write may have been applied.
func requestError(op, table string, r attemptResult, write bool) error {
	kind := errorKind(r.err)
	switch {
	case kind != nil:
	// An earlier attempt may have been applied: that outweighs the last attempt's throttling.
	case write && r.maybeApplied:
		kind = ErrOutcomeUnknown
	case r.kind == failThrottled:
		kind = ErrThrottled
	}
	return &Error{Op: op, Table: table, Kind: kind, Err: r.err}
}
