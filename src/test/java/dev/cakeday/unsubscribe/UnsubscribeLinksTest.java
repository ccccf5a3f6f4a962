package dev.cakeday.unsubscribe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.mail.ChannelSettingException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnsubscribeLinksTest {

    static final String OLD_SECRET = "the-secret-before-the-rotation-0123456789";
    static final String NEW_SECRET = "the-secret-after-the-rotation-0123456789";
    static final UUID USER = UUID.fromString("00000000-0000-0000-0000-000000000042");

    static UnsubscribeLinks links(String secret, String previous) {
        return new UnsubscribeLinks(
                new UnsubscribeProperties("https://cakeday.example.com", secret, previous));
    }

    static String token(UnsubscribeLinks links, String scope) {
        return links.link(USER, scope).orElseThrow().getPath().substring("/unsubscribe/".length());
    }

    @Test
    void aTokenNamesItsUserAndScope() {
        UnsubscribeLinks links = links(NEW_SECRET, null);
        assertThat(links.verify(token(links, "BIRTHDAY")))
                .contains(new UnsubscribeRequest(USER, "BIRTHDAY"));
        assertThat(links.verify(token(links, "ALL"))).contains(new UnsubscribeRequest(USER, "ALL"));
    }

    @Test
    void linksInMailboxesKeepWorkingWhileTheSecretIsRotated() {
        String old = token(links(OLD_SECRET, null), "BIRTHDAY");

        assertThat(links(NEW_SECRET, OLD_SECRET).verify(old))
                .contains(new UnsubscribeRequest(USER, "BIRTHDAY"));
        assertThat(links(NEW_SECRET, null).verify(old)).as("once the rotation ends").isEmpty();
        assertThat(token(links(NEW_SECRET, OLD_SECRET), "BIRTHDAY"))
                .as("new links use the new secret")
                .isEqualTo(token(links(NEW_SECRET, null), "BIRTHDAY"));
    }

    @Test
    void withoutSettingsThereAreNoLinksAndNoTokenVerifies() {
        UnsubscribeLinks off = new UnsubscribeLinks(new UnsubscribeProperties(null, null, null));
        assertThat(off.link(USER, "BIRTHDAY")).isEmpty();
        assertThat(off.verify(token(links(NEW_SECRET, null), "BIRTHDAY"))).isEmpty();
    }

    @Test
    void aTrailingSlashOfTheBaseUrlIsNotDoubled() {
        UnsubscribeLinks links =
                new UnsubscribeLinks(
                        new UnsubscribeProperties(
                                "https://example.com/cakeday/", NEW_SECRET, null));
        assertThat(links.link(USER, "ALL").orElseThrow().toString())
                .startsWith("https://example.com/cakeday/unsubscribe/");
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "null",
            delimiter = '|',
            value = {
                "https://cakeday.example.com | null | cakeday.mail.unsubscribe.secret is required",
                "null | " + NEW_SECRET + " | cakeday.mail.unsubscribe.base-url is required",
                "https://cakeday.example.com | short-secret | cakeday.mail.unsubscribe.secret must be at least 32",
                "cakeday.example.com | "
                        + NEW_SECRET
                        + " | cakeday.mail.unsubscribe.base-url must be",
                "ftp://cakeday.example.com | "
                        + NEW_SECRET
                        + " | cakeday.mail.unsubscribe.base-url must be",
                "https://cakeday.example.com/?x=1 | "
                        + NEW_SECRET
                        + " | cakeday.mail.unsubscribe.base-url must be",
            })
    void aHalfOrWrongSettingStopsTheStartNamingThePropertyNotTheSecret(
            String baseUrl, String secret, String message) {
        assertThatThrownBy(
                        () ->
                                new UnsubscribeLinks(
                                        new UnsubscribeProperties(baseUrl, secret, null)))
                .isInstanceOf(ChannelSettingException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("short-secret")
                .hasMessageNotContaining(NEW_SECRET);
    }

    @Test
    void aShortPreviousSecretStopsTheStartToo() {
        assertThatThrownBy(() -> links(NEW_SECRET, "short"))
                .hasMessageStartingWith("cakeday.mail.unsubscribe.previous-secret must be");
    }
}
