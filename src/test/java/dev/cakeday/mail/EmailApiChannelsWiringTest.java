package dev.cakeday.mail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cakeday.mail.postmark.PostmarkChannel;
import dev.cakeday.mail.postmark.PostmarkProperties;
import dev.cakeday.mail.resend.ResendChannel;
import dev.cakeday.mail.resend.ResendProperties;
import dev.cakeday.mail.sendgrid.SendGridChannel;
import dev.cakeday.mail.sendgrid.SendGridProperties;
import dev.cakeday.mail.smtp.SmtpChannel;
import dev.cakeday.mail.webhook.WebhookChannel;
import dev.cakeday.mail.webhook.WebhookProperties;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code cakeday.mail.provider} chooses one of the email API channels, bound to its settings; a
 * missing credential stops the start with the property named.
 */
class EmailApiChannelsWiringTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({
        MailProperties.class,
        ResendProperties.class,
        PostmarkProperties.class,
        SendGridProperties.class,
        WebhookProperties.class
    })
    static class Settings {

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().build();
        }

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }
    }

    final ApplicationContextRunner context =
            new ApplicationContextRunner()
                    .withUserConfiguration(
                            Settings.class,
                            // Every channel, so that one answering another's name would show.
                            ProviderClient.class,
                            OutboxChannel.class,
                            SmtpChannel.class,
                            WebhookChannel.class,
                            ResendChannel.class,
                            PostmarkChannel.class,
                            SendGridChannel.class)
                    .withPropertyValues("cakeday.mail.from=greetings@example.com");

    @ParameterizedTest
    @CsvSource({
        "resend, cakeday.mail.resend.api-key, dev.cakeday.mail.resend.ResendChannel",
        "postmark, cakeday.mail.postmark.server-token, dev.cakeday.mail.postmark.PostmarkChannel",
        "sendgrid, cakeday.mail.sendgrid.api-key, dev.cakeday.mail.sendgrid.SendGridChannel",
    })
    void theChosenProviderIsTheOnlyChannel(String provider, String credential, Class<?> channel) {
        context.withPropertyValues(
                        "cakeday.mail.provider=" + provider, credential + "=secret-credential")
                .run(
                        started -> {
                            assertThat(started).hasSingleBean(Channel.class);
                            assertThat(started.getBean(Channel.class)).isInstanceOf(channel);
                        });
    }

    @ParameterizedTest
    @CsvSource({
        "resend, cakeday.mail.resend.api-key",
        "postmark, cakeday.mail.postmark.server-token",
        "sendgrid, cakeday.mail.sendgrid.api-key",
    })
    void aMissingCredentialStopsTheStartNamingIt(String provider, String credential) {
        context.withPropertyValues("cakeday.mail.provider=" + provider)
                .run(
                        started -> {
                            assertThat(started).hasFailed();
                            assertThat(started.getStartupFailure())
                                    .rootCause()
                                    .isInstanceOfSatisfying(
                                            ChannelSettingException.class,
                                            e -> assertThat(e.property()).isEqualTo(credential))
                                    .hasMessage(
                                            credential
                                                    + " is required (cakeday.mail.provider="
                                                    + provider
                                                    + ")");
                        });
    }

    @ParameterizedTest
    @CsvSource({
        "resend, cakeday.mail.resend.api-key",
        "postmark, cakeday.mail.postmark.server-token",
        "sendgrid, cakeday.mail.sendgrid.api-key",
    })
    void aCredentialWithAPastedCharacterStopsTheStartWithoutRepeatingIt(
            String provider, String credential) {
        for (String pasted : new String[] {"tok\u00e9secret", "token\u200bsecret", "tok secret"}) {
            context.withPropertyValues(
                            "cakeday.mail.provider=" + provider, credential + "=" + pasted)
                    .run(
                            started -> {
                                assertThat(started).hasFailed();
                                assertThat(started.getStartupFailure())
                                        .rootCause()
                                        .isInstanceOfSatisfying(
                                                ChannelSettingException.class,
                                                e -> assertThat(e.property()).isEqualTo(credential))
                                        .message()
                                        .contains("printable ASCII")
                                        .doesNotContain("secret");
                            });
        }
    }

    @ParameterizedTest
    @CsvSource({
        "resend, cakeday.mail.resend.api-key",
        "postmark, cakeday.mail.postmark.server-token",
        "sendgrid, cakeday.mail.sendgrid.api-key",
    })
    void aBaseUrlThatIsNoHttpUrlStopsTheStartNamingIt(String provider, String credential) {
        String baseUrl = "cakeday.mail." + provider + ".base-url";
        context.withPropertyValues(
                        "cakeday.mail.provider=" + provider,
                        credential + "=key",
                        baseUrl + "=api.example.com/v1")
                .run(
                        started -> {
                            assertThat(started).hasFailed();
                            assertThat(started.getStartupFailure())
                                    .rootCause()
                                    .isInstanceOfSatisfying(
                                            ChannelSettingException.class,
                                            e -> assertThat(e.property()).isEqualTo(baseUrl));
                        });
    }

    @Test
    void theSettingsOfAChannelNotChosenAreNotChecked() {
        context.withPropertyValues(
                        "cakeday.mail.provider=resend",
                        "cakeday.mail.resend.api-key=key",
                        "cakeday.mail.sendgrid.base-url=::: not a url",
                        "cakeday.mail.postmark.server-token=tok\u00e9n")
                .run(started -> assertThat(started).hasNotFailed().hasSingleBean(Channel.class));
    }
}
