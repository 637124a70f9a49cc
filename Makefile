# Every target finds a JDK >= 25 by itself (JAVA_HOME, /usr/lib/jvm, ...) and says so when there is none.
JDK := $(shell scripts/find-jdk.sh)
MVN := JAVA_HOME="$(JDK)" ./mvnw -B
IMAGE ?= image-serving-service
need-jdk = @if [ -z "$(JDK)" ]; then echo "No JDK >= 25 found: run 'make install' for instructions, or set JAVA_HOME." >&2; exit 1; fi

.PHONY: install run test lint format package bench soak fuzz docker-build docker-run clean

install: ## JDK check, libvips, Maven dependencies
	scripts/install.sh

run: ## dev server on port 8000, restarts on code changes
	$(need-jdk)
	JAVA_HOME="$(JDK)" scripts/dev-run.sh

test: ## the whole test suite: unit and HTTP tests, then the packaged jar's integration tests
	$(need-jdk)
	$(MVN) verify

lint: ## formatting check + Error Prone/NullAway
	$(need-jdk)
	$(MVN) -q spotless:check
	$(MVN) -q -Plint -DskipTests clean compile

format: ## fix formatting
	$(need-jdk)
	$(MVN) -q spotless:apply

package: ## target/image-serving-service.jar
	$(need-jdk)
	$(MVN) -q -DskipTests package

bench: package ## benchmarks -> BENCHMARKS.md
	JAVA_HOME="$(JDK)" scripts/bench.sh

docker-build:
	docker build -t $(IMAGE) .

docker-run:
	docker run --rm -p 8000:8000 -v "$(CURDIR)/uploads:/app/uploads" --env-file $(if $(wildcard .env),.env,/dev/null) $(IMAGE)

clean:
	$(MVN) -q clean
