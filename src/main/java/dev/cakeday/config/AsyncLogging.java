package dev.cakeday.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Moves the writing of log lines off the threads that log them: once Spring Boot has configured
 * Logback (console, file, structured format, as its properties say), the root logger's appenders
 * are each put behind a Logback {@link AsyncAppender}. A sending thread then only queues its event;
 * the formatting and the write to stdout, which the sending threads would otherwise take turns at
 * under the console's lock, happen on the appender's own thread.
 *
 * <p>Nothing is dropped: a full queue makes the logging thread wait (as a synchronous appender
 * would) instead of discarding INFO lines, since operators and tests read the outcome lines. On a
 * shutdown, Boot's logging shutdown hook stops the context, which writes out what is queued.
 */
public class AsyncLogging
        implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    /** The asynchronous appender of CONSOLE is ASYNC-CONSOLE. */
    static final String PREFIX = "ASYNC-";

    static final int QUEUE_SIZE = 8192;
    static final int FLUSH_MILLIS = 10_000;

    /** Off (false) keeps Boot's synchronous appenders. */
    static final String PROPERTY = "cakeday.logging.async";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (event.getEnvironment().getProperty(PROPERTY, Boolean.class, true)
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            wrapRootAppenders(context);
        }
    }

    /**
     * Puts each of the root logger's appenders (the console, and a file when logging.file.name is
     * set) behind an asynchronous appender of its own, as one takes a single appender; does nothing
     * twice.
     */
    static void wrapRootAppenders(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            Appender<ILoggingEvent> appender = it.next();
            if (appender instanceof AsyncAppender) {
                return;
            }
            appenders.add(appender);
        }
        for (Appender<ILoggingEvent> appender : appenders) {
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName(PREFIX + appender.getName());
            async.setQueueSize(QUEUE_SIZE);
            async.setDiscardingThreshold(0);
            async.setNeverBlock(false);
            // At shutdown the queue is written out for up to this long (Logback's default: 1 s),
            // well within the stop timeouts of ops/ (75 s and more).
            async.setMaxFlushTime(FLUSH_MILLIS);
            async.addAppender(appender);
            async.start();
            root.addAppender(async);
            root.detachAppender(appender);
        }
    }

    @Override
    public int getOrder() {
        // Right after Boot's own listener has (re)configured Logback.
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }
}
