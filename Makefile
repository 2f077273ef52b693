# make test: every test, against a DynamoDB Local this starts (and stops) itself.
# make demo: the examples, against a DynamoDB Local this starts itself.
SHELL := /bin/bash
GO ?= go
LOCAL := scripts/dynamodb-local.sh
# with-local runs a command with DYNAMODB_ENDPOINT set, stops DynamoDB Local after, and keeps the command's status.
define with-local
	@endpoint=$$($(LOCAL) start) || exit 1; \
	echo "DynamoDB Local at $$endpoint"; \
	DYNAMODB_ENDPOINT=$$endpoint $(1); status=$$?; \
	$(LOCAL) stop; exit $$status
endef

.PHONY: test demo vet
test:
	$(call with-local,$(GO) test -race -count=1 ./...)

demo:
	$(call with-local,$(GO) run ./examples/quickstart)

vet:
	gofmt -l . | (! grep .)
	$(GO) vet ./...
