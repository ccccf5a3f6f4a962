package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

/**
 * Log lines are written off the thread that logs them, and none is lost: each of Boot's appenders
 * ends up behind an asynchronous appender of its own that blocks rather than discards.
 */
class AsyncLoggingTest {

    /** Records each line with the thread that wrote it. */
    static final class Recording extends AppenderBase<ILoggingEvent> {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<String> writers = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;

        @Override
        protected void append(ILoggingEvent event) {
            if (hold) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            lines.add(event.getThreadName() + " " + event.getFormattedMessage());
            writers.add(Thread.currentThread().getName());
        }
    }

    @Test
    void theRootsAppendersWriteOnAThreadOfTheirOwn() {
        LoggerContext context = started();
        Recording console = start(context, "CONSOLE");
        Recording file = start(context, "FILE");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        root.addAppender(file);

        AsyncLogging.wrapRootAppenders(context);
        AsyncLogging.wrapRootAppenders(context);

        assertThat(appenders(root))
                .hasSize(2)
                .allSatisfy(appender -> assertThat(appender).isInstanceOf(AsyncAppender.class));
        for (Recording wrapped : List.of(console, file)) {
            AsyncAppender async =
                    (AsyncAppender) root.getAppender(AsyncLogging.PREFIX + wrapped.getName());
            assertThat(async.getAppender(wrapped.getName())).isSameAs(wrapped);
            assertThat(async.isNeverBlock()).isFalse();
            assertThat(async.getDiscardingThreshold()).isZero();
            assertThat(async.getMaxFlushTime()).isEqualTo(AsyncLogging.FLUSH_MILLIS);
            assertThat(async.isIncludeCallerData()).as("README: %L and %M print ?").isFalse();
        }

        String caller = Thread.currentThread().getName();
        root.info("greeting={} outcome=SENT", "g-1");
        context.stop();

        for (Recording wrapped : List.of(console, file)) {
            assertThat(wrapped.lines).containsExactly(caller + " greeting=g-1 outcome=SENT");
            assertThat(wrapped.writers).singleElement().isNotEqualTo(caller);
        }
    }

    @Test
    void aFullQueueMakesTheLoggerWaitInsteadOfDroppingLines() throws InterruptedException {
        LoggerContext context = started();
        Recording console = start(context, "CONSOLE");
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(console);
        AsyncLogging.wrapRootAppenders(context);

        console.hold = true;
        int lines = AsyncLogging.QUEUE_SIZE * 2;
        Thread logging =
                new Thread(
                        () -> {
                            for (int i = 0; i < lines; i++) {
                                root.info("line {}", i);
                            }
                        });
        logging.start();
        logging.join(2_000);
        assertThat(logging.isAlive()).as("the logging thread waits for room in the queue").isTrue();
        console.hold = false;
        console.release.countDown();
        logging.join(10_000);
        context.stop();

        assertThat(console.lines).hasSize(lines);
    }

    @Test
    void theApplicationsListenerIsRegisteredToRunAfterBootConfiguredLogging() {
        assertThat(new AsyncLogging().getOrder())
                .as("after Boot's listener, whose reset would otherwise undo the wrapping")
                .isGreaterThan(LoggingApplicationListener.DEFAULT_ORDER);
        assertThat(
                        SpringFactoriesLoader.forDefaultResourceLocation()
                                .load(ApplicationListener.class))
                .hasAtLeastOneElementOfType(AsyncLogging.class);
    }

    @Test
    void offItLeavesBootsAppendersAsTheyAre() {
        // This JVM's tests run with the property off (pom.xml), as an operator may set it.
        MockEnvironment environment =
                new MockEnvironment().withProperty(AsyncLogging.PROPERTY, "false");
        Logger root =
                ((LoggerContext) LoggerFactory.getILoggerFactory())
                        .getLogger(Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> before = appenders(root);

        new AsyncLogging()
                .onApplicationEvent(
                        new ApplicationEnvironmentPreparedEvent(
                                new DefaultBootstrapContext(),
                                new SpringApplication(),
                                new String[0],
                                environment));

        assertThat(appenders(root))
                .containsExactlyElementsOf(before)
                .noneMatch(appender -> appender instanceof AsyncAppender);
    }

    private static LoggerContext started() {
        LoggerContext context = new LoggerContext();
        // As SLF4J's provider sets up the application's context: the queued event copies the MDC.
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        return context;
    }

    private static Recording start(LoggerContext context, String name) {
        Recording appender = new Recording();
        appender.setContext(context);
        appender.setName(name);
        appender.start();
        return appender;
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> all = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            all.add(it.next());
        }
        return all;
    }
}
