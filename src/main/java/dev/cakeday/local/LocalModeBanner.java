package dev.cakeday.local;

import dev.cakeday.mail.MailProperties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Says loudly, once started, that this is the local mode and what that means. */
@Component
@Profile("local")
class LocalModeBanner implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(LocalModeBanner.class);
    private static final String RULE = "=".repeat(78);

    private final ObjectProvider<LocalDatabase.Started> embedded;
    private final MailProperties mail;
    private final DataSource dataSource;
    private final Environment environment;

    LocalModeBanner(
            ObjectProvider<LocalDatabase.Started> embedded,
            MailProperties mail,
            DataSource dataSource,
            Environment environment) {
        this.embedded = embedded;
        this.mail = mail;
        this.dataSource = dataSource;
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        String api = "http://localhost:" + environment.getProperty("local.server.port", "8080");
        LocalDatabase.Started started = embedded.getIfAvailable();
        String database =
                started == null
                        ? "spring.datasource.url ("
                                + redacted(environment.getProperty("spring.datasource.url"))
                                + ")"
                        : "embedded PostgreSQL "
                                + serverVersion()
                                + " at "
                                + redacted(started.jdbcUrl())
                                + "\n   data in "
                                + started.dataDir()
                                + " (kept across restarts; delete it to start afresh)";
        String channel =
                mail.provider() == MailProperties.Provider.OUTBOX
                        ? "outbox: greetings reach nobody; see them at "
                                + api
                                + "/outbox and in this log"
                        : mail.provider().name().toLowerCase()
                                + " at "
                                + redacted(mail.baseUrl().toString());
        log.warn(
                "\n{}\n Cakeday in LOCAL MODE: for trying it out on this machine, not for production\n"
                        + " Database: {}\n Channel:  {}\n API:      {}\n{}",
                RULE,
                database,
                channel,
                api,
                RULE);
    }

    // A URL's query (JDBC's ?password=) or user part (user:secret@) may carry a password.
    static String redacted(String url) {
        String shown = url.replaceFirst("//[^/@?]*@", "//");
        int query = shown.indexOf('?');
        return query < 0 ? shown : shown.substring(0, query);
    }

    private String serverVersion() {
        return JdbcClient.create(dataSource)
                .sql("SHOW server_version")
                .query(String.class)
                .single();
    }
}
