package dev.cakeday.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every test that runs the application. All share one Spring context (one scheduler per
 * database, as in production) on the run's fresh PostgreSQL database, a {@link TestClock} the tests
 * move instead of sleeping, and a {@link FakeProvider} as the email API.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "db-scheduler.polling-interval=100ms",
            "cakeday.mail.read-timeout=1s",
            "spring.datasource.hikari.connection-timeout=2000",
            "cakeday.mail.unsubscribe.base-url=https://cakeday.example.com/",
            "cakeday.mail.unsubscribe.secret=" + IntegrationTest.UNSUBSCRIBE_SECRET
        })
@Import(TestClockConfig.class)
public abstract class IntegrationTest {

    public static final String UNSUBSCRIBE_SECRET = "unsubscribe-secret-of-the-tests-0123456789";

    protected static final TestClock CLOCK = new TestClock();
    protected static final FakeProvider PROVIDER = new FakeProvider(CLOCK);

    /** Between the application and its database, so that a test can take the database away. */
    protected static final TcpProxy DATABASE_LINK =
            new TcpProxy(TestDatabase.get().host(), TestDatabase.get().port());

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        TestDatabase db = TestDatabase.get();
        registry.add("spring.datasource.url", () -> db.urlVia(DATABASE_LINK));
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        registry.add("cakeday.mail.base-url", PROVIDER::baseUrl);
    }

    /** Waits (in real time) until the condition holds; fails after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
