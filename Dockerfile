# Build stage: compile and package with the project's Maven wrapper.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

# Run stage: a JRE and the jar, as an unprivileged user. The jar is unpacked with a class-data
# archive made by this image's JVM (ops/cds-archive.sh), which halves the time to ready.
FROM eclipse-temurin:17-jre
RUN groupadd --system cakeday && useradd --system --gid cakeday --home-dir /app cakeday
WORKDIR /app
# The jar and the script are mounted for this step only (BuildKit), so that no layer keeps the jar.
RUN --mount=type=bind,from=build,source=/src/target/cakeday.jar,target=/tmp/cakeday.jar \
    --mount=type=bind,source=ops/cds-archive.sh,target=/tmp/cds-archive.sh \
    bash /tmp/cds-archive.sh /tmp/cakeday.jar /app
USER cakeday
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/cakeday.jsa", "-jar", "/app/cakeday.jar"]
