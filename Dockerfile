# Build stage: compile and package with the project's Maven wrapper.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

# Run stage: a JRE and the jar, as an unprivileged user.
FROM eclipse-temurin:17-jre
RUN groupadd --system cakeday && useradd --system --gid cakeday --home-dir /app cakeday
WORKDIR /app
COPY --from=build /src/target/cakeday.jar /app/cakeday.jar
USER cakeday
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/cakeday.jar"]
