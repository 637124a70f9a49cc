# syntax=docker/dockerfile:1
# Build stage: JDK 25 and the Maven wrapper.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q -DskipTests package

# Runtime: a slim JRE 25 with libvips, run as a non-root user.
FROM eclipse-temurin:25-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvips42 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home /app app \
 && mkdir -p /app/uploads && chown -R app /app
WORKDIR /app
COPY --from=build /src/target/image-serving-service.jar /app/image-serving-service.jar
ENV UPLOADS_PATH=/app/uploads \
    HOST=0.0.0.0 \
    PORT=8000
USER app
EXPOSE 8000
VOLUME ["/app/uploads"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD curl -fsS http://127.0.0.1:8000/health || exit 1
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-jar", "/app/image-serving-service.jar"]
