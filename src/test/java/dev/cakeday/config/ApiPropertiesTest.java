package dev.cakeday.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cakeday.config.ApiProperties.Role;
import dev.cakeday.config.ApiProperties.Token;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ApiPropertiesTest {

    static ApiProperties with(String token, Token... tokens) {
        return new ApiProperties(DataSize.ofKilobytes(64), token, List.of(tokens), true, true);
    }

    @Test
    void theSingleTokenIsOneMoreAdmin() {
        ApiProperties properties = with("old-admin", new Token("ops", "reader-1", Role.READER));
        assertThat(properties.allTokens())
                .extracting(Token::name, Token::role)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ops", Role.READER),
                        org.assertj.core.groups.Tuple.tuple("api-token", Role.ADMIN));
        assertThat(with("").allTokens()).isEmpty();
    }

    @Test
    void aBrokenTokenListNamesTheProperty() {
        assertThatThrownBy(() -> with("", new Token("ops", " ", Role.READER)))
                .hasMessage("cakeday.api.tokens[0].token must be set");
        assertThatThrownBy(
                        () ->
                                with(
                                        "",
                                        new Token("ops", "a", Role.READER),
                                        new Token(null, "b", Role.ADMIN)))
                .hasMessage("cakeday.api.tokens[1].name must be set");
        assertThatThrownBy(() -> with("", new Token("ops", "a", null)))
                .hasMessage("cakeday.api.tokens[0].role must be reader or admin");
        assertThatThrownBy(
                        () ->
                                with(
                                        "",
                                        new Token("ops", "a", Role.READER),
                                        new Token("OPS", "b", Role.ADMIN)))
                .hasMessage("cakeday.api.tokens[1].name repeats the name 'OPS'");
        assertThatThrownBy(
                        () ->
                                with(
                                        "",
                                        new Token("ops", "same", Role.READER),
                                        new Token("ci", "same", Role.ADMIN)))
                .hasMessage("cakeday.api.tokens[1].token repeats the token of another entry");
        assertThatThrownBy(() -> with("same", new Token("ops", "same", Role.READER)))
                .hasMessage("cakeday.api.token repeats a token of cakeday.api.tokens");
    }

    @Test
    void tokensNeverAppearInToString() {
        ApiProperties properties =
                with("old-admin-secret", new Token("ops", "reader-secret", Role.READER));
        assertThat(properties.toString()).doesNotContain("secret").contains("ops", "api-token");
    }
}
