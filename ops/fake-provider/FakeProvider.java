import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the email provider, for local stacks, demos, benchmarks and fault tests. One file,
 * JDK only: run it with {@code java ops/fake-provider/FakeProvider.java [--port=9090]}.
 *
 * <p>{@code POST /send-email} answers like the real API (200 with a messageId after 50–200 ms; 400
 * for an address without '@') and, on command, fails a share of calls with 500, hangs a share past
 * the client's timeout and then delivers anyway, answers 429 with Retry-After, or is in maintenance
 * (503). {@code POST /config?failRate=0.2&hangRate=0.05&hangMs=15000&tooManyRate=0&retryAfter=60
 * &maintenance=false&minLatencyMs=50&maxLatencyMs=200} changes that at run time (also settable as
 * --failRate=0.2 and so on at start). {@code GET /stats} reports calls and deliveries, per
 * Idempotency-Key and per (email, message), duplicates included; {@code POST /reset} clears them.
 */
public class FakeProvider {

    private static final Pattern FIELD = Pattern.compile("\"(email|message)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Double> settings = new ConcurrentHashMap<>(Map.of(
            "failRate", 0.0, "hangRate", 0.0, "hangMs", 15_000.0, "tooManyRate", 0.0, "retryAfter", 60.0,
            "maintenance", 0.0, "minLatencyMs", 50.0, "maxLatencyMs", 200.0));
    private final AtomicLong calls = new AtomicLong();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deliveriesByKey = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Boolean>> keysByMessage = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();

    public static void main(String[] args) throws IOException {
        // Without it, every keep-alive answer waits for Nagle's algorithm: about 40 ms per call.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The JDK's HttpServer closes idle keep-alive connections beyond 200, at once: three instances
        // keeping 200 each (cakeday.mail.max-idle-connections) would then meet connections it had closed.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "1000");
        FakeProvider provider = new FakeProvider();
        int port = 9090;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--") && arg.contains("=")) {
                provider.set(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 512);
        server.setExecutor(Executors.newFixedThreadPool(256));
        server.createContext("/send-email", provider::send);
        server.createContext("/config", provider::config);
        server.createContext("/stats", provider::stats);
        server.createContext("/reset", provider::reset);
        server.start();
        System.out.println("fake provider listening on " + server.getAddress().getPort() + " " + provider.settings);
    }

    private void set(String name, String value) {
        if (!settings.containsKey(name)) {
            throw new IllegalArgumentException("unknown setting " + name + "; known: " + settings.keySet());
        }
        settings.put(name, "true".equals(value) ? 1.0 : "false".equals(value) ? 0.0 : Double.parseDouble(value));
    }

    private void send(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, "{\"error\":\"POST only\"}");
            return;
        }
        calls.incrementAndGet();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(body);
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2));
        }
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        ThreadLocalRandom random = ThreadLocalRandom.current();
        sleep((long) (settings.get("minLatencyMs")
                + random.nextDouble() * Math.max(0, settings.get("maxLatencyMs") - settings.get("minLatencyMs"))));
        if (settings.get("maintenance") > 0) {
            respond(exchange, 503, "{\"error\":\"maintenance\"}");
        } else if (!fields.containsKey("email") || !fields.containsKey("message") || !fields.get("email").contains("@")) {
            respond(exchange, 400, "{\"error\":\"invalid email address\"}");
        } else if (random.nextDouble() < settings.get("tooManyRate")) {
            exchange.getResponseHeaders().add("Retry-After", String.valueOf(settings.get("retryAfter").longValue()));
            respond(exchange, 429, "{\"error\":\"rate limited\"}");
        } else if (random.nextDouble() < settings.get("failRate")) {
            respond(exchange, 500, "{\"error\":\"internal error\"}");
        } else {
            if (random.nextDouble() < settings.get("hangRate")) {
                sleep(settings.get("hangMs").longValue());
            }
            // Delivered, whether or not the client is still listening, as a real provider would.
            long id = delivered.incrementAndGet();
            deliveriesByKey.computeIfAbsent(String.valueOf(key), k -> new AtomicLong()).incrementAndGet();
            keysByMessage.computeIfAbsent(fields.get("email") + "\n" + fields.get("message"),
                    m -> new ConcurrentHashMap<>()).put(String.valueOf(key), true);
            respond(exchange, 200, "{\"success\":true,\"messageId\":\"msg-" + id + "\"}");
        }
    }

    private void config(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        try {
            if (query != null) {
                for (String pair : query.split("&")) {
                    String[] kv = pair.split("=", 2);
                    set(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "true");
                }
            }
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
            return;
        }
        StringBuilder json = new StringBuilder("{");
        settings.forEach((name, value) -> json.append('"').append(name).append("\":").append(value).append(','));
        json.setCharAt(json.length() - 1, '}');
        respond(exchange, 200, json.toString());
    }

    private void stats(HttpExchange exchange) throws IOException {
        long repeatedKeys = deliveriesByKey.values().stream().filter(n -> n.get() > 1).count();
        long repeatedDeliveries = deliveriesByKey.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
        long underTwoKeys = keysByMessage.values().stream().filter(keys -> keys.size() > 1).count();
        StringBuilder statuses = new StringBuilder("{");
        byStatus.forEach((status, n) -> statuses.append('"').append(status).append("\":").append(n.get()).append(','));
        if (statuses.length() > 1) {
            statuses.setLength(statuses.length() - 1);
        }
        statuses.append('}');
        respond(exchange, 200, "{\"calls\":" + calls.get() + ",\"delivered\":" + delivered.get()
                + ",\"byStatus\":" + statuses + ",\"distinctKeys\":" + deliveriesByKey.size()
                + ",\"keysDeliveredMoreThanOnce\":" + repeatedKeys + ",\"repeatedDeliveriesUnderOneKey\":"
                + repeatedDeliveries + ",\"messagesDeliveredUnderTwoKeys\":" + underTwoKeys + "}");
    }

    private void reset(HttpExchange exchange) throws IOException {
        calls.set(0);
        delivered.set(0);
        byStatus.clear();
        deliveriesByKey.clear();
        keysByMessage.clear();
        respond(exchange, 200, "{\"reset\":true}");
    }

    private void respond(HttpExchange exchange, int status, String json) throws IOException {
        if (exchange.getRequestURI().getPath().equals("/send-email")) {
            byStatus.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (a hang past its timeout): the outcome stands all the same
        } finally {
            exchange.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
