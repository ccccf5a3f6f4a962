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
COPY --from=build /src/target/cakeday.jar /tmp/cakeday.jar
COPY ops/cds-archive.sh /tmp/cds-archive.sh
RUN bash /tmp/cds-archive.sh /tmp/cakeday.jar /app && rm /tmp/cakeday.jar /tmp/cds-archive.sh
USER cakeday
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/cakeday.jsa", "-jar", "/app/cakeday.jar"]
