# Every target finds a JDK >= 25 by itself (JAVA_HOME, /usr/lib/jvm, ...) and says so when there is none.
JDK := $(shell scripts/find-jdk.sh)
MVN := JAVA_HOME="$(JDK)" ./mvnw -B
IMAGE ?= image-serving-service
need-jdk = @if [ -z "$(JDK)" ]; then echo "No JDK >= 25 found: run 'make install' for instructions, or set JAVA_HOME." >&2; exit 1; fi

.PHONY: install run test scale-test lint format pre-commit package bench soak fuzz docker-build docker-run clean

install: ## JDK check, libvips, Maven dependencies
	scripts/install.sh

run: ## dev server on port 8000, restarts on code changes
	$(need-jdk)
	JAVA_HOME="$(JDK)" scripts/dev-run.sh

FUZZ_DURATION ?= 10m
SOAK_SECONDS ?= 600

# Tests run in a random order (src/test/resources/junit-platform.properties); this is its seed.
ifndef TEST_SEED
TEST_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif

test: ## the whole test suite (unit, HTTP, the packaged jar's integration tests) plus a minute of fuzzing
	$(need-jdk)
	@echo "Test order seed: $(TEST_SEED) (the same order again: make test TEST_SEED=$(TEST_SEED))"
	$(MVN) verify -Dfuzz.skip=false -Djunit.jupiter.execution.order.random.seed=$(TEST_SEED)

scale-test: ## nginx (deploy/nginx.conf) over two instances of the jar on one S3 bucket: cache, revalidation, kill -9 (ScaleOutIT, over a minute)
	$(need-jdk)
	$(MVN) verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ScaleOutIT -Dfailsafe.excludedGroups=none

fuzz: ## fuzz the image pipeline for FUZZ_DURATION (default 10m); findings land in the test inputs
	$(need-jdk)
	$(MVN) test -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.skip=false -Dfuzz.duration=$(FUZZ_DURATION)

lint: ## formatting check + Error Prone/NullAway
	$(need-jdk)
	$(MVN) -q spotless:check
	$(MVN) -q -Plint -DskipTests clean compile

format: ## fix formatting
	$(need-jdk)
	$(MVN) -q spotless:apply

pre-commit: ## install a git pre-commit hook that runs the formatting check
	printf '#!/bin/sh\n# Installed by make pre-commit: refuse commits that are not formatted.\nexec make -s lint\n' > .git/hooks/pre-commit
	chmod +x .git/hooks/pre-commit
	@echo "pre-commit hook installed: make lint runs before each commit"

package: ## target/image-serving-service.jar
	$(need-jdk)
	$(MVN) -q -DskipTests package

bench: package ## benchmarks -> BENCHMARKS.md
	JAVA_HOME="$(JDK)" scripts/bench.sh

soak: package ## mixed load against the jar for SOAK_SECONDS (default 600): statuses, RSS and thread drift
	JAVA_HOME="$(JDK)" SOAK_SECONDS=$(SOAK_SECONDS) scripts/soak.sh

docker-build:
	docker build -t $(IMAGE) .

docker-run:
	docker run --rm -p 8000:8000 -v "$(CURDIR)/uploads:/app/uploads" --env-file $(if $(wildcard .env),.env,/dev/null) $(IMAGE)

clean:
	$(MVN) -q clean
