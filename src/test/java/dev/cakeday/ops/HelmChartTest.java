package dev.cakeday.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.cakeday.greeting.delivery.DeliveryBatches;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Helm chart in {@code ops/helm/cakeday}, linted and rendered offline by Helm's own code
 * (helm-java), with its default values and with every option on ({@code helm/all-options.yaml}),
 * and the manifests held against the application's real settings: the probes are actuator probe
 * groups on the port that serves them, the container port is {@code server.port}, every environment
 * variable binds to a property the application has (by Spring's relaxed binding), the grace period
 * covers the preStop pause and the whole graceful shutdown, and the pod runs unprivileged on a
 * read-only root. A key the chart does not know fails lint and template, through its schema.
 */
class HelmChartTest {

    static final Path CHART = Path.of("ops/helm/cakeday");
    static final Path ALL_OPTIONS = Path.of("src/test/resources/helm/all-options.yaml");
    static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");

    /** Variables the chart sets that are no Spring property: the JVM reads them. */
    static final Set<String> NOT_SPRING = Set.of("JAVA_TOOL_OPTIONS");

    static Settings app;

    @BeforeAll
    static void readTheApplicationsSettings() throws IOException {
        app = Settings.read();
    }

    @Test
    void lintsStrictWithItsDefaultValues() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void lintsStrictWithEveryOptionOn(@TempDir Path dir) throws IOException {
        Path chart =
                copyOfTheChart(dir, merged(yaml(CHART.resolve("values.yaml")), yaml(ALL_OPTIONS)));

        LintResult lint = new Helm(chart).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void aKeyTheChartDoesNotKnowFailsTemplateAndLint(@TempDir Path dir) throws IOException {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "database:\n  usrname: cakeday\n");
        assertThatThrownBy(() -> template(typo))
                .as("helm template with a misspelt key")
                .hasMessageContaining("usrname");

        Map<String, Object> values = yaml(CHART.resolve("values.yaml"));
        values.put("replicaCont", 3);
        LintResult lint = new Helm(copyOfTheChart(dir.resolve("chart"), values)).lint().call();
        assertThat(lint.isFailed()).isTrue();
        assertThat(String.join("\n", lint.getMessages())).contains("replicaCont");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default values", "every option on"})
    void probesAskTheActuatorsProbeGroupsOnThePortThatServesThem(String values) {
        Manifests manifests = render(values);
        Map<String, Object> container = manifests.container();
        Map<String, String> env = manifests.plainEnv();

        int port = app.managementPort(env).orElse(app.serverPort(env));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(app.probePaths()).as(probe + " path").contains((String) get.get("path"));
            assertThat(manifests.containerPort(get.get("port")))
                    .as(probe + " port")
                    .isEqualTo(port);
        }
        assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path"))
                .isEqualTo(app.basePath() + "/health/readiness");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path"))
                .isEqualTo(app.basePath() + "/health/liveness");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default values", "every option on"})
    void theContainersHttpPortIsServerPortAndTheServiceTargetsIt(String values) {
        Manifests manifests = render(values);

        assertThat(manifests.containerPort("http"))
                .as("containerPort http, server.port of application.yml")
                .isEqualTo(app.serverPort(manifests.plainEnv()));
        assertThat(list(map(manifests.one("Service").get("spec")).get("ports")))
                .extracting(port -> map(port).get("targetPort"))
                .allSatisfy(target -> manifests.containerPort(target));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default values", "every option on"})
    void everyEnvironmentVariableBindsToAPropertyOfTheApplication(String values) {
        Manifests manifests = render(values);
        Set<String> names = new TreeSet<>(manifests.envNames());
        names.removeAll(NOT_SPRING);

        assertThat(names).isNotEmpty();
        assertThat(names)
                .as("variables no property of the application binds")
                .filteredOn(name -> !app.binds(name))
                .isEmpty();
    }

    /**
     * db-scheduler 16.7's {@code Scheduler.stop()} waits up to 1 s + 5 s for each of its polling
     * and housekeeping executors, beside the running executions' {@code shutdown-max-wait}.
     */
    static final Duration SCHEDULER_EXECUTORS_STOP = Duration.ofSeconds(12);

    /**
     * How long a graceful shutdown may take with these settings: Spring's shutdown phase, twice
     * db-scheduler's wait for running executions, its executors, the hand-off's connection timeout
     * and the group commit's last statements.
     */
    private long shutdownSeconds(Map<String, String> env) {
        Duration phase = app.duration("spring.lifecycle.timeout-per-shutdown-phase", env);
        Duration schedulerWait = app.duration("db-scheduler.shutdown-max-wait", env);
        Duration connectionTimeout =
                Duration.ofMillis(
                        Long.parseLong(
                                app.value("spring.datasource.hikari.connection-timeout", env)
                                        .orElseThrow()));
        return phase.toSeconds()
                + 2 * schedulerWait.toSeconds()
                + SCHEDULER_EXECUTORS_STOP.toSeconds()
                + connectionTimeout.toSeconds()
                + DeliveryBatches.STOP_WAIT.toSeconds();
    }

    /** The systemd unit and the compose file allow the same shutdown before their SIGKILL. */
    @Test
    void theSystemdUnitAndTheComposeFileWaitForTheWholeShutdown() throws IOException {
        long needed = shutdownSeconds(Map.of());

        assertThat(secondsIn(Path.of("ops/cakeday.service"), "(?m)^TimeoutStopSec=(\\d+)$"))
                .as("ops/cakeday.service TimeoutStopSec")
                .isGreaterThanOrEqualTo(needed);
        assertThat(secondsIn(Path.of("docker-compose.yml"), "(?m)^\\s*stop_grace_period: (\\d+)s$"))
                .as("docker-compose.yml stop_grace_period")
                .isGreaterThanOrEqualTo(needed);
    }

    private static long secondsIn(Path file, String regex) throws IOException {
        Matcher matcher = Pattern.compile(regex).matcher(Files.readString(file));
        assertThat(matcher.find()).as(file + " sets " + regex).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default values", "every option on"})
    void theGracePeriodCoversPreStopTheShutdownPhaseAndTwiceTheSchedulersWait(String values) {
        Manifests manifests = render(values);
        Map<String, String> env = manifests.plainEnv();
        assertThat(app.value("server.shutdown", env)).contains("graceful");

        long preStop = manifests.preStopSeconds();
        long needed = preStop + shutdownSeconds(env);

        assertThat(preStop).as("preStop pause").isPositive();
        assertThat(((Number) manifests.podSpec().get("terminationGracePeriodSeconds")).longValue())
                .as("terminationGracePeriodSeconds >= preStop %d s + the shutdown", preStop)
                .isGreaterThanOrEqualTo(needed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"default values", "every option on"})
    void thePodRunsUnprivilegedOnAReadOnlyRootWithAWritableTmp(String values) {
        Manifests manifests = render(values);
        Map<String, Object> pod = map(manifests.podSpec().get("securityContext"));
        Map<String, Object> container = map(manifests.container().get("securityContext"));

        assertThat(pod).containsEntry("runAsNonRoot", true);
        assertThat(pod.get("runAsUser")).isInstanceOf(Integer.class);
        assertThat((Integer) pod.get("runAsUser")).isPositive();
        assertThat(map(pod.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
        assertThat(container)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("runAsNonRoot", true);
        assertThat(list(map(container.get("capabilities")).get("drop"))).contains("ALL");
        assertThat(map(container.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
        assertThat(manifests.podSpec()).containsEntry("automountServiceAccountToken", false);

        Map<String, Object> tmp =
                list(manifests.container().get("volumeMounts")).stream()
                        .map(HelmChartTest::map)
                        .filter(mount -> "/tmp".equals(mount.get("mountPath")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no volume at /tmp"));
        assertThat(list(manifests.podSpec().get("volumes")))
                .map(HelmChartTest::map)
                .filteredOn(volume -> volume.get("name").equals(tmp.get("name")))
                .singleElement()
                .satisfies(volume -> assertThat(volume).containsKey("emptyDir"));

        Map<String, Object> resources = map(manifests.container().get("resources"));
        assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
        assertThat(map(resources.get("limits"))).containsKey("memory");
    }

    @Test
    void byDefaultItRunsTwoInstancesWithADisruptionBudgetAndNoAutoscalerOrServiceMonitor() {
        Manifests manifests = render("default values");

        assertThat(map(manifests.one("Deployment").get("spec"))).containsEntry("replicas", 2);
        assertThat(map(manifests.one("PodDisruptionBudget").get("spec")))
                .containsEntry("maxUnavailable", 1);
        assertThat(manifests.kinds())
                .containsExactlyInAnyOrder(
                        "Secret", "Service", "Deployment", "PodDisruptionBudget");
        assertThat(manifests.secretData())
                .as("no URL, password or token unless given")
                .containsOnlyKeys("SPRING_DATASOURCE_USERNAME");
    }

    @Test
    void theSecretCarriesTheDatabaseMigrationsAndTokensUnderSpringsNames() {
        Map<String, Object> secret = render("every option on").secretData();

        assertThat(secret)
                .containsEntry(
                        "SPRING_DATASOURCE_URL",
                        "jdbc:postgresql://pgbouncer:6432/cakeday"
                                + "?ApplicationName=cakeday&prepareThreshold=0")
                .containsEntry("SPRING_DATASOURCE_USERNAME", "cakeday")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "app-secret")
                .containsEntry("SPRING_FLYWAY_URL", "jdbc:postgresql://postgres:5432/cakeday")
                .containsEntry("SPRING_FLYWAY_USER", "cakeday_owner")
                .containsEntry("SPRING_FLYWAY_PASSWORD", "owner-secret")
                .containsEntry("CAKEDAY_API_TOKENS_0_NAME", "ops")
                .containsEntry("CAKEDAY_API_TOKENS_0_ROLE", "admin")
                .containsEntry("CAKEDAY_API_TOKENS_1_TOKEN", "reader-token-0123456789")
                .containsEntry("CAKEDAY_MAIL_RESEND_APIKEY", "re_0123456789");
        assertThat(app.binds("SPRING_FLYWAY_URL")).isTrue();
    }

    @Test
    void anExistingSecretReplacesTheChartsOwn() {
        Manifests manifests =
                new Manifests(template(null, Map.of("existingSecret", "cakeday-settings")));

        assertThat(manifests.kinds()).doesNotContain("Secret");
        assertThat(list(manifests.container().get("envFrom")))
                .map(from -> map(map(from).get("secretRef")).get("name"))
                .containsExactly("cakeday-settings");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"External", "Pods"})
    void theAutoscalerScalesOnCpuAndTheQueueLagTheApplicationExports(String type) throws Exception {
        Manifests manifests =
                new Manifests(template(ALL_OPTIONS, Map.of("autoscaling.queueLag.type", type)));
        Map<String, Object> spec = map(manifests.one("HorizontalPodAutoscaler").get("spec"));

        assertThat(map(spec.get("scaleTargetRef")))
                .containsEntry("kind", "Deployment")
                .containsEntry("name", metadataName(manifests.one("Deployment")));
        assertThat(map(manifests.one("Deployment").get("spec"))).doesNotContainKey("replicas");
        assertThat(list(spec.get("metrics")))
                .map(metric -> map(metric).get("type"))
                .containsExactly("Resource", type);
        Map<String, Object> lag =
                map(
                        map(list(spec.get("metrics")).get(1))
                                .get(type.equals("External") ? "external" : "pods"));
        assertThat(prometheusNamesOfTheQueueGauges())
                .contains((String) map(lag.get("metric")).get("name"));
    }

    @Test
    void theServiceMonitorScrapesThePrometheusEndpointOnTheManagementPort() {
        Manifests manifests = render("every option on");
        Map<String, Object> endpoint =
                map(list(map(manifests.one("ServiceMonitor").get("spec")).get("endpoints")).get(0));

        assertThat(app.value("management.endpoints.web.exposure.include", Map.of()).orElseThrow())
                .contains("prometheus");
        assertThat(endpoint.get("path")).isEqualTo(app.basePath() + "/prometheus");
        Map<String, Object> servicePort =
                list(map(manifests.one("Service").get("spec")).get("ports")).stream()
                        .map(HelmChartTest::map)
                        .filter(port -> port.get("name").equals(endpoint.get("port")))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "the Service has no port " + endpoint.get("port")));
        assertThat(manifests.containerPort(servicePort.get("targetPort")))
                .isEqualTo(app.managementPort(manifests.plainEnv()).orElseThrow());
    }

    // --- Rendering

    static Manifests render(String values) {
        return new Manifests(
                template(values.equals("every option on") ? ALL_OPTIONS : null, Map.of()));
    }

    static String template(Path values) {
        return template(values, Map.of());
    }

    static String template(Path values, Map<String, String> set) {
        TemplateCommand template =
                new Helm(CHART).template().withName("cakeday").withNamespace("cakeday");
        if (values != null) {
            template = template.withValuesFile(values);
        }
        for (Map.Entry<String, String> value : set.entrySet()) {
            template = template.set(value.getKey(), value.getValue());
        }
        return template.call();
    }

    static Path copyOfTheChart(Path dir, Map<String, Object> values) throws IOException {
        Path chart = dir.resolve("cakeday");
        FileSystemUtils.copyRecursively(CHART, chart);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(chart.resolve("values.yaml"), new Yaml(options).dump(values));
        return chart;
    }

    /** The chart's values with another file's over them, as Helm merges them. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merged(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        over.forEach(
                (key, value) ->
                        result.merge(
                                key,
                                value,
                                (a, b) ->
                                        a instanceof Map && b instanceof Map
                                                ? merged(
                                                        (Map<String, Object>) a,
                                                        (Map<String, Object>) b)
                                                : b));
        return result;
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    /** The names micrometer's Prometheus registry gives the meters of QueueGauges. */
    static Set<String> prometheusNamesOfTheQueueGauges() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Class<?> gauges = Class.forName("dev.cakeday.greeting.QueueGauges");
        Class<?> properties = Class.forName("dev.cakeday.greeting.MetricsProperties");
        Constructor<?> constructor =
                Arrays.stream(gauges.getDeclaredConstructors())
                        .filter(
                                c ->
                                        Arrays.asList(c.getParameterTypes())
                                                .contains(MeterRegistry.class))
                        .findFirst()
                        .orElseThrow();
        constructor.setAccessible(true);
        Object[] arguments =
                Arrays.stream(constructor.getParameterTypes())
                        .map(
                                parameter ->
                                        parameter == MeterRegistry.class
                                                ? registry
                                                : parameter == Clock.class
                                                        ? Clock.systemUTC()
                                                        : parameter == properties
                                                                ? newRecord(
                                                                        properties,
                                                                        Duration.ofSeconds(10))
                                                                : null)
                        .toArray();
        constructor.newInstance(arguments);
        Set<String> names = new TreeSet<>();
        Matcher sample = Pattern.compile("(?m)^([a-z_]+)\\s").matcher(registry.scrape());
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }

    static Object newRecord(Class<?> type, Object... values) {
        try {
            Constructor<?> canonical =
                    type.getDeclaredConstructor(
                            Arrays.stream(type.getRecordComponents())
                                    .map(RecordComponent::getType)
                                    .toArray(Class<?>[]::new));
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static String metadataName(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /** The objects {@code helm template} rendered. */
    record Manifests(List<Map<String, Object>> objects) {

        Manifests(String rendered) {
            this(parse(rendered));
        }

        static List<Map<String, Object>> parse(String rendered) {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (Object document : new Yaml().loadAll(rendered)) {
                if (document != null) {
                    objects.add(map(document));
                }
            }
            return objects;
        }

        List<String> kinds() {
            return objects.stream().map(object -> (String) object.get("kind")).toList();
        }

        Map<String, Object> one(String kind) {
            return objects.stream()
                    .filter(object -> kind.equals(object.get("kind")))
                    .reduce(
                            (a, b) -> {
                                throw new AssertionError("more than one " + kind);
                            })
                    .orElseThrow(() -> new AssertionError("no " + kind + " in " + kinds()));
        }

        Map<String, Object> podSpec() {
            return map(map(map(one("Deployment").get("spec")).get("template")).get("spec"));
        }

        Map<String, Object> container() {
            List<Object> containers = list(podSpec().get("containers"));
            assertThat(containers).hasSize(1);
            return map(containers.get(0));
        }

        /** A container port by its name or number. */
        int containerPort(Object nameOrNumber) {
            if (nameOrNumber instanceof Integer number) {
                return number;
            }
            return list(container().get("ports")).stream()
                    .map(HelmChartTest::map)
                    .filter(port -> nameOrNumber.equals(port.get("name")))
                    .map(port -> (Integer) port.get("containerPort"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no container port " + nameOrNumber));
        }

        /** The variables with a plain value in the container's env. */
        Map<String, String> plainEnv() {
            Map<String, String> env = new TreeMap<>();
            for (Object variable : list(container().getOrDefault("env", List.of()))) {
                Map<String, Object> entry = map(variable);
                if (entry.get("value") != null) {
                    env.put((String) entry.get("name"), String.valueOf(entry.get("value")));
                }
            }
            return env;
        }

        /** Every variable the chart sets: env, and the keys of the Secret envFrom reads. */
        Set<String> envNames() {
            Set<String> names = new TreeSet<>();
            for (Object variable : list(container().getOrDefault("env", List.of()))) {
                names.add((String) map(variable).get("name"));
            }
            if (kinds().contains("Secret")) {
                assertThat(list(container().get("envFrom")))
                        .map(from -> map(map(from).get("secretRef")).get("name"))
                        .contains(metadataName(one("Secret")));
                names.addAll(secretData().keySet());
            }
            return names;
        }

        Map<String, Object> secretData() {
            Object data = one("Secret").get("stringData");
            return data == null ? Map.of() : map(data);
        }

        long preStopSeconds() {
            Object lifecycle = container().get("lifecycle");
            if (lifecycle == null) {
                return 0;
            }
            Map<String, Object> preStop = map(map(lifecycle).get("preStop"));
            if (preStop.get("sleep") != null) {
                return ((Number) map(preStop.get("sleep")).get("seconds")).longValue();
            }
            List<Object> command = list(map(preStop.get("exec")).get("command"));
            assertThat(command).hasSize(2).first().isEqualTo("sleep");
            return Long.parseLong((String) command.get(1));
        }
    }

    /**
     * The application's settings: application.yml over the defaults of Spring Boot's (and
     * Cakeday's) configuration metadata, and the properties the application binds.
     */
    record Settings(Map<String, String> yml, Map<String, Property> metadata) {

        /** A property of the configuration metadata, with the type it binds to. */
        record Property(ConfigurationPropertyName name, String type, String defaultValue) {}

        static Settings read() throws IOException {
            Map<String, String> yml = new TreeMap<>();
            flatten("", new Yaml().load(Files.readString(APPLICATION_YML)), yml);
            Map<String, Property> metadata = new TreeMap<>();
            JsonMapper json = JsonMapper.builder().build();
            for (URL url :
                    Collections.list(
                            HelmChartTest.class
                                    .getClassLoader()
                                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.get("name").asString();
                        ConfigurationPropertyName parsed =
                                ConfigurationPropertyName.adapt(name, '.');
                        JsonNode type = property.get("type");
                        JsonNode value = property.get("defaultValue");
                        metadata.putIfAbsent(
                                name,
                                new Property(
                                        parsed,
                                        type == null ? null : type.asString(),
                                        value == null || value.isNull() || value.isContainer()
                                                ? null
                                                : value.asString()));
                    }
                }
            }
            assertThat(metadata)
                    .as("configuration metadata on the classpath")
                    .containsKeys("server.port", "spring.datasource.url", "cakeday.api.tokens");
            return new Settings(yml, metadata);
        }

        @SuppressWarnings("unchecked")
        private static void flatten(String prefix, Object value, Map<String, String> into) {
            if (value instanceof Map<?, ?> map) {
                map.forEach(
                        (key, child) ->
                                flatten(
                                        prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key,
                                        child,
                                        into));
            } else if (value instanceof List<?> items) {
                into.put(prefix, String.join(",", items.stream().map(String::valueOf).toList()));
            } else {
                into.put(prefix, String.valueOf(value));
            }
        }

        /** A property's value: the pod's environment, else application.yml, else its default. */
        Optional<String> value(String property, Map<String, String> env) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
            for (Map.Entry<String, String> variable : env.entrySet()) {
                if (fromEnvironment(variable.getKey()).anyMatch(bound -> sameName(bound, name))) {
                    return Optional.of(variable.getValue());
                }
            }
            return Optional.ofNullable(yml.get(property))
                    .or(
                            () ->
                                    Optional.ofNullable(metadata.get(property))
                                            .map(Property::defaultValue));
        }

        Duration duration(String property, Map<String, String> env) {
            return DurationStyle.detectAndParse(
                    value(property, env)
                            .orElseThrow(() -> new AssertionError(property + " is set nowhere")));
        }

        int serverPort(Map<String, String> env) {
            return Integer.parseInt(value("server.port", env).orElseThrow());
        }

        Optional<Integer> managementPort(Map<String, String> env) {
            return value("management.server.port", env).map(Integer::parseInt);
        }

        String basePath() {
            return value("management.endpoints.web.base-path", Map.of()).orElseThrow();
        }

        /** The health groups' paths: liveness and readiness when probes are on, and every group. */
        Set<String> probePaths() {
            assertThat(value("management.endpoints.web.exposure.include", Map.of()).orElseThrow())
                    .as("exposed endpoints")
                    .contains("health");
            Set<String> groups = new TreeSet<>();
            if (Boolean.parseBoolean(
                    value("management.endpoint.health.probes.enabled", Map.of()).orElse("false"))) {
                groups.addAll(List.of("liveness", "readiness"));
            }
            String prefix = "management.endpoint.health.group.";
            yml.keySet().stream()
                    .filter(key -> key.startsWith(prefix))
                    .map(key -> key.substring(prefix.length()).split("\\.")[0])
                    .forEach(groups::add);
            return groups.stream()
                    .map(group -> basePath() + "/health/" + group)
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        /**
         * Whether an environment variable binds to a property the application has: its name as
         * Spring's relaxed binding reads it, against application.yml's keys and the metadata; below
         * a list or map of records, each further name must be a component of the record.
         */
        boolean binds(String variable) {
            return fromEnvironment(variable).anyMatch(this::isKnown);
        }

        private boolean isKnown(ConfigurationPropertyName name) {
            if (yml.keySet().stream()
                    .anyMatch(key -> sameName(ConfigurationPropertyName.adapt(key, '.'), name))) {
                return true;
            }
            for (Property property : metadata.values()) {
                int size = property.name().getNumberOfElements();
                if (size > name.getNumberOfElements()
                        || !sameName(property.name(), name.chop(size))) {
                    continue;
                }
                if (size == name.getNumberOfElements()) {
                    return true;
                }
                if (bindsBelow(property.type(), name, size)) {
                    return true;
                }
            }
            return false;
        }

        private static final Pattern COLLECTION =
                Pattern.compile("java\\.util\\.(?:List|Set|Collection)<(.+)>");
        private static final Pattern MAP = Pattern.compile("java\\.util\\.Map<[^,]+,(.+)>");

        /** The rest of a name below a property of the given type, from element {@code from}. */
        private static boolean bindsBelow(String type, ConfigurationPropertyName name, int from) {
            if (type == null) {
                return false;
            }
            Matcher collection = COLLECTION.matcher(type);
            if (collection.matches()) {
                return name.isNumericIndex(from)
                        && bindsInRecord(collection.group(1), name, from + 1);
            }
            Matcher map = MAP.matcher(type);
            if (map.matches()) {
                return bindsInRecord(map.group(1), name, from + 1) || !isRecord(map.group(1));
            }
            return false;
        }

        private static boolean isRecord(String type) {
            return load(type).map(Class::isRecord).orElse(false);
        }

        private static boolean bindsInRecord(
                String type, ConfigurationPropertyName name, int from) {
            if (from == name.getNumberOfElements()) {
                return true;
            }
            Optional<Class<?>> loaded = load(type);
            if (loaded.isEmpty() || !loaded.get().isRecord()) {
                return false;
            }
            String element = name.getElement(from, Form.UNIFORM);
            return Arrays.stream(loaded.get().getRecordComponents())
                    .filter(component -> component.getName().toLowerCase().equals(element))
                    .anyMatch(
                            component -> {
                                String componentType =
                                        component.getGenericType() instanceof ParameterizedType
                                                ? component.getGenericType().getTypeName()
                                                : component.getType().getName();
                                return from + 1 == name.getNumberOfElements()
                                        || bindsInRecord(componentType, name, from + 1)
                                        || bindsBelow(componentType, name, from + 1);
                            });
        }

        private static Optional<Class<?>> load(String type) {
            try {
                return Optional.of(
                        Class.forName(type, false, HelmChartTest.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                return Optional.empty();
            }
        }

        /** The property names Spring reads an environment variable as. */
        static Stream<ConfigurationPropertyName> fromEnvironment(String variable) {
            ConfigurationPropertySource source =
                    ConfigurationPropertySource.from(
                            new SystemEnvironmentPropertySource(
                                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                    Map.<String, Object>of(variable, "x")));
            return ((IterableConfigurationPropertySource) source).stream();
        }

        /** Equal as Spring compares names: element by element, case and dashes ignored. */
        static boolean sameName(ConfigurationPropertyName a, ConfigurationPropertyName b) {
            if (a.getNumberOfElements() != b.getNumberOfElements()) {
                return false;
            }
            for (int i = 0; i < a.getNumberOfElements(); i++) {
                if (!a.getElement(i, Form.UNIFORM).equals(b.getElement(i, Form.UNIFORM))) {
                    return false;
                }
            }
            return true;
        }
    }
}
